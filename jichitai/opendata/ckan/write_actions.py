"""CKAN's write actions (`ckan/logic/action/create.py`, `update.py`, `patch.py`, `delete.py`).

They call the same editing services as the staff pages, so the same rules hold: only verified
staff (a staff-scoped API token) of the owning department write; publishing, withdrawing and
deleting take an approver or the department's administrator; a published data set must carry
a title, a description and a licence. Each action runs in one transaction: a refusal leaves
nothing half-saved.

State on create (ADR 0009): a client that names no `state` gets CKAN's default, `active`, when
it may publish, and a draft otherwise (a clerk's data sets wait for an approver, as in the UI).

Each docstring is what `help_show` returns for the action.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from jichitai.accounts.policies import is_verified_staff
from jichitai.core.errors import DomainError
from jichitai.opendata import policies
from jichitai.opendata.ckan import params
from jichitai.opendata.ckan.dictize import package_dict, resource_dict, resource_url
from jichitai.opendata.ckan.errors import NotAuthorized, NotFound, ValidationError
from jichitai.opendata.ckan.package_input import (
    PackageInput,
    read_package,
    read_resource,
    resource_name,
)
from jichitai.opendata.ckan.registry import ActionContext, action
from jichitai.opendata.models import Dataset, Resource, State
from jichitai.opendata.services import editing, uploads

NOT_FOUND_CODES = frozenset({"opendata.deleted", "opendata.resource_deleted"})
FORBIDDEN_CODES = frozenset({"opendata.forbidden", "opendata.publish_forbidden"})
# Our form calls the file field "file"; CKAN clients know it as "upload".
FIELD_NAMES = {"file": "upload"}


@contextmanager
def _ckan_errors() -> Iterator[None]:
    """Run a change in one transaction and answer a refused rule as CKAN would."""
    try:
        with transaction.atomic():
            yield
    except editing.InvalidFields as error:
        raise ValidationError({FIELD_NAMES.get(k, k): v for k, v in error.errors.items()}) from None
    except DomainError as error:
        if error.code in NOT_FOUND_CODES:
            raise NotFound(error.message) from None
        if error.code in FORBIDDEN_CODES:
            raise NotAuthorized(error.message) from None
        field = FIELD_NAMES.get(error.field or "", error.field or "__all__")
        raise ValidationError({field: [error.message]}) from None


def _staff(context: ActionContext, what: str) -> Any:
    """Writes need verified staff: a token made after the second factor (ADR 0009)."""
    if not is_verified_staff(context.user):
        raise NotAuthorized(f"User not authorized to {what}")
    return context.user


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _writable_dataset(user: Any, reference: str) -> Dataset:
    """A data set by id or name: 404 when the caller cannot see it, 403 when they may read
    but not change it."""
    uuid_value = _uuid(reference)
    visible = policies.datasets_visible_to(user).select_related("owner_org")
    found = visible.filter(name=reference).first() or (
        visible.filter(pk=uuid_value).first() if uuid_value else None
    )
    if found is None:
        raise NotFound("Dataset not found")
    if not policies.can_edit_dataset(user, found):
        raise NotAuthorized("User not authorized to edit this dataset")
    return found


def _writable_resource(user: Any, reference: str) -> Resource:
    uuid_value = _uuid(reference)
    found = (
        Resource.objects.filter(
            pk=uuid_value,
            state=State.ACTIVE,
            dataset__in=policies.datasets_visible_to(user),
        )
        .select_related("dataset__owner_org")
        .first()
        if uuid_value
        else None
    )
    if found is None:
        raise NotFound("Resource was not found.")
    if not policies.can_edit_dataset(user, found.dataset):
        raise NotAuthorized("User not authorized to edit this resource")
    return found


def _shown(dataset: Dataset, context: ActionContext) -> dict[str, Any]:
    fresh = (
        Dataset.objects.select_related("owner_org")
        .prefetch_related("tags", "groups", "resources")
        .get(pk=dataset.pk)
    )
    return package_dict(fresh, context.base_url)


def _resource_shown(resource: Resource, context: ActionContext) -> dict[str, Any]:
    return resource_dict(Resource.objects.get(pk=resource.pk), context.base_url)


def _add_resource(user: Any, dataset: Dataset, read: dict[str, Any]) -> Resource:
    fields = {key: read[key] for key in editing.RESOURCE_FIELDS if key in read}
    fields["name"] = resource_name(read)
    upload = read.get("upload")
    if upload is not None:
        fields["url"] = ""  # the file is what this resource offers
    resource = editing.add_resource(user, dataset, fields=fields)
    if upload is not None:
        uploads.receive_upload(user, resource, upload, publish_when_checked=True)
    return resource


def _keeps_its_file(resource: Resource, fields: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A dict from package_show sent back carries an uploaded file's download address as
    `url`; that is the file itself, not a new link to replace it with."""
    if resource.url_type == "upload" and fields.get("url") in {
        "",
        resource_url(resource, base_url),
    }:
        return {key: value for key, value in fields.items() if key != "url"}
    return fields


def _replace_resources(
    user: Any, dataset: Dataset, wanted: list[dict[str, Any]], base_url: str
) -> None:
    """package_update with `resources`: the list given becomes the data set's resources, in
    that order; existing ones are matched by id, the rest are added, the missing deleted."""
    current = {str(r.pk): r for r in dataset.resources.filter(state=State.ACTIVE)}
    kept: list[str] = []
    for index, read in enumerate(wanted):
        existing = current.get(str(read.get("id") or ""))
        if existing is None:
            kept.append(str(_add_resource(user, dataset, read).pk))
            continue
        fields = {key: read[key] for key in editing.RESOURCE_FIELDS if key in read}
        fields["name"] = resource_name(read)
        fields = _keeps_its_file(existing, fields, base_url)
        try:
            editing.edit_resource(user, existing, fields=fields)
        except editing.InvalidFields as error:
            problems: list[dict[str, Any]] = [{} for _ in wanted]
            problems[index] = error.errors
            raise editing.InvalidFields({"resources": problems}) from None  # type: ignore[dict-item]
        kept.append(str(existing.pk))
    for resource_id, resource in current.items():
        if resource_id not in kept:
            editing.delete_resource(user, resource)
    editing.reorder_resources(user, dataset, kept)


