"""CPU time per request, split by who spent it: the gunicorn workers, PostgreSQL (every local
`postgres` process, the WAL writer included) and the benchmark's own clients.

Throughput alone says that a change helped, not where the time went; on a CPU-bound run the
split does. Read from /proc (Linux); where it is missing, or PostgreSQL runs elsewhere, that
share is not given.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class CpuMeter:
    """Started before a phase; `per_request(n)` after it, for the n requests it answered."""

    server_pid: int

    def __post_init__(self) -> None:
        self._workers = _children(self.server_pid)
        self._postgres = _named("postgres")
        self._start = self._read()

    def per_request(self, requests: int) -> str:
        end = self._read()
        shares = {
            "workers": end[0] - self._start[0] if self._workers else None,
            "postgres": end[1] - self._start[1] if self._postgres else None,
            "clients": end[2] - self._start[2],
        }
        return " ".join(
            f"{name}={'n/a' if seconds is None else f'{1000 * seconds / max(requests, 1):.2f}'}"
            for name, seconds in shares.items()
        )

    def _read(self) -> tuple[float, float, float]:
        return _seconds(self._workers), _seconds(self._postgres), time.process_time()


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces


def _seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / _TICKS


def _children(parent: int) -> list[int]:
    return [pid for pid in _pids() if (fields := _stat_fields(pid)) and int(fields[1]) == parent]


def _named(command: str) -> list[int]:
    found = []
    for pid in _pids():
        try:
            if (_PROC / str(pid) / "comm").read_text().strip() == command:
                found.append(pid)
        except OSError:
            continue
    return found


def _pids() -> list[int]:
    if not _PROC.is_dir():
        return []
    return [int(entry.name) for entry in _PROC.iterdir() if entry.name.isdigit()]
