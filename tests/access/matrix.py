"""Shared pieces of the access matrices: the personas, a row (one request and each persona's
exact status), and the check that a refused request changes nothing.

The apps' matrices (jichitai/*/tests/test_access_matrix.py) list their rows here-style; the
completeness test (tests/access/test_completeness.py) reads those rows and fails for any route
naming an object that no matrix lists. The people themselves come from the `personas` fixture in
the root conftest.py.
"""

from __future__ import annotations

import string
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.test import Client

# Everyone who may knock on a URL. "owner" is the resident whose application (or draft) the row
# names; "resident" is any other resident. Department staff belong to 戸籍住民課 (koseki), which
# owns the objects; "other_department_*" to 課税課 (kazei).
PERSONAS = [
    "anonymous",
    "owner",
    "resident",
    "clerk",
    "approver",
    "department_admin",
    "other_department_clerk",
    "other_department_admin",
    "system_admin",
    "auditor",
]

# Values for a row's URL placeholders that only need the right shape: the completeness test
# resolves each row's URL with them to learn which route it exercises.
SAMPLES = {
    "receipt": "ABCD-2345",
    "filed_receipt": "ABCD-2345",
    "attachment": "1",
    "draft_attachment": "1",
    "slug": "sample",
    "dog_slug": "sample",
    "page": "p",
    "question": "q",
    "email": "1",
    "event": "received",
    "language": "ja",
    "name": "sample",
    "dataset": str(uuid.UUID(int=1)),
    "resource": str(uuid.UUID(int=2)),
    "file": "1",
    "request": "1",
    "public_request": "1",
    "member": "1",
    "role": "1",
    "token": "1",
    "private_dataset": str(uuid.UUID(int=3)),
    "private_resource": str(uuid.UUID(int=4)),
    "private_name": "sample",
    "public_dataset": str(uuid.UUID(int=5)),
    "public_name": "sample",
    "public_resource": str(uuid.UUID(int=6)),
    "kazei": "1",
}


@dataclass(frozen=True)
class Row:
    """One request and the status each persona gets, in PERSONAS order.

    `changes` names the personas whose request may change stored data; for everyone else the
    data must be exactly as before (a refused POST changes nothing; a GET never does)."""

    method: str
    url: str
    statuses: tuple[int, ...]
    data: dict[str, str] = field(default_factory=dict)
    changes: frozenset[str] = frozenset()
    note: str = ""
    # For a request that changes something: tells from the world's values whether it did (it
    # must have for the personas in `changes`, and must not for anyone else).
    effect: Callable[[dict[str, Any]], bool] | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return f"{self.method} {self.url}{' ' + self.note if self.note else ''}"

    def expected(self, persona: str) -> int:
        return self.statuses[PERSONAS.index(persona)]


def row(
    method: str,
    url: str,
    statuses: list[int],
    *,
    data: dict[str, str] | None = None,
    changes: Iterable[str] = (),
    note: str = "",
    effect: Callable[[dict[str, Any]], bool] | None = None,
) -> Row:
    if len(statuses) != len(PERSONAS):
        raise ValueError(f"{url}: {len(statuses)} statuses for {len(PERSONAS)} personas")
    unknown = set(changes) - set(PERSONAS)
    if unknown:
        raise ValueError(f"{url}: unknown personas {unknown}")
    return Row(method, url, tuple(statuses), data or {}, frozenset(changes), note, effect)


def placeholders(url: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(url) if name]


def sample_url(url: str) -> str:
    """The row's URL with shape-only values, to resolve to its route."""
    return url.format(**{name: SAMPLES[name] for name in placeholders(url)})


def snapshot(model_classes: Iterable[type[models.Model]]) -> dict[str, list[dict[str, Any]]]:
    """Every stored row of these models, to compare before and after a request."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in model_classes
    }


def check(
    client: Any,
    signed_in: Callable[[Any, Any], None],
    user: Any,
    persona: str,
    request: Row,
    values: dict[str, Any],
    watched: Iterable[type[models.Model]],
    **headers: str,
) -> Any:
    """Send the row's request as the persona and assert the exact status, that a sign-in
    redirect goes to sign-in, and that only the personas allowed to change data did."""
    watched = list(watched)
    if user is not None:
        signed_in(client, user)
    url = request.url.format(**{name: values[name] for name in placeholders(request.url)})
    before = snapshot(watched)
    response = client.generic(
        request.method,
        url,
        urllib.parse.urlencode(
            {key: value.format(**values) for key, value in request.data.items()}
        ),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )
    if getattr(response, "streaming", False):  # read to the end, which closes the file
        b"".join(response.streaming_content)
    expected = request.expected(persona)
    assert response.status_code == expected, f"{persona}: {request.id} → {response.status_code}"
    if persona == "anonymous" and expected == 302:
        assert response["Location"].startswith("/accounts/sign-in/?next="), response["Location"]
    if persona not in request.changes:
        assert snapshot(watched) == before, f"{persona}: {request.id} changed stored data"
    if request.effect is not None:
        assert request.effect(values) == (persona in request.changes), f"{persona}: {request.id}"
    return response


def check_row(
    signed_in: Callable[[Any, Any], None],
    people: dict[str, Any],
    request: Row,
    values: dict[str, Any],
    watched: Iterable[type[models.Model]],
    headers_for: Callable[[Any], dict[str, str]] | None = None,
    answer: Callable[[str, Any], None] | None = None,
) -> None:
    """`check` the row for every persona, each with a fresh client in a savepoint rolled back
    afterwards (one setup serves all personas); reports every persona that failed.

    `headers_for(user)` gives the request headers instead of a session (API tokens);
    `answer(persona, response)` asserts more of each response (an API's error envelope)."""
    watched = list(watched)
    problems = []
    for persona in PERSONAS:
        user = people[persona]
        try:
            with transaction.atomic():
                if headers_for is None:
                    response = check(Client(), signed_in, user, persona, request, values, watched)
                else:
                    headers = headers_for(user)
                    response = check(
                        Client(), _no_session, None, persona, request, values, watched, **headers
                    )
                if answer is not None:
                    answer(persona, response)
                transaction.set_rollback(True)
        except AssertionError as failure:
            problems.append(str(failure).splitlines()[0])
    assert not problems, "\n".join(problems)


def _no_session(client: Any, user: Any) -> None:
    pass


def token_headers(user: Any, *, header: str = "HTTP_AUTHORIZATION") -> dict[str, str]:
    """Request headers carrying a new API token of the user (none for anonymous), sent bare
    as CKAN clients send it. Staff tokens get the staff scope, as when made after the second
    factor (ADR 0009): the persona then acts with every right its roles give."""
    if user is None:
        return {}
    from jichitai.accounts import api_tokens

    _token, text = api_tokens.create_token(user, name="matrix", days=30, staff_scope=True)
    return {header: text}
