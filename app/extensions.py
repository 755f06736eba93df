"""Flask extensions, created unbound here and bound to the app in create_app()."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.models.base import Base, UTCDateTime


def _render_item(type_: str, obj, autogen_context):
    """Write our UTCDateTime as a plain timezone-aware DateTime in migration scripts."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True, render_item=_render_item)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _limits_off_in_this_app() -> bool:
    """Each app's own RATELIMIT_ENABLED decides. The Limiter is one object per process and `init_app` keeps
    the flag of the app built last, so an app built with limits off (the test suite's live servers) would
    start limiting once another app in the same process turned them on."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)
