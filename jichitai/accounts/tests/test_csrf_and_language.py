"""Cross-site requests are refused; the language switch works and is remembered."""

import pytest
from django.test import Client

from conftest import TEST_PASSWORD
from jichitai.accounts.models import User

pytestmark = pytest.mark.django_db


def test_post_without_csrf_token_is_refused_and_changes_nothing() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/register/", {"email": "a@example.jp"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "画面の有効期限が切れました" in body and "This page has expired" in body
    assert User.objects.count() == 0


def test_foreign_origin_is_refused_even_with_a_token(make_user) -> None:
    resident = make_user("resident")
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/sign-in/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/sign-in/",
        {"email": resident.email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Origin": "https://evil.example.com"},
    )
    assert response.status_code == 403
    same_origin = client.post(
        "/accounts/sign-in/",
        {"email": resident.email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Origin": "http://testserver"},
    )
    assert same_origin.status_code == 302


def test_language_switch_changes_the_page_and_the_account(client, make_user, signed_in) -> None:
    resident = make_user("resident")
    signed_in(client, resident)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/mypage/"})
    assert response.status_code == 302 and response["Location"] == "/mypage/"
    page = client.get("/mypage/")
    assert '<html lang="en">' in page.content.decode()
    assert "My page" in page.content.decode()
    resident.refresh_from_db()
    assert resident.preferred_language == "en"


def test_language_switch_ignores_unknown_languages_and_foreign_next(client) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "xx", "next": "https://evil.example.com/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_switch_needs_post(client) -> None:
    assert client.get("/i18n/setlang/?language=en").status_code == 405
