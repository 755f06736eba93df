"""The production topology on one machine: HAProxy in front of N gunicorn app nodes, PostgreSQL, Redis and a
queue worker, every process on loopback ports picked free at start, each with a PID file and a log.

    python -m bench.harness.cluster up      # `make cluster`: start, print where everything is, Ctrl-C stops
    python -m bench.harness.cluster stop    # `make cluster-stop`: stop what the PID files name

Settings from the environment (defaults in brackets): CLUSTER_NODES [2], CLUSTER_WORKERS per node [2],
CLUSTER_DATABASE [casewise_cluster, created on the PostgreSQL at CLUSTER_PG (postgresql://postgres@127.0.0.1:5432)],
CLUSTER_REDIS_URL [redis://127.0.0.1:6379/7], SECRET_KEY [a random one kept in the state folder],
QUEUE_WORKER_CMD [rq worker --url $REDIS_URL --with-scheduler default], CLUSTER_DIR [instance/cluster].
The tests and benchmarks use the `Cluster` class directly.
"""

from __future__ import annotations

import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.harness.server import ROOT, free_port

HAPROXY_TEMPLATE = ROOT / "deploy" / "haproxy-local.cfg.tmpl"
DEFAULT_STATE = ROOT / "instance" / "cluster"
DEFAULT_WORKER_CMD = (
    "{python} -m rq.cli worker --url {redis_url} --name casewise-worker-{port} --with-scheduler default"
)


class ClusterError(RuntimeError):
    """A process of the cluster did not start; the message carries the tail of its log."""


def ensure_database(server_url: str, name: str) -> str:
    """CREATE DATABASE `name` on the PostgreSQL server unless it exists; returns its URL."""
    admin = create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not found:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@dataclass
