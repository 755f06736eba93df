"""Adding and reading articles through the web: uploads, paste, bad input, and the reader's marks."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, Segment

PRESS = (
    "Acme Motors and Volt Cells announce a battery joint venture\n"
    "SHANGHAI, May 2, 2025 — Acme Motors said on Friday it will invest US$120 million in a joint venture "
    "with Volt Cells. The venture will build 40,000 battery packs a year from 2026.\n"
    "Some links in this article are affiliate partnerships, and we may earn a commission.\n"
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def instructor(client, make_user, auth):
    make_user("teach", "instructor")
    auth.login("teach")


def post_article(client, *, text=None, file=None, title="Acme and Volt", topics="key-figures"):
    data = {"title": title, "publisher": "Wire", "topics": topics}
    if text is not None:
        data["text"] = text
    if file is not None:
        data["file"] = file
    return client.post("/articles/new", data=data, content_type="multipart/form-data")


def test_paste_an_article_and_read_it_with_boilerplate_marked(client, instructor):
    response = post_article(client, text=PRESS)
    assert response.status_code == 302, response.data
    article = db.session.scalar(select(Article))
    assert article.raw_text == PRESS
    reasons = {s.reason for s in article.segments if s.excluded}
    assert "affiliate-notice" in reasons
    included = " ".join(s.text for s in article.segments if not s.excluded)
    assert "invest US$120 million in a joint venture" in included
    assert "affiliate" not in included
    page = client.get(f"/articles/{article.slug}")
    assert page.status_code == 200
    assert b"Affiliate or sponsorship disclosure" in page.data
    assert b"US$120 million" in page.data


def test_upload_html_reduces_it_to_article_text_without_scripts(client, instructor):
    html = (
        b"<html><head><title>Volt</title><script>alert('x')</script></head><body>"
        b"<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
        b"<article><h1>Volt Cells expands</h1><p>Volt Cells will open a plant in Hefei in 2026.</p>"
        b"<p>The plant will employ 1,200 people.</p></article></body></html>"
    )
    response = post_article(client, file=(io.BytesIO(html), "volt.html"))
    assert response.status_code == 302, response.data
    article = db.session.scalar(select(Article))
    assert article.source_format == "html"
    assert "alert" not in article.body
    assert "Home" not in " ".join(s.text for s in article.segments if not s.excluded)
    assert "1,200 people" in article.body


@pytest.mark.parametrize(
    ("payload", "filename", "message"),
    [
        (b"", "empty.txt", b"empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "image.txt", b"not text"),
        ("Caf\u00e9 \u201cquotes\u201d and more text here.".encode("cp1252"), "old.txt", b"UTF-8"),
        (b"some text", "article.pdf", b".txt"),
    ],
)
def test_bad_uploads_get_a_message_and_write_nothing(client, instructor, payload, filename, message):
    response = post_article(client, file=(io.BytesIO(payload), filename))
    assert response.status_code == 422
    assert message in response.data
    assert _count(Article) == 0
    assert _count(Segment) == 0


def test_over_2mb_upload_is_refused_without_a_500(client, instructor):
    big = b"A sentence about batteries. " * 90_000  # about 2.5 MB
    response = post_article(client, file=(io.BytesIO(big), "big.txt"))
    assert response.status_code in (413, 422)
    assert b"2 MB" in response.data
    assert _count(Article) == 0


def test_nothing_given_asks_for_text_or_file(client, instructor):
    response = post_article(client)
    assert response.status_code == 422
    assert b"Paste the article text or choose a file" in response.data


def test_an_empty_form_reports_the_title_and_the_text_at_once(client, instructor):
    response = post_article(client, title="", topics="")
    assert response.status_code == 422
    assert b"Give the article a title." in response.data
    assert b"Paste the article text or choose a file" in response.data
    assert _count(Article) == 0


def test_the_same_article_twice_is_refused(client, instructor):
    assert post_article(client, text=PRESS).status_code == 302
    again = post_article(client, text=PRESS, title="Again")
    assert again.status_code == 422
    assert b"already in the library" in again.data
    assert _count(Article) == 1


def test_bad_topic_is_named(client, instructor):
    response = post_article(client, text=PRESS, topics="Key Figures!")
    assert response.status_code == 422
    assert "“Key Figures!” is not a valid topic".encode() in response.data


@pytest.mark.parametrize("day", ["9999-12-31", "1066-10-14", "2999-01-01"])
def test_a_publication_date_out_of_reach_is_refused_beside_the_field(client, instructor, day):
    data = {"title": "Acme and Volt", "publisher": "Wire", "topics": "", "text": PRESS, "published_on": day}
    response = client.post("/articles/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "between the year 1800 and today" in response.get_data(as_text=True)
    ok = client.post(
        "/articles/new", data={**data, "published_on": "2024-08-30"}, content_type="multipart/form-data"
    )
    assert ok.status_code in (302, 303)


PAGE_WITH_CHROME = b"""<!doctype html><html><head><title>Volt expands | The Wire</title></head><body>
<div class="cookie-banner" role="dialog"><p>We use cookies to improve your experience.</p><button>Accept</button></div>
<nav><a href="/">Home</a> | <a href="/markets">Markets</a></nav>
<main><article>
  <h1>Volt Cells opens a plant in Hefei</h1>
  <p>Volt Cells will open a battery plant in Hefei in 2026, the company said on Monday.</p>
  <div class="share-box"><a href="#">Share on LinkedIn</a></div>
  <p>The plant will employ 1,200 people and cost US$300 million.</p>
