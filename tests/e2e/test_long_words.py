"""User text with a long unbroken word (a pasted URL, a 50-letter name) wraps inside its box in Chromium: no page
grows wider than the screen at 390 px, and no heading spills out of its panel at 1280 px."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.browser
PASSWORD = "casewise-demo"
WORD = "Supercalifragilisticexpialidocious" + "Joint" * 4  # 54 letters, no break opportunity


@pytest.fixture(scope="module")
def paths(live_app) -> list[str]:
    from app.articles.service import ArticleMeta, add_article
    from app.auth.service import create_user
    from app.courses.service import create_course, join_course
    from app.extensions import db
    from app.models import Question
    from app.quizzes import service

    with live_app.app_context():
        teacher = create_user("lw_teacher", "Lena Wordsworth", PASSWORD, "instructor")
        student = create_user("lw_student", f"Student {WORD}", PASSWORD)
        course = create_course(teacher, f"Course {WORD}", f"About {WORD} and more.", "LONGWD22")
        join_course(student, course.join_code)
        article = add_article(
            f"{WORD} agreed a venture. The parties signed it in May.".encode(),
            "long.txt",
            ArticleMeta(title=f"Deal {WORD} signed", publisher=WORD),
        )
        question = Question(
            uid="long-words-1", qtype="short", stem=f"Who is {WORD}?", answer=[WORD], topic="long-words"
        )
        db.session.add(question)
        db.session.commit()
        approved = db.select(Question).where(Question.status == "approved", Question.qtype == "mcq")
        quiz = service.save_quiz(
            teacher, service.QuizSettings(title=f"Quiz {WORD}", course=course, published=True)
        )
        service.add_questions(quiz, [db.session.scalars(approved).first().id])
        attempt = service.start_attempt(quiz, student)
        service.submit_attempt(attempt, {})
        return [
            f"/articles/{article.slug}",
            "/bank/review?topic=long-words",
            f"/quizzes/{quiz.id}",
            f"/quizzes/{quiz.id}/gradebook",
            f"/courses/{course.id}",
            f"/courses/{course.id}/gradebook",
        ]


OVERFLOWING = """() => [...document.querySelectorAll('h1, h2, h3, td, th, .panel, .card')]
  .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible')
  .map(el => el.tagName + ': ' + el.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("width", [390, 1280])
def test_long_words_wrap_on_every_page(browser, live_server, paths, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 800)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, "lw_teacher", PASSWORD)
        for path in paths:
            response = page.goto(f"{live_server}{path}")
            assert response is not None and response.status == 200, path
            assert WORD[:20] in page.content(), path  # the long word is on the page being measured
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} is {scroll} px wide at {width} px"
            assert page.evaluate(OVERFLOWING) == [], path
    finally:
        context.close()