class Proc:
    """One process of the cluster: its command, PID file and log, started in a session of its own."""

    name: str
    args: list[str]
    env: dict[str, str]
    state: Path
    process: subprocess.Popen | None = None

    @property
    def pid_file(self) -> Path:
        return self.state / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.state / f"{self.name}.log"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                self.args,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{self.process.pid}\n")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """SIGKILL the whole process group at once (a gunicorn master and its workers): a crashed machine."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.pid_file.unlink(missing_ok=True)

    def terminate(self) -> None:
        """SIGTERM the process group: gunicorn stops accepting and drains in-flight requests, then exits."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self, timeout: float = 35.0) -> None:
        """SIGTERM, wait up to `timeout` (the graceful drain), then SIGKILL."""
        self.terminate()
        if self.process is not None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.pid_file.unlink(missing_ok=True)


@dataclass
class Cluster:
    database_url: str
    redis_url: str
    secret_key: str
    state: Path = DEFAULT_STATE
    nodes: int = 2
    workers: int = 2
    threads: int = 4
    graceful_timeout: int = 30
    worker_cmd: str = DEFAULT_WORKER_CMD
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = 0  # the balancer's; 0 picks a free one
    node_ports: list[int] = field(default_factory=list)
    procs: dict[str, Proc] = field(default_factory=dict)
    seed: bool = False  # `flask seed` (idempotent) after the migrations: the demo case and accounts

    host = "127.0.0.1"  # the balancer's address (bench.harness.load talks to host:port)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CASEWISE_CONFIG": "production",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": self.secret_key,
            "TRUSTED_PROXIES": "1",
            "SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback; TLS ends at the balancer in production
            "PYTHONDONTWRITEBYTECODE": "1",
            **self.extra_env,
        }

    # ------------------------------------------------------------------------------------------ start

    def flask(self, *command: str) -> None:
        args = [sys.executable, "-m", "flask", "--app", "wsgi", *command]
        result = subprocess.run(args, cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=300)
        if result.returncode:
            raise ClusterError(f"flask {' '.join(command)} failed:\n{result.stdout}{result.stderr}")

    def migrate(self) -> None:
        self.flask("db-upgrade-locked")

    def node(self, index: int) -> Proc:
        port = self.node_ports[index]
        args = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--bind", f"127.0.0.1:{port}",
            "--graceful-timeout", str(self.graceful_timeout),
            "--access-logfile", "-",
            "wsgi:app",
        ]  # fmt: skip
        return Proc(f"node{index + 1}", args, self.env(), self.state)

    def start_node(self, index: int, wait: float = 90.0) -> Proc:
        proc = self.node(index)
        proc.start()
        self.procs[proc.name] = proc
        self._wait_http(proc, f"http://127.0.0.1:{self.node_ports[index]}/readyz", wait)
        return proc

    def start_worker(self) -> Proc:
        command = self.worker_cmd.format(python=sys.executable, redis_url=self.redis_url, port=self.port)
        proc = Proc("worker", shlex.split(command), self.env(), self.state)
        proc.start()
        self.procs[proc.name] = proc
        return proc

    def start_balancer(self) -> Proc:
        servers = "\n".join(
            f"    server node{n + 1} 127.0.0.1:{port} check" for n, port in enumerate(self.node_ports)
        )
        config = Template(HAPROXY_TEMPLATE.read_text()).substitute(
            bind=f"127.0.0.1:{self.port}",
            stats_bind=f"127.0.0.1:{self.stats_port}",
            servers=servers,
            maxconn=self.workers * self.threads,
            pidfile=self.state / "haproxy-own.pid",
        )
        path = self.state / "haproxy.cfg"
        path.write_text(config)
        check = subprocess.run(["haproxy", "-c", "-q", "-f", str(path)], capture_output=True, text=True)
        if check.returncode:
            raise ClusterError(f"haproxy rejected {path}:\n{check.stdout}{check.stderr}")
        proc = Proc("haproxy", ["haproxy", "-db", "-f", str(path)], self.env(), self.state)
        proc.start()
        self.procs[proc.name] = proc
        return proc

    def start(self) -> Cluster:
        self.state.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.stats_port = free_port()
        self.node_ports = [free_port() for _ in range(self.nodes)]
        try:
            self.migrate()
            if self.seed:
                self.flask("seed")
            for index in range(self.nodes):
                self.start_node(index)
            self.start_worker()
            self.start_balancer()
            self.wait_balanced()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_http(self, proc: Proc, url: str, wait: float) -> None:
        stop_at = time.monotonic() + wait
        while time.monotonic() < stop_at:
            if not proc.alive():
                raise ClusterError(f"{proc.name} exited with {proc.process.returncode}:\n{proc.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http only
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise ClusterError(f"{proc.name} did not answer {url} within {wait:.0f}s:\n{proc.log_tail()}")

    def servers_up(self) -> dict[str, bool]:
        """Each node's state as HAProxy sees it (its stats page as CSV)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.stats_port}/;csv", timeout=2) as response:  # noqa: S310
            rows = [line.split(",") for line in response.read().decode().splitlines()[1:]]
        return {
            row[1]: row[17].startswith("UP") for row in rows if row[0] == "app" and row[1].startswith("node")
        }

    def wait_balanced(self, wait: float = 30.0, up: int | None = None) -> None:
        """Until HAProxy counts `up` nodes (all by default) as up."""
        want = self.nodes if up is None else up
        stop_at = time.monotonic() + wait
        while time.monotonic() < stop_at:
            try:
                if sum(self.servers_up().values()) == want:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise ClusterError(
            f"HAProxy did not see {want} nodes up within {wait:.0f}s:\n{self.procs['haproxy'].log_tail()}"
        )

    # ------------------------------------------------------------------------------------------ stop

    def stop(self) -> None:
        """Balancer first (no new requests), then the nodes and the worker together (each drains)."""
        balancer = self.procs.pop("haproxy", None)
        if balancer is not None:
            balancer.stop()
        rest = [self.procs.pop(name) for name in sorted(self.procs)]
        for proc in rest:
            proc.terminate()
        for proc in rest:
            proc.stop(timeout=self.graceful_timeout + 5)

    def describe(self) -> str:
        lines = [
            f"Casewise cluster (state, PID files and logs in {self.state}):",
            f"  balancer  http://127.0.0.1:{self.port}/   (HAProxy stats http://127.0.0.1:{self.stats_port}/)",
        ]
        for index, port in enumerate(self.node_ports):
            proc = self.procs.get(f"node{index + 1}")
            lines.append(f"  node{index + 1}     http://127.0.0.1:{port}/   pid {proc.pid if proc else '-'}")
        for name in ("worker", "haproxy"):
            proc = self.procs.get(name)
            lines.append(f"  {name:<9} pid {proc.pid if proc else '-'}   log {self.state / (name + '.log')}")
        where = make_url(self.database_url).render_as_string(hide_password=True)
        lines += [f"  database  {where}", f"  redis     {self.redis_url}"]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- command


