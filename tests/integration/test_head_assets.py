"""An area's own stylesheet and scripts load in the page's head (base.html's head block), not in its body."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("path", "assets"),
    [
        ("/bank/", ["bank.css", "bank-queue.js", "bank-editor.js", "bank-reader.js"]),
        ("/quizzes/", ["quiz.css", "quiz.js"]),
        ("/study/decks", ["study.css", "study.js"]),
    ],
)
def test_area_assets_are_in_the_head(app, client, make_user, auth, path, assets):
    make_user("teacher", "instructor")
    assert auth.login("teacher").status_code == 302
    page = client.get(path)
    assert page.status_code == 200
    head, _, body = page.get_data(as_text=True).partition("</head>")
    for asset in assets:
        assert f"/static/{asset}" in head, f"{asset} is not in the head of {path}"
        assert f"/static/{asset}" not in body, f"{asset} is in the body of {path}"
