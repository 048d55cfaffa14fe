"""CKAN's read actions (`ckan/logic/action/get.py`), over our catalogue.

Each docstring is what `help_show` returns for the action.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Q, QuerySet

from jichitai.core.models import OrgUnit
from jichitai.core.selectors import current_municipality
from jichitai.opendata.ckan import params
from jichitai.opendata.ckan.dictize import (
    group_dict,
    organization_dict,
    package_dict,
    resource_dict,
    tag_dict,
)
from jichitai.opendata.ckan.errors import NotFound, ValidationError
from jichitai.opendata.ckan.package_search import package_search as search_packages
from jichitai.opendata.ckan.registry import ACTIONS, ActionContext, action
from jichitai.opendata.licences import LICENCES
from jichitai.opendata.models import Dataset, Group, Resource, State, Tag
from jichitai.opendata.policies import datasets_visible_to, published_datasets

# The CKAN version whose API we follow; clients may compare it.
CKAN_COMPATIBLE_VERSION = "2.11.0"
LIST_LIMIT_MAX = 1000


def _site_title() -> str:
    municipality = current_municipality()
    name = f"{municipality.prefecture_ja}{municipality.name_ja}" if municipality else ""
    return f"{name}オープンデータカタログ"


@action(side_effect_free=True)
def status_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return the site's title, address, default language and the CKAN API version served."""
    return {
        "site_title": _site_title(),
        "site_description": "",
        "site_url": context.base_url,
        "error_emails_to": None,
        "locale_default": "ja",
        "extensions": ["datastore", "dcat"],
        "ckan_version": CKAN_COMPATIBLE_VERSION,
    }


@action(side_effect_free=True)
def site_read(context: ActionContext, data: dict[str, Any]) -> bool:
    """Return True: the catalogue may be read by anyone."""
    return True


@action(side_effect_free=True)
def help_show(context: ActionContext, data: dict[str, Any]) -> str:
    """Return the help text of the action named by `name`."""
    name = params.required_text(data, "name")
    found = ACTIONS.get(name)
    if found is None:
        raise NotFound(f"Action function not found: {name}")
    return found.help


@action(side_effect_free=True)
def package_list(context: ActionContext, data: dict[str, Any]) -> list[str]:
    """Return the names of all published data sets, ordered by name (`limit`, `offset`)."""
    limit = params.integer(data, "limit", 0)
    offset = params.integer(data, "offset", 0)
    names = published_datasets().order_by("name").values_list("name", flat=True)
    return list(names[offset : offset + limit] if limit else names[offset:])


