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


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "Unknown time zone"),
        ("timezone", "UTC+2", "Unknown time zone"),
        ("desired_retention", "2", "between 0.70 and 0.97"),
        ("desired_retention", "0.5", "between 0.70 and 0.97"),
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
