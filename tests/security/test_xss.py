"""XSS: payloads go in through every user text field, by the paths users take (forms, uploads, imports,
autosave), and every page that shows them is parsed: the payload must appear only as text.

A page fails if it has an element with an on* attribute, a script that is inline or not ours, a
javascript: URL in any link or form, or an element the payloads would create (img, svg onload, iframe…).
Each page must also show the payload as text (`alert(1)` in its text), so a page that silently stopped
rendering the field cannot pass by accident.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote

from lxml import html as lxml_html

from app.extensions import db
from app.models import Article, Course, Question, Quiz
from tests.security.conftest import client_for

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
ATTR = "' onmouseover='alert(1)' x='"
JS_LINK = "[click me](javascript:alert(1))"
RAW_JS_LINK = '<a href="javascript:alert(1)">link</a>'
PAYLOAD = f"{SCRIPT} {IMG} {SVG} {ATTR} {JS_LINK} {RAW_JS_LINK}"
SHORT = f"{SVG}{SCRIPT}"  # for fields of 80 characters or fewer
PW = "long-enough-9"

ARTICLE = f"""Payload partners

The partner {SCRIPT} said the deal is worth 12 million dollars in 2024.

Analysts wrote {SVG} about the plan before the vote in March 2024.

The filing {IMG} names {JS_LINK} as the source of the 40 percent figure.

