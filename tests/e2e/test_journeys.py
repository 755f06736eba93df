"""Whole journeys in Chromium, checked with axe-core on every page and screenshotted at phone and desktop widths.

A new student registers, joins the demo course, studies with the keyboard alone, takes the assigned quiz
with a reload halfway, and reads the review. An instructor uploads an article, generates and approves
questions, builds and assigns a quiz, reads the gradebook and item analysis, and downloads every export.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import DESKTOP, assert_focus_visible, capture, check_a11y, tab_through

pytestmark = pytest.mark.browser

COURSE_CODE = "FAWDEMO8"
COURSE_TITLE = "Strategy in the EV industry (demo)"
STUDENT_QUIZ = "Journey: the stake deal"
ARTICLE_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "articles" / "press_release.txt"
ARTICLE_TITLE = "Helios and Northwind battery joint venture"
INSTRUCTOR_QUIZ = "Journey: Helios and Northwind"
REVIEW_QUEUE = "/bank/review"
APPROVE = 4


def _is_zip(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.testzip() is None and bool(archive.namelist())


# Every export the Export page offers: link text prefix -> (file name ending(s), a check of the bytes).
EXPORTS = {
    "Download Canvas": ("-canvas-qti.zip", _is_zip),
    "Download Common Cartridge": (".imscc", _is_zip),
    "Download QTI 2.1": ("-qti21.zip", _is_zip),
    "Download Moodle XML": ("-moodle.xml", lambda data: data.lstrip().startswith(b"<?xml")),
    "Download GIFT": (".gift.txt", lambda data: b"::" in data and b"{" in data),
    "Download Anki": (".apkg", _is_zip),
    "Download CSV": (".csv", lambda data: len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) > 1),
    "Download JSON": (".json", lambda data: bool(json.loads(data))),
    "Quizlet": (("-quizlet.txt", "-quizlet.csv"), lambda data: b"\t" in data or b"," in data),
}


def _follow(locator) -> None:
    """Click a link or submit button and wait until the page it leads to has loaded."""
    with locator.page.expect_navigation():
        locator.click()


def _new_page(browser):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.set_default_timeout(10_000)
    return page


def _log_in(page, base: str, username: str, name: str | None = None) -> None:
    page.goto(f"{base}/login")
    if name:
        capture(page, name)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("casewise-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/dashboard")


@pytest.fixture(scope="module")
def assigned_quiz(live_app) -> str:
    """A published quiz in the demo course (2 MCQ, a true/false and a numeric question on the stake article),
    made through the quiz service as the instructor would."""
    from app.auth.service import find_user
    from app.courses.service import find_by_code
    from app.quizzes import service as quizzes

    with live_app.app_context():
        instructor = find_user("instructor")
        course = find_by_code(COURSE_CODE)
        quiz = quizzes.save_quiz(
            instructor, quizzes.QuizSettings(title=STUDENT_QUIZ, course=course, published=True)
        )
        picked = []
        for qtype, count in (("mcq", 2), ("tf", 1), ("numeric", 1)):
            picked += quizzes.find_questions(article="faw-leapmotor-stake", qtype=qtype)[:count]
        assert len(picked) == 4, "the seed bank lacks the questions this journey needs"
        assert quizzes.add_questions(quiz, [q.id for q in picked]) == 4
    return STUDENT_QUIZ


def _grade_with_keyboard(page, key: str) -> None:
    """Grade and wait for the next card: swapped in without a page load when it was prefetched, else posted."""
    progress = page.locator("#study-progress-text")
    before = progress.inner_text()
    page.keyboard.press(key)
    expect(progress).not_to_have_text(before)


def test_student_journey(browser, live_server, assigned_quiz):
    base = live_server
    page = _new_page(browser)

    # Register (first with a mistake: the message is tied to its field), then land on the dashboard.
    page.goto(f"{base}/")
    capture(page, "home")
    page.goto(f"{base}/register")
    capture(page, "register")
    page.get_by_label("Username").fill("journey-student")
    page.get_by_label("Your name").fill("Jo Journey")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("short")
    _follow(page.get_by_role("button", name="Create account"))
    password = page.get_by_label("Password", exact=True)
    assert password.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{password.get_attribute('id')}-error")
    assert error.is_visible() and error.get_attribute("id") in password.get_attribute("aria-describedby")
    check_a11y(page, "register-with-errors")
    password.fill("a long pass phrase")
    page.get_by_label("Repeat the password").fill("a long pass phrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{base}/dashboard")
    assert "Welcome, Jo Journey" in page.content()
    capture(page, "student-dashboard")
    tab_through(page, 6)  # skip link, brand, the main navigation: every stop visibly focused

    # Join the demo course with its code.
    _follow(page.get_by_role("link", name="Courses", exact=True))
    capture(page, "student-courses")
    page.get_by_label("Join code").fill(COURSE_CODE)
    page.get_by_role("button", name="Join course").click()
    page.wait_for_url(re.compile(r"/courses/\d+$"))
    course_url = page.url
    assert COURSE_TITLE in page.locator("h1").inner_text()
    assert page.get_by_role("link", name=assigned_quiz).is_visible()
    capture(page, "student-course")

    # Study the course's cards with the keyboard alone: no clicks from here to the statistics.
    course_id = course_url.rsplit("/", 1)[1]
    page.goto(f"{base}/study/course/{course_id}")
    back = page.locator("#back")
    assert back.is_hidden()
    page.keyboard.press("Tab")
    assert "Skip to content" in assert_focus_visible(page)
    page.keyboard.press("Enter")  # the skip link moves the focus to the main content
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Space")
    back.wait_for(state="visible")  # the answer is fetched when asked for
    capture(page, "study-answer")
    _grade_with_keyboard(page, "3")
    assert "1 done today" in page.locator("#study-progress-text").inner_text()

    page.keyboard.press("Space")
    back.wait_for(state="visible")
    for _ in range(8):  # Tab from the revealed answer to the "Hard" button, then press it with Space
        page.keyboard.press("Tab")
        focused = assert_focus_visible(page)
        if page.evaluate("document.activeElement.classList.contains('grade-2')"):
            break
    else:
        pytest.fail(f"Tab never reached the Hard button (last focus: {focused})")
    _grade_with_keyboard(page, "Space")
    assert "2 done today" in page.locator("#study-progress-text").inner_text()

    page.keyboard.press("Space")
    back.wait_for(state="visible")  # a grade key before the answer is on screen does nothing
    front = page.locator("#front").inner_text()
    _grade_with_keyboard(page, "4")
    assert "3 done today" in page.locator("#study-progress-text").inner_text()
    _grade_with_keyboard(page, "u")
    assert "Last grade undone." in page.content()
    # The same card is back (whitespace aside: its lines are laid out once the stylesheet applies).
    assert page.locator("#front").inner_text().split() == front.split()
    assert "2 done today" in page.locator("#study-progress-text").inner_text()
    capture(page, "study-question")

    page.goto(f"{base}/study/stats")
    assert page.locator("figure.chart").count() == 7
    capture(page, "study-stats")
    page.goto(f"{base}/study/settings")
    capture(page, "study-settings")

    # The assigned quiz: answer half, reload, the answers are still there; finish, submit, review.
    _follow(page.get_by_role("link", name="Quizzes", exact=True))
    capture(page, "student-quizzes")
    _follow(page.get_by_role("link", name=assigned_quiz))
    capture(page, "quiz-start")
    page.get_by_role("button", name="Start attempt").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    questions = page.locator("fieldset.question")
    assert questions.count() == 4
    first_choice = questions.nth(0).locator("label.choice").nth(1)
    chosen = first_choice.inner_text().strip()
    first_choice.click()
    questions.nth(0).locator(".save-status", has_text="Saved").wait_for()
    typed = questions.nth(3).get_by_role("textbox")
    typed.fill("534")
    questions.nth(3).locator(".save-status", has_text="Saved").wait_for()
    capture(page, "quiz-attempt")

    page.reload()
    tab_through(page, 12)
    assert questions.nth(0).locator("input:checked").get_attribute("value") == chosen
    assert questions.nth(3).get_by_role("textbox").input_value() == "534"
    questions.nth(1).locator("label.choice").nth(0).click()
    questions.nth(1).locator(".save-status", has_text="Saved").wait_for()
    questions.nth(2).get_by_label("True", exact=True).check()
    questions.nth(2).locator(".save-status", has_text="Saved").wait_for()
    # Finish: the summary of the attempt, then the submit and its confirmation.
    page.locator(".attempt-actions").get_by_role("button", name="Finish attempt…").click()
    page.wait_for_url(re.compile(r"/summary$"))
    page.get_by_role("button", name="Submit all and finish").click()
    page.locator("dialog.confirm-submit").get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    body = page.locator("main").inner_text()
    assert "Score:" in body and "Correct answer" in body and "Read it in the article" in body
    assert chosen in body and "534" in body
    capture(page, "quiz-review")

    page.get_by_role("link", name="Read it in the article").first.click()
    page.wait_for_url(re.compile(r"/articles/faw-leapmotor-stake\?s="))
    assert page.locator(".highlight").count() == 1
    capture(page, "reader-student")
    page.context.close()


def _approve_in_review_queue(page, base: str, slug: str) -> None:
    """The review queue (issue #5): tick some of the article's multiple-choice candidates and "Approve
    selected", then approve one more on its own."""
    page.goto(f"{base}{REVIEW_QUEUE}?article={slug}&qtype=mcq")
    capture(page, "review-queue")
    bulk = page.locator("form", has=page.get_by_role("button", name="Approve selected"))
    form_id = bulk.get_attribute("id")  # the tick boxes may sit outside the form, tied to it by form="…"
    boxes = (
        page.locator(f"input[type=checkbox][form='{form_id}']") if form_id else bulk.get_by_role("checkbox")
    )
    for i in range(APPROVE - 1):
        boxes.nth(i).check()
    with page.expect_navigation():
        bulk.get_by_role("button", name="Approve selected").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).first.click()


