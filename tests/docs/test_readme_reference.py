"""The README's reference tables match the code both ways: every command and subcommand of
`flask --app wsgi` is in the Command line table and every row there is a real command; every
environment variable `app/config.py` reads is in the Configuration table and every variable the table
names reaches the app."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click

from app import create_app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIG_SOURCE = (ROOT / "app" / "config.py").read_text(encoding="utf-8")
FACTORY_SOURCE = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
PREFIX = ".venv/bin/flask --app wsgi "
# Commands Flask and its extensions bring, documented by them (`db upgrade` has its own row).
NOT_OURS = {"run", "shell", "routes", "limiter", "db"}


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def table_first_cells(text: str) -> list[str]:
    """Escaped pipes (`student\\|instructor`) stay inside their cell."""
    return [line.replace("\\|", "/").split("|")[1] for line in text.splitlines() if line.startswith("| `")]


def cli_root() -> click.Group:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.cli


def resolve(root: click.Group, words: list[str]) -> tuple[str, ...]:
    """The longest command path the words name ("lti list FOO" -> ("lti", "list"))."""
    ctx = click.Context(root)
    path: list[str] = []
    command: click.Command = root
    for word in words:
        if not isinstance(command, click.Group):
            break
        sub = command.get_command(ctx, word)
        if sub is None:
            break
        path.append(word)
        command = sub
    return tuple(path)


def documented_commands(root: click.Group) -> set[tuple[str, ...]]:
    """Each command named in a code span of the Command line table's first column."""
    found = set()
    for cell in table_first_cells(section("Command line")):
        for span in re.findall(r"`([^`]+)`", cell):
            span = span.removeprefix(PREFIX)
            path = resolve(root, span.split())
            assert path, f"`{span}` in the README's CLI table is not a command of `flask --app wsgi`"
            found.add(path)
    return found


def real_commands(root: click.Group) -> set[tuple[str, ...]]:
    ctx = click.Context(root)
    paths = set()
    for name in root.list_commands(ctx):
        if name in NOT_OURS:
            continue
        command = root.get_command(ctx, name)
        if isinstance(command, click.Group):
            paths |= {(name, sub) for sub in command.list_commands(ctx)}
        else:
            paths.add((name,))
    return paths


def test_every_cli_table_row_is_a_real_command():
    root = cli_root()
    documented = documented_commands(root)
    assert ("db", "upgrade") in documented
    assert len(documented) >= 20


def test_every_command_of_the_app_is_in_the_cli_table():
    root = cli_root()
    missing = real_commands(root) - documented_commands(root)
    assert not missing, (
        f"commands missing from the README's CLI table: {sorted(' '.join(p) for p in missing)}"
    )


def config_env_names() -> set[str]:
    """Environment variables read by name in app/config.py (and the config name in the factory)."""
    names = set(re.findall(r"os\.environ\.get\(\s*\"([A-Z_]+)\"", CONFIG_SOURCE + FACTORY_SOURCE))
    return names


def readme_env_names() -> set[str]:
    names = set()
    for cell in table_first_cells(section("Configuration")):
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", cell))
    return names


def test_every_variable_config_reads_is_in_the_configuration_table():
    missing = config_env_names() - readme_env_names()
    assert not missing, f"read in app/config.py but missing from the README's Configuration table: {missing}"


def test_every_variable_in_the_configuration_table_reaches_the_app():
    config_names = config_env_names()
    for name in sorted(readme_env_names()):
        if name.startswith("FLASK_"):
            # Read by `from_prefixed_env`: the rest of the name must be a setting the app uses.
            key = name.removeprefix("FLASK_")
            used = re.search(rf"config(?:\.get\(|\[)\"{key}\"", _app_source())
            assert used, f"README's {name}: the app never reads the setting {key}"
        else:
            assert name in config_names, (
                f"README's {name} is not read from the environment by app/config.py; "
                f"only FLASK_{name} would reach the app"
            )


def test_bare_lti_key_secret_reaches_the_app():
    """The README says `set LTI_KEY_SECRET`; exported by that name it must reach the app's config."""
    script = "from app import create_app; print(create_app().config['LTI_KEY_SECRET'])"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env |= {"LTI_KEY_SECRET": "from-the-environment", "DATABASE_URL": "sqlite://"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "from-the-environment"


def _app_source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "app").rglob("*.py"))
