"""The benchmark harness: metrics and their targets, a gunicorn server fixture and a bounded load driver."""
