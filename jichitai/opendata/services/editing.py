"""Staff edit the catalogue: draft, change, publish, withdraw and delete data sets, and add,
change, reorder and delete their resources.

The staff pages and the CKAN write actions both come here, so one set of rules holds
whichever way a change arrives: who may do it (policies), what a published data set must
carry, and that two people editing at once cannot overwrite each other unseen (an edit
carries the `metadata_modified` it started from and is refused when the data set has moved
on). Every change goes through `touch()` and writes an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.core.models import OrgUnit
from jichitai.governance.services import record_event
from jichitai.opendata import policies
from jichitai.opendata.licences import licence_by_id
from jichitai.opendata.models import Dataset, Group, Resource, State, Tag
from jichitai.opendata.services.catalogue import touch
from jichitai.opendata.services.datastore import drop_table_of, drop_tables_of

# What staff and API clients may set on a data set (the rest is kept by the system).
DATASET_FIELDS = (
    "name",
    "title",
    "notes",
    "license_id",
    "private",
    "author",
    "maintainer",
    "maintainer_email",
    "url",
    "version",
    "update_frequency",
    "temporal_start",
    "temporal_end",
    "spatial",
    "conforms_to",
)
RESOURCE_FIELDS = ("name", "description", "url", "format")
# Names that are addresses of pages themselves (/staff/data/new/, /data/requests/).
RESERVED_NAMES = frozenset({"new", "requests"})
TAG_MAX_LENGTH = 100


class InvalidFields(DomainError):
    """Input that breaks the catalogue's rules, keyed by field, as forms and CKAN show it."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__("opendata.invalid", _("入力内容を確かめてください。"))
        self.errors = {field: list(messages) for field, messages in errors.items()}


class StaleEdit(DomainError):
    """Someone else saved the data set after this edit began."""

    def __init__(self) -> None:
        super().__init__(
            "opendata.stale",
            _(
                "このデータセットは、編集を始めた後に別の人が更新しました。"
                "入力内容は保存していません。最新の内容を確かめてからもう一度保存してください。"
            ),
            field="metadata_modified",
        )


def _forbidden() -> DomainError:
    return DomainError("opendata.forbidden", _("このデータセットを編集する権限がありません。"))


def _not_publisher() -> DomainError:
    return DomainError(
        "opendata.publish_forbidden",
        _("データセットの公開・非公開・削除は、承認者または所属管理者が行います。"),
    )


def _clean(instance: Dataset | Resource) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as error:
        raise InvalidFields(error.message_dict) from None
    if isinstance(instance, Dataset) and instance.name in RESERVED_NAMES:
        raise InvalidFields({"name": [_("このURL名は使えません。別の名前にしてください。")]})


def _save_dataset(dataset: Dataset) -> None:
    """Save; a name taken by someone else between the check and the save is the same error
    as one taken before (a savepoint keeps the caller's transaction usable)."""
    try:
        with transaction.atomic():
            dataset.save()
    except IntegrityError:
        raise InvalidFields({"name": [_("このURL名は既に使われています。")]}) from None


def _locked(dataset: Dataset) -> Dataset:
    locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if locked.state == State.DELETED:
        raise DomainError("opendata.deleted", _("このデータセットは削除されています。"))
    return locked


