"""Backup and restore (see app.backup.core for the file formats): the pure reader and writer in `core`, the
`flask backup` / `flask restore` commands in `cli`, and the JSON backup as a job (for admins) in `jobs`."""

from app.backup.core import (
    FORMAT_NAME,
    FORMAT_VERSION,
    FORMATS,
    SQLITE_MAGIC,
    BackupError,
    Summary,
    backup,
    decode,
    dump_json,
    encode,
    open_backup,
    restore,
    row_counts,
)

__all__ = [
    "FORMATS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "SQLITE_MAGIC",
    "BackupError",
    "Summary",
    "backup",
    "decode",
    "dump_json",
    "encode",
    "open_backup",
    "restore",
    "row_counts",
]