def _approve_through_service(live_app, slug: str) -> None:
    """Stand-in until the review queue lands: approve the best-ranked candidates that pass every check."""
    from app.articles.service import get_article
    from app.bank import service as bank
    from app.extensions import db

    with live_app.app_context():
        picked = [q for q in bank.candidates_for(get_article(slug)) if all((q.checks or {}).values())][
            :APPROVE
        ]
        for question in picked:
            question.status = "approved"
        db.session.commit()


def _approved_count(live_app, slug: str) -> int:
    from sqlalchemy import func, select

    from app.articles.service import get_article
    from app.extensions import db
    from app.models import Question

    with live_app.app_context():
        article = get_article(slug)
        return db.session.scalar(
            select(func.count()).where(Question.article_id == article.id, Question.status == "approved")
        )


def _student_answers(browser, base: str, quiz_url: str) -> None:
    """A student of the course takes the instructor's new quiz, so the results pages have data."""
    page = _new_page(browser)
    _log_in(page, base, "student")
    page.goto(quiz_url)
    page.get_by_role("button", name="Start attempt").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    for fieldset in page.locator("fieldset.question").all():
        choices = fieldset.locator("label.choice input")
        if choices.count():
            choices.first.check()
        for box in fieldset.get_by_role("textbox").all():
            box.fill("1")
    # Finish: the summary of the attempt, then the submit and its confirmation.
    page.locator(".attempt-actions").get_by_role("button", name="Finish attempt…").click()
    page.wait_for_url(re.compile(r"/summary$"))
    page.get_by_role("button", name="Submit all and finish").click()
    page.locator("dialog.confirm-submit").get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    page.context.close()


