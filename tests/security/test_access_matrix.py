"""Who may do what: every route × method × role of `app.url_map` against the table below.

Adding a route without a row fails `test_every_route_has_a_row`; a row for a route that is gone fails too.

How to read and extend ACCESS: one entry per endpoint; per method, six outcomes in the column order of
ROLES (anonymous, student A, student B, instructor of course 1, instructor of another course, admin).
URL parameters point at student A's records in course 1 (see PARAM_DEFAULTS / ROUTE_ARGS in conftest.py),
so "404" for student B means "A's record is hidden from B". Outcomes:

    200, 302, 403, 404, …  exactly that status
    login                  302 to the login page
    ok                     allowed: anything but 401, 403, 404 and 5xx (used for POSTs, whose result
                           depends on the body; BODIES gives one that reaches the view's logic)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from app import create_app
from tests.security.conftest import (
    ROLES,
    World,
    app_rules,
    client_for,
    route_methods,
    url_for_rule,
)

# fmt: off
#      role →                                anon   A      B      teacher other  admin
ACCESS: dict[str, dict[str, str]] = {
    # public pages
    "main.index": {"GET": "                  200    302    302    302    302    302"},
    "main.healthz": {"GET": "                200    200    200    200    200    200"},
    "main.favicon": {"GET": "                301    301    301    301    301    301"},
    "main.readyz": {"GET": "                 200    200    200    200    200    200"},
    "static": {"GET": "                      200    200    200    200    200    200"},
    "auth.login": {"GET": "                  200    302    302    302    302    302",
                   "POST": "                 ok     302    302    302    302    302"},
    "auth.register": {"GET": "               200    302    302    302    302    302",
                      "POST": "              ok     302    302    302    302    302"},
    "auth.logout": {"POST": "                login  ok     ok     ok     ok     ok"},
    # every signed-in user
    "main.dashboard": {"GET": "              login  200    200    200    200    200"},
    "account.data": {"GET": "                login  200    200    200    200    200"},
    "auth.account": {"GET": "                login  200    200    200    200    200",
                     "POST": "               login  ok     ok     ok     ok     ok"},
    "articles.library": {"GET": "            login  200    200    200    200    200"},
    "articles.reader": {"GET": "             login  200    200    200    200    200"},
    "courses.index": {"GET": "               login  200    200    200    200    200"},
    "courses.join": {"POST": "               login  ok     ok     ok     ok     ok"},
    "quizzes.index": {"GET": "               login  200    200    200    200    200"},
    "grades.mine": {"GET": "                 login  200    200    200    200    200"},
    "quizzes.practice": {"GET": "            login  200    200    200    200    200",
                         "POST": "           login  ok     ok     ok     ok     ok"},
    "study.decks": {"GET": "                 login  200    200    200    200    200"},
    "study.article": {"GET": "               login  200    200    200    200    200"},
    "study.topic": {"GET": "                 login  200    200    200    200    200"},
    "study.settings": {"GET": "              login  200    200    200    200    200",
                       "POST": "             login  ok     ok     ok     ok     ok"},
    "study.my_stats": {"GET": "              login  200    200    200    200    200"},
    "study.optimise": {"POST": "             login  ok     ok     ok     ok     ok"},  # 422: too few reviews
    "study.undo": {"POST": "                 login  ok     ok     ok     ok     ok"},
    "study.start": {"POST": "                login  ok     ok     ok     ok     ok"},
    # course 1: its members and the admin
    "courses.show": {"GET": "                login  200    200    200    403    200"},
    "study.course": {"GET": "                login  200    200    200    403    200"},
    "quizzes.show": {"GET": "                login  200    200    200    403    200"},
    "quizzes.start": {"POST": "              login  ok     ok     ok     403    ok"},
    # student A's own records: everyone else gets 404 (the id reveals nothing)
    "study.index": {"GET": "                 login  200    404    404    404    404"},  # ?card=A's card
    "study.next_json": {"GET": "             login  200    404    404    404    404"},  # ?after=A's card
    "study.review": {"POST": "               login  ok     404    404    404    404"},  # grades A's card
    "quizzes.attempt": {"GET": "             login  200    404    404    404    404"},
    "quizzes.post_attempt": {"POST": "       login  ok     404    404    404    404"},
    "quizzes.save": {"POST": "               login  ok     404    404    404    404"},
    "quizzes.flag": {"POST": "               login  ok     404    404    404    404"},
    "quizzes.close": {"POST": "              login  ok     404    404    404    404"},
    "quizzes.summary": {"GET": "             login  200    404    404    404    404"},
    "quizzes.practice_attempt": {"GET": "    login  200    404    404    404    404"},
    "quizzes.practice_answer": {"POST": "    login  ok     404    404    404    404"},
    "jobs.index": {"GET": "                  login  200    200    200    200    200"},  # one's own jobs
    "jobs.start_backup": {"POST": "          login  403    403    403    403    ok"},  # JSON backup: admin
    # A's job (a finished one with a file): A and the admin only
    "jobs.show": {"GET": "                   login  200    404    404    404    200"},
    "jobs.status_json": {"GET": "            login  200    404    404    404    200"},
    "jobs.download": {"GET": "               login  200    404    404    404    200"},
    # A's finished attempt: A, and the course's teachers
    "quizzes.review": {"GET": "              login  200    404    200    404    200"},
    # course 1's teaching pages: its instructors and the admin
    "quizzes.edit": {"GET": "                login  403    403    200    403    200",
                     "POST": "               login  403    403    ok     403    ok"},
    "quizzes.add_items": {"POST": "          login  403    403    ok     403    ok"},
    "quizzes.add_draw": {"POST": "           login  403    403    ok     403    ok"},
    "quizzes.change_item": {"POST": "        login  403    403    ok     403    ok"},
    "quizzes.gradebook": {"GET": "           login  403    403    200    403    200"},
    "quizzes.grades_csv": {"GET": "          login  403    403    200    403    200"},
    "quizzes.analysis": {"GET": "            login  403    403    200    403    200"},
    "quizzes.grading": {"GET": "             login  403    403    200    403    200"},
    "quizzes.grade": {"POST": "              login  403    403    ok     403    ok"},
    "quizzes.preview": {"POST": "            login  403    403    ok     403    ok"},
    "quizzes.set_override": {"POST": "       login  403    403    ok     403    ok"},
    # no override for A on the quiz: its teachers get 404, everyone else is refused first
    "quizzes.delete_override": {"POST": "    login  403    403    404    403    404"},
    "gradebook.course": {"GET": "            login  403    403    200    403    200"},
    "gradebook.course_csv": {"GET": "        login  403    403    200    403    200"},
    "courses.edit": {"GET": "                login  403    403    200    403    200",
                     "POST": "               login  403    403    ok     403    ok"},
    "courses.regenerate_code": {"POST": "    login  403    403    ok     403    ok"},
    "courses.archive": {"POST": "            login  403    403    ok     403    ok"},  # empty body: unarchive
    # user_id is the other course's instructor, not a student here: 404 once access is granted
    "courses.remove_student": {"POST": "     login  403    403    404    403    404"},
    "study.course_stats": {"GET": "          login  403    403    200    403    200"},
    "study.refresh_course_stats": {"POST": " login  403    403    ok     403    ok"},
    "exports.index": {"GET": "               login  403    403    200    403    200"},  # ?scope=quiz (course 1)
    "exports.download": {"GET": "            login  403    403    200    403    200"},  # ?scope=quiz (course 1)
    # every instructor: the shared article library and question bank
    "articles.add": {"GET": "                login  403    403    200    200    200",
                     "POST": "               login  403    403    ok     ok     ok"},
    "articles.generate": {"POST": "          login  403    403    ok     ok     ok"},
    "articles.generate_all": {"POST": "      login  403    403    ok     ok     ok"},  # a job
    "courses.create": {"GET": "              login  403    403    200    200    200",
                       "POST": "             login  403    403    ok     ok     ok"},
    "quizzes.create": {"GET": "              login  403    403    200    200    200",
                       "POST": "             login  403    403    ok     ok     ok"},
    "exports.import_upload": {"POST": "      login  403    403    ok     ok     ok"},
    "exports.start_job": {"POST": "          login  403    403    ok     ok     ok"},  # whole-bank export job
    "bank.index": {"GET": "                  login  403    403    200    200    200"},
    "bank.review": {"GET": "                 login  403    403    200    200    200"},
    "bank.decide": {"POST": "                login  403    403    ok     ok     ok"},
    "bank.new": {"GET": "                    login  403    403    200    200    200",
                 "POST": "                   login  403    403    ok     ok     ok"},
    "bank.edit": {"GET": "                   login  403    403    200    200    200",
                  "POST": "                  login  403    403    ok     ok     ok"},
    "bank.history": {"GET": "                login  403    403    200    200    200"},
    # LTI: the endpoints an LMS calls (a bare request lacks the launch's parameters: 400 with a message)
    "lti.jwks": {"GET": "                    200    200    200    200    200    200"},
    "lti.dynamic_registration": {"GET": "    200    200    200    200    200    200"},
    "lti.login": {"GET": "                   ok     ok     ok     ok     ok     ok",  # 400: no iss
                  "POST": "                  400    400    400    400    400    400"},
    "lti.launch": {"POST": "                 400    400    400    400    400    400"},
    "lti.deep_link": {"GET": "               login  403    403    ok     ok     ok",  # 400: launch expired
                      "POST": "              login  403    403    ok     ok     ok"},
    # LTI: a course's LMS link, scores and roster (course 1 is not linked: a page that says so)
    "lti.course_status": {"GET": "           login  403    403    200    403    200"},
    "lti.sync_roster": {"POST": "            login  403    403    ok     403    ok"},
    "lti.resend": {"POST": "                 login  403    403    ok     403    ok"},
    # LTI: platforms and tool keys, the admin only
    "lti.platforms": {"GET": "               login  403    403    403    403    200",
                      "POST": "              login  403    403    403    403    ok"},
    "lti.delete_platform": {"POST": "        login  403    403    403    403    ok"},
    "lti.rotate_key": {"POST": "             login  403    403    403    403    ok"},
}
# fmt: on

# Bodies for POSTs that need one to reach the view's logic (others get an empty form).
BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "quizzes.save": lambda w: {"json": {"question_id": w.questions["short"].id, "answer": "a", "seq": 50}},
    "quizzes.post_attempt": lambda w: {"data": {"save": "1"}},
    "quizzes.flag": lambda w: {"json": {"question_id": w.questions["short"].id, "flagged": True}},
    "quizzes.close": lambda w: {"json": {}},
    "quizzes.practice_answer": lambda w: {"data": {"question_id": w.practice.layout[0]["question_id"]}},
    "quizzes.change_item": lambda w: {"data": {"action": "up"}},
    "quizzes.grade": lambda w: {"data": {"points": "1", "comment": "Checked by hand."}},
    "quizzes.set_override": lambda w: {"data": {"student": w.user("student_a").id, "extra_attempts": "1"}},
    "study.review": lambda w: {
        "data": {"card_id": w.card.id, "rating": "3", "request_id": uuid.uuid4().hex, "deck": "all"}
    },
}

# Endpoints that exist only when the app is configured for them (not in the tests' app).
CONFIG_ONLY = {"bench": "BENCH_ENDPOINTS"}


def expected(endpoint: str, method: str) -> dict[str, str]:
    tokens = ACCESS[endpoint][method].split()
    assert len(tokens) == len(ROLES), f"{endpoint} {method}: {len(tokens)} outcomes for {len(ROLES)} roles"
    return dict(zip(ROLES, tokens, strict=True))


def matches(outcome: str, response) -> bool:
    status = response.status_code
    if outcome == "login":
        return status == 302 and response.headers["Location"].startswith("/login")
    if outcome == "ok":
        return status < 500 and status not in (401, 403, 404)
    return status == int(outcome)


def test_every_route_has_a_row(bare_app):
    routes = {(rule.endpoint, method) for rule in app_rules(bare_app) for method in route_methods(rule)}
    rows = {(endpoint, method) for endpoint, methods in ACCESS.items() for method in methods}
    missing = sorted(routes - rows)
    stale = sorted(rows - routes)
    assert not missing, f"routes without a row in ACCESS (add one): {missing}"
    assert not stale, f"rows in ACCESS for routes that no longer exist (remove them): {stale}"
    for endpoint, method in rows:
        expected(endpoint, method)  # six well-formed outcomes


def _checks(app) -> list[tuple[Any, str]]:
    """(rule, method) pairs: every GET first, then the POSTs, logout last (it ends the session)."""
    pairs = [(rule, method) for rule in app_rules(app) for method in route_methods(rule)]
    return sorted(pairs, key=lambda p: (p[1] != "GET", p[0].endpoint == "auth.logout", p[0].endpoint))


def test_access_matrix(app, world):
    failures = []
    clients = {role: client_for(app, world.user(role)) for role in ROLES}
    for rule, method in _checks(app):
        outcomes = expected(rule.endpoint, method)
        url = url_for_rule(rule, world)
        body = BODIES.get(rule.endpoint, lambda w: {"data": {}})(world) if method != "GET" else {}
        for role, outcome in outcomes.items():
            response = clients[role].open(url, method=method, **body)
            if not matches(outcome, response):
                where = response.headers.get("Location", "")
                failures.append(
                    f"{method} {url} as {role}: expected {outcome}, got {response.status_code} {where}".rstrip()
                )
    assert not failures, "access matrix mismatches:\n" + "\n".join(failures)


def test_config_only_routes_are_absent_from_the_tests_app(bare_app):
    for blueprint in CONFIG_ONLY:
        assert not [r.rule for r in bare_app.url_map.iter_rules() if r.endpoint.startswith(f"{blueprint}.")]
        anon = client_for(bare_app, None)
        assert anon.get(f"/{blueprint}/hello").status_code == 404
        assert anon.post(f"/{blueprint}/insert").status_code == 404


def test_bench_routes_with_the_flag_are_only_the_known_ones():
    """With BENCH_ENDPOINTS the bench blueprint appears; nothing else changes, and it is only the baselines."""
    bench = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "BENCH_ENDPOINTS": True})
    endpoints = {r.endpoint for r in bench.url_map.iter_rules()}
    assert {e for e in endpoints if e.startswith("bench.")} == {"bench.hello", "bench.insert", "bench.ready"}
    assert {e for e in endpoints if not e.startswith("bench.")} == set(ACCESS)


# ---------------------------------------------------------------------------------------------- per record


def _normalised(response) -> str:
    """A page with what legitimately differs between two users removed: names, tokens, request ids."""
    import re

    text = response.get_data(as_text=True)
    text = re.sub(r'(name="csrf-token" content|name="csrf_token" value)="[^"]*"', r"\1", text)
    text = re.sub(r"\b[0-9a-f]{32}\b", "ID", text)
    text = re.sub(r'(card-id="|name="card_id" value="|"id": )\d+', r"\1N", text)  # each student's own rows
    text = re.sub(r'name="shown_at" value="\d+"', 'name="shown_at"', text)  # when the page was made
    for name in ("student_b", "student_c", "Student B", "Student C"):
        text = text.replace(name, "STUDENT")
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?", "TIME", text)


PERSONAL_PAGES = (
    "/dashboard",
    "/quizzes/",
    "/study/",
    "/study/stats",
    "/study/settings",
    "/account/data.json",
    "/grades",
)


def test_per_record_isolation(app, world):
    """Nothing of student A's attempts, answers, cards, reviews or scores reaches student B: B's pages
    are those of a classmate C who has done nothing, while A's differ (so the comparison can fail).
    Nothing of course 1 reaches the instructor of course 2."""
    from app.courses.service import join_course
    from tests.security.conftest import add_user

    student_c = add_user("student_c")
    join_course(student_c, "COURSE11")
    course_pages = (
        f"/courses/{world.course.id}",
        f"/quizzes/{world.quiz.id}",
        f"/study/course/{world.course.id}",
    )
    pages = [p for p in (*PERSONAL_PAGES, *course_pages) if app.url_map.bind("").test(p.split("?")[0])]
    b = client_for(app, world.user("student_b"))
    c = client_for(app, student_c)
    a = client_for(app, world.user("student_a"))
    for page in pages:
        seen_by_b, seen_by_c = b.get(page), c.get(page)
        assert seen_by_b.status_code == seen_by_c.status_code == 200, page
        assert _normalised(seen_by_b) == _normalised(seen_by_c), f"{page}: student B sees something of A's"
    differs = [p for p in pages if _normalised(a.get(p)) != _normalised(c.get(p))]
    assert {"/study/stats", "/quizzes/"} <= set(differs), "A's history should show on A's own pages"

    other = client_for(app, world.user("other_teacher"))
    for page in ("/dashboard", "/courses/", "/quizzes/", "/exports/"):
        html = other.get(page).get_data(as_text=True)
        assert "Course One" not in html and "Deal quiz" not in html, page
    teacher_html = client_for(app, world.user("teacher")).get("/quizzes/").get_data(as_text=True)
    assert "Deal quiz" in teacher_html
