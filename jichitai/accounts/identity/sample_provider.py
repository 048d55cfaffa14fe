"""A sample OpenID Connect provider — a DEVELOPMENT TOOL, never part of a real installation.

It plays the part of an identity provider such as the My Number card's デジタル認証アプリ for
`make run` and for the tests: it shows a page on which you pick a test person, and then issues
an authorization code and a signed ID token asserting that person. It checks the client, the
redirect address, PKCE (S256 only) and uses each code once, like a real provider, but anybody
can claim to be anybody here. `run_sample_oidc_provider` refuses to start in production mode,
and the production settings configure no provider by default.

A plain WSGI application (wsgiref) so that it runs as its own process with nothing else
installed; joserfc signs the tokens. Keys are generated at start and live only in memory.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

StartResponse = Callable[..., Any]
CODE_SECONDS = 60
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_SECONDS = 300
# Redirect addresses must be on this machine: the sample never sends a code anywhere else.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "testserver"}

# Made-up people; "sub" is what a real provider would give as a pairwise subject.
TEST_PERSONS = {
    "sample-0001": {"name": "大田 花子", "birthdate": "1985-04-01"},
    "sample-0002": {"name": "蒲田 太郎", "birthdate": "1979-11-23"},
    "sample-0003": {"name": "羽田 次郎", "birthdate": "2001-07-15"},
}
FIRST_PERSON = "sample-0001"


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    subject: str
    issued: float


@dataclass
class SampleProvider:
    issuer: str
    client_id: str
    client_secret: str
    # Tests set this to make the provider misbehave in one way: "expired", "wrong_audience",
    # "wrong_nonce", "wrong_issuer", "bad_signature".
    tamper: str = ""
    # With a client public key, the client authenticates by private_key_jwt, not its secret.
    client_public_key: RSAKey | None = None
    key: RSAKey = field(init=False)
    _codes: dict[str, _Grant] = field(init=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _assertion_ids: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.issuer = self.issuer.rstrip("/")
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)})

    # --- WSGI ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        query = _single(parse_qs(environ.get("QUERY_STRING", "")))
        if method == "GET" and path == "/.well-known/openid-configuration":
            return _json(start_response, self.metadata())
        if method == "GET" and path == "/jwks":
            return _json(start_response, {"keys": [self.key.as_dict(private=False)]})
        if path == "/authorize" and method == "GET":
            return self._consent_page(start_response, query)
        if path == "/authorize" and method == "POST":
            return self._authorize(start_response, _form(environ))
        if path == "/token" and method == "POST":
            return self._token(start_response, environ, _form(environ))
        return _text(start_response, "404 Not Found", "not found")

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": (
                ["private_key_jwt"]
                if self.client_public_key
                else ["client_secret_basic", "client_secret_post"]
            ),
            "scopes_supported": ["openid", "profile"],
            "claims_supported": ["sub", "name", "birthdate"],
        }

    # --- Authorization endpoint ---------------------------------------------------------

    def _request_error(self, params: dict[str, str]) -> str:
        redirect = urlsplit(params.get("redirect_uri", ""))
        if params.get("client_id") != self.client_id:
            return "unknown client_id"
        if redirect.scheme not in {"http", "https"} or redirect.hostname not in LOCAL_HOSTS:
            return "redirect_uri must be on this machine"
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return "response_type=code and scope=openid are required"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with S256 is required"
        if not params.get("state") or not params.get("nonce"):
            return "state and nonce are required"
        return ""

    def _consent_page(self, start_response: StartResponse, params: dict[str, str]) -> list[bytes]:
        problem = self._request_error(params)
        if problem:
            return _text(start_response, "400 Bad Request", problem)
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        people = "".join(
            f'<div><input type="radio" name="sub" id="{sub}" value="{sub}"{checked}>'
            f'<label for="{sub}">{html.escape(p["name"])}（{p["birthdate"]}生）</label></div>'
            for sub, p in TEST_PERSONS.items()
            for checked in [" checked" if sub == FIRST_PERSON else ""]
        )
        page = f"""<!doctype html>
