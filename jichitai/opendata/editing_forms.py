"""Forms of the staff editing pages: a data set's metadata and a resource's description.

They check what a person typed; the editing services decide what may be saved. Each edit form
carries the `metadata_modified` it was opened at, so a save over someone else's newer change is
refused instead of silently undoing it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jichitai.core.plain_text import refuse_control_characters
from jichitai.opendata.models import Dataset, Group, Resource
from jichitai.opendata.services.editing import (
    DATASET_FIELDS,
    RESOURCE_FIELDS,
    InvalidFields,
    clean_tags,
)


class _VersionField(forms.CharField):
    """The hidden `metadata_modified` an edit started from, as an ISO timestamp."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(_("編集の開始時刻が読めません。")) from None
        if moment.tzinfo is None:
            raise forms.ValidationError(_("編集の開始時刻が読めません。"))
        return moment


def _formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Model fields' form fields; a link typed without a scheme is taken as https."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


def version_of(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")


class DatasetForm(forms.ModelForm):
    tags = forms.CharField(
        label=_("タグ"),
        required=False,
        max_length=2000,
        help_text=_("カンマ（,）で区切って入力します。例：防災, 避難・災害"),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("分類"),
        queryset=Group.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    metadata_modified = _VersionField(required=False)

    class Meta:
        model = Dataset
        formfield_callback = _formfield
        fields = (
            "title",
            "name",
            "owner_org",
            "notes",
            "license_id",
            "update_frequency",
            "temporal_start",
            "temporal_end",
            "spatial",
            "conforms_to",
            "maintainer",
            "maintainer_email",
            "author",
            "url",
            "version",
            "private",
        )
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 6}),
            "temporal_start": forms.DateInput(attrs={"type": "date"}),
            "temporal_end": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "name": _("公開ページのアドレスになります。半角英小文字・数字・-・_ で2〜100文字。"),
            "notes": _("公開するには必須です。どんなデータか、調査の方法や注意点を書きます。"),
            "private": _("チェックすると、公開後も担当課の職員だけが見られます。"),
            "conforms_to": _("自治体標準オープンデータセットのコード（例：aed-locations）"),
        }

    def __init__(self, *args: Any, departments: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_control_characters(self)
        owner = self.fields["owner_org"]
        owner.queryset = departments  # type: ignore[attr-defined]
        owner.empty_label = None  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(tag.name for tag in self.instance.tags.all()))
            self.initial.setdefault("groups", list(self.instance.groups.all()))
            started = version_of(self.instance.metadata_modified)
            self.initial.setdefault("metadata_modified", started)

    def clean_tags(self) -> list[str]:
        text = self.cleaned_data.get("tags") or ""
        try:
            return clean_tags(text.replace("、", ",").split(","))
        except InvalidFields as error:
            raise forms.ValidationError(error.errors.get("tags", [error.message])) from None

    def dataset_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DATASET_FIELDS if name in self.fields}


class ResourceForm(forms.ModelForm):
    metadata_modified = _VersionField(required=False)

    class Meta:
        model = Resource
        formfield_callback = _formfield
        fields = ("name", "description", "url", "format")
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "url": _(
                "他のサイトにあるデータへのリンクの場合に入力します。"
                "ファイルは登録後、データセットのページでアップロードします。"
            ),
            "format": _("例：CSV、PDF、JSON。ファイルをアップロードすると自動で設定されます。"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_control_characters(self)
        if self.instance.pk:
            started = version_of(self.instance.metadata_modified)
            self.initial.setdefault("metadata_modified", started)

    def resource_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in RESOURCE_FIELDS}


CONFIRM_UNPUBLISH = _("下書きに戻すには、この画面の「下書きに戻す」ボタンを押してください。")
CONFIRM_DELETE = _("削除するには、この画面の「削除する」ボタンを押してください。")


class ConfirmForm(forms.Form):
    """A confirmation page's answer: its button posts a hidden confirm=yes, so a POST without
    it (a stray or empty one, or an old one-click button) changes nothing and the page comes
    back saying which button to press (`refusal`)."""

    refusal = CONFIRM_DELETE

    confirm = forms.ChoiceField(choices=[("yes", "yes")], widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refusal = self.refusal
        self.fields["confirm"].error_messages = {"required": refusal, "invalid_choice": refusal}


class UnpublishForm(ConfirmForm):
    """Taking a data set back to draft."""

    refusal = CONFIRM_UNPUBLISH


class DeleteForm(ConfirmForm):
    """Deleting a data set or a resource."""

    refusal = CONFIRM_DELETE