def _wait_gone(pid: int, group: bool, seconds: float) -> bool:
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        try:
            os.killpg(pid, 0) if group else os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _pid_in(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def stop_from_pid_files(state: Path) -> list[str]:
    """`make cluster-stop`: ask the `up` process to stop everything in order; then SIGTERM (SIGKILL after
    35 s) the process group of any PID file left, for a supervisor that was itself killed."""
    stopped = []
    supervisor = _pid_in(state / "cluster.pid")
    if supervisor is not None:
        try:
            os.kill(supervisor, signal.SIGTERM)  # the process alone: it shares the terminal's group
            stopped.append(f"cluster (pid {supervisor})")
            _wait_gone(supervisor, group=False, seconds=60)
        except ProcessLookupError:
            pass
        (state / "cluster.pid").unlink(missing_ok=True)
    for pid_file in sorted(state.glob("*.pid")):
        pid = _pid_in(pid_file)
        if pid is not None and pid_file.name != "haproxy-own.pid":
            try:
                os.killpg(pid, signal.SIGTERM)
                stopped.append(f"{pid_file.stem} (pid {pid})")
                if not _wait_gone(pid, group=True, seconds=35):
                    os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pid_file.unlink(missing_ok=True)
    return stopped


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def cluster_from_env() -> Cluster:
    state = Path(os.environ.get("CLUSTER_DIR", DEFAULT_STATE))
    state.mkdir(parents=True, exist_ok=True)
    key_file = state / "secret_key"
    if "SECRET_KEY" in os.environ:
        secret = os.environ["SECRET_KEY"]
    else:
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        secret = key_file.read_text().strip()
    server = os.environ.get("CLUSTER_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    database = ensure_database(server, os.environ.get("CLUSTER_DATABASE", "casewise_cluster"))
    return Cluster(
        database_url=database,
        redis_url=os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/7"),
        secret_key=secret,
        state=state,
        nodes=int(os.environ.get("CLUSTER_NODES", "2")),
        workers=int(os.environ.get("CLUSTER_WORKERS", "2")),
        worker_cmd=os.environ.get("QUEUE_WORKER_CMD", DEFAULT_WORKER_CMD),
    )


def main(argv: list[str]) -> int:
    if argv == ["stop"]:
        state = Path(os.environ.get("CLUSTER_DIR", DEFAULT_STATE))
        stopped = stop_from_pid_files(state)
        print("Stopped " + ", ".join(stopped) if stopped else f"Nothing running (no PID files in {state}).")
        return 0
    if argv != ["up"]:
        print("usage: python -m bench.harness.cluster {up|stop}", file=sys.stderr)
        return 2
    cluster = cluster_from_env()
    cluster.seed = True
    if any(cluster.state.glob("node*.pid")):
        print(
            f"PID files in {cluster.state}: a cluster may be running. `make cluster-stop` first.",
            file=sys.stderr,
        )
        return 1
    signal.signal(signal.SIGTERM, _interrupt)  # `make cluster-stop` stops us like Ctrl-C
    (cluster.state / "cluster.pid").write_text(f"{os.getpid()}\n")
    try:
        cluster.start()
        print(cluster.describe(), flush=True)
        print("Ctrl-C (or `make cluster-stop` elsewhere) stops everything.", flush=True)
        while all(proc.alive() for proc in cluster.procs.values()):
            time.sleep(1)
        dead = [name for name, proc in cluster.procs.items() if not proc.alive()]
        print(f"{', '.join(dead)} exited; stopping the rest.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except ClusterError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        print("Stopping the cluster...", flush=True)
        cluster.stop()
        (cluster.state / "cluster.pid").unlink(missing_ok=True)
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
