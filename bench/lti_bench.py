"""Time LTI 1.3 round trips against the test LMS (lti1p3platform) on loopback: a first launch (user and
course provisioned), a repeat launch, and a grade post (token request + AGS score), each N times.

Run `python bench/lti_bench.py [--n 20]`. Prints median and 95th percentile in milliseconds. The machine's
load moves these figures; compare runs made side by side, never assert on them.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.lti import passback, service  # noqa: E402
from app.models import Attempt, LtiContext, LtiUser, Quiz  # noqa: E402
from app.models.base import utcnow  # noqa: E402
from tests.integration.lti.lms import Browser, Served, TestLMS, lms_app  # noqa: E402


def _figures(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    median = statistics.median(ordered) * 1000
    return f"{label:<28} median {median:7.1f} ms   p95 {p95 * 1000:7.1f} ms   n={len(ordered)}"


def run(n: int) -> list[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log for the loopback servers
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
        tool = Served(app)
        lms = TestLMS(tool_url=tool.url)
        platform = Served(lms_app(lms))
        lms.url = platform.url
        try:
            with app.app_context():
                service.register_platform(service.PlatformSettings(**lms.settings()))
            Browser().launch(lms, user="teacher", role="instructor", context="bench")  # keys, course
            first, repeat, grade = [], [], []
            for i in range(n):
                browser = Browser()
                start = time.perf_counter()
                assert browser.launch(lms, user=f"s{i}", role="learner", context="bench").status_code == 200
                first.append(time.perf_counter() - start)
                start = time.perf_counter()
                assert browser.launch(lms, user=f"s{i}", role="learner", context="bench").status_code == 200
                repeat.append(time.perf_counter() - start)
            with app.app_context():
                context = db.session.scalar(db.select(LtiContext))
                owner = db.session.scalar(db.select(LtiUser.user_id).where(LtiUser.sub == "teacher"))
                quiz = Quiz(title="Bench", owner_id=owner, course_id=context.course_id, published=True)
                db.session.add(quiz)
                db.session.commit()
                quiz_id = quiz.id
            lms.add_line_item("Bench", 1.0)
            for i in range(n):
                Browser().launch(
                    lms,
                    user=f"s{i}",
                    role="learner",
                    context="bench",
                    target=f"quiz:{quiz_id}",
                    line_item="1",
                )
            with app.app_context():
                for i in range(n):
                    user_id = db.session.scalar(db.select(LtiUser.user_id).where(LtiUser.sub == f"s{i}"))
                    attempt = Attempt(
                        quiz_id=quiz_id,
                        user_id=user_id,
                        state="submitted",
                        layout=[],
                        score=1.0,
                        max_score=1.0,
                    )
                    attempt.submitted_at = utcnow()
                    db.session.add(attempt)
                    db.session.commit()
                    start = time.perf_counter()
                    passback.on_attempt_graded(attempt.id)
                    grade.append(time.perf_counter() - start)
            assert len(lms.scores) == n
        finally:
            platform.stop()
            tool.stop()
    return [
        _figures("first launch (provisioning)", first),
        _figures("repeat launch", repeat),
        _figures("grade post (inline, AGS)", grade),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20)
    for line in run(parser.parse_args().n):
        print(line)


if __name__ == "__main__":
    main()