def test_instructor_journey(browser, live_server, live_app):
    base = live_server
    page = _new_page(browser)
    _log_in(page, base, "instructor", name="login")
    capture(page, "instructor-dashboard")

    # Upload a new article (first without a title: the message is tied to the field).
    _follow(page.get_by_role("link", name="Add an article"))
    capture(page, "article-new")
    _follow(page.get_by_role("button", name="Add article"))
    title = page.get_by_label("Title")
    assert title.get_attribute("aria-invalid") == "true"
    assert f"{title.get_attribute('id')}-error" in title.get_attribute("aria-describedby")
    check_a11y(page, "article-new-with-errors")
    title.fill(ARTICLE_TITLE)
    page.get_by_label("Publisher or source").fill("PR Newswire")
    page.get_by_label("Topics").fill("partnership-models, key-figures")
    page.get_by_label("…or upload a file").set_input_files(str(ARTICLE_FILE))
    page.get_by_role("button", name="Add article").click()
    page.wait_for_url(re.compile(r"/articles/[a-z0-9-]+$"))
    slug = page.url.rsplit("/", 1)[1]
    assert ARTICLE_TITLE in page.locator("h1").inner_text()

    # Generate candidates, approve some.
    _follow(page.get_by_role("button", name="Generate questions"))
    generated = page.locator(".flash", has_text=re.compile(r"new candidates? queued"))
    generated.wait_for()
    assert page.locator(".candidates li").count() >= APPROVE, generated.inner_text()
    capture(page, "reader-instructor")
    if any(rule.rule == REVIEW_QUEUE for rule in live_app.url_map.iter_rules()):
        _approve_in_review_queue(page, base, slug)
    else:
        warnings.warn(
            f"{REVIEW_QUEUE} does not exist yet: the journey approved through the service instead of the queue",
            pytest.PytestWarning,
            stacklevel=1,
        )
        _approve_through_service(live_app, slug)
    approved = _approved_count(live_app, slug)
    assert approved >= APPROVE

    # Build a quiz from them and assign it to the demo course.
    _follow(page.get_by_role("link", name="Quizzes", exact=True))
    capture(page, "instructor-quizzes")
    _follow(page.get_by_role("link", name="New quiz"))
    page.get_by_label("Title", exact=True).fill(INSTRUCTOR_QUIZ)
    page.get_by_label("Course", exact=True).select_option(label=COURSE_TITLE)
    page.get_by_role("checkbox", name=re.compile("^Published")).check()
    capture(page, "quiz-new")
    page.get_by_role("button", name="Save quiz").click()
    # Publishing a quiz with no questions yet asks for a confirmation first.
    page.get_by_role("checkbox", name=re.compile("^Publish anyway")).check()
    page.get_by_role("button", name="Save quiz").click()
    page.wait_for_url(re.compile(r"/quizzes/\d+/edit$"))
    quiz_url = page.url.removesuffix("/edit")
    page.locator("select[name=article]").select_option(slug)
    _follow(page.get_by_role("button", name="Filter"))
    picker = page.locator("ul.picker input[type=checkbox]")
    assert picker.count() == approved
    for box in picker.all():
        box.check()
    _follow(page.get_by_role("button", name="Add selected questions"))
    page.locator(".flash", has_text=f"Added {approved} questions").wait_for()
    capture(page, "quiz-builder")

    page.goto(f"{base}/courses/")
    _follow(page.get_by_role("link", name=COURSE_TITLE))
    assert page.get_by_role("link", name=INSTRUCTOR_QUIZ).is_visible()
    capture(page, "instructor-course")
    _follow(page.get_by_role("link", name="Retention and workload by topic"))
    capture(page, "course-stats")

    # Results, once a student has taken it.
    _student_answers(browser, base, quiz_url)
    page.goto(quiz_url)
    capture(page, "instructor-quiz")
    _follow(page.get_by_role("link", name="Gradebook"))
    assert "Sam Student" in page.locator("main").inner_text()
    capture(page, "gradebook")
    page.goto(quiz_url)
    _follow(page.get_by_role("link", name="Item analysis"))
    capture(page, "item-analysis")
    assert page.locator("svg.item-chart[role=img]").count() == 1, page.locator("main").inner_text()[:500]

    # Every export format of the quiz, from the Export page.
    page.goto(quiz_url)
    _follow(page.get_by_role("link", name="Export to an LMS"))
    capture(page, "exports")
    links = page.locator("ul.export-list a[download]")
    assert links.count() == len(EXPORTS)
    for prefix, (ending, looks_right) in EXPORTS.items():
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile("^" + re.escape(prefix))).click()
        download = info.value
        assert download.failure() is None, f"{prefix}: {download.failure()}"
        data = Path(download.path()).read_bytes()
        assert data, f"{prefix}: the download is empty"
        assert download.suggested_filename.endswith(ending), f"{prefix}: {download.suggested_filename}"
        assert looks_right(data), f"{prefix}: {download.suggested_filename} is not what it claims to be"
    _follow(page.get_by_role("link", name="what converts?").first)
    capture(page, "exports-report")
    page.context.close()


