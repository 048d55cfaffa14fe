"""Row IDs drawn from a table's PostgreSQL sequence a block at a time.

Some rows must know their ID before their INSERT (an application's answers name the IDs of
its attachments). Asking the sequence for them costs a round trip per submission; a process
instead draws a block of IDs at once and hands them out. The sequence is the same one the
table's default uses, so every ID is still unique; IDs only stop following the order rows are
made in across processes (nothing orders by ID for time: rows carry their timestamps), and an
unused rest of a block is skipped when the process ends.
"""

from __future__ import annotations

import os
import threading

from django.db import connection
from django.db.models import Model


class IdBlocks:
    """IDs for new rows of `model`, from its table's sequence, `size` per draw."""

    def __init__(self, model: type[Model], size: int = 64) -> None:
        self._statement = (
            f"SELECT nextval(pg_get_serial_sequence('{model._meta.db_table}',"  # noqa: S608  (our names)
            f" '{model._meta.pk.column}')) FROM generate_series(1, %s)"
        )
        self._size = size
        self._free: list[int] = []
        self._owner = (os.getpid(), "")
        self._lock = threading.Lock()

    def take(self, count: int) -> list[int]:
        """`count` unused IDs, ascending. PostgreSQL only."""
        with self._lock:
            # A forked process (or another database, as in tests) must not reuse the IDs
            # its parent drew.
            owner = (os.getpid(), connection.settings_dict["NAME"])
            if owner != self._owner:
                self._free, self._owner = [], owner
            if len(self._free) < count:
                self._free = self._draw(max(count, self._size))
            taken, self._free = self._free[:count], self._free[count:]
        return taken

    def _draw(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(self._statement, [count])
            return sorted(number for (number,) in cursor.fetchall())
