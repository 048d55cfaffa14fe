"""Saving files so that they survive a power cut, as the database's commits do.

PostgreSQL (synchronous_commit) and SQLite (synchronous=FULL) flush a commit to disk before
it is acknowledged; a row that names a stored file must not outlive the file. So a file is
fsynced once written, and so is the folder that holds its new name (POSIX keeps a new
directory entry in memory until then). Other storages (object stores) are durable themselves.
"""

from __future__ import annotations

import os
from typing import Any, cast

from django.core.files.storage import FileSystemStorage, default_storage


def save(name: str, content: Any) -> str:
    """default_storage.save, on disk for good when the storage is the local folder."""
    stored_name = default_storage.save(name, content)
    if is_local():
        path = local_path(stored_name)
        sync_path(path)
        sync_path(os.path.dirname(path))
    return stored_name


def is_local() -> bool:
    # The class the storage really is (default_storage is a lazy wrapper); not a subclass,
    # which may name or place files otherwise.
    return default_storage.__class__ is FileSystemStorage


def local_path(name: str) -> str:
    return cast(FileSystemStorage, default_storage).path(name)


def sync_path(path: str) -> None:
    """fsync a file, or a folder (the entries made in it), by its path."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
