"""Casewise: turns case-study articles into curated quizzes and spaced-repetition flashcards."""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

from flask import Flask

from app.config import CONFIGS


def create_app(config: dict[str, Any] | str | None = None) -> Flask:
    """Build the app. `config` is a config name ("development", "testing", "production") or a dict of overrides.

    No side effects beyond configuration: no migrations, no table creation, no network.
    """
    app = Flask(__name__, instance_relative_config=True)
    name = config if isinstance(config, str) else os.environ.get("CASEWISE_CONFIG", "development")
    app.config.from_object(CONFIGS[name])
    app.config.from_prefixed_env()
    if isinstance(config, dict):
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "casewise.db")
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # A SQLite file has no server to drop a pooled connection: the pre-ping would be one more statement
        # on every request's checkout for nothing (PostgreSQL keeps it).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_pre_ping": False,
        }
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set. Export SECRET_KEY (a long random string) before starting.")

    from app import security
    from app.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    _check_limiter_storage(app)
    _trust_proxies(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"

    from app.database import configure_engine_events

    with app.app_context():
        configure_engine_events(db.engine)

    security.init_app(app)
    from app.quizzes import analysis_version
    from app.study import decks

    decks.init_app(app)
    analysis_version.init_app(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_template_helpers(app)
    return app


def _check_limiter_storage(app: Flask) -> None:
    """Production refuses to start with rate limits kept in each worker's memory (they would not limit)."""
    if not app.config.get("REQUIRE_REDIS") or not app.config.get("RATELIMIT_ENABLED", True):
        return
    if not app.config.get("REDIS_URL"):
        raise RuntimeError(
            "REDIS_URL is not set. In production the login and join-code limits live in Redis, shared by "
            "every worker; in memory each worker would count alone. Export REDIS_URL=redis://HOST:6379/0 "
            "(or run the embedded default, CASEWISE_CONFIG=development, as one process)."
        )
    if not str(app.config["RATELIMIT_STORAGE_URI"]).startswith(("redis://", "rediss://", "redis+")):
        raise RuntimeError(
            f"RATELIMIT_STORAGE_URI is {app.config['RATELIMIT_STORAGE_URI']!r}; production needs Redis there. "
            "Unset it to use REDIS_URL."
        )


def _trust_proxies(app: Flask) -> None:
    """werkzeug's ProxyFix for TRUSTED_PROXIES hops, so request.remote_addr is the client's address."""
    raw = app.config.get("TRUSTED_PROXIES") or 0
    try:
        hops = int(raw)
        if hops < 0:
            raise ValueError
    except (TypeError, ValueError):
        raise RuntimeError(
            f"TRUSTED_PROXIES is {raw!r}; set it to the number of reverse proxies in front of the app "
            "(0 for none, 1 behind one HAProxy)."
        ) from None
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _register_blueprints(app: Flask) -> None:
    from app.account.views import bp as account_bp
    from app.articles.views import bp as articles_bp
    from app.auth.views import bp as auth_bp
    from app.bank.views import bp as bank_bp
    from app.courses.views import bp as courses_bp
    from app.errors import register_error_handlers
    from app.exports.views import bp as exports_bp
    from app.gradebook.views import bp as gradebook_bp
    from app.gradebook.views import grades_bp
    from app.jobs.views import bp as jobs_bp
    from app.lti.views import bp as lti_bp
    from app.main.views import bp as main_bp
    from app.quizzes.views import bp as quizzes_bp
    from app.study.views import bp as study_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(articles_bp)
    app.register_blueprint(study_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(gradebook_bp)
    app.register_blueprint(grades_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(bank_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(lti_bp)
    app.register_blueprint(jobs_bp)
    register_error_handlers(app)
    if app.config.get("BENCH_ENDPOINTS"):
        # The bench's own baselines (bench/harness/endpoints.py), with their own table: not part of the app.
        import_module("bench.harness.endpoints").register(app)


def _register_cli(app: Flask) -> None:
    from app.articles.cli import article_cli
    from app.auth.cli import user_cli
    from app.backup.cli import backup_command, restore_command
    from app.bank.cli import bank_cli
    from app.cluster.cli import db_upgrade_locked_command, forget_secret_key_command
    from app.exports.cli import export_command, import_command
    from app.generation.cli import generate_command
    from app.jobs.cli import jobs_cli, worker_command
    from app.lti.cli import lti_cli
    from app.quizzes.cli import quiz_cli
    from app.seed.cli import seed_command
    from app.study.cli import study_cli
    from app.textcheck import check_text_command

    app.cli.add_command(seed_command)
    app.cli.add_command(bank_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(article_cli)
    app.cli.add_command(quiz_cli)
    app.cli.add_command(study_cli)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(generate_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(lti_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(check_text_command)
    app.cli.add_command(db_upgrade_locked_command)
    app.cli.add_command(forget_secret_key_command)


def _register_template_helpers(app: Flask) -> None:
    from app.qtypes.text import format_number
    from app.rendering import cloze_markdown, cloze_text, render_markdown

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["cloze_markdown"] = cloze_markdown
    app.jinja_env.filters["cloze_text"] = cloze_text
