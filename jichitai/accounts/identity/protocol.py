"""The OpenID Connect relying-party side: authorization request, code exchange, ID token checks.

Authlib builds the authorization request (PKCE S256) and exchanges the code; joserfc verifies
the ID token's signature against the provider's published keys and checks iss, aud, exp, iat
and nonce. Nothing here signs or verifies by hand.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from jichitai.accounts.identity.providers import Provider, fetch_json, unavailable
from jichitai.core.errors import DomainError

# Asymmetric algorithms only: a provider's public keys verify, nobody else's secret can sign.
ID_TOKEN_ALGORITHMS = ["RS256", "PS256", "ES256"]
# Clocks of two servers differ a little.
CLOCK_LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


def authorization_request(
    provider: Provider, metadata: dict[str, Any], redirect_uri: str
) -> AuthorizationRequest:
    """The URL to send the resident to, and the secrets the callback must match."""
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    with _client(provider, redirect_uri) as client:
        url, _state = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
        )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def exchange_code(
    provider: Provider, metadata: dict[str, Any], redirect_uri: str, code: str, verifier: str
) -> str:
    """Trade the authorization code for tokens at the token endpoint; return the ID token."""
    try:
        with _client(provider, redirect_uri, metadata["token_endpoint"]) as client:
            token = client.fetch_token(
                metadata["token_endpoint"],
                code=code,
                code_verifier=verifier,
                timeout=settings.JICHITAI_OIDC_TIMEOUT,
            )
    except OAuthError as error:
        # The provider refused the code: used twice, expired, or not issued for this verifier.
        raise _invalid() from error
    except (requests.RequestException, ValueError) as error:
        raise unavailable() from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise _invalid()
    return id_token


def verified_claims(
    provider: Provider, metadata: dict[str, Any], id_token: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, times and nonce hold."""
    keys = fetch_json(metadata["jwks_uri"])
    try:
        key_set = KeySet.import_key_set(keys)  # type: ignore[arg-type]
        token = jwt.decode(id_token, key_set, algorithms=ID_TOKEN_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            now=int(time.time()),
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": provider.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise _invalid() from error
    claims = token.claims
    # OpenID Connect Core 3.1.3.7: with several audiences, we must be the authorized party.
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise _invalid()
    return claims


def _client(provider: Provider, redirect_uri: str, token_endpoint: str = "") -> OAuth2Session:
    if provider.auth_method != "private_key_jwt":
        return OAuth2Session(
            provider.client_id,
            provider.client_secret,
            scope=provider.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
        )
    # The private key never leaves this server: the token endpoint gets a short JWT it signed.
    key = RSAKey.import_key(Path(provider.private_key_file).read_bytes())
    client = OAuth2Session(
        provider.client_id,
        key,
        scope=provider.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="private_key_jwt",  # noqa: S106  (a method name)
    )
    client.register_client_auth_method(
        PrivateKeyJWT(token_endpoint, headers={"kid": key.thumbprint()})
    )
    return client


def _invalid() -> DomainError:
    return DomainError(
        "identity.response_invalid",
        _("本人確認サービスからの応答を確認できませんでした。最初からやり直してください。"),
    )
