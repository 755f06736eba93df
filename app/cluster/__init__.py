"""Running several app nodes on one database and one Redis: migrations under a lock, start-up refusals."""
