"""Paging the bank list and the review queue in SQL (issue #24): pages cover every matching row once, in
order, with variants folded under their fact as the whole-list fold did; bad paging input gets a 400
naming the argument, a page beyond the last shows the last."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Question

QUEUE_ROW = re.compile(r'<li class="queue-item[^"]*" id="q-([^"]+)"')
BANK_ROW = re.compile(r'<li class="bank-item" id="q-([^"]+)"')


@pytest.fixture
def small(departments, backend, request):
    if backend == "postgres":
        from tests.conftest import require_postgres

        require_postgres()
    department = departments(backend, "small")
    return department, department.client(department.summary.instructor_username)


def _expected_heads(app, *conditions, ranked: bool) -> tuple[list[str], dict[str, list[str]]]:
    """The old fold, over every matching row loaded at once: the oracle for the SQL paging."""
    with app.app_context():
        order = (
            (Question.rank_score.desc().nulls_last(), Question.uid)
            if ranked
            else (Question.topic, Question.uid)
        )
        rows = db.session.execute(
            select(Question.uid, Question.article_id, Question.fact_key).where(*conditions).order_by(*order)
        ).all()
    heads, variants, head_of = [], {}, {}
    for uid, article_id, fact_key in rows:
        key = (article_id, fact_key) if ranked and fact_key else None
        if key in head_of:
            variants[head_of[key]].append(uid)
            continue
        if key is not None:
            head_of[key] = uid
        heads.append(uid)
        variants[uid] = []
    return heads, variants


def _all_pages(client, url: str, pattern: re.Pattern) -> list[str]:
    shown, page = [], 1
    while True:
        response = client.get(f"{url}{'&' if '?' in url else '?'}page={page}")
        assert response.status_code == 200
        text = response.data.decode()
        shown += pattern.findall(text)
        if 'rel="next"' not in text:
            return shown
        page += 1


@pytest.mark.parametrize(
    "query, conditions, ranked",
    [
        ("", (Question.status == "candidate",), True),
        ("?checks=failed", (Question.status == "candidate", Question.failed_checks > 0), True),
        ("?qtype=mcq", (Question.status == "candidate", Question.qtype == "mcq"), True),
    ],
)
def test_queue_pages_cover_every_fact_once_in_rank_order(small, query, conditions, ranked):
    department, client = small
    heads, _ = _expected_heads(department.app, *conditions, ranked=ranked)
    assert heads, "the department must have candidates for this to prove anything"
    assert (
        _all_pages(client, f"/bank/review{query}&size=7" if query else "/bank/review?size=7", QUEUE_ROW)
        == heads
    )


NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
PREV = re.compile(r'<a href="([^"]+)" rel="prev">')


def _follow(client, url: str, link: re.Pattern, pattern: re.Pattern) -> list[list[str]]:
    """Each page's rows, following the Next (or Previous) link from `url` until there is none."""
    shown = []
    while True:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.data.decode()
        shown.append(pattern.findall(text))
        found = link.search(text)
        if found is None:
            return shown
        url = found.group(1).replace("&amp;", "&")


