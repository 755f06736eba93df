"""Study settings: validation beside the field, 422 and nothing saved; a valid form saves."""

from __future__ import annotations

import pytest

from app.auth.service import find_user
from app.extensions import db

VALID = {"desired_retention": "0.85", "new_per_day": "5", "reviews_per_day": "50", "timezone": "Europe/Paris"}


def saved():
    db.session.expire_all()
    user = find_user("student")
    return (user.desired_retention, user.new_per_day, user.reviews_per_day, user.timezone)


def test_settings_page_shows_current_values(client, student):
    html = client.get("/study/settings").get_data(as_text=True)
    assert 'value="0.90"' in html and 'value="UTC"' in html


def test_valid_settings_are_saved(client, student):
    response = client.post("/study/settings", data=VALID)
    assert response.status_code == 303
    assert saved() == (0.85, 5, 50, "Europe/Paris")


@pytest.mark.parametrize("retention", ["0.70", "0.97", "0.7", ".97"])
def test_both_ends_of_the_retention_range_are_accepted(client, student, retention):
    """The hint says 0.70 to 0.97: both ends are allowed (the top was refused against a float bound)."""
    response = client.post("/study/settings", data={**VALID, "desired_retention": retention})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert saved()[0] == float(retention)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "Unknown time zone"),
        ("timezone", "UTC+2", "Unknown time zone"),
        ("desired_retention", "2", "between 0.70 and 0.97"),
        ("desired_retention", "0.5", "between 0.70 and 0.97"),
        ("desired_retention", "0.971", "between 0.70 and 0.97"),
        ("desired_retention", "0.699", "between 0.70 and 0.97"),
        ("desired_retention", "nan", "between 0.70 and 0.97"),
        ("desired_retention", "Infinity", "between 0.70 and 0.97"),
        ("new_per_day", "-1", "between 0 and 9999"),
        ("reviews_per_day", "100000", "between 0 and 99999"),
    ],
)
def test_bad_value_is_refused_beside_the_field(client, student, field, value, message):
    before = saved()
    response = client.post("/study/settings", data={**VALID, field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert saved() == before


def test_single_key_shortcuts_can_be_turned_off_and_on(client, student):
    page = client.get("/study/settings").get_data(as_text=True)
    assert 'name="study_shortcuts"' in page and "checked" in page  # on by default
    deck = "/study/article/faw-leapmotor-mou"
    client.post("/study/start", data={"deck": "article:faw-leapmotor-mou"})  # as the page sends it
    assert 'data-shortcuts="on"' in client.get(deck).get_data(as_text=True)
    # An unticked checkbox is absent from the form: off (WCAG 2.1.4, for speech input users).
    assert client.post("/study/settings", data=VALID).status_code == 303
    db.session.expire_all()
    assert find_user("student").study_shortcuts is False
    html = client.get(deck).get_data(as_text=True)
    assert 'data-shortcuts="off"' in html and "keys-hint" not in html
    assert client.post("/study/settings", data={**VALID, "study_shortcuts": "y"}).status_code == 303
    db.session.expire_all()
    assert find_user("student").study_shortcuts is True
    assert 'data-shortcuts="on"' in client.get(deck).get_data(as_text=True)