Observers quoted {ATTR} when the board approved the deal in April 2024.
"""

HTML_ARTICLE = b"""<!doctype html><html><head><title>Html payload</title><script>alert(1)</script></head>
<body><article><h1>Html payload article</h1>
<p onclick="alert(1)">The partner said the deal is worth <b onmouseover="alert(1)">twelve</b> million
dollars in 2024.</p>
<p>The second sentence has <a href="javascript:alert(1)">a link</a> and <img src=x onerror=alert(1)>
in the article text.</p>
<p>A third sentence says &lt;script&gt;alert(1)&lt;/script&gt; was typed by a reader in 2024.</p>
</article></body></html>"""

GIFT = f"""// [id:xss-gift-001]
::Payload {SVG}:: Which partner said {SCRIPT} in the article? {{=Kestrel {IMG} ~Orinth ~Vexport}}
"""

URL_ATTRIBUTES = (
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
    "data",
)
FORBIDDEN_TAGS = ("iframe", "object", "embed", "base", "frame", "frameset", "applet")


def payload_questions(article_slug: str) -> list[dict]:
    source = {"article": article_slug, "sentence_id": "p2s1", "quote": f"The partner {SCRIPT} said the deal"}
    base = {"topic": "xss-topic", "status": "approved", "explanation": PAYLOAD, "source": source}
    return [
        {
            **base,
            "id": "xss-mcq-001",
            "type": "mcq",
            "stem": f"Which partner said it? {PAYLOAD}",
            "options": [f"Kestrel {SCRIPT}", f"Orinth {IMG}", f"Vexport {SVG}", f"Lumbria {ATTR}"],
            "answer": f"Kestrel {SCRIPT}",
        },
        {
            **base,
            "id": "xss-short-001",
            "type": "short",
            "stem": f"Name it. {PAYLOAD}",
            "answer": [SHORT, "x"],
        },
        {
            **base,
            "id": "xss-cloze-001",
            "type": "cloze",
            "stem": f"The {{{{1}}}} was signed in {{{{2}}}}. {JS_LINK}",
            "answer": [[SHORT], [f"Vexport {IMG}"]],
        },
        {
            **base,
            "id": "xss-matching-001",
            "type": "matching",
            "stem": f"Match them. {SVG}",
            "answer": [
                {"left": f"L1 {SCRIPT}", "right": f"R1 {IMG}"},
                {"left": f"L2 {SVG}", "right": f"R2 {ATTR}"},
            ],
        },
        {**base, "id": "xss-tf-001", "type": "tf", "stem": f"True or false: {RAW_JS_LINK}", "answer": True},
    ]


def _location_id(response) -> int:
    return int(re.search(r"/(\d+)(/|$)", response.headers["Location"]).group(1))


def _feed_payloads(app, world) -> dict:
    """Put the payloads in through the real forms and uploads; returns the records they ended up in."""
    teacher = client_for(app, world.user("teacher"))
    made = {}

    course = teacher.post("/courses/new", data={"title": f"Course {SCRIPT} {IMG}", "description": PAYLOAD})
    assert course.status_code == 302, course.data
    made["course"] = _location_id(course)

    article = teacher.post(
        "/articles/new", data={"title": f"Article {PAYLOAD}", "text": ARTICLE, "publisher": PAYLOAD[:200]}
    )
    assert article.status_code == 302, article.data
    made["article"] = db.session.scalar(db.select(Article.slug).order_by(Article.id.desc()).limit(1))
    upload = teacher.post(
        "/articles/new",
        data={"title": f"Html {SHORT}", "file": (io.BytesIO(HTML_ARTICLE), "payload.html")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, upload.data
    made["html_article"] = db.session.scalar(db.select(Article.slug).order_by(Article.id.desc()).limit(1))

    document = {"format": "casewise-bank", "version": 1, "questions": payload_questions(made["article"])}
    imported = teacher.post(
        "/exports/import",
        data={"fmt": "json", "file": (io.BytesIO(json.dumps(document).encode()), "bank.json")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302, imported.data
    gift = teacher.post(
        "/exports/import",
        data={"fmt": "gift", "file": (io.BytesIO(GIFT.encode()), "payload.gift")},
        content_type="multipart/form-data",
    )
    assert gift.status_code == 302, gift.data
    generated = teacher.post(f"/articles/{made['article']}/generate")
    assert generated.status_code == 302

    quiz = teacher.post(
        "/quizzes/new",
        data={
            "title": f"Quiz {SHORT}",
            "description": PAYLOAD,
            "course_id": made["course"],
            "attempts_allowed": 1,
            "grading_method": "highest",
            "feedback_timing": "after_submission",
            "published": "y",
            "confirm_publish": "y",  # it has no questions yet
        },
    )
    assert quiz.status_code == 302, quiz.data
    made["quiz"] = _location_id(quiz)
    ids = db.session.scalars(db.select(Question.id).where(Question.uid.like("xss-%-001"))).all()
    added = teacher.post(
        f"/quizzes/{made['quiz']}/items/add", data={"question_id": [str(i) for i in ids], "points": "1"}
    )
    assert added.status_code == 302
    assert len(db.session.get(Quiz, made["quiz"]).items) == len(ids) == 5

    # A student whose display name is a payload answers with payloads, and submits.
    anon = client_for(app, None)
    registered = anon.post(
        "/register",
        data={"username": "xss_student", "display_name": SHORT, "password": PW, "confirm": PW},
    )
    assert registered.status_code == 302, registered.data
    from app.auth.service import find_user

    made["student"] = student_user = find_user("xss_student")
    student = client_for(app, student_user)
    course_code = db.session.get(Course, made["course"]).join_code
    assert student.post("/courses/join", data={"code": course_code}).status_code == 302
    started = student.post(f"/quizzes/{made['quiz']}/start")
    made["attempt"] = _location_id(started)
    made["attempt_page"] = student.get(started.headers["Location"]).get_data(as_text=True)
    answers = {"xss-short-001": PAYLOAD[:400], "xss-cloze-001": [SCRIPT, IMG], "xss-mcq-001": f"Orinth {IMG}"}
    for seq, (uid, answer) in enumerate(answers.items(), start=1):
        qid = db.session.scalar(db.select(Question.id).where(Question.uid == uid))
        saved = student.post(
            f"/quizzes/attempts/{made['attempt']}/save",
            json={"question_id": qid, "answer": answer, "seq": seq},
        )
        assert saved.status_code == 200, saved.get_json()
    assert student.post(f"/quizzes/attempts/{made['attempt']}", data={"submit": "1"}).status_code == 302
    return made


def _unsafe_url(value: str) -> bool:
    cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
    return cleaned.startswith(("javascript:", "vbscript:", "data:text/html"))


def dom_problems(body: bytes) -> list[str]:
    """What an injected payload would have created in the page's DOM."""
    tree = lxml_html.fromstring(body)
    problems = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        handlers = [name for name in element.attrib if name.lower().startswith("on")]
        if handlers:
            problems.append(f"<{tag}> with {handlers}")
        if tag == "script" and (
            not (element.get("src") or "").startswith("/static/") or (element.text or "").strip()
        ):
            problems.append(f"script {element.get('src')!r} {(element.text or '')[:40]!r}")
        if tag in FORBIDDEN_TAGS or (tag == "img" and element.get("src") == "x"):
            problems.append(f"<{tag}> element")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            problems.append("meta refresh")
        for name in URL_ATTRIBUTES:
            if _unsafe_url(element.get(name) or ""):
                problems.append(f"<{tag} {name}={element.get(name)!r}>")
    return problems


def _shows_payload_as_text(body: bytes) -> bool:
    return "alert(1)" in lxml_html.fromstring(body).text_content()