@action(side_effect_free=True)
def package_search(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Search data sets: q, fq, fq_list, sort, rows (≤ 1000), start, facet, facet.field (a JSON
    list), facet.limit, facet.mincount, include_private, include_drafts.

    Japanese text matches substrings: 「避難」 finds 指定緊急避難場所.
    """
    return search_packages(context.user, data, context.base_url)


@action(side_effect_free=True)
def current_package_list_with_resources(
    context: ActionContext, data: dict[str, Any]
) -> list[dict[str, Any]]:
    """Return published data sets with their resources, most recently modified first
    (`limit`, `offset`)."""
    limit = params.integer(data, "limit", 10, maximum=LIST_LIMIT_MAX) or 10
    offset = params.integer(data, "offset", 0)
    found = search_packages(
        context.user,
        {"q": "", "rows": limit, "start": offset, "sort": "metadata_modified desc"},
        context.base_url,
    )
    return list(found["results"])


def _dataset(context: ActionContext, reference: str) -> Dataset:
    """A data set by id or name, among those the caller may see."""
    uuid_value = _uuid_or_none(reference)
    condition = Q(name=reference) | (Q(pk=uuid_value) if uuid_value else Q(name=reference))
    found = (
        datasets_visible_to(context.user)
        .filter(condition)
        .select_related("owner_org")
        .prefetch_related("tags", "groups", "resources")
        .first()
    )
    if found is None:
        raise NotFound("Dataset not found")
    return found


@action(side_effect_free=True)
def package_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return a data set (by `id` or name) with its resources."""
    dataset = _dataset(context, params.required_text(data, "id"))
    return package_dict(dataset, context.base_url)


@action(side_effect_free=True)
def resource_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return a resource by `id`."""
    resource_id = _uuid_or_none(params.required_text(data, "id"))
    visible = datasets_visible_to(context.user)
    resource = (
        Resource.objects.filter(dataset__in=visible, state=State.ACTIVE, pk=resource_id).first()
        if resource_id
        else None
    )
    if resource is None:
        raise NotFound("Resource was not found.")
    return resource_dict(resource, context.base_url)


def _uuid_or_none(reference: str) -> str | None:
    """The reference as a UUID, or None when it cannot be one (then it is a name)."""
    try:
        return str(uuid.UUID(reference))
    except ValueError:
        return None


def _with_counts(queryset: QuerySet[Any], relation: str, published: Q) -> QuerySet[Any]:
    return queryset.annotate(package_count=Count(relation, filter=published, distinct=True))


ORGANIZATION_SORTS = {"name": "code", "title": "name_ja", "package_count": "package_count"}
GROUP_SORTS = {"name": "name", "title": "title", "package_count": "package_count"}


def _sorted(queryset: QuerySet[Any], sort: str, columns: dict[str, str]) -> QuerySet[Any]:
    words = sort.split()
    column = columns.get(words[0] if words else "title")
    direction = words[1].lower() if len(words) > 1 else "asc"
    if column is None or direction not in {"asc", "desc"} or len(words) > 2:
        raise ValidationError({"sort": [f"Cannot sort by {sort!r}"]})
    return queryset.order_by(("-" if direction == "desc" else "") + column, "pk")


def _organizations() -> QuerySet[OrgUnit]:
    published = Q(datasets__state=State.ACTIVE, datasets__private=False)
    units = OrgUnit.objects.filter(level=OrgUnit.Level.DEPARTMENT, is_active=True)
    return _with_counts(units, "datasets", published)


def _list_members(
    data: dict[str, Any],
    queryset: QuerySet[Any],
    *,
    sorts: dict[str, str],
    name_column: str,
    title_column: str,
    filter_key: str,
    as_dict: Any,
) -> list[Any]:
    all_fields = params.boolean(data, "all_fields")
    limit = params.integer(
        data, "limit", 25 if all_fields else LIST_LIMIT_MAX, maximum=LIST_LIMIT_MAX
    )
    offset = params.integer(data, "offset", 0)
    wanted = params.string_list(data, filter_key)
    if wanted is not None:
        queryset = queryset.filter(**{f"{name_column}__in": wanted})
    query = params.text(data, "q").strip()
    if query:
        queryset = queryset.filter(
            Q(**{f"{name_column}__icontains": query}) | Q(**{f"{title_column}__icontains": query})
        )
    rows = _sorted(queryset, params.text(data, "sort") or "title asc", sorts)
    rows = rows[offset : offset + limit]
    if all_fields:
        return [as_dict(row, package_count=row.package_count) for row in rows]
    return [getattr(row, name_column) for row in rows]


@action(side_effect_free=True)
def organization_list(context: ActionContext, data: dict[str, Any]) -> list[Any]:
    """Return the city's departments that publish data (`sort`, `limit`, `offset`,
    `organizations`, `all_fields`, `q`)."""
    return _list_members(
        data,
        _organizations(),
        sorts=ORGANIZATION_SORTS,
        name_column="code",
        title_column="name_ja",
        filter_key="organizations",
        as_dict=organization_dict,
    )


def _groups() -> QuerySet[Group]:
    published = Q(datasets__state=State.ACTIVE, datasets__private=False)
    return _with_counts(Group.objects.all(), "datasets", published)


@action(side_effect_free=True)
def group_list(context: ActionContext, data: dict[str, Any]) -> list[Any]:
    """Return the categories (`sort`, `limit`, `offset`, `groups`, `all_fields`, `q`)."""
    return _list_members(
        data,
        _groups(),
        sorts=GROUP_SORTS,
        name_column="name",
        title_column="title",
        filter_key="groups",
        as_dict=group_dict,
    )


def _member_show(
    context: ActionContext, data: dict[str, Any], row: Any, as_dict: Any, fq_field: str, name: str
) -> dict[str, Any]:
    result = as_dict(row, package_count=row.package_count)
    if params.boolean(data, "include_datasets"):
        found = search_packages(
            context.user, {"fq": f'{fq_field}:"{name}"', "rows": 10}, context.base_url
        )
        result["packages"] = found["results"]
    result.setdefault("extras", [])
    result.setdefault("tags", [])
    result.setdefault("groups", [])
    result.setdefault("users", [])
    return result


@action(side_effect_free=True)
def organization_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return a department by `id` or name; `include_datasets` adds its first 10 data sets."""
    reference = params.required_text(data, "id")
    condition = Q(code=reference) | (Q(pk=int(reference)) if reference.isdigit() else Q())
    unit = _organizations().filter(condition).first()
    if unit is None:
        raise NotFound("Organization was not found.")
    return _member_show(context, data, unit, organization_dict, "organization", unit.code)


@action(side_effect_free=True)
def group_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return a category by `id` or name; `include_datasets` adds its first data sets."""
    reference = params.required_text(data, "id")
    uuid_value = _uuid_or_none(reference)
    condition = Q(name=reference) | (Q(pk=uuid_value) if uuid_value else Q(name=reference))
    group = _groups().filter(condition).first()
    if group is None:
        raise NotFound("Group was not found.")
    return _member_show(context, data, group, group_dict, "groups", group.name)


@action(side_effect_free=True)
def tag_list(context: ActionContext, data: dict[str, Any]) -> list[Any]:
    """Return the tags of published data sets (`query` or `q` filters, `all_fields`)."""
    query = (params.text(data, "query") or params.text(data, "q")).strip()
    tags = Tag.objects.filter(datasets__in=published_datasets()).distinct().order_by("name")
    if query:
        tags = tags.filter(name__icontains=query)
    if params.boolean(data, "all_fields"):
        return [tag_dict(tag) for tag in tags]
    return [tag.name for tag in tags]


@action(side_effect_free=True)
def license_list(context: ActionContext, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the licences data sets may be published under."""
    return [
        {
            "id": licence.id,
            "title": licence.title,
            "title_en": licence.title_en,
            "url": licence.url,
            "od_conformance": licence.od_conformance,
            "osd_conformance": licence.osd_conformance,
            "family": licence.family,
            "is_generic": False,
            "is_okd_compliant": licence.od_conformance == "approved",
            "is_osi_compliant": licence.osd_conformance == "approved",
            "status": "active",
            "maintainer": "",
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
        }
        for licence in LICENCES
    ]
