"""The "Optimise" panel of the study settings, in Chromium at desktop width and at 390 px: the threshold and
the student's counts, the progress of a running optimisation (polled, then the page shows the result by
itself), and a run started with the button, with log loss and RMSE before and after."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.a11y import capture
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser
PASSWORD = "optimise-pass-phrase"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


class _Quiet:
    """The job context's progress, heard by nobody: the test runs the optimisation in-process."""

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Nothing to record: no progress page watches this run."""


def _student_with_history(live_app, username: str) -> int:
    from sqlalchemy import select

    from app.auth.service import create_user
    from app.extensions import db
    from app.models import Question
    from bench.harness.review_log import store_reviews, synthetic_reviews

    with live_app.app_context():
        user = create_user(username, username.title(), PASSWORD)
        questions = list(
            db.session.scalars(select(Question.id).where(Question.status == "approved").order_by(Question.id))
        )
        store_reviews(user.id, questions, synthetic_reviews(700, 60, datetime.now(UTC)))
        db.session.commit()
        return user.id


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_optimise_panel_shows_progress_then_the_result(browser, live_app, live_server, viewport):
    from app.extensions import db
    from app.models import Job
    from app.study import optimize_service

    username = f"optimise-{viewport}"
    user_id = _student_with_history(live_app, username)
    with live_app.app_context():  # a worker has the job and is fitting
        job = Job(kind=optimize_service.JOB_KIND, owner_id=user_id, params={}, state="running",
                  progress_done=1, progress_total=3, message="Fitting new parameters to your reviews")  # fmt: skip
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    context = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server, username, PASSWORD)
        page.goto(f"{live_server}/study/settings")
        panel = page.locator("#optimise")
        assert "You have 700 reviews" in panel.inner_text()
        assert "needs at least 400" in panel.inner_text()
        progress = panel.locator("progress.job-progress")
        assert progress.is_visible() and progress.get_attribute("value") == "33"
        assert "Running: Fitting new parameters to your reviews" in panel.locator(".job-state").inner_text()
        assert panel.get_by_role("button", name="Optimise my parameters").count() == 0
        page.evaluate("window.__samePage = true")

        with live_app.app_context():  # the worker finishes: the page sees it and shows the result
            result = optimize_service.run_optimisation(_Quiet(), user_id)
            finished = db.session.get(Job, job_id)
            finished.state, finished.dedupe_key, finished.result = "done", None, result
            finished.progress_done = 3
            db.session.commit()
        page.locator(".optimise-outcome").wait_for()
        assert page.evaluate("window.__samePage === undefined")  # reloaded by the page's script
        assert panel.locator(".optimise-outcome").inner_text() == "updated"
        table = panel.locator("table.optimise-metrics").inner_text()
        assert "Log loss" in table and "RMSE (bins)" in table
        assert f"{result['log_loss_before']:.4f}"[:5] in table

        # A second run with the button: the fit from the defaults is the one in use, so it is kept.
        panel.get_by_role("button", name="Optimise my parameters").click()
        page.wait_for_url(f"{live_server}/study/settings#optimise")
        assert panel.locator(".optimise-outcome").inner_text() == "kept"
        assert "did not predict your answers better" in panel.inner_text()
        capture(page, f"study-settings-optimise-{viewport}")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_too_few_reviews_says_so_once_and_the_button_is_off(browser, live_app, live_server, viewport):
    """Below the threshold the panel says what is needed once, and the button is disabled with that as its
    description; a post that gets through anyway (a page left open) is refused with the reason, still once."""
    from app.auth.service import create_user

    username = f"optimise-new-{viewport}"
    with live_app.app_context():
        create_user(username, "Optimise New", PASSWORD)
    context = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server, username, PASSWORD)
        page.goto(f"{live_server}/study/settings")
        panel = page.locator("#optimise")
        button = panel.get_by_role("button", name="Optimise my parameters")
        assert button.is_disabled()
        reason = page.locator(f"#{button.get_attribute('aria-describedby')}")
        assert "needs at least 400" in reason.inner_text()
        assert panel.inner_text().count("needs at least") == 1
        capture(page, "study-settings-optimise-too-few")

        button.evaluate("el => { el.disabled = false; }")
        button.click()
        alert = page.locator("#optimise-error")
        assert "needs at least 400 reviews that count" in alert.inner_text()
        assert "you have 0 of 0 reviews" in alert.inner_text()
        assert panel.inner_text().count("needs at least") == 1
        assert button.is_disabled() and button.get_attribute("aria-describedby") == "optimise-error"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_course_page_shows_who_optimised_and_no_ones_retention(browser, live_app, live_server, viewport):
    from tests.e2e.a11y import _OVERFLOW_JS, check_a11y

    context = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server, "instructor")
        page.goto(f"{live_server}/study/course/1/stats")
        block = page.locator(".course-optimisation")
        assert block.is_visible()
        assert "study with their own optimised FSRS parameters" in block.inner_text()
        assert "appears once at least 3 students" in block.inner_text()  # the demo course has fewer
        assert page.evaluate(_OVERFLOW_JS) is None
        check_a11y(page, f"course study statistics ({viewport})")
    finally:
        context.close()
