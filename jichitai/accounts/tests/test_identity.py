"""Identity verification through an OpenID Connect provider (the sample one, on a real port)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from jichitai.accounts.identity import selectors
from jichitai.accounts.models import IdentityLink, IdentityVerification
from jichitai.accounts.tests.oidc import approve_at_provider, local_path
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db

NEXT = "/procedures/juminhyo-yuso/"


@pytest.fixture
def resident(make_user, signed_in, client):
    user = make_user("resident")
    signed_in(client, user)
    return user


def _begin(client, next_url: str = NEXT):
    response = client.post("/accounts/identity/begin/", {"provider": "sample", "next": next_url})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def _verify(client, person: str = "sample-0001"):
    return client.get(local_path(approve_at_provider(_begin(client), person)))


def test_the_whole_flow_links_and_verifies(client, resident, oidc_provider) -> None:
    page = client.get("/accounts/identity/", {"next": NEXT})
    assert page.status_code == 200
    assert "テスト用の本人確認サービスで本人確認をする" in page.content.decode()
    # The page's form is redirected to the provider: its origin is allowed as a form action.
    assert oidc_provider.issuer in page["Content-Security-Policy"]

    url = _begin(client)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(oidc_provider.issuer + "/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and query["client_id"] == ["jichitai-test"]
    assert query["redirect_uri"] == ["http://testserver/accounts/identity/callback/"]
    assert "code_verifier" not in query

    back = client.get(local_path(approve_at_provider(url)))
    assert back.status_code == 302 and back["Location"] == NEXT
    link = IdentityLink.objects.get()
    assert (link.user, link.issuer, link.subject) == (resident, oidc_provider.issuer, "sample-0001")
    verification = IdentityVerification.objects.get()
    assert verification.level == "verified" and verification.link == link
    # Only what staff may compare with an application is kept.
    assert verification.claims == {"name": "大田 花子", "birthdate": "1985-04-01"}
    assert verification.expires_at == verification.verified_at + dt.timedelta(hours=1)
    assert selectors.verified_level(resident) == "verified"
    assert AuditEvent.objects.filter(action="identity.verify", outcome="success").count() == 1
    assert "本人確認は済んでいます" in client.get("/accounts/identity/").content.decode()
    assert "本人確認は済んでいます" in client.get("/mypage/").content.decode()

    # Verifying again later reuses the link and records a new verification.
    _verify(client)
    assert IdentityLink.objects.count() == 1 and IdentityVerification.objects.count() == 2


def test_verification_expires(client, resident, oidc_provider) -> None:
    _verify(client)
    IdentityVerification.objects.update(
        verified_at=timezone.now() - dt.timedelta(hours=2),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert selectors.verified_level(resident) == ""
    my_page = client.get("/mypage/").content.decode()
    assert "マイナンバーカードで本人確認をする" in my_page and "済んでいます" not in my_page


def _nothing_changed() -> None:
    assert not IdentityLink.objects.exists()
    assert not IdentityVerification.objects.exists()


def test_wrong_state_is_refused(client, resident, oidc_provider) -> None:
    location = approve_at_provider(_begin(client))
    forged = location.replace("state=", "state=x")
    response = client.get(local_path(forged))
    assert response.status_code == 400
    assert "最初からやり直してください" in response.content.decode()
    _nothing_changed()
    # The pending request was used up: the genuine answer no longer works either.
    assert client.get(local_path(location)).status_code == 400
    _nothing_changed()


def test_callback_without_a_request_is_refused(client, resident, oidc_provider) -> None:
    response = client.get("/accounts/identity/callback/", {"code": "x", "state": "y"})
    assert response.status_code == 400
    _nothing_changed()


def test_a_replayed_code_is_refused(client, resident, oidc_provider) -> None:
    first = approve_at_provider(_begin(client))
    assert client.get(local_path(first)).status_code == 302
    IdentityVerification.objects.all().delete()
    # A new request in the session, answered with the old code: the provider refuses it.
    state = parse_qs(urlsplit(_begin(client)).query)["state"][0]
    code = parse_qs(urlsplit(first).query)["code"][0]
    response = client.get("/accounts/identity/callback/", {"code": code, "state": state})
    assert response.status_code == 400
    assert not IdentityVerification.objects.exists()


def test_a_code_for_another_verifier_is_refused(client, resident, oidc_provider, make_user) -> None:
    # An attacker's code, slipped into the victim's callback: PKCE binds it to its verifier.
    attacker_location = approve_at_provider(_begin(client))
    state = parse_qs(urlsplit(_begin(client)).query)["state"][0]
    code = parse_qs(urlsplit(attacker_location).query)["code"][0]
    response = client.get("/accounts/identity/callback/", {"code": code, "state": state})
    assert response.status_code == 400
    _nothing_changed()


@pytest.mark.parametrize(
    "tamper", ["expired", "wrong_audience", "wrong_nonce", "wrong_issuer", "bad_signature"]
)
def test_an_id_token_that_does_not_hold_is_refused(client, resident, oidc_provider, tamper) -> None:
    oidc_provider.tamper = tamper
    response = _verify(client)
    assert response.status_code == 400
    assert "本人確認サービスからの応答を確認できませんでした" in response.content.decode()
    _nothing_changed()
    assert selectors.verified_level(resident) == ""


def test_the_resident_cancelling_at_the_provider(client, resident, oidc_provider) -> None:
    url = _begin(client)
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    answer = requests.post(
        oidc_provider.issuer + "/authorize",
        data={**params, "action": "cancel"},
        allow_redirects=False,
        timeout=5,
    )
    response = client.get(local_path(answer.headers["Location"]))
    assert response.status_code == 400
    assert "本人確認は完了しませんでした" in response.content.decode()
    _nothing_changed()


def test_a_person_linked_to_another_account_is_refused(
    client, resident, oidc_provider, make_user, signed_in
) -> None:
    _verify(client, "sample-0002")
    other = make_user("resident")
    signed_in(client, other)
    response = _verify(client, "sample-0002")
    assert response.status_code == 400
    assert "すでに別のアカウントに連携されています" in response.content.decode()
    assert IdentityLink.objects.get().user == resident
    assert not IdentityVerification.objects.filter(user=other).exists()
    assert selectors.verified_level(other) == ""
    assert AuditEvent.objects.filter(action="identity.verify", outcome="denied").count() == 1


def test_provider_down_shows_a_clear_error(client, resident, settings) -> None:
    settings.JICHITAI_OIDC_PROVIDERS = {
        "sample": {"issuer": "http://127.0.0.1:9", "client_id": "x", "level": "verified"}
    }
    response = client.post("/accounts/identity/begin/", {"provider": "sample", "next": NEXT})
    assert response.status_code == 502
    assert "本人確認サービスに接続できませんでした" in response.content.decode()
    _nothing_changed()


def test_provider_down_at_the_callback(client, resident, oidc_provider, settings) -> None:
    location = approve_at_provider(_begin(client))
    settings.JICHITAI_OIDC_PROVIDERS = {
        "sample": {**settings.JICHITAI_OIDC_PROVIDERS["sample"], "issuer": "http://127.0.0.1:9"}
    }
    response = client.get(local_path(location))
    assert response.status_code == 502
    _nothing_changed()


def test_unknown_provider_and_unsafe_next(client, resident, oidc_provider) -> None:
    response = client.post("/accounts/identity/begin/", {"provider": "nope", "next": NEXT})
    assert response.status_code == 400
    url = client.post(
        "/accounts/identity/begin/", {"provider": "sample", "next": "https://evil.example/"}
    )["Location"]
    back = client.get(local_path(approve_at_provider(url)))
    assert back["Location"] == "/mypage/"


def test_staff_and_anonymous_cannot_verify(client, make_staff, signed_in, oidc_provider) -> None:
    assert client.get("/accounts/identity/")["Location"].startswith("/accounts/sign-in/")
    assert client.post("/accounts/identity/begin/", {"provider": "sample"}).status_code == 302
    signed_in(client, make_staff("clerk"))
    assert client.get("/accounts/identity/").status_code == 400
    response = client.post("/accounts/identity/begin/", {"provider": "sample"})
    assert response.status_code == 400
    _nothing_changed()


def test_the_provider_checks_pkce_and_client(oidc_provider) -> None:
    metadata = requests.get(oidc_provider.issuer + "/.well-known/openid-configuration", timeout=5)
    assert metadata.json()["code_challenge_methods_supported"] == ["S256"]
    plain = requests.get(
        oidc_provider.issuer + "/authorize",
        params={
            "client_id": "jichitai-test",
            "redirect_uri": "http://testserver/cb",
            "response_type": "code",
            "scope": "openid",
            "state": "s",
            "nonce": "n",
            "code_challenge": "abc",
            "code_challenge_method": "plain",
        },
        timeout=5,
    )
    assert plain.status_code == 400
    token = requests.post(
        oidc_provider.issuer + "/token",
        data={"grant_type": "authorization_code", "code": "x"},
        auth=("jichitai-test", "wrong"),
        timeout=5,
    )
    assert token.status_code == 401


def test_private_key_jwt_client_authentication(
    client, resident, oidc_provider, settings, tmp_path
) -> None:
    # The デジタル認証アプリ authenticates clients by a JWT signed with the client's private key.
    from joserfc.jwk import RSAKey

    client_key = RSAKey.generate_key(2048)
    pem = tmp_path / "client.pem"
    pem.write_bytes(client_key.as_pem(private=True))
    oidc_provider.client_public_key = RSAKey.import_key(client_key.as_dict(private=False))
    settings.JICHITAI_OIDC_PROVIDERS = {
        "sample": {
            **settings.JICHITAI_OIDC_PROVIDERS["sample"],
            "client_secret": "",
            "token_endpoint_auth_method": "private_key_jwt",
            "private_key_file": str(pem),
        }
    }
    assert _verify(client).status_code == 302
    assert IdentityVerification.objects.count() == 1
    # A client holding some other key is refused by the provider; nothing is stored.
    pem.write_bytes(RSAKey.generate_key(2048).as_pem(private=True))
    assert _verify(client).status_code == 400
    assert IdentityVerification.objects.count() == 1


def test_an_api_token_s_user_comes_with_the_current_verification(
    make_user, django_assert_num_queries
) -> None:
    from jichitai.accounts import api_tokens

    user = make_user("resident")
    _token, text = api_tokens.create_token(user, name="test", days=30)
    api_tokens.user_for_token(text)  # notes the first use (an UPDATE, once a minute)
    link = IdentityLink.objects.create(user=user, issuer="https://idp.example.jp", subject="s1")
    now = timezone.now()

    def verification(level: str, verified_days_ago: int, expires_in_days: int):
        return IdentityVerification.objects.create(
            user=user,
            link=link,
            provider="sample",
            level=level,
            verified_at=now - dt.timedelta(days=verified_days_ago),
            expires_at=now + dt.timedelta(days=expires_in_days),
        )

    verification("verified", 30, -1)  # expired
    older = verification("verified", 10, 5)
    latest = verification("account", 2, 5)

    with django_assert_num_queries(1):
        current = selectors.current_verification(api_tokens.user_for_token(text))
    assert current == latest and current is not None and current.level == "account"
    latest.delete()
    with django_assert_num_queries(1):
        assert selectors.current_verification(api_tokens.user_for_token(text)) == older
    IdentityVerification.objects.all().delete()
    with django_assert_num_queries(1):
        assert selectors.current_verification(api_tokens.user_for_token(text)) is None
