"""kill -9 of the real server in the middle of submissions: every application is complete
(receipt, attachments with their files, audit entry, queued confirmation) or absent, never a
receipt for nothing."""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from bench.support import live_server

ROOT = Path(__file__).resolve().parents[2]
SUBMIT = "/api/v1/procedures/rinji-kyufukin/applications"
CLIENTS = 6
ROUNDS = 3


def submission(number: int) -> bytes:
    from jichitai.procedures.demo_samples_benefits import cash_benefit_answers

    reference = f"7{number:09d}"
    answers = cash_benefit_answers(
        f"{reference[:4]}-{reference[4:8]}-{reference[8:]}", ("区民", "太郎", "クミン", "タロウ"), 2
    )
    return json.dumps({"answers": answers}, ensure_ascii=False).encode()


class Clients:
    """Residents submitting without pause until the server goes away."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.accepted: dict[str, str] = {}  # Idempotency-Key → receipt number
        self.interrupted: dict[str, tuple[str, bytes]] = {}  # key → (token, body)
        self.numbers = iter(range(10**6))
        self.lock = threading.Lock()

    def send(self, port: int, token: str, key: str, body: bytes) -> str | None:
        """The receipt number, or None when the connection broke before an answer."""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(
                "POST",
                SUBMIT,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": key,
                },
            )
            response = connection.getresponse()
            payload = json.loads(response.read())
        except (OSError, http.client.HTTPException, ValueError):
            return None
        finally:
            connection.close()
        assert response.status in (200, 201), payload
        return str(payload["receipt_number"])

    def run_until_down(self, port: int, client: int) -> None:
        token = self.tokens[client]
        while True:
            with self.lock:
                number = next(self.numbers)
            key, body = f"kill-{uuid.uuid4().hex}", submission(number)
            receipt = self.send(port, token, key, body)
            with self.lock:
                if receipt is None:
                    self.interrupted[key] = (token, body)
                    return
                self.accepted[key] = receipt


def inspect(environment: dict[str, str]) -> dict:
    result = subprocess.run(  # noqa: S603  (our own script)
        [live_server.PYTHON, "-m", "tests.faults.inspect_database"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def environment(tmp_path):
    url, created = live_server.scratch_database(
        tmp_path, postgres=connection.vendor == "postgresql"
    )
    try:
        yield live_server.server_environment(url, tmp_path / "media")
    finally:
        live_server.drop_database(created)


def test_kill_9_during_submissions_leaves_complete_applications_or_nothing(environment) -> None:
    tokens = live_server.prepare(environment, CLIENTS)
    clients = Clients(tokens)
    for _round in range(ROUNDS):
        port = live_server.free_port()
        server = live_server.start_server(environment, port, workers=1, threads=4)
        threads = [
            threading.Thread(target=clients.run_until_down, args=(port, client))
            for client in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        before = len(clients.accepted)
        while len(clients.accepted) < before + 5:  # well into the surge, then pull the plug
            time.sleep(0.05)
        live_server.stop_server(server, kill=True)
        for thread in threads:
            thread.join(timeout=60)

    # Every client was cut off in the middle of a submission.
    assert len(clients.interrupted) == CLIENTS * ROUNDS
    state = inspect(environment)
    applications = state["applications"]
    for key, receipt in clients.accepted.items():
        assert receipt in applications and applications[receipt]["key"] == f"api:{key}"
    for receipt, found in applications.items():
        assert all(found["attachments"]), receipt  # every row has its file
        if found["procedure"] == "rinji-kyufukin":  # the demo's samples of others differ
            assert found["attachments"] == [True, True], receipt  # both rows, both files
        assert found["audited"], receipt
        if found["procedure"] == "rinji-kyufukin":
            assert found["mailed"], receipt  # its confirmation is queued with it
    assert state["audited_without_application"] == []
    assert state["loose_attachments"] == 0

    # The interrupted residents retry with the same key once the server is back: each gets
    # exactly one application — the one that had committed before the kill, or a new one.
    port = live_server.free_port()
    server = live_server.start_server(environment, port, workers=1, threads=4)
    try:
        retried = {
            key: clients.send(port, token, key, body)
            for key, (token, body) in clients.interrupted.items()
        }
    finally:
        live_server.stop_server(server)
    state = inspect(environment)
    keys = [found["key"] for found in state["applications"].values()]
    assert len(keys) == len(set(keys))
    for key, answered in retried.items():
        assert answered in state["applications"]
        assert state["applications"][answered]["key"] == f"api:{key}"

    verified = subprocess.run(  # noqa: S603  (our own command)
        [live_server.PYTHON, "manage.py", "audit_verify"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
