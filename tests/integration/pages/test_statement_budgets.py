"""Statement budgets per page (issue #24): each page of the table issues at most its budget of SQL
statements, and the same number on the small and on the mid-size department, which is what shows it
has no statement per row (N+1) left: a lazy load in a loop adds statements as the rows grow."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.integration.pages.statements import count_statements

# Statements per request, the login's user lookup included; every one at most 20 (the ceiling).
BUDGETS = {
    "bank_first": 10,
    "bank_last": 10,
    "review_approved": 10,
    "review_any": 10,
    "review_candidates": 12,
    "review_failing": 12,
    "review_mcq": 12,
    "account_data": 15,
    "course_statistics": 10,
    "item_analysis": 14,  # the first GET after a change computes and stores it (13); then 8 (see below)
    "quiz_builder": 14,
    "student_quizzes": 8,
    "course_gradebook": 12,
    "quiz_gradebook": 12,
}


def _measure(department, name: str):
    page = department.pages[name]
    client = department.client(page.username)
    with department.app.app_context():
        engine = db.engine
    with count_statements(engine) as counted:
        response = client.get(page.url)
    assert response.status_code == 200, f"{page.url}: {response.status_code}"
    return counted


def test_every_page_of_the_table_has_a_budget(department_pair):
    assert set(department_pair["small"].pages) == set(BUDGETS)
    assert all(budget <= 20 for budget in BUDGETS.values())


@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_page_stays_within_its_statement_budget_at_both_sizes(department_pair, name):
    small = _measure(department_pair["small"], name)
    mid = _measure(department_pair["mid"], name)
    assert mid.count <= BUDGETS[name], f"{name}: {mid.count} statements on the mid department\n{mid.report()}"
    assert small.count <= BUDGETS[name], (
        f"{name}: {small.count} statements on the small one\n{small.report()}"
    )
    assert mid.count == small.count, (
        f"{name}: {small.count} statements on the small department, {mid.count} on the mid one: a query per "
        f"row.\nsmall:\n{small.report()}\nmid:\n{mid.report()}"
    )


# Reading the stored item analysis (app.models.QuizAnalysis) once nothing changed since it was computed.
STORED_ANALYSIS_BUDGET = 9  # 8: the overdue check and one row for the version and the stored analysis


def test_item_analysis_read_back_from_its_summary_stays_within_its_budget(department_pair):
    small, mid = (department_pair[size] for size in ("small", "mid"))
    for department in (small, mid):
        _measure(department, "item_analysis")  # computes and stores it, if no test did yet
    again_small, again_mid = _measure(small, "item_analysis"), _measure(mid, "item_analysis")
    assert again_mid.count <= STORED_ANALYSIS_BUDGET, again_mid.report()
    assert again_small.count == again_mid.count, f"small:\n{again_small.report()}\nmid:\n{again_mid.report()}"


# The Next and Previous links seek from a cursor (the uid of the row they come from): one statement reads
# the cursor's ordering key and one the page's uids, then the page's rows as on a numbered page.
CURSOR_BUDGET = 12
CURSOR_LINK = {rel: re.compile(rf'<a href="([^"]+)" rel="{rel}">') for rel in ("next", "prev")}


def _measure_link(department, name: str, rel: str):
    page = department.pages[name]
    client = department.client(page.username)
    found = CURSOR_LINK[rel].search(client.get(page.url).get_data(as_text=True))
    assert found is not None, f"{page.url} has no {rel} link"
    url = found.group(1).replace("&amp;", "&")
    assert ("after=" if rel == "next" else "before=") in url
    with department.app.app_context():
        engine = db.engine
    with count_statements(engine) as counted:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return counted


@pytest.mark.parametrize(
    "name, rel",
    [("bank_first", "next"), ("bank_last", "prev"), ("review_candidates", "next"), ("review_any", "next")],
)
def test_a_cursor_page_stays_within_its_budget_at_both_sizes(department_pair, name, rel):
    small = _measure_link(department_pair["small"], name, rel)
    mid = _measure_link(department_pair["mid"], name, rel)
    assert mid.count <= CURSOR_BUDGET, mid.report()
    assert small.count == mid.count, f"small:\n{small.report()}\nmid:\n{mid.report()}"
