"""An instructor exports the whole bank from the Export page: the export runs as a job, its progress page
fills in (polled by jobs.js) and offers the file; at desktop width through a real RQ worker on the running
Redis, at phone width inline (the embedded default, no Redis)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.a11y import capture
from tests.e2e.conftest import IN_CI, login

pytestmark = pytest.mark.browser
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@contextmanager
def jobs_config(app, tmp_path, **values):
    """The live app's job settings for one test (the app is shared by the session)."""
    saved = {key: app.config.get(key) for key in ("JOBS_FOLDER", "JOBS_INLINE", "JOBS_QUEUE", "REDIS_URL")}
    app.config.update({"JOBS_FOLDER": str(tmp_path / "jobs"), "JOBS_INLINE": True} | values)
    try:
        yield
    finally:
        app.config.update(saved)


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"CI must run the queue journey, but Redis is not reachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")


def _assert_progress_spans_its_panel(page) -> None:
    """The progress bar reads at a glance: as wide as the job's panel allows (the browser's default is 160 px)."""
    bar = page.locator("progress.job-progress").bounding_box()
    panel = page.evaluate(
        "() => { const p = document.querySelector('.panel.job'); const s = getComputedStyle(p);"
        " return p.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"
    )
    assert bar["width"] >= min(panel, 640) - 1, f"progress bar {bar['width']}px in a {panel}px panel"


def test_instructor_exports_the_bank_through_the_queue(page, live_server, live_app, tmp_path):
    _redis_or_skip()
    from redis import Redis
    from rq import Queue, SimpleWorker

    queue = f"e2e-jobs-{uuid.uuid4().hex[:8]}"
    with jobs_config(live_app, tmp_path, JOBS_INLINE=False, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue):
        login(page, live_server, "instructor")
        page.goto(f"{live_server}/exports/")
        page.get_by_role("button", name="Export CSV (one row per question)").click()
        page.wait_for_url(re.compile(r"/jobs/\d+$"))
        status = page.get_by_role("status").filter(has_text="Waiting for a worker")
        status.wait_for()
        assert page.locator(".job-download").is_hidden()
        capture(page, "export-job-queued")

        # The worker runs while the page is open; the page's script shows the result without a reload.
        connection = Redis.from_url(REDIS_URL)
        with live_app.app_context():
            SimpleWorker([Queue(queue, connection=connection)], connection=connection).work(burst=True)
        link = page.get_by_role("link", name=re.compile(r"^Download .+\.csv$"))
        link.wait_for()
        assert page.locator(".job-state").inner_text() == "Done."
        assert page.locator("progress.job-progress").get_attribute("value") == "100"
        _assert_progress_spans_its_panel(page)
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(".csv")
        rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
        assert rows[0][:2] == ["id", "type"] and len(rows) > 10
        capture(page, "export-job-done")
        Queue(queue, connection=connection).delete(delete_jobs=True)


def test_instructor_exports_the_bank_inline_on_a_phone(phone_page, live_server, live_app, tmp_path):
    page = phone_page
    with jobs_config(live_app, tmp_path, JOBS_INLINE=True):
        login(page, live_server, "instructor")
        page.goto(f"{live_server}/exports/")
        page.get_by_role("button", name="Export JSON (full bank with provenance)").click()
        page.wait_for_url(re.compile(r"/jobs/\d+$"))
        job_url = page.url
        assert page.get_by_role("status").inner_text() == "Done."
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the progress page scrolls sideways on a phone: {width}px"
        _assert_progress_spans_its_panel(page)
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile(r"^Download .+\.json$")).click()
        data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
        assert data["questions"], "the exported bank is empty"
        exported = len(data["questions"])
        assert (
            page.locator(".job-count").inner_text() == f"{exported:,} of {exported:,}"
        )  # each question once
        # The jobs list names the export and links to its page.
        page.goto(f"{live_server}/jobs/")
        assert page.get_by_role("link", name=re.compile("JSON \\(full bank")).count() >= 1

        # Once its file is older than JOBS_KEEP_DAYS and purged, the job's page says so, without a link.
        with live_app.app_context():
            from app.jobs import purge

            assert purge(timedelta(0)).folders >= 1
        page.goto(job_url)
        assert "Its file was deleted after the time files are kept" in page.get_by_role("status").inner_text()
        assert page.locator(".job-download").is_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
