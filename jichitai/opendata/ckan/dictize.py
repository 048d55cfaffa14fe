"""Our catalogue objects as CKAN's dicts (package_show, resource_show, organization_show …).

CKAN's wire format: timestamps are ISO 8601 in UTC without a zone; extras are strings; every
field a client may look for is present, empty rather than missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from jichitai.core.models import OrgUnit
from jichitai.opendata.licences import licence_by_id
from jichitai.opendata.models import Dataset, Group, Resource, State, Tag


def ckan_timestamp(moment: dt.datetime | None) -> str | None:
    """UTC, no zone, microseconds: `2024-05-01T03:04:05.123456`, as CKAN writes them."""
    if moment is None:
        return None
    return timezone.make_naive(moment, dt.UTC).isoformat(timespec="microseconds")


def organization_dict(unit: OrgUnit, *, package_count: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": str(unit.pk),
        "name": unit.code,
        "title": unit.name_ja,
        "display_name": unit.name_ja,
        "title_en": unit.name_en,
        "type": "organization",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active" if unit.is_active else "deleted",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(group: Group, *, package_count: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": str(group.pk),
        "name": group.name,
        "title": group.title,
        "display_name": group.title,
        "title_en": group.title_en,
        "type": "group",
        "description": group.description,
        "image_url": "",
        "image_display_url": "",
        "created": ckan_timestamp(group.created),
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def tag_dict(tag: Tag) -> dict[str, Any]:
    return {
        "id": str(tag.pk),
        "name": tag.name,
        "display_name": tag.name,
        "state": "active",
        "vocabulary_id": None,
    }


def resource_url(resource: Resource, base_url: str) -> str:
    """Uploads are downloaded from us; links keep the address given."""
    if resource.url_type == "upload":
        path = reverse(
            "opendata:resource_download",
            kwargs={"dataset_id": resource.dataset_id, "resource_id": resource.pk},
        )
        return base_url + path
    return resource.url


def resource_dict(resource: Resource, base_url: str) -> dict[str, Any]:
    return {
        "id": str(resource.pk),
        "package_id": str(resource.dataset_id),
        "url": resource_url(resource, base_url),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "mimetype": resource.mimetype or None,
        "mimetype_inner": None,
        "size": resource.size,
        "hash": resource.hash,
        "resource_type": None,
        "url_type": resource.url_type or None,
        "position": resource.position,
        "state": resource.state,
        "created": ckan_timestamp(resource.created),
        "last_modified": ckan_timestamp(resource.last_modified),
        "metadata_modified": ckan_timestamp(resource.metadata_modified),
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": resource.datastore_active,
    }


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def package_dict(dataset: Dataset, base_url: str) -> dict[str, Any]:
    """The package dict; needs owner_org selected and tags, groups, resources prefetched."""
    licence = licence_by_id(dataset.license_id)
    resources = [r for r in dataset.resources.all() if r.state == State.ACTIVE]
    tags = list(dataset.tags.all())
    extras = {
        "frequency_of_update": dataset.update_frequency,
        "spatial": dataset.spatial,
        "temporal_start": _date(dataset.temporal_start),
        "temporal_end": _date(dataset.temporal_end),
        "conforms_to": dataset.conforms_to,
        "contactPoint": dataset.maintainer_email,
    }
    return {
        "id": str(dataset.pk),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "state": dataset.state,
        "private": dataset.private,
        "author": dataset.author,
        "author_email": "",
        "maintainer": dataset.maintainer,
        "maintainer_email": dataset.maintainer_email,
        "license_id": dataset.license_id,
        "license_title": licence.title if licence else dataset.license_id,
        "license_url": licence.url if licence else "",
        "isopen": bool(licence and licence.is_open),
        "url": dataset.url,
        "version": dataset.version,
        "owner_org": str(dataset.owner_org_id),
        "organization": organization_dict(dataset.owner_org),
        "creator_user_id": str(dataset.creator_id) if dataset.creator_id else None,
        "metadata_created": ckan_timestamp(dataset.metadata_created),
        "metadata_modified": ckan_timestamp(dataset.metadata_modified),
        "num_resources": len(resources),
        "num_tags": len(tags),
        "tags": [tag_dict(tag) for tag in tags],
        "groups": [
            {key: value for key, value in group_dict(group).items() if key in GROUP_IN_PACKAGE}
            for group in dataset.groups.all()
        ],
        "extras": [{"key": key, "value": value} for key, value in extras.items() if value],
        "resources": [resource_dict(resource, base_url) for resource in resources],
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }


GROUP_IN_PACKAGE = frozenset(
    {"id", "name", "title", "display_name", "description", "image_display_url"}
)
