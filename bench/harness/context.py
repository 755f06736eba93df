"""What every suite receives: the quick flag, a temp dir, fresh app servers per backend, the load driver."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bench.harness.load import LoadResult, RequestFn, SetupFn, run_load
from bench.harness.server import (
    BACKENDS,
    FreshDatabase,
    GunicornServer,
    app_env,
    postgres_unavailable,
    prepare_database,
)


@dataclass
class Context:
    quick: bool
    tmp: Path

    backends = BACKENDS

    @cached_property
    def postgres_unavailable(self) -> str | None:
        """Asked once per run: None when PostgreSQL answers, otherwise the reason."""
        return postgres_unavailable()

    def unavailable(self, backend: str) -> str | None:
        """Why `backend` cannot be benchmarked here (the suite reports it), or None."""
        return self.postgres_unavailable if backend == "postgres" else None

    def scale(self, quick_value: int, full_value: int) -> int:
        return quick_value if self.quick else full_value

    def log(self, suite: str, message: str) -> None:
        print(f"[{suite}] {message}", file=sys.stderr, flush=True)

    @contextmanager
    def fresh_database(self, backend: str, *, seed: bool = False) -> Iterator[FreshDatabase]:
        """A new database with the schema (and the seed if asked), for suites that work in-process."""
        with FreshDatabase(backend, self.tmp) as database:
            prepare_database(app_env(database.url, secrets.token_hex(32)), seed=seed)
            yield database

    @contextmanager
    def app_server(
        self, backend: str, *, seed: bool = False, workers: int = 2, threads: int = 4
    ) -> Iterator[GunicornServer]:
        """A fresh database served by gunicorn with the bench endpoints on; all gone afterwards."""
        with self.fresh_database(backend, seed=seed) as database:
            env = app_env(database.url, secrets.token_hex(32))
            log_path = self.tmp / f"gunicorn-{database.name}.log"
            with GunicornServer(env, log_path, workers=workers, threads=threads) as server:
                yield server

    def load(
        self,
        server: GunicornServer,
        request: RequestFn,
        *,
        users: int,
        total: int,
        max_seconds: float,
        setup: SetupFn | None = None,
    ) -> LoadResult:
        return run_load(
            server.host, server.port, request, users=users, total=total, max_seconds=max_seconds, setup=setup
        )