<html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>開発用の本人確認サービス（見本）</title></head>
<body><main>
<h1>開発用の本人確認サービス（見本）</h1>
<p><strong>これは開発とテストのための見本です。本物の本人確認は行いません。</strong></p>
<form method="post" action="/authorize">{hidden}
<fieldset><legend>本人確認をする人（テスト用の架空の人物）</legend>{people}</fieldset>
<p><button type="submit" name="action" value="approve">本人確認をする</button>
<button type="submit" name="action" value="cancel">やめる</button></p>
</form></main></body></html>"""
        return _respond(start_response, "200 OK", "text/html; charset=utf-8", page.encode())

    def _authorize(self, start_response: StartResponse, params: dict[str, str]) -> list[bytes]:
        problem = self._request_error(params)
        if problem or params.get("sub", FIRST_PERSON) not in TEST_PERSONS:
            return _text(start_response, "400 Bad Request", problem or "unknown person")
        if params.get("action") == "cancel":
            answer = {"error": "access_denied", "state": params["state"]}
        else:
            code = secrets.token_urlsafe(32)
            with self._lock:
                self._codes[code] = _Grant(
                    client_id=params["client_id"],
                    redirect_uri=params["redirect_uri"],
                    challenge=params["code_challenge"],
                    nonce=params["nonce"],
                    subject=params.get("sub", FIRST_PERSON),
                    issued=time.time(),
                )
            answer = {"code": code, "state": params["state"]}
        location = params["redirect_uri"] + "?" + urlencode(answer)
        start_response("302 Found", [("Location", location), ("Content-Length", "0")])
        return [b""]

    # --- Token endpoint -----------------------------------------------------------------

    def _token(
        self, start_response: StartResponse, environ: dict[str, Any], params: dict[str, str]
    ) -> list[bytes]:
        if not self._client_authenticated(environ, params):
            return _json(start_response, {"error": "invalid_client"}, "401 Unauthorized")
        client_id = self.client_id
        with self._lock:
            # Popped before any check: a code is good for one attempt only.
            grant = self._codes.pop(params.get("code", ""), None)
        if (
            params.get("grant_type") != "authorization_code"
            or grant is None
            or grant.client_id != client_id
            or grant.redirect_uri != params.get("redirect_uri")
            or time.time() - grant.issued > CODE_SECONDS
            or create_s256_code_challenge(params.get("code_verifier", "")) != grant.challenge
        ):
            return _json(start_response, {"error": "invalid_grant"}, "400 Bad Request")
        return _json(
            start_response,
            {
                "access_token": secrets.token_urlsafe(32),
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
                "id_token": self.id_token(grant),
            },
        )

    def _client_authenticated(self, environ: dict[str, Any], params: dict[str, str]) -> bool:
        if self.client_public_key is None:
            client_id, secret = _client_credentials(environ, params)
            return client_id == self.client_id and secrets.compare_digest(
                secret, self.client_secret
            )
        if params.get("client_assertion_type") != ASSERTION_TYPE:
            return False
        try:
            token = jwt.decode(
                params.get("client_assertion", ""), self.client_public_key, algorithms=["RS256"]
            )
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.client_id},
                sub={"essential": True, "value": self.client_id},
                aud={"essential": True, "value": self.issuer + "/token"},
                exp={"essential": True},
                jti={"essential": True},
            ).validate(token.claims)
        except (JoseError, ValueError):
            return False
        with self._lock:
            # An assertion is good once (RFC 7523 section 3, "jti").
            if token.claims["jti"] in self._assertion_ids:
                return False
            self._assertion_ids.add(token.claims["jti"])
        return True

    def id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant.subject,
            "aud": self.client_id,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "auth_time": now,
            "nonce": grant.nonce,
            **TEST_PERSONS[grant.subject],
        }
        key = self.key
        if self.tamper == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif self.tamper == "wrong_audience":
            claims["aud"] = "someone-else"
        elif self.tamper == "wrong_nonce":
            claims["nonce"] = "not-the-nonce"
        elif self.tamper == "wrong_issuer":
            claims["iss"] = "https://impostor.example"
        elif self.tamper == "bad_signature":
            # Same key id, different key: what a forger without the provider's key can do.
            key = RSAKey.generate_key(2048, parameters={"kid": self.key.kid or ""})
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)


# --- Serving --------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_sample_server(provider: SampleProvider, host: str, port: int) -> WSGIServer:
    """A server for `provider` (port 0: any free port); call serve_forever() to run it."""
    return make_server(host, port, provider, handler_class=_QuietHandler)


def _single(values: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in values.items() if v}


def _form(environ: dict[str, Any]) -> dict[str, str]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(min(length, 64 * 1024)).decode("utf-8", "replace")
    return _single(parse_qs(body))


def _client_credentials(environ: dict[str, Any], params: dict[str, str]) -> tuple[str, str]:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _sep, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return params.get("client_id", ""), params.get("client_secret", "")


def _respond(start_response: StartResponse, status: str, kind: str, body: bytes) -> list[bytes]:
    start_response(
        status,
        [
            ("Content-Type", kind),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def _json(start_response: StartResponse, data: Any, status: str = "200 OK") -> list[bytes]:
    return _respond(start_response, status, "application/json", json.dumps(data).encode())


def _text(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    return _respond(start_response, status, "text/plain; charset=utf-8", text.encode())
