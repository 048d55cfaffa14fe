"""The sample provider as `make run` starts it: its own process, driven through the whole flow."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from jichitai.accounts.models import IdentityVerification
from jichitai.accounts.tests.oidc import approve_at_provider, local_path

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def provider_process():
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603  (our own command)
        [sys.executable, "manage.py", "run_sample_oidc_provider", "--port", str(port)],
        cwd=Path(django_settings.BASE_DIR),
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        # Starting Django and making a 2048-bit key takes a while on a busy machine.
        deadline = time.monotonic() + 90
        while True:
            try:
                requests.get(issuer + "/.well-known/openid-configuration", timeout=5)
                break
            except requests.ConnectionError:
                assert process.poll() is None, "the provider process ended"
                assert time.monotonic() < deadline, "the provider did not start"
                time.sleep(0.2)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_a_resident_verifies_at_the_provider_process(
    client, make_user, signed_in, settings, provider_process
) -> None:
    settings.JICHITAI_OIDC_PROVIDERS = {
        "sample": {**django_settings.JICHITAI_OIDC_PROVIDERS["sample"], "issuer": provider_process}
    }
    resident = make_user("resident")
    signed_in(client, resident)
    begun = client.post("/accounts/identity/begin/", {"provider": "sample", "next": "/mypage/"})
    assert begun["Location"].startswith(provider_process + "/authorize?")
    back = client.get(local_path(approve_at_provider(begun["Location"], "sample-0003")))
    assert back.status_code == 302 and back["Location"] == "/mypage/"
    verification = IdentityVerification.objects.get(user=resident)
    assert verification.claims["name"] == "羽田 次郎"


def test_the_sample_provider_refuses_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("run_sample_oidc_provider", "--port", "0")
