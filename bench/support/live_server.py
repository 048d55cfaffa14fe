"""A real server on a scratch database, shared by `make bench B=surge` and the fault tests
(tests/faults): make the database, fill it, start gunicorn, stop or kill it.

Everything runs in subprocesses with their own environment, so the caller's own Django setup
(test settings, for example) is never touched.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv/bin/python")
POSTGRES_ADMIN = "host=127.0.0.1 user=postgres dbname=postgres"


def scratch_database(scratch: Path, *, postgres: bool) -> tuple[str, str | None]:
    """A database URL to run on and, for PostgreSQL, the database's name to drop afterwards.
    Without a reachable PostgreSQL server this falls back to SQLite (the caller says so)."""
    if postgres:
        try:
            import psycopg

            name = f"jichitai_scratch_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            return f"postgres://postgres@127.0.0.1:5432/{name}", name
        except Exception as error:  # any failure to reach PostgreSQL: fall back
            print(f"PostgreSQL not reachable ({error.__class__.__name__})", file=sys.stderr)
    return f"sqlite:///{scratch}/scratch.sqlite3", None


def drop_database(name: str | None) -> None:
    if name is None:
        return
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(database_url: str, media_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.support.surge_settings",
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def prepare(environment: dict[str, str], residents: int) -> list[str]:
    """Migrate, load the demo catalogue and make residents with API tokens; returns tokens."""
    result = subprocess.run(  # noqa: S603  (our own script)
        [PYTHON, "-m", "bench.support.prepare_database", str(residents)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    environment: dict[str, str], port: int, *, workers: int = 2, threads: int = 4
) -> subprocess.Popen[bytes]:
    """gunicorn as `make run` starts it, in its own process group; waits until it answers."""
    server = subprocess.Popen(  # noqa: S603  (our own server, our own arguments)
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "bench.support.surge_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--backlog",
            "256",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    server.kill()
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    """SIGTERM (graceful) or SIGKILL (kill -9) to the server's whole process group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL if kill else signal.SIGTERM)
    server.wait(timeout=30)
