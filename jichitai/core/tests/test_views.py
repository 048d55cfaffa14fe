"""The shell's public pages, probes, headers and error pages."""

import pytest
from django.db.utils import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_page_is_japanese_by_default(client: Client, municipality) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ja"
    assert '<html lang="ja">' in response.content.decode()
    assert "大田区" in response.content.decode()


def test_healthz_answers_without_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_readyz_is_503_when_the_database_fails(client: Client, monkeypatch) -> None:
    def broken_cursor(*args, **kwargs):
        raise OperationalError("database is gone")

    from django.db import connection

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_security_headers_on_every_page(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_request_id_is_returned_and_a_safe_upstream_id_kept(client: Client) -> None:
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-abc-12345"})
    assert kept["X-Request-ID"] == "proxy-abc-12345"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad\nid injected"})
    assert replaced["X-Request-ID"] != "bad\nid injected"


def test_unknown_page_is_a_bilingual_404_without_details(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "ページが見つかりません" in body
    assert "Page not found" in body
    assert "Traceback" not in body


def test_server_error_page_shows_no_stack_trace(client: Client, settings) -> None:
    from django.urls import path

    def explode(request):
        raise RuntimeError("secret internal detail")

    urlconf = type(
        "urls",
        (),
        {"urlpatterns": [path("boom/", explode)], "handler500": "jichitai.core.views.server_error"},
    )
    settings.ROOT_URLCONF = urlconf
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "システムエラーが発生しました" in body and "Something went wrong" in body
    assert "secret internal detail" not in body and "Traceback" not in body


def test_organisation_page_lists_the_tree(client: Client, departments) -> None:
    body = client.get("/organisation/").content.decode()
    assert "区民部" in body and "戸籍住民課" in body and "課税課" in body


def test_probes_refuse_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