</article></main>
<footer><p>All rights reserved. The Wire Media Ltd.</p></footer>
</body></html>"""


def test_the_reader_says_what_was_left_out_of_an_html_page_and_shows_its_headline_once(client, instructor):
    response = post_article(
        client, file=(io.BytesIO(PAGE_WITH_CHROME), "volt.html"), title="Volt Cells opens a plant in Hefei"
    )
    assert response.status_code == 302, response.data
    article = db.session.scalar(select(Article))
    assert article.title == "Volt Cells opens a plant in Hefei"
    # The headline is the title, not also the first paragraph.
    assert article.segments[0].text.startswith("Volt Cells will open a battery plant")
    assert all(s.text != article.title for s in article.segments)

    said = "Left out of the HTML page: cookie notice, navigation, share buttons, footer (4 blocks)."
    flashed = client.get(f"/articles/{article.slug}").data.decode()
    assert f"0 excluded as boilerplate. {said}" in flashed  # the message after adding it
    page = client.get(f"/articles/{article.slug}").data.decode()
    assert f'<p class="notice" id="html-left-out">{said[:-1]}' in page
    assert "Nothing was excluded as boilerplate" not in page
    assert "Nothing in the article text was excluded as boilerplate" in page
    assert page.count("Volt Cells opens a plant in Hefei</") == 1  # the reader's <h1>, no heading below it
    for chrome in ("We use cookies", "Markets", "Share on LinkedIn", "All rights reserved"):
        assert chrome not in page


def test_the_reader_of_a_text_article_says_nothing_about_html(client, instructor):
    post_article(client, text=PRESS)
    page = client.get(f"/articles/{db.session.scalar(select(Article.slug))}").data.decode()
    assert "html-left-out" not in page and "Left out of the HTML page" not in page


def test_students_cannot_add_articles_and_do_not_see_excluded_text(client, make_user, auth):
    make_user("teach", "instructor")
    auth.login("teach")
    post_article(client, text=PRESS)
    slug = db.session.scalar(select(Article.slug))
    auth.logout()
    make_user("sam")
    auth.login("sam")
    assert post_article(client, text=PRESS + "x").status_code == 403
    page = client.get(f"/articles/{slug}")
    assert page.status_code == 200
    assert b"affiliate" not in page.data
    assert b"US$120 million" in page.data


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/articles/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