def _apply_package(user: Any, dataset: Dataset, read: PackageInput, base_url: str) -> Dataset:
    """Write a package dict onto a data set, changing state in the order that keeps the
    publication rules true at every step."""
    going_draft = read.state == State.DRAFT and dataset.state == State.ACTIVE
    if going_draft:
        dataset = editing.unpublish_dataset(user, dataset)
    dataset = editing.edit_dataset(
        user,
        dataset,
        fields=read.fields,
        tags=read.tags,
        groups=read.groups,
        owner_org=read.owner_org,
    )
    if read.resources is not None:
        _replace_resources(user, dataset, read.resources, base_url)
    if read.state == State.ACTIVE and dataset.state != State.ACTIVE:
        dataset = editing.publish_dataset(user, dataset)
    return dataset


@action(side_effect_free=False)
def package_create(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Create a data set: `name` and `owner_org` (the department's id or name) are required;
    also title, notes, license_id, private, author, maintainer, maintainer_email, url, version,
    tags, groups, extras (frequency_of_update, spatial, temporal_start, temporal_end,
    conforms_to), resources (links) and state. Without `state` it is published when the caller
    may publish (an approver or department administrator), and drafted otherwise."""
    user = _staff(context, "create packages")
    read = read_package(data, partial=False, creating=True)
    owner_org = read.owner_org
    if owner_org is None:  # read_package refuses a missing one; kept for the type checker
        raise ValidationError({"owner_org": ["An organization must be provided"]})
    with _ckan_errors():
        dataset = editing.add_dataset(
            user, owner_org, fields=read.fields, tags=read.tags or [], groups=read.groups or []
        )
        for resource in read.resources or []:
            _add_resource(user, dataset, resource)
        state = read.state
        if state is None:
            may_publish = policies.can_publish_dataset(user, dataset)
            state = State.ACTIVE if may_publish else State.DRAFT
        if state == State.ACTIVE:
            dataset = editing.publish_dataset(user, dataset)
    return _shown(dataset, context)


@action(side_effect_free=False)
def package_update(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a data set (by `id` or name): fields left out are cleared. Resources are kept
    when `resources` is left out, and replaced by the list when it is given."""
    user = _staff(context, "update packages")
    dataset = _writable_dataset(user, params.required_text(data, "id"))
    read = read_package(data, partial=False)
    with _ckan_errors():
        dataset = _apply_package(user, dataset, read, context.base_url)
    return _shown(dataset, context)


@action(side_effect_free=False)
def package_patch(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the given fields of a data set (by `id` or name)."""
    user = _staff(context, "update packages")
    dataset = _writable_dataset(user, params.required_text(data, "id"))
    read = read_package(data, partial=True)
    with _ckan_errors():
        dataset = _apply_package(user, dataset, read, context.base_url)
    return _shown(dataset, context)


@action(side_effect_free=False)
def package_delete(context: ActionContext, data: dict[str, Any]) -> None:
    """Delete a data set (by `id` or name): its state becomes `deleted`, as in CKAN."""
    user = _staff(context, "delete packages")
    dataset = _writable_dataset(user, params.required_text(data, "id"))
    with _ckan_errors():
        editing.delete_dataset(user, dataset)


@action(side_effect_free=False)
def resource_create(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource to the data set `package_id`: a link (`url`) or a file sent as the
    multipart field `upload`. The file is checked like an upload in the staff pages, and
    published by itself once the check passes (no errors, no personal data) if the data set
    is public; otherwise when the data set is published."""
    user = _staff(context, "create resources")
    dataset = _writable_dataset(user, params.required_text(data, "package_id"))
    read = read_resource(data, partial=False)
    with _ckan_errors():
        resource = _add_resource(user, dataset, read)
    return _resource_shown(resource, context)


def _change_resource(context: ActionContext, data: dict[str, Any], *, partial: bool) -> Any:
    user = _staff(context, "update resources")
    resource = _writable_resource(user, params.required_text(data, "id"))
    read = read_resource(data, partial=partial)
    fields = {key: read[key] for key in editing.RESOURCE_FIELDS if key in read}
    if "name" in fields or not partial:
        fields["name"] = resource_name(read)
    upload = read.get("upload")
    if upload is not None:
        fields.pop("url", None)  # the new file replaces what the resource offers
    fields = _keeps_its_file(resource, fields, context.base_url)
    with _ckan_errors():
        resource = editing.edit_resource(user, resource, fields=fields)
        if upload is not None:
            uploads.receive_upload(user, resource, upload, publish_when_checked=True)
    return _resource_shown(resource, context)


@action(side_effect_free=False)
def resource_update(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a resource (by `id`): name, description, url, format; `upload` sends a new
    file, checked and published as in resource_create."""
    return _change_resource(context, data, partial=False)


@action(side_effect_free=False)
def resource_patch(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the given fields of a resource (by `id`); `upload` sends a new file."""
    return _change_resource(context, data, partial=True)


@action(side_effect_free=False)
def resource_delete(context: ActionContext, data: dict[str, Any]) -> None:
    """Delete a resource (by `id`)."""
    user = _staff(context, "delete resources")
    resource = _writable_resource(user, params.required_text(data, "id"))
    with _ckan_errors():
        editing.delete_resource(user, resource)