@pytest.mark.parametrize(
    "url, conditions, ranked, pattern",
    [
        ("/bank/review?size=7", (Question.status == "candidate",), True, QUEUE_ROW),
        (
            "/bank/review?checks=failed&size=3",
            (Question.status == "candidate", Question.failed_checks > 0),
            True,
            QUEUE_ROW,
        ),
        ("/bank/?size=30", (Question.status == "approved",), False, BANK_ROW),
    ],
)
def test_next_and_previous_links_seek_from_the_cursor_and_cover_the_list(
    small, url, conditions, ranked, pattern
):
    """The Next links carry the last row's uid and the page seeks after it; from the last page the
    Previous links walk back to page 1. Both ways give the numbered pages' rows."""
    department, client = small
    heads, _ = _expected_heads(department.app, *conditions, ranked=ranked)
    size = int(url.rsplit("size=", 1)[1])
    forward = _follow(client, url, NEXT, pattern)
    assert [uid for page in forward for uid in page] == heads
    assert len(forward) == -(-len(heads) // size) > 2
    last = client.get(f"{url}&page={len(forward)}").data.decode()
    assert 'rel="next"' not in last and pattern.findall(last) == forward[-1]
    backward = _follow(client, f"{url}&page={len(forward)}", PREV, pattern)
    assert backward == forward[::-1]
    assert "after=" in NEXT.search(client.get(url).data.decode()).group(1)


def test_a_cursor_past_the_end_or_gone_shows_the_numbered_page(small):
    department, client = small
    heads, _ = _expected_heads(department.app, Question.status == "approved", ranked=False)
    last_page = client.get("/bank/?size=30&page=999").data.decode()
    beyond = client.get(f"/bank/?size=30&page=999&after={heads[-1]}").data.decode()
    assert BANK_ROW.findall(beyond) == BANK_ROW.findall(last_page)
    gone = client.get("/bank/?size=30&page=2&after=no-such-question").data.decode()
    assert BANK_ROW.findall(gone) == heads[30:60]


def test_variants_are_folded_under_the_best_ranked_question_of_their_fact(small):
    department, client = small
    heads, variants = _expected_heads(department.app, Question.status == "candidate", ranked=True)
    folded = {head: rest for head, rest in variants.items() if rest}
    assert folded, "the generator makes variants"
    head = next(iter(folded))
    page = heads.index(head) // 20 + 1
    text = client.get(f"/bank/review?page={page}").data.decode()
    row = text.split(f'id="q-{head}"', 1)[1].split('<li class="queue-item', 1)[0]
    for uid in folded[head]:
        assert uid in row


def test_bank_pages_cover_every_approved_question_once_by_topic(small):
    department, client = small
    heads, _ = _expected_heads(department.app, Question.status == "approved", ranked=False)
    assert _all_pages(client, "/bank/?size=50", BANK_ROW) == heads


def test_a_page_beyond_the_last_shows_the_last(small):
    department, client = small
    last = department.pages["bank_last"].url.rsplit("=", 1)[1]
    beyond = client.get("/bank/?page=999999")
    assert beyond.status_code == 200
    assert f"Page {last} of {last}" in beyond.data.decode()
    assert BANK_ROW.findall(beyond.data.decode()) == BANK_ROW.findall(
        client.get(f"/bank/?page={last}").data.decode()
    )


@pytest.mark.parametrize(
    "query, named",
    [
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=99999999999", "page"),
        ("size=101", "size"),
        ("size=0", "size"),
        ("status=bogus", "status"),
        ("qtype=poem", "qtype"),
        ("after=%27%3B--", "after"),
        ("before=A%20B", "before"),
    ],
)
@pytest.mark.parametrize("path", ["/bank/", "/bank/review"])
def test_bad_paging_and_filters_get_a_400_naming_the_argument(small, path, query, named):
    _, client = small
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert named in response.data.decode()


def test_a_bigger_page_size_shows_more_rows_and_keeps_it_across_pages(small):
    _, client = small
    text = client.get("/bank/?size=50").data.decode()
    assert len(BANK_ROW.findall(text)) == 50
    assert "size=50" in text.split('rel="next"', 1)[0].rsplit("href=", 1)[1]


def test_a_quiz_gradebook_pages_its_students(departments, backend):
    if backend == "postgres":
        from tests.conftest import require_postgres

        require_postgres()
    department = departments(backend, "mid")
    client = department.client(department.summary.instructor_username)
    url = f"/quizzes/{department.summary.quiz_id}/gradebook"
    row = re.compile(r"<td>[^<]*<small>\((dept-student-\d+)\)</small></td>")
    first = row.findall(client.get(url).data.decode())
    second = row.findall(client.get(f"{url}?page=2").data.decode())
    assert len(first) == len(second) == 50 and not set(first) & set(second)  # 100 students, 50 a page
    assert "Page 2 of 2 (100 students)" in client.get(f"{url}?page=9").data.decode()
    assert client.get(f"{url}?page=-3").status_code == 400


@pytest.mark.parametrize("query", ["page=abc", "page=-1", "page=0", "page=1.5", "page=99999999999"])
def test_a_course_gradebook_refuses_a_bad_page_with_a_400_naming_it(small, query):
    department, client = small
    response = client.get(f"/courses/{department.summary.course_id}/gradebook?{query}")
    assert response.status_code == 400
    assert "page" in response.data.decode()


def test_a_course_gradebook_page_beyond_the_last_shows_the_last(small):
    department, client = small
    url = f"/courses/{department.summary.course_id}/gradebook"

    def without_token(page: bytes) -> str:
        # The CSRF token is signed with a timestamp: two GETs across a second boundary differ only there.
        return re.sub(r'(name="csrf[-_]token"[^>]*?(?:content|value)=")[^"]*', r"\1", page.decode())

    beyond, first = client.get(f"{url}?page=999"), client.get(url)
    assert beyond.status_code == 200
    assert without_token(beyond.data) == without_token(first.data)  # 10 students: one page


def test_queue_cursors_cross_into_the_unranked_both_ways(small):
    """Unranked candidates come last; the Next cursor crosses from ranked to unranked rows and the
    Previous cursor back (the generator ranks every candidate, so some are unranked here, rolled back)."""
    from sqlalchemy import update

    from app.bank import curation

    department, _ = small
    with department.app.app_context():
        try:
            ids = db.session.scalars(select(Question.id).where(Question.status == "candidate")).all()
            db.session.execute(update(Question).where(Question.id.in_(ids[::3])).values(rank_score=None))
            rows = db.session.execute(
                select(Question.uid, Question.article_id, Question.fact_key)
                .where(Question.status == "candidate")
                .order_by(Question.rank_score.desc().nulls_last(), Question.uid)
            ).all()
            heads, seen = [], set()
            for uid, article_id, fact_key in rows:
                if fact_key is None or (article_id, fact_key) not in seen:
                    heads.append(uid)
                    seen.add((article_id, fact_key))

            def page(**cursor) -> curation.Listing:
                return curation.list_questions(curation.Filters(status="candidate", size=7, **cursor), 7)

            forward, listing = [], page()
            while True:
                forward.append([q.uid for q in listing.questions])
                if listing.page == listing.pages:
                    break
                listing = page(page=listing.page + 1, after=forward[-1][-1])
            assert [uid for shown in forward for uid in shown] == heads
            backward, listing = [], page(page=len(forward))
            while True:
                backward.append([q.uid for q in listing.questions])
                if listing.page == 1:
                    break
                listing = page(page=listing.page - 1, before=backward[-1][0])
            assert backward == forward[::-1]
        finally:
            db.session.rollback()