def clean_tags(names: Iterable[str]) -> list[str]:
    """Tags as typed: surrounding space removed, duplicates dropped, Japanese kept whole."""
    tags: list[str] = []
    for raw in names:
        name = " ".join(str(raw).split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH or "," in name:
            raise InvalidFields(
                {"tags": [_("タグは1つ100文字以内で、読点ではなく「,」で区切ってください。")]}
            )
        if name not in tags:
            tags.append(name)
    return tags


def _set_tags_and_groups(
    dataset: Dataset, tags: Iterable[str] | None, groups: Iterable[Group] | None
) -> None:
    if tags is not None:
        dataset.tags.set([Tag.objects.get_or_create(name=name)[0] for name in clean_tags(tags)])
    if groups is not None:
        dataset.groups.set(list(groups))


def publication_problems(dataset: Dataset) -> dict[str, list[str]]:
    """What a data set lacks before the public may see it; empty when it may be published."""
    problems: dict[str, list[str]] = {}
    if not dataset.title.strip():
        problems["title"] = [_("公開するにはタイトルを入力してください。")]
    if not dataset.notes.strip():
        problems["notes"] = [_("公開するには説明を入力してください。")]
    if licence_by_id(dataset.license_id) is None:
        problems["license_id"] = [_("公開するにはライセンスを選んでください。")]
    if not dataset.owner_org.is_active:
        problems["owner_org"] = [_("作成部署が廃止されているため公開できません。")]
    return problems


# --- Data sets ---------------------------------------------------------------------------------


@transaction.atomic
def add_dataset(
    user: Any,
    owner_org: OrgUnit,
    *,
    fields: Mapping[str, Any],
    tags: Iterable[str] = (),
    groups: Iterable[Group] = (),
    publish: bool = False,
) -> Dataset:
    """Draft a new data set for one of the user's departments (published at once if asked
    and allowed; a refusal then undoes the whole creation)."""
    if not policies.can_create_dataset_in(user, owner_org):
        raise DomainError(
            "opendata.forbidden",
            _("この部署のデータセットを作成する権限がありません。"),
            field="owner_org",
        )
    dataset = Dataset(owner_org=owner_org, creator=user, state=State.DRAFT, **fields)
    _clean(dataset)
    _save_dataset(dataset)
    _set_tags_and_groups(dataset, tags, groups)
    touch(dataset)
    record_event(
        "opendata.dataset.create",
        actor=user,
        target=dataset,
        detail={"name": dataset.name, "owner_org": owner_org.code},
    )
    if publish:
        return publish_dataset(user, dataset)
    return dataset


@transaction.atomic
def edit_dataset(
    user: Any,
    dataset: Dataset,
    *,
    fields: Mapping[str, Any],
    tags: Iterable[str] | None = None,
    groups: Iterable[Group] | None = None,
    owner_org: OrgUnit | None = None,
    expected_modified: dt.datetime | None = None,
) -> Dataset:
    """Change a data set's metadata. With `expected_modified`, refuse (StaleEdit) when it
    was saved by someone else in between; a published data set must stay publishable."""
    locked = _locked(dataset)
    if not policies.can_edit_dataset(user, locked):
        raise _forbidden()
    if expected_modified is not None and locked.metadata_modified != expected_modified:
        raise StaleEdit
    changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
    for name, value in fields.items():
        setattr(locked, name, value)
    if owner_org is not None and owner_org.pk != locked.owner_org_id:
        if not policies.can_create_dataset_in(user, owner_org):
            raise DomainError(
                "opendata.forbidden",
                _("この部署のデータセットを作成する権限がありません。"),
                field="owner_org",
            )
        locked.owner_org = owner_org
        changed.append("owner_org")
    _clean(locked)
    if locked.state == State.ACTIVE and (problems := publication_problems(locked)):
        raise InvalidFields(problems)
    _save_dataset(locked)
    if "conforms_to" in changed:
        # Imported here, as in publish_dataset.
        from jichitai.opendata.services.uploads import recheck_files_of

        recheck_files_of(locked)
    _set_tags_and_groups(locked, tags, groups)
    if tags is not None:
        changed.append("tags")
    if groups is not None:
        changed.append("groups")
    touch(locked)
    record_event("opendata.dataset.update", actor=user, target=locked, fields=changed)
    return locked


@transaction.atomic
def publish_dataset(user: Any, dataset: Dataset) -> Dataset:
    """Make a draft public (公開). Files asked to be published when checked go out with it."""
    from jichitai.opendata.services.uploads import publish_requested_files

    locked = _locked(dataset)
    if not policies.can_publish_dataset(user, locked):
        raise _not_publisher()
    if problems := publication_problems(locked):
        raise InvalidFields(problems)
    if locked.state == State.ACTIVE:
        return locked
    locked.state = State.ACTIVE
    locked.save(update_fields=["state"])
    publish_requested_files(locked, actor=user)
    touch(locked)
    record_event("opendata.dataset.publish", actor=user, target=locked)
    return locked


@transaction.atomic
def unpublish_dataset(user: Any, dataset: Dataset) -> Dataset:
    """Take a published data set back to draft (下書き): the public no longer sees it."""
    locked = _locked(dataset)
    if not policies.can_publish_dataset(user, locked):
        raise _not_publisher()
    if locked.state == State.DRAFT:
        return locked
    locked.state = State.DRAFT
    locked.save(update_fields=["state"])
    touch(locked)
    record_event("opendata.dataset.unpublish", actor=user, target=locked)
    return locked


@transaction.atomic
def delete_dataset(user: Any, dataset: Dataset) -> Dataset:
    """Delete softly (state deleted), as CKAN does: kept for the audit trail, seen by nobody."""
    locked = _locked(dataset)
    if not policies.can_publish_dataset(user, locked):
        raise _not_publisher()
    locked.state = State.DELETED
    locked.save(update_fields=["state"])
    drop_tables_of(locked.resources.all())
    touch(locked)
    record_event("opendata.dataset.delete", actor=user, target=locked)
    return locked


# --- Resources ---------------------------------------------------------------------------------


def _active_resources(dataset: Dataset) -> list[Resource]:
    return list(
        Resource.objects.select_for_update()
        .filter(dataset=dataset, state=State.ACTIVE)
        .order_by("position", "created", "pk")
    )


def _editable_resource(user: Any, resource: Resource) -> tuple[Dataset, Resource]:
    dataset = _locked(resource.dataset)
    if not policies.can_edit_dataset(user, dataset):
        raise _forbidden()
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.state == State.DELETED:
        raise DomainError("opendata.resource_deleted", _("このリソースは削除されています。"))
    return dataset, locked


def _resource_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    if "format" in cleaned:
        cleaned["format"] = str(cleaned["format"] or "").strip().upper()
    return cleaned


@transaction.atomic
def add_resource(user: Any, dataset: Dataset, *, fields: Mapping[str, Any]) -> Resource:
    """Add a link or an (empty, to be uploaded) file resource at the end of the list."""
    locked = _locked(dataset)
    if not policies.can_edit_dataset(user, locked):
        raise _forbidden()
    last = locked.resources.aggregate(last=Max("position"))["last"]
    resource = Resource(
        dataset=locked, position=0 if last is None else last + 1, **_resource_fields(fields)
    )
    _clean(resource)
    resource.save()
    touch(locked)
    record_event("opendata.resource.create", actor=user, target=resource)
    return resource


@transaction.atomic
def edit_resource(
    user: Any,
    resource: Resource,
    *,
    fields: Mapping[str, Any],
    expected_modified: dt.datetime | None = None,
) -> Resource:
    """Change a resource's name, description, format or link. A new link replaces an
    uploaded file as what the resource offers."""
    dataset, locked = _editable_resource(user, resource)
    if expected_modified is not None and locked.metadata_modified != expected_modified:
        raise StaleEdit
    cleaned = _resource_fields(fields)
    changed = sorted(name for name, value in cleaned.items() if getattr(locked, name) != value)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    if "url" in changed and locked.url:
        locked.url_type = ""
        locked.published_file = None
    _clean(locked)
    locked.metadata_modified = timezone.now()
    locked.save()
    touch(dataset)
    record_event("opendata.resource.update", actor=user, target=locked, fields=changed)
    return locked


@transaction.atomic
def delete_resource(user: Any, resource: Resource) -> None:
    """Delete a resource softly; the others close up their positions."""
    dataset, locked = _editable_resource(user, resource)
    locked.state = State.DELETED
    locked.metadata_modified = timezone.now()
    locked.save(update_fields=["state", "metadata_modified"])
    drop_table_of(locked)
    _renumber(_active_resources(dataset))
    touch(dataset)
    record_event("opendata.resource.delete", actor=user, target=locked)


@transaction.atomic
def move_resource(user: Any, resource: Resource, offset: int) -> None:
    """Move a resource one place up (-1) or down (+1); at either end nothing changes."""
    dataset, locked = _editable_resource(user, resource)
    ordered = _active_resources(dataset)
    index = next(n for n, item in enumerate(ordered) if item.pk == locked.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered)
    touch(dataset)
    record_event("opendata.resource.move", actor=user, target=locked, detail={"position": target})


@transaction.atomic
def reorder_resources(user: Any, dataset: Dataset, order: Sequence[str]) -> None:
    """Put the resources in the given order of ids, which must name each of them once."""
    locked = _locked(dataset)
    if not policies.can_edit_dataset(user, locked):
        raise _forbidden()
    by_id = {str(resource.pk): resource for resource in _active_resources(locked)}
    if sorted(order) != sorted(by_id):
        raise InvalidFields({"order": [_("すべてのリソースを1回ずつ並べてください。")]})
    _renumber([by_id[resource_id] for resource_id in order])
    touch(locked)
    record_event("opendata.resource.reorder", actor=user, target=locked)


def _renumber(ordered: list[Resource]) -> None:
    for position, resource in enumerate(ordered):
        if resource.position != position:
            resource.position = position
            resource.save(update_fields=["position"])
