"""The review queue: candidates best-ranked first beside their source, filters, and approve/reject decisions
(one by one or in bulk, one transaction, a reason required to reject)."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Question
from tests.integration.bank.conftest import ARTICLE, bank_state, question


def _uids_on(page: bytes) -> list[str]:
    return re.findall(r'<li class="queue-item[^"]*" id="q-([^"]+)"', page.decode())


def test_queue_shows_candidates_best_ranked_first_beside_their_highlighted_sentence(instructor, candidates):
    page = instructor.get("/bank/review")
    assert page.status_code == 200
    shown = _uids_on(page.data)
    heads = _heads(candidates)
    assert shown == [q.uid for q in heads][: len(shown)]
    assert len(shown) == min(20, len(heads))  # one page of facts
    assert [q.rank_score for q in candidates] == sorted((q.rank_score for q in candidates), reverse=True)
    best = candidates[0]
    sentence = next(s for s in best.article.segments if s.sid == best.sentence_ids[0])
    item = page.data.decode().split(f'id="q-{best.uid}"', 1)[1].split('<li class="queue-item', 1)[0]
    assert f'<mark class="cited">{html.escape(sentence.text, quote=True)}</mark>' in item
    assert f"/articles/{ARTICLE}?s={best.sentence_ids[0]}#{best.sentence_ids[0]}" in item
    assert "Passes all 11 generator checks" in item
    assert 'class="approve-form"' in item and 'class="reject-form"' in item and "/bank/questions/" in item
    assert "Keyboard:" in page.data.decode() and "Approve selected" in page.data.decode()
    second = instructor.get("/bank/review?page=2")
    expected = [q.uid for q in heads][20:40] or [q.uid for q in heads][
        :20
    ]  # past the last page: the last page
    assert _uids_on(second.data) == expected


def _heads(candidates: list[Question]) -> list[Question]:
    """The first-ranked question of each fact (article + fact key), in ranked order."""
    seen: set[tuple] = set()
    heads = []
    for q in candidates:
        key = (q.article_id, q.fact_key) if q.fact_key else ("own", q.uid)
        if key not in seen:
            seen.add(key)
            heads.append(q)
    return heads


def test_queue_shows_one_row_per_fact_with_its_variants_folded_under_it(instructor, candidates):
    """Issue 18: the MCQ, numeric, cloze and true/false questions on one fact are one row, not four."""
    by_fact: dict[str, list[Question]] = {}
    for q in candidates:
        assert q.fact_key, q.uid  # every generated question knows its fact
        by_fact.setdefault(q.fact_key, []).append(q)
    head, *others = max(by_fact.values(), key=len)
    assert others, "the stake article has facts asked in several ways"
    page = instructor.get(f"/bank/review?article={ARTICLE}&page=1").data.decode()
    pages = [page] + [
        instructor.get(f"/bank/review?article={ARTICLE}&page={n}").data.decode() for n in range(2, 8)
    ]
    row_page = next(p for p in pages if f'id="q-{head.uid}"' in p)
    item = row_page.split(f'id="q-{head.uid}"', 1)[1].split('<li class="queue-item', 1)[0]
    assert f'id="variants-{head.uid}"' in item
    assert f"{len(others)} other question" in item
    for v in others:
        assert f'data-uid="{v.uid}"' in item  # folded under its fact…
        assert not any(f'id="q-{v.uid}"' in p for p in pages)  # …and never a row of its own
    assert len(set(_uids_on("".join(pages).encode()))) == len(by_fact)


def test_filters_by_article_topic_type_status_and_failed_checks(instructor, candidates):
    mcq = [q for q in candidates if q.qtype == "mcq"]
    page = instructor.get(f"/bank/review?qtype=mcq&article={ARTICLE}")
    assert _uids_on(page.data) == [q.uid for q in mcq][:20]
    topic = candidates[0].topic
    page = instructor.get(f"/bank/review?topic={topic}")
    assert set(_uids_on(page.data)) <= {q.uid for q in candidates if q.topic == topic}
    assert instructor.get("/bank/review?article=faw-leapmotor-mou").data.count(b'class="queue-item') == 0

    failing = candidates[3]
    failing.checks = {**failing.checks, "no_giveaway": "the stem contains the answer 'US$534 million'"}
    db.session.commit()
    page = instructor.get("/bank/review?checks=failed")
    assert _uids_on(page.data) == [failing.uid]
    text = page.data.decode()
    assert "Fails 1 of 11 generator checks" in text and "the stem contains the answer" in text
    approved = instructor.get("/bank/review?status=approved&topic=key-figures")
    uids = _uids_on(approved.data)
    assert uids and all(u.startswith("flm-kf-") for u in uids)


def test_approve_one_records_a_revision_and_returns_to_the_queue(instructor, candidates):
    first, second = candidates[0], candidates[1]
    response = instructor.post(
        "/bank/review/decide",
        data={"action": "approve", "uids": first.uid, "next": "/bank/review?page=1", "focus": second.uid},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/bank/review?page=1#q-{second.uid}")
    approved = question(first.uid)
    assert approved.status == "approved" and approved.version == 2
    revision = approved.revisions[-1]
    assert revision.action == "approved" and revision.author.username == "instructor"
    assert revision.snapshot["status"] == "approved"
    page = instructor.get("/bank/review")
    assert first.uid not in _uids_on(page.data)
    assert b"Approved 1 question." in page.data
    # The approved list is ordered by id and paged: look through its pages.
    listing = b"".join(instructor.get(f"/bank/?topic={approved.topic}&page={n}").data for n in range(1, 6))
    assert f'id="q-{first.uid}"'.encode() in listing


def test_the_confirmation_of_a_decision_is_shown_in_the_card_the_queue_moves_on_to(instructor, candidates):
    first, second = candidates[0], candidates[1]
    instructor.post(
        "/bank/review/decide",
        data={"action": "approve", "uids": first.uid, "next": "/bank/review", "focus": second.uid},
    )
    page = instructor.get("/bank/review").data.decode()
    card = page.index(f'id="q-{second.uid}"')
    confirmation = page.index('<div class="flashes queue-confirmation" role="status">')
    assert card < confirmation < page.index("Approved 1 question.") < page.index("</li>", card)
    assert page.count("Approved 1 question.") == 1  # not also at the top of the page, out of view

    # A bulk decision stays at the top of the list: so does its confirmation.
    instructor.post(
        "/bank/review/decide", data={"action": "approve", "uids": second.uid, "next": "/bank/review"}
    )
    page = instructor.get("/bank/review").data.decode()
    assert "queue-confirmation" not in page
    assert page.index("Approved 1 question.") < page.index('id="queue"')


def test_bulk_reject_needs_a_reason_and_then_rejects_all_in_one_go(instructor, candidates):
    uids = [q.uid for q in candidates[:3]]
    before = bank_state()
    refused = instructor.post("/bank/review/decide", data={"action": "reject", "uids": uids, "reason": "  "})
    assert refused.status_code == 422
    assert b"Give a reason for rejecting" in refused.data and b"Nothing was changed." in refused.data
    assert bank_state() == before

    done = instructor.post(
        "/bank/review/decide",
        data={"action": "reject", "uids": uids, "reason": "Too close to the FAQ wording"},
    )
    assert done.status_code == 302
    for uid in uids:
        rejected = question(uid)
        assert rejected.status == "rejected" and rejected.reject_reason == "Too close to the FAQ wording"
        assert rejected.revisions[-1].action == "rejected"
        assert rejected.revisions[-1].note == "Too close to the FAQ wording"


def test_single_reject_without_reason_shows_the_message_beside_that_item(instructor, candidates):
    # A row of its own in the queue (not a variant folded under another fact's best candidate).
    shown = re.findall(r'id="q-([^"]+)"', instructor.get("/bank/review").data.decode())
    target = next(c for c in candidates if c.uid in shown[2:])
    response = instructor.post(
        "/bank/review/decide",
        data={"action": "reject", "uids": target.uid, "reason": "", "next": "/bank/review"},
    )
    assert response.status_code == 422
    item = response.data.decode().split(f'id="q-{target.uid}"', 1)[1].split('<li class="queue-item', 1)[0]
    assert f'id="reason-{target.uid}-error"' in item and "Give a reason for rejecting" in item
    assert question(target.uid).status == "candidate"


def test_bulk_approve_is_all_or_nothing(instructor, candidates):
    good, bad = candidates[0], candidates[1]
    bad.quote = "A sentence that the article never contained."
    db.session.commit()
    before = bank_state()
    response = instructor.post("/bank/review/decide", data={"action": "approve", "uids": [good.uid, bad.uid]})
    assert response.status_code == 422
    body = html.unescape(response.data.decode())
    assert f"{bad.uid} cannot be approved" in body and "quote not found" in body
    assert bank_state() == before


def test_bad_decisions_get_a_clear_4xx(instructor, candidates):
    before = bank_state()
    unknown_action = instructor.post(
        "/bank/review/decide", data={"action": "delete", "uids": candidates[0].uid}
    )
    assert unknown_action.status_code == 400 and b"Unknown action" in unknown_action.data
    nothing = instructor.post("/bank/review/decide", data={"action": "approve"})
    assert nothing.status_code == 422 and b"Select at least one question" in nothing.data
    missing = instructor.post("/bank/review/decide", data={"action": "approve", "uids": "no-such-question"})
    assert missing.status_code == 404 and b"no-such-question" in missing.data
    assert bank_state() == before
    offsite = instructor.post(
        "/bank/review/decide",
        data={"action": "approve", "uids": candidates[0].uid, "next": "https://evil.example/bank/"},
    )
    assert offsite.status_code == 302 and offsite.headers["Location"].endswith("/bank/review")


def test_question_text_is_rendered_as_sanitised_markdown(instructor, candidates):
    target = candidates[0]
    target.stem = "Which figure is *right*? <script>alert(1)</script> [x](javascript:alert(2))"
    target.explanation = "Because **the article** says so.<img src=x onerror=alert(3)>"
    db.session.commit()
    for url in (
        "/bank/review",
        f"/bank/?status=candidate&topic={target.topic}",
        f"/bank/questions/{target.uid}/edit",
    ):
        body = instructor.get(url).data.decode()
        assert "<em>right</em>" in body, url
        assert "<script>alert(1)" not in body, url
        assert 'href="javascript' not in body and "<img" not in body, url


def test_bank_list_shows_the_approved_bank_by_default(instructor):
    page = instructor.get("/bank/")
    assert page.status_code == 200
    approved = db.session.scalars(select(Question.uid).where(Question.status == "approved")).all()
    assert len(approved) == 71  # 70 auto-graded and one essay
    assert f"{len(approved)} approved questions".encode() in page.data
    assert page.data.count(b'class="bank-item"') == 20
    assert b'href="/bank/"' in instructor.get("/dashboard").data


def test_students_and_anonymous_users_cannot_review(seeded, client, auth):
    anonymous = client.get("/bank/review")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    auth.login("student")
    before = bank_state()
    assert client.get("/bank/review").status_code == 403
    assert client.get("/bank/").status_code == 403
    assert (
        client.post("/bank/review/decide", data={"action": "approve", "uids": "flm-kf-001"}).status_code
        == 403
    )
    assert b'href="/bank/"' not in client.get("/dashboard").data
    assert bank_state() == before


def test_a_row_that_no_longer_passes_the_schema_can_be_opened_and_rejected_but_not_approved(
    instructor, candidates
):
    broken = candidates[0]
    broken.stem = "Short"  # below the schema's 8 characters: as if edited in the database by hand
    db.session.commit()
    assert instructor.get("/bank/review").status_code == 200
    assert instructor.get(f"/bank/questions/{broken.uid}/edit").status_code == 200
    refused = instructor.post("/bank/review/decide", data={"action": "approve", "uids": broken.uid})
    assert refused.status_code == 422 and f"{broken.uid} cannot be approved" in html.unescape(
        refused.data.decode()
    )
    rejected = instructor.post(
        "/bank/review/decide", data={"action": "reject", "uids": broken.uid, "reason": "Broken"}
    )
    assert rejected.status_code == 302
    assert question(broken.uid).status == "rejected"
    assert instructor.get(f"/bank/questions/{broken.uid}/history").status_code == 200


def test_a_numeric_answer_key_reads_as_the_article_writes_it(instructor, candidates):
    """A year stored as 2021.0 reads "2021", and a relative tolerance of 0.05 reads "± 5%", not "± 0.05"."""
    numeric = next(q for q in candidates if q.qtype == "numeric")
    numeric.answer = {**numeric.answer, "value": 2021.0, "tolerance": 0.05, "tolerance_mode": "relative"}
    db.session.commit()
    page = instructor.get(f"/bank/review?qtype=numeric&article={ARTICLE}").data.decode()
    pages = [page] + [
        instructor.get(f"/bank/review?qtype=numeric&article={ARTICLE}&page={n}").data.decode()
        for n in range(2, 5)
    ]
    text = next(p for p in pages if f'id="q-{numeric.uid}"' in p or f'data-uid="{numeric.uid}"' in p)
    item = text.split(f'"{numeric.uid}"', 1)[1]
    key = re.search(r'<p class="key">Answer: <strong>([^<]*)</strong>\s*([^<]*)</p>', item)
    assert key, item[:800]
    assert key.group(1).split()[0].rstrip("%") == "2021"
    assert key.group(2).strip() == "± 5%"
    keys = re.findall(r'<p class="key">Answer: <strong>([^<]*)</strong>', "".join(pages))
    assert keys and not [k for k in keys if re.search(r"\d %", k)], keys  # "5%", not "5 %"