def pages(world, made) -> list[tuple[str, str]]:
    """(role, url) of every page that renders one of the fields fed above."""
    quiz, course, attempt = made["quiz"], made["course"], made["attempt"]
    mcq = "xss-mcq-001"
    gift = db.session.scalar(db.select(Question.uid).where(Question.uid.like("imp-gift%")))
    teacher_pages = [
        "/dashboard",
        "/courses/",
        f"/courses/{course}",
        "/articles/",
        f"/articles/{made['article']}",
        f"/articles/{made['html_article']}",
        "/quizzes/",
        f"/quizzes/{quiz}",
        f"/quizzes/{quiz}/edit",
        f"/quizzes/{quiz}/edit?topic=xss-topic",
        f"/quizzes/{quiz}/gradebook",
        f"/quizzes/{quiz}/analysis",
        f"/quizzes/attempts/{attempt}/review",
        f"/study/course/{course}/stats",
        "/bank/?topic=xss-topic",
        "/bank/review?status=any",
        f"/bank/questions/{mcq}/edit",
        f"/bank/questions/{mcq}/history",
        f"/bank/questions/{gift}/edit",
    ]
    student_pages = [
        "/dashboard",
        "/courses/",
        f"/courses/{course}",
        f"/articles/{made['article']}",
        "/quizzes/",
        f"/quizzes/{quiz}",
        f"/quizzes/attempts/{attempt}/review",
        "/study/decks",
        "/study/topic/xss-topic",
        "/study/topic/xss-topic?show=1",
    ]
    return [("teacher", url) for url in teacher_pages] + [("xss_student", url) for url in student_pages]


# Query arguments that pages echo back: a reflected payload must come back as text too.
REFLECTED = [
    "/articles/{article}?s={p}",
    "/quizzes/{quiz}/edit?q={p}&topic={p}&article={p}&type={p}",
    "/exports/?scope={p}&id={p}",
    "/exports/?scope=topic&id={p}&format=json",
    "/exports/?scope=quiz&id={quiz}&format={p}",
    "/bank/?article={p}&topic={p}&qtype={p}&status={p}",
    "/bank/questions/new?article={article}&sentence=p2s1&quote={p}",
    "/login?next={p}",
    "/study/?card={p}",
]


def test_payloads_in_every_text_field_render_only_as_text(app, world):
    made = _feed_payloads(app, world)
    problems = []
    assert not dom_problems(made["attempt_page"].encode()), "attempt page"
    assert _shows_payload_as_text(made["attempt_page"].encode())
    clients = {
        "teacher": client_for(app, world.user("teacher")),
        "xss_student": client_for(app, made["student"]),
    }
    for role, url in pages(world, made):
        if not app.url_map.bind("").test(url.split("?")[0]):
            continue  # a page another part of the app has not built yet
        response = clients[role].get(url)
        if response.status_code != 200:
            problems.append(f"{role} {url}: {response.status_code}")
            continue
        problems += [f"{role} {url}: {p}" for p in dom_problems(response.data)]
        if not _shows_payload_as_text(response.data):
            problems.append(f"{role} {url}: the payload is not on the page (the check would prove nothing)")
    problems += _reflected_problems(app, world)
    assert not problems, "\n".join(problems)


def _reflected_problems(app, world) -> list[str]:
    """Query arguments that pages echo back come back as text too."""
    teacher = client_for(app, world.user("teacher"))
    anon = client_for(app, None)
    problems = []
    for template in REFLECTED:
        url = template.format(p=quote(PAYLOAD), article=world.article.slug, quiz=world.quiz.id)
        if not app.url_map.bind("").test(url.split("?")[0]):
            continue
        response = (anon if url.startswith("/login") else teacher).get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        elif response.mimetype == "text/html" and response.data.strip():
            problems += [f"{url}: {p}" for p in dom_problems(response.data)]
    return problems


def test_a_payload_username_is_refused_and_echoed_only_as_text(bare_app):
    response = client_for(bare_app, None).post(
        "/register", data={"username": SHORT, "display_name": "x", "password": PW, "confirm": PW}
    )
    assert response.status_code == 422
    assert b"letters, digits" in response.data
    assert not dom_problems(response.data)


def test_markdown_javascript_links_are_removed_and_safe_links_kept():
    from app.rendering import markdown_to_html

    html = markdown_to_html(f"{JS_LINK} [ok](https://example.org) {RAW_JS_LINK} {SCRIPT}")
    assert not dom_problems(f"<div>{html}</div>".encode())
    assert 'href="https://example.org"' in html
    assert "<script" not in html
