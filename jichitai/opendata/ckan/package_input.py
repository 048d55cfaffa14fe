"""Reading the package and resource dicts CKAN clients send to the write actions.

A client may send any JSON, so every value is checked for its type here and every problem is
collected under its field name, to be answered as one CKAN `Validation Error` (409). Keys the
catalogue computes itself (id, metadata_created, organization, num_resources …) are ignored,
so a dict from `package_show` can be sent back to `package_update` unchanged.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from jichitai.core.models import OrgUnit
from jichitai.opendata.ckan import params
from jichitai.opendata.ckan.errors import ValidationError
from jichitai.opendata.licences import DEFAULT_LICENCE_ID, licence_by_id
from jichitai.opendata.models import Group, State, UpdateFrequency

TEXT_FIELDS = (
    "title",
    "notes",
    "author",
    "maintainer",
    "maintainer_email",
    "url",
    "version",
    "spatial",
    "conforms_to",
)
# e-Gov's extras, and the names our package_show writes them under.
EXTRA_FIELDS = {
    "frequency_of_update": "update_frequency",
    "spatial": "spatial",
    "temporal_start": "temporal_start",
    "temporal_end": "temporal_end",
    "conforms_to": "conforms_to",
    "contactPoint": "maintainer_email",
}
DATE_FIELDS = ("temporal_start", "temporal_end")
WRITABLE_STATES = (State.ACTIVE, State.DRAFT)


@dataclass
class PackageInput:
    """What a package dict asks for; `fields` holds only the keys to write."""

    fields: dict[str, Any] = field(default_factory=dict)
    owner_org: OrgUnit | None = None
    state: str | None = None
    tags: list[str] | None = None
    groups: list[Group] | None = None
    resources: list[dict[str, Any]] | None = None


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_string(value: Any, key: str, errors: _Errors) -> str | None:
    """A string, a number or a boolean as text; None for anything else (error recorded)."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        errors.add(key, "Must be a string")
        return None
    text = str(value)
    if "\x00" in text:  # PostgreSQL cannot store NUL in text
        errors.add(key, _("使えない文字（NUL）が含まれています。"))
        return None
    return text


def _date(value: Any, key: str, errors: _Errors) -> dt.date | None:
    text = clean_string(value, key, errors)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        errors.add(key, "Date format incorrect")
        return None


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def find_org(reference: str) -> OrgUnit | None:
    """An organisation (課) by id or by name (its code), as CKAN accepts either."""
    departments = OrgUnit.objects.filter(level=OrgUnit.Level.DEPARTMENT)
    if reference.isascii() and reference.isdigit() and len(reference) < 12:
        by_id = departments.filter(pk=int(reference)).first()
        if by_id is not None:
            return by_id
    return departments.filter(code=reference).first()


def _tags(data: dict[str, Any], errors: _Errors) -> list[str] | None:
    if "tags" in data:
        raw = data["tags"]
        if not isinstance(raw, list):
            errors.add("tags", "Not a list")
            return None
        names = []
        for item in raw:
            name = item.get("name") if isinstance(item, dict) else item
            if not isinstance(name, str):
                errors.add("tags", _("タグは名前（name）を文字列で指定してください。"))
                return None
            names.append(name)
        return names
    if "tag_string" in data:
        text = clean_string(data["tag_string"], "tag_string", errors)
        return None if text is None else [name for name in text.split(",") if name.strip()]
    return None


def _groups(data: dict[str, Any], errors: _Errors) -> list[Group] | None:
    raw = data["groups"]
    if not isinstance(raw, list):
        errors.add("groups", "Not a list")
        return None
    found: list[Group] = []
    for item in raw:
        reference = (item.get("name") or item.get("id")) if isinstance(item, dict) else item
        if not isinstance(reference, str):
            errors.add("groups", _("分類は name または id を文字列で指定してください。"))
            return None
        uuid_value = _uuid(reference)
        group = Group.objects.filter(name=reference).first() or (
            Group.objects.filter(pk=uuid_value).first() if uuid_value else None
        )
        if group is None:
            errors.add("groups", f"Group not found: {reference}")
            return None
        found.append(group)
    return found


def _extras(data: dict[str, Any], errors: _Errors) -> dict[str, Any]:
    """Known extras as top-level values; an unknown one is refused rather than lost."""
    raw = data.get("extras")
    if raw is None:
        return {}
    if not isinstance(raw, list):
        errors.add("extras", "Not a list")
        return {}
    values: dict[str, Any] = {}
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            errors.add("extras", _("追加項目は key と value の組で指定してください。"))
            return {}
        key = item["key"]
        if key not in EXTRA_FIELDS:
            errors.add("extras", _("「%(key)s」は保存できない追加項目です。") % {"key": key[:100]})
            continue
        values[key] = item.get("value")
    return values


