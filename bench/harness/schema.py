"""Builds the schema of a fresh benchmark database at $DATABASE_URL, in one process:
`python -m bench.harness.schema migrate` (the repository's migrations, as production) or `create-all`
(for a tree without migrations). Either way it then adds the bench's own table (bench_ping, for the
/bench/insert baseline), which is not part of the app's schema.
"""

from __future__ import annotations

import sys

import flask_migrate

import app.models  # noqa: F401  (registers every table on the metadata)
from app import create_app
from app.extensions import db
from bench.harness import endpoints

MODES = ("migrate", "create-all")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in MODES:
        print(f"usage: python -m bench.harness.schema {{{'|'.join(MODES)}}}", file=sys.stderr)
        return 2
    application = create_app()
    with application.app_context():
        if argv[0] == "migrate":
            flask_migrate.upgrade()
        else:
            db.create_all()
        endpoints.create_table(db.engine)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
