"""Every shell command in README.md works as written: the fenced `sh` blocks run in order, on throwaway
databases, from a folder laid out like a fresh clone; the CLI table names real commands; and the
Makefile targets the README relies on exist and pass arguments through."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from tests.conftest import pg_base_url, require_postgres

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.M | re.S)

# Commands the test does not run, each with the reason. Anything else in a fenced block runs.
SKIPPED = {
    "make run": "starts a server that never returns; its seed is run below (`flask seed`)",
    "make test": "runs this very suite; `test_make_test_passes_arguments_through` checks the recipe",
    "make bench": "a 6-minute benchmark; `make bench-quick` runs in CI",
    ".venv/bin/python bench/run.py": "benchmarks; `make bench-quick` runs them in CI",
    ".venv/bin/gunicorn": "starts a server that never returns",
}
# Names of databases the README creates on PostgreSQL; the test gives each a throwaway name.
PG_DATABASES = ("casewise_restored", "casewise")
# Parts of the repository a fresh clone has that the commands use.
CLONE_PARTS = ("app", "migrations", "questions", "seeds", "wsgi.py", "Makefile", "requirements.txt")


def fenced_blocks(markdown: str) -> list[list[str]]:
    """The commands of each ```sh block: one per line, comments dropped."""
    blocks = []
    for body in FENCE.findall(markdown):
        commands = []
        for line in body.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
        blocks.append(commands)
    return blocks


def skip_reason(command: str) -> str | None:
    return next((reason for prefix, reason in SKIPPED.items() if command.startswith(prefix)), None)


def test_the_readme_has_runnable_blocks():
    blocks = fenced_blocks(README)
    runnable = [c for block in blocks for c in block if skip_reason(c) is None]
    assert len(runnable) >= 12
    assert all(not c.startswith("flask ") for c in runnable), "CLI examples must not need an activated venv"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A folder laid out like a fresh clone whose `.venv` is the virtualenv running these tests."""
    folder = tmp_path / "casewise"
    folder.mkdir()
    for part in CLONE_PARTS:
        (folder / part).symlink_to(ROOT / part)
    (folder / ".venv").symlink_to(Path(sys.prefix))
    return folder


@pytest.fixture
def pg_names():
    """Throwaway names for the PostgreSQL databases the README creates; dropped afterwards."""
    require_postgres()
    names = {name: f"casewise_readme_{uuid.uuid4().hex[:8]}" for name in PG_DATABASES}
    yield names
    admin = create_engine(pg_base_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def throwaway(command: str, names: dict[str, str]) -> str:
    """The command with each README database name swapped for its throwaway name."""
    for readme_name, name in names.items():
        command = re.sub(rf"(?<=5432/){readme_name}\b|(?<=-U postgres ){readme_name}\b", name, command)
    return command


@pytest.mark.slow
def test_every_fenced_command_in_the_readme_runs(clone: Path, pg_names: dict[str, str]):
    server = make_url(pg_base_url())
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "DATABASE_URL", "VIRTUAL_ENV", "REDIS_URL"))
    }
    # The embedded default, on a throwaway file; blocks that `export DATABASE_URL=postgresql://…` switch.
    env |= {"DATABASE_URL": f"sqlite:///{clone / 'casewise.db'}", "PGHOST": server.host or "127.0.0.1"}
    ran = []
    for block in fenced_blocks(README):
        script = ["set -euo pipefail"]
        for command in block:
            if skip_reason(command) is None:
                script.append(throwaway(command, pg_names))
                ran.append(command)
        if len(script) == 1:
            continue
        result = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (
            f"README block failed:\n{chr(10).join(script)}\n{result.stdout}{result.stderr}"
        )
    assert any("restore" in command for command in ran) and any("backup" in command for command in ran)
    assert (clone / "backups" / "casewise.json").is_file()


def test_every_command_in_the_cli_table_exists():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    runner = app.test_cli_runner()
    rows = re.findall(r"^\| `\.venv/bin/flask --app wsgi ([a-z ]+?)(?: [A-Z\[-].*?)?` \|", README, re.M)
    assert len(rows) >= 12
    for words in rows:
        result = runner.invoke(args=[*words.split(), "--help"])
        assert result.exit_code == 0, f"`flask {words}` in the README's CLI table: {result.output}"


def test_make_test_passes_arguments_through():
    dry = subprocess.run(
        ["make", "-n", "test", "ARGS=-k study"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry.returncode == 0, dry.stderr
    assert re.search(r"pytest -n \S+ --dist loadfile -k study$", dry.stdout, re.M), dry.stdout


def test_the_makefile_declares_no_target_without_a_recipe():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split()
    defined = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    assert set(phony) <= defined, f"declared but never defined: {set(phony) - defined}"