def read_package(data: dict[str, Any], *, partial: bool, creating: bool = False) -> PackageInput:
    """The fields a package dict sets. `partial` (package_patch) writes only the keys given;
    otherwise (package_create, package_update) a missing key is cleared, as CKAN does."""
    errors = _Errors()
    wanted = _extras(data, errors) | {k: v for k, v in data.items() if k in EXTRA_FIELDS}
    merged = {EXTRA_FIELDS[key]: value for key, value in wanted.items()}
    merged |= {key: value for key, value in data.items() if key not in EXTRA_FIELDS}
    result = PackageInput()
    fields = result.fields

    def given(key: str) -> bool:
        return key in merged or not partial

    if "name" in merged or creating:
        name = clean_string(merged.get("name"), "name", errors)
        if creating and not (name or "").strip():
            errors.add("name", "Missing value")
        elif name is not None:
            fields["name"] = name.strip()
    for key in TEXT_FIELDS:
        if given(key):
            value = clean_string(merged.get(key), key, errors)
            if value is not None:
                fields[key] = value.strip()
    if "title" in fields and not fields["title"]:
        # CKAN shows the name where a title is missing; our catalogue stores it.
        if fields.get("name"):
            fields["title"] = fields["name"]
        elif partial:
            del fields["title"]
    for key in DATE_FIELDS:
        if given(key):
            fields[key] = _date(merged.get(key), key, errors)
    if given("update_frequency"):
        frequency = clean_string(merged.get("update_frequency"), "frequency_of_update", errors)
        if frequency and frequency not in UpdateFrequency.values:
            errors.add("frequency_of_update", _("更新頻度の値が正しくありません。"))
        elif frequency is not None:
            fields["update_frequency"] = frequency
    if given("license_id"):
        licence = clean_string(merged.get("license_id"), "license_id", errors)
        if licence and licence_by_id(licence) is None:
            message = _("ライセンス「%(id)s」は登録されていません。") % {"id": licence[:40]}
            errors.add("license_id", message)
        elif licence is not None:
            fields["license_id"] = licence or DEFAULT_LICENCE_ID
    if given("private"):
        try:
            fields["private"] = params.boolean(merged, "private", False)
        except ValidationError as error:
            errors.errors.update(error.errors)
    if "owner_org" in merged or creating:
        reference = clean_string(merged.get("owner_org"), "owner_org", errors)
        if not reference:
            if reference is not None:
                errors.add("owner_org", "An organization must be provided")
        else:
            result.owner_org = find_org(reference)
            if result.owner_org is None:
                errors.add("owner_org", "Organization does not exist")
    if "state" in merged:
        state = clean_string(merged.get("state"), "state", errors)
        if state and state not in WRITABLE_STATES:
            errors.add("state", _("状態は active または draft を指定してください。"))
        elif state:
            result.state = state
    result.tags = _tags(merged, errors)
    if result.tags is None and not partial and "tags" not in merged:
        result.tags = []
    if "groups" in merged:
        result.groups = _groups(merged, errors)
    elif not partial:
        result.groups = []
    if "resources" in merged:
        result.resources = _resources(merged["resources"], errors)
    errors.raise_any()
    return result


def _resources(raw: Any, errors: _Errors) -> list[dict[str, Any]] | None:
    if not isinstance(raw, list):
        errors.add("resources", "Not a list")
        return None
    read: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    for item in raw:
        item_errors = _Errors()
        if not isinstance(item, dict):
            item_errors.add("__all__", _("リソースはオブジェクトで指定してください。"))
            read.append({})
        else:
            read.append(read_resource(item, partial=False, errors=item_errors))
        problems.append(item_errors.errors)
    if any(problems):
        errors.errors["resources"] = problems
    return read


def read_resource(
    data: dict[str, Any], *, partial: bool, errors: _Errors | None = None
) -> dict[str, Any]:
    """A resource dict's writable fields, with `id` and `upload` kept aside under those keys."""
    own = errors is None
    errors = errors or _Errors()
    read: dict[str, Any] = {}
    for key in ("name", "description", "url", "format"):
        if key in data or not partial:
            value = clean_string(data.get(key), key, errors)
            if value is not None:
                read[key] = value.strip()
    if "id" in data:
        reference = clean_string(data.get("id"), "id", errors)
        read["id"] = reference
    upload = data.get("upload")
    if upload is not None and upload != "":
        if isinstance(upload, UploadedFile):
            read["upload"] = upload
        else:
            errors.add("upload", _("ファイルは multipart/form-data の upload で送ってください。"))
    if own:
        errors.raise_any()
    return read


def resource_name(read: dict[str, Any]) -> str:
    """CKAN lets a resource go unnamed; we show a name, so take the file's or the link's."""
    if read.get("name"):
        return str(read["name"])
    if "upload" in read:
        return str(read["upload"].name or "")[:300] or _("無題のリソース")
    if read.get("url"):
        return str(read["url"]).rstrip("/").rsplit("/", 1)[-1][:300] or _("無題のリソース")
    return _("無題のリソース")
