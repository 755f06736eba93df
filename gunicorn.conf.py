"""gunicorn settings for Casewise (read by `gunicorn wsgi:app` run from the repository root; flags override).

In production (CASEWISE_CONFIG=production) the master checks, before it binds its port, that the database
schema matches the code and that SECRET_KEY matches the other nodes' (app/cluster/startup.py); on a
mismatch it prints what to fix and exits, so the balancer never sees a node that would serve wrong."""

import logging
import os
import sys

worker_class = "gthread"
# A stopped node (SIGTERM) finishes the requests it is serving for up to this long, then exits.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))


def on_starting(server):
    if os.environ.get("CASEWISE_CONFIG") != "production":
        return
    from app import create_app
    from app.cluster.startup import verify

    try:
        verify(create_app())
    except RuntimeError as refused:  # StartupRefused, or the factory refusing (e.g. no REDIS_URL)
        print(refused, file=sys.stderr, flush=True)
        sys.exit(4)


def post_fork(server, worker):
    """The app's and its libraries' warnings go to the node's log beside gunicorn's own lines: the limiter
    falling back to memory while Redis is down (and "recovered" after), the database being unavailable."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("flask-limiter").setLevel(logging.INFO)


def post_worker_init(worker):
    """A stopping worker closes its listening sockets as soon as it stops accepting, not after its drain.

    The master closes its copy on SIGTERM, but the gthread worker keeps its own open while it finishes its
    in-flight requests (up to graceful_timeout): the port stays in LISTEN, the kernel keeps completing
    connections into a backlog nobody reads, and the balancer sends new requests (and its health checks) to a
    node that will never answer them, until the worker exits and resets them. Closed at once, new
    connections are refused, so HAProxy sends them to another node (`retries`, `redispatch`) and marks this
    one down, while the requests in flight finish (tests/reliability/test_cluster.py drains one)."""
    stop_accepting = getattr(worker, "set_accept_enabled", None)
    if stop_accepting is None:  # not a gthread worker
        return

    def set_accept_enabled(enabled):
        stop_accepting(enabled)
        if not enabled and not worker.alive:  # stopping, not merely at worker_connections
            for listener in worker.sockets:
                listener.close()  # gunicorn's socket wrapper: closing it again at exit is a no-op

    worker.set_accept_enabled = set_accept_enabled
