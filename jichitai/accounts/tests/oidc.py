"""Test helpers: the sample provider on a real loopback port, and a resident going through it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from jichitai.accounts.identity.sample_provider import SampleProvider, make_sample_server

CLIENT_ID = "jichitai-test"
CLIENT_SECRET = "test-secret-not-for-use"


@contextmanager
def running_sample_provider() -> Iterator[SampleProvider]:
    """The sample provider serving on 127.0.0.1 at a free port, in a thread, until exit."""
    provider = SampleProvider(issuer="", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    server = make_sample_server(provider, "127.0.0.1", 0)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def provider_setting(provider: SampleProvider, level: str = "verified") -> dict[str, Any]:
    return {
        "sample": {
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "scope": "openid profile",
            "level": level,
            "name_ja": "テスト用の本人確認サービス",
        }
    }


def approve_at_provider(authorization_url: str, person: str = "sample-0001") -> str:
    """Do what the resident does at the provider; return where the provider sends them back."""
    page = requests.get(authorization_url, timeout=5)
    assert page.status_code == 200, page.text
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
    origin = authorization_url.split("/authorize")[0]
    answer = requests.post(
        origin + "/authorize",
        data={**params, "action": "approve", "sub": person},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def local_path(url: str) -> str:
    """The path and query of a URL on the site under test (the test client takes only those)."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")
