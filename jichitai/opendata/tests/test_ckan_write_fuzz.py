"""Fuzzing the CKAN write actions: any JSON a client sends is answered with CKAN's envelope
and a 2xx/4xx status, never a server error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.accounts import api_tokens
from jichitai.opendata.ckan import views  # noqa: F401  (registers every action)
from jichitai.opendata.ckan.registry import ACTIONS
from jichitai.opendata.models import Dataset

WRITE_ACTIONS = sorted(name for name, found in ACTIONS.items() if not found.side_effect_free)
KEYS = [
    "id",
    "name",
    "title",
    "notes",
    "owner_org",
    "package_id",
    "license_id",
    "private",
    "state",
    "tags",
    "tag_string",
    "groups",
    "extras",
    "resources",
    "url",
    "format",
    "maintainer_email",
    "temporal_start",
    "temporal_end",
    "frequency_of_update",
    "upload",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=120),
    st.sampled_from(["koseki", "kazei", "dataset-fuzz", "active", "deleted", "cc-by-4.0", "\x00"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "id", "key", "value", "url"]), inner, max_size=3),
    ),
    max_leaves=8,
)
bodies = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)


def test_the_write_actions_are_registered() -> None:
    assert set(WRITE_ACTIONS) == {
        "package_create",
        "package_update",
        "package_patch",
        "package_delete",
        "resource_create",
        "resource_update",
        "resource_patch",
        "resource_delete",
    }


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.sampled_from(WRITE_ACTIONS), body=bodies)
def test_write_actions_never_fail_with_a_server_error(
    client: Any, make_staff: Any, make_dataset: Any, name: str, body: dict[str, Any]
) -> None:
    user = make_staff("approver")
    token = api_tokens.create_token(user, name="fuzz", days=30, staff_scope=True)[1]
    # The examples share one database: the data set the bodies name is made once.
    if not Dataset.objects.filter(name="dataset-fuzz").exists():
        make_dataset("ファズ", name="dataset-fuzz", notes="n")
    response = client.post(
        f"/api/3/action/{name}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code < 500, response.content
    answer = response.json()
    if response.status_code == 200:
        assert answer["success"] is True
    else:
        assert answer["success"] is False and answer["error"]["__type"] in {
            "Validation Error",
            "Authorization Error",
            "Not Found Error",
        }
