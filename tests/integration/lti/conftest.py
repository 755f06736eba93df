"""LTI fixtures: the real Casewise app and the test LMS (tests/integration/lti/lms.py) served side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.lti.lms import Served, TestLMS, lms_app


@dataclass
class LtiWorld:
    tool_url: str
    lms: TestLMS
    register: Any


@pytest.fixture
def lti_world(app):
    """The real Casewise app and a test LMS, both served on loopback, the LMS registered in Casewise."""
    from app.lti import service

    tool = Served(app)
    lms = TestLMS(tool_url=tool.url)
    platform_server = Served(lms_app(lms))
    lms.url = platform_server.url

    def register(target: TestLMS = lms, **overrides):
        with app.app_context():
            return service.register_platform(service.PlatformSettings(**target.settings(**overrides))).id

    register()
    yield LtiWorld(tool.url, lms, register)
    platform_server.stop()
    tool.stop()
