"""Authenticating API requests with a personal API token (see api_tokens).

No `from __future__ import annotations` here: django-ninja reads annotations at runtime.
"""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from jichitai.accounts.api_tokens import user_for_token


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer jt_…`. The user it returns is `request.auth`."""

    openapi_description = "A personal API token made at /account/tokens/ (Bearer jt_…)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_token(token)


api_token_auth = ApiTokenAuth()
