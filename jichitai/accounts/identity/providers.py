"""Identity providers (本人確認サービス) as configured in settings.JICHITAI_OIDC_PROVIDERS.

Each entry names an issuer, the client registered with it and the identity level a successful
verification there gives. Provider metadata is discovered from the issuer's
/.well-known/openid-configuration: only the configured issuer is ever asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError

# The endpoints a flow needs; discovery documents lacking one are refused.
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


@dataclass(frozen=True)
class Provider:
    key: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str
    level: str
    name_ja: str
    name_en: str
    # "client_secret_basic", or "private_key_jwt" (the client signs a JWT with the private key
    # in private_key_file, as the デジタル認証アプリ requires).
    auth_method: str = "client_secret_basic"
    private_key_file: str = ""

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_ja

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


def all_providers() -> list[Provider]:
    """Every configured provider, in the order of the setting."""
    return [_provider(key, entry) for key, entry in settings.JICHITAI_OIDC_PROVIDERS.items()]


def providers_for(level: str) -> list[Provider]:
    """Providers whose verification gives `level`."""
    return [provider for provider in all_providers() if provider.level == level]


def get_provider(key: str) -> Provider:
    entry = settings.JICHITAI_OIDC_PROVIDERS.get(key)
    if entry is None:
        raise DomainError("identity.unknown_provider", _("その本人確認サービスは利用できません。"))
    return _provider(key, entry)


def _provider(key: str, entry: dict[str, Any]) -> Provider:
    return Provider(
        key=key,
        issuer=str(entry["issuer"]).rstrip("/"),
        client_id=str(entry["client_id"]),
        client_secret=str(entry.get("client_secret", "")),
        scope=str(entry.get("scope", "openid")),
        level=str(entry.get("level", "verified")),
        name_ja=str(entry.get("name_ja", key)),
        name_en=str(entry.get("name_en", "")),
        auth_method=str(entry.get("token_endpoint_auth_method", "client_secret_basic")),
        private_key_file=str(entry.get("private_key_file", "")),
    )


def unavailable() -> DomainError:
    return DomainError(
        "identity.provider_unavailable",
        _(
            "本人確認サービスに接続できませんでした。時間をおいてもう一度お試しください。"
            "お急ぎの場合は窓口でも手続きできます。"
        ),
    )


def fetch_json(url: str) -> dict[str, Any]:
    """GET a JSON document from a provider; any failure is the provider being unavailable."""
    try:
        response = requests.get(url, timeout=settings.JICHITAI_OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise unavailable() from error
    if not isinstance(document, dict):
        raise unavailable()
    return document


def discover(provider: Provider) -> dict[str, Any]:
    """The provider's metadata (OpenID Connect Discovery 1.0), checked to name its own issuer."""
    metadata = fetch_json(provider.issuer + "/.well-known/openid-configuration")
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer or any(
        not isinstance(metadata.get(name), str) for name in REQUIRED_METADATA
    ):
        raise unavailable()
    return metadata
