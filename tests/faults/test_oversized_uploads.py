"""Uploads far over the limit, sent to the real server (gunicorn) as browsers and programs
send them — with a declared Content-Length and chunked — to the staff upload page and to
CKAN's resource_create: each is answered 413 at once with a message that says the limit,
nothing is stored (no file row, no temporary file left), and the server answers afterwards."""

from __future__ import annotations

import http.client
import json
import select
import socket
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from bench.support import live_server

ROOT = Path(__file__).resolve().parents[2]
FILE_LIMIT = 1_000_000  # 1 MB: what the page states
BODY_LIMIT = 1_100_000  # the file and room for the form around it
SENT = 50 * BODY_LIMIT  # what the client would send, were it not stopped
PIECE = b"x" * 65536
BOUNDARY = "----fault-test-boundary"


def helper(environment: dict[str, str], command: str) -> dict:
    result = subprocess.run(  # noqa: S603  (our own script)
        [live_server.PYTHON, "-m", "tests.faults.upload_state", command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def post_huge(
    port: int, path: str, headers: dict[str, str], *, chunked: bool
) -> tuple[int, bytes, int]:
    """POST a body of SENT bytes (a multipart file part), stopping as soon as the server
    answers, as browsers do; returns the status, the answer's body and the bytes sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    preamble = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="big.csv"'
        "\r\nContent-Type: text/csv\r\n\r\n"
    ).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        *(f"{name}: {value}" for name, value in headers.items()),
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {SENT}",
    ]
    pending = ("\r\n".join(lines) + "\r\n\r\n").encode()
    body_sent = 0
    answered = False
    try:
        while body_sent < SENT or pending:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                answered = True
                break
            if not writable:
                continue
            if not pending:
                data = preamble if body_sent == 0 else PIECE[: SENT - body_sent]
                body_sent += len(data)
                pending = f"{len(data):x}\r\n".encode() + data + b"\r\n" if chunked else data
                if chunked and body_sent >= SENT:
                    pending += b"0\r\n\r\n"
            pending = pending[sock.send(pending) :]
    except (BrokenPipeError, ConnectionResetError):
        answered = True  # the server closed its side: its answer is waiting to be read
    assert answered, "the whole body was sent without an answer"
    response = http.client.HTTPResponse(sock)
    response.begin()
    content = response.read()
    sock.close()
    return response.status, content, body_sent


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request("GET", path, headers=headers or {})
        response = client.getresponse()
        return response.status, response.read().decode()
    finally:
        client.close()


@pytest.fixture
def environment(tmp_path):
    url, created = live_server.scratch_database(
        tmp_path, postgres=connection.vendor == "postgresql"
    )
    (tmp_path / "tmp").mkdir()
    try:
        yield {
            **live_server.server_environment(url, tmp_path / "media"),
            "JICHITAI_OPENDATA_MAX_UPLOAD_BYTES": str(FILE_LIMIT),
            "JICHITAI_UPLOAD_MAX_BYTES": str(FILE_LIMIT),
            "JICHITAI_UPLOAD_REFUSE_BODY_BYTES": str(BODY_LIMIT),
            "TMPDIR": str(tmp_path / "tmp"),  # where Django's upload temporary files go
        }
    finally:
        live_server.drop_database(created)


def test_uploads_far_over_the_limit_are_refused_at_once_and_leave_nothing(
    environment, tmp_path
) -> None:
    live_server.prepare(environment, 0)
    staff = helper(environment, "session")
    files_before = helper(environment, "count")["files"]
    originals = tmp_path / "media" / "opendata" / "originals"
    stored_before = sorted(originals.iterdir()) if originals.exists() else []
    page_path = f"/staff/data/{staff['dataset']}/resources/{staff['resource_id']}/upload/"
    ckan_path = "/api/3/action/resource_create"
    port = live_server.free_port()
    server = live_server.start_server(environment, port, workers=1, threads=2)
    try:
        for chunked in (False, True):
            status, content, sent = post_huge(
                port, page_path, {"Cookie": staff["cookie"]}, chunked=chunked
            )
            page = content.decode()
            assert status == 413, page[:500]
            assert "ファイルが大きすぎます（上限 1 MB）。" in page
            assert f'id="upload-{staff["resource_id"]}-file"' in page  # the form, to try again
            assert sent < SENT

            status, content, sent = post_huge(
                port,
                ckan_path + f"?package_id={staff['dataset_id']}",
                {"Authorization": staff["token"]},
                chunked=chunked,
            )
            body = json.loads(content)
            assert status == 413
            assert body["success"] is False
            assert body["error"]["__type"] == "Request Too Large"
            assert body["help"].endswith("/api/3/action/help_show?name=resource_create")
            assert sent < SENT

            # Nothing was stored, and no temporary file is left behind.
            assert helper(environment, "count")["files"] == files_before
            assert list((tmp_path / "tmp").iterdir()) == []
            assert (sorted(originals.iterdir()) if originals.exists() else []) == stored_before

        # The server still answers, the staff page included.
        assert get(port, "/healthz")[0] == 200
        status, page = get(port, f"/staff/data/{staff['dataset']}/", {"Cookie": staff["cookie"]})
        assert status == 200 and "1 MB まで。" in page
    finally:
        live_server.stop_server(server)