BROKEN_PAGE = """<!doctype html><html lang="en"><head><title>Broken</title>
<style>a:focus { outline: none; } .faint { color: #aaa; }</style></head>
<body><main><h1>Broken on purpose</h1><p class="faint">Low-contrast text.</p>
<input type="text"><button></button><a href="#x">A link without a focus ring</a></main></body></html>"""


def test_the_checks_fail_on_a_broken_page(page):
    """The checks the journeys rely on do catch what they claim to: a missing label, a nameless button,
    low contrast, and a link whose keyboard focus cannot be seen."""
    page.set_content(BROKEN_PAGE)
    with pytest.raises(AssertionError) as failure:
        check_a11y(page, "broken")
    report = str(failure.value)
    for rule in ("label", "button-name", "color-contrast"):
        assert f"] {rule}:" in report
    assert "input" in report and "button" in report  # the offending nodes' selectors
    page.get_by_role("link").focus()
    with pytest.raises(AssertionError, match="no visible outline"):
        assert_focus_visible(page)


UNDECIDED_PAGE = """<!doctype html><html lang="en"><head><title>Undecided</title></head>
<body><main><h1>Undecided on purpose</h1><label for="n" style="color:#fff">Name</label><input id="n">
</main></body></html>"""


def test_an_undecided_accessible_name_fails_but_other_undecided_checks_do_not(page):
    """axe leaves a check "incomplete" when it cannot decide. For the accessible-name rules that counts as a
    failure; for others (here the contrast of white text axe cannot place on a background) it does not.
    axe itself rarely leaves a name undecided, so its verdict for the label rule is replaced in the page
    with the incomplete result it would give; the real run's other results are kept."""
    page.set_content(UNDECIDED_PAGE)
    check_a11y(page, "undecided contrast only")  # a real incomplete color-contrast: not blocking
    page.evaluate(
        """() => {
          const run = axe.run.bind(axe);
          axe.run = async (context, options) => {
            const results = await run(context, options);
            results.incomplete.push({id: 'label', impact: 'critical', help: 'Form elements must have labels',
              helpUrl: 'https://dequeuniversity.com/rules/axe/label',
              nodes: [{target: ['#n'], failureSummary: 'Fix any of the following: the label could not be read'}]});
            return results;
          };
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        check_a11y(page, "undecided name")
    assert (
        "] label:" in str(failure.value) and "#n" in str(failure.value) and "incomplete" in str(failure.value)
    )
