"""The review queue's "failing a check" tab walks its own ordering index: the page's statement reads
ix_question_failing_rank_uid (a partial index in rank order) instead of reading every failing candidate
and sorting them, which grew with the bank."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.bank import curation
from app.extensions import db
from tests.conftest import require_postgres


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_failing_tab_reads_its_rank_ordered_index(departments, backend):
    if backend == "postgres":
        require_postgres()
    department = departments(backend, "mid")
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        statements.append((statement, parameters))

    with department.app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            listing = curation.list_questions(curation.Filters(status="candidate", checks="failed"))
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        assert listing.questions, "the mid department has candidates failing a check"
        page = next(s for s in statements if "failed_checks > " in s[0] and "LIMIT" in s[0])
        explain = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
        plan = db.session.connection().exec_driver_sql(explain + page[0], page[1]).all()
        details = " / ".join(str(row[-1]) for row in plan)
        assert "ix_question_failing_rank_uid" in details, details
