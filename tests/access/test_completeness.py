"""Every route that names an object is in an access matrix.

Walks Django's URL patterns (recursively, the JSON API's included) and the JSON API's OpenAPI
operations; a route with an object-identifying parameter must be exercised by a row of one of
the matrices, or be on the allow-list below with the reason it needs no row. A new view that
names an object therefore fails here until someone states who may reach it.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from config.api import api
from jichitai.accounts.tests import test_access_matrix as accounts_matrix
from jichitai.opendata.ckan import views as ckan_views  # noqa: F401  (registers the actions)
from jichitai.opendata.ckan.registry import ACTIONS
from jichitai.opendata.tests import test_access_matrix as opendata_matrix
from jichitai.procedures.tests import test_access_matrix as procedures_matrix
from tests.access.matrix import SAMPLES, Row, placeholders, sample_url

MATRICES = [procedures_matrix, opendata_matrix, accounts_matrix]

# Routes naming an object that need no matrix row, each with the reason.
ALLOWED = {
    # The link mailed to the address is itself the credential (a signed, single-use token):
    # there is no "someone else's" to refuse; tests of the flows check expiry and reuse.
    "accounts:verify_email": "signed e-mail verification link",
    "accounts:password_reset": "signed password reset link",
    "procedures:resume_draft": "signed, single-use resume link mailed to the draft's owner",
}


# CKAN actions that name no object whose reach depends on who asks, each with the reason.
# Every other action (every write, every read naming a data set or resource) needs rows.
CKAN_ACTIONS_WITHOUT_AN_OBJECT = {
    "status_show": "the site's own description",
    "site_read": "always true",
    "help_show": "an action's help text",
    "license_list": "the licences",
    "package_list": "names of published data sets only, for everyone",
    "tag_list": "tags of published data sets only, for everyone",
    "organization_list": "the departments, with counts of published data sets",
    "group_list": "the categories, with counts of published data sets",
    "organization_show": "a department; its data sets are searched as the caller",
    "group_show": "a category; its data sets are searched as the caller",
    "package_search": "searches as the caller (test_ckan_search_lists_private_and_draft…)",
    "current_package_list_with_resources": "package_search as the caller",
}


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, list[str]]]:
    """(qualified name, route, parameter names) of every URL pattern."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, route, inner.strip(":"))
        else:
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, route, _parameters(route)


def _parameters(route: str) -> list[str]:
    """Parameter names of a path() route (<type:name>) or a re_path() one ((?P<name>…))."""
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def identifies_an_object(route: str, parameter: str) -> bool:
    """Whether a parameter picks one stored object whose reach depends on who asks."""
    route = route.lstrip("^")
    if parameter in {"receipt_number", "pk", "token", "uuid", "uidb64"}:
        return True
    if parameter.endswith(("_id", "_pk")):
        return True
    if parameter == "slug" and route.startswith("staff/"):
        return True
    return parameter in {"name", "reference"} and route.startswith(("staff/data/", "dataset/"))


def _object_routes() -> dict[str, str]:
    found = {}
    for name, route, parameters in _routes(get_resolver().url_patterns):
        if any(identifies_an_object(route, p) for p in parameters):
            found[name] = route
    return found


def _rows() -> list[Row]:
    return [request for matrix in MATRICES for request in matrix.MATRIX_ROWS]


def _covered() -> set[tuple[str, str]]:
    """(route name, method) of every matrix row."""
    covered = set()
    for request in _rows():
        match = resolve(sample_url(request.url).split("?")[0])
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        covered.add((name or match.route, request.method))  # an unnamed route by its pattern
    return covered


def test_the_matrices_use_only_known_placeholders() -> None:
    unknown = {
        (request.url, name)
        for request in _rows()
        for name in placeholders(request.url)
        if name not in SAMPLES
    }
    assert not unknown


def test_every_route_naming_an_object_is_in_a_matrix() -> None:
    covered = {name for name, _method in _covered()}
    missing = {
        name: route
        for name, route in _object_routes().items()
        if name not in covered and name not in ALLOWED
    }
    assert not missing, f"routes naming an object that no access matrix lists: {missing}"


def test_the_allow_list_names_real_routes_only() -> None:
    """A removed route leaves no stale exemption behind."""
    assert set(ALLOWED) <= set(_object_routes())


def test_every_api_operation_naming_an_object_is_in_a_matrix() -> None:
    """Per method: one API path may carry several operations."""
    covered = _covered()
    schema = api.get_openapi_schema()
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            parameters = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            route = path.removeprefix("/api/v1/")
            if not any(identifies_an_object("api/" + route, p) for p in parameters):
                continue
            sample = path.replace("{receipt_number}", SAMPLES["receipt"])
            match = resolve(sample)
            name = f"{match.namespace}:{match.url_name}"
            if (name, method.upper()) not in covered:
                missing.append(f"{method.upper()} {path}")
    assert not missing, f"API operations naming an object that no access matrix lists: {missing}"


def _ckan_actions_in_rows() -> set[str]:
    paths = (urlsplit(request.url).path for request in _rows())
    return {
        path.rsplit("/", 1)[-1]
        for path in paths
        if path.startswith(("/api/3/action/", "/api/action/"))
    }


def test_every_ckan_action_naming_an_object_is_in_a_matrix() -> None:
    """A new CKAN action fails here until a matrix says who may call it on what."""
    missing = set(ACTIONS) - set(CKAN_ACTIONS_WITHOUT_AN_OBJECT) - _ckan_actions_in_rows()
    assert not missing, f"CKAN actions that no access matrix lists: {sorted(missing)}"
    assert set(CKAN_ACTIONS_WITHOUT_AN_OBJECT) <= set(ACTIONS)  # no stale exemption
