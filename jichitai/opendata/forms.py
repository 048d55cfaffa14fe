"""The portal's search form: a query and the facet filters, all optional."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jichitai.core.models import OrgUnit
from jichitai.core.plain_text import refuse_control_characters
from jichitai.opendata.models import DataRequestStatus, Dataset, State
from jichitai.opendata.services.uploads import too_large_message, upload_limit_mb

FACETS = ("organization", "groups", "tags", "res_format", "license_id")


class DatasetSearchForm(forms.Form):
    q = forms.CharField(
        label=_("キーワード"),
        required=False,
        max_length=200,
        help_text=_("例：避難、人口、トイレ"),
    )
    organization = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    groups = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    tags = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    res_format = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    license_id = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def filters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FACETS if self.cleaned_data.get(name)}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("ファイル"),
        error_messages={"required": _("アップロードするファイルを選んでください。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limit is a setting: stated where staff choose the file, before they send it.
        self.fields["file"].help_text = _(
            "CSV（UTF-8 または Shift_JIS）、Excel（XLSX、最初のシートを読みます）、"
            "PDF、JSON、GeoJSON。%(limit)s MB まで。"
        ) % {"limit": upload_limit_mb()}

    @classmethod
    def too_large(cls, **kwargs: Any) -> UploadForm:
        """The form as it answers a request too large to read: its file field saying the
        limit (the body was never read, so nothing else is known)."""
        form = cls(data={}, files={}, **kwargs)
        form.is_valid()
        form.errors.clear()
        form.add_error("file", too_large_message())
        return form


# The same words as the service's refusal of a short reason (opendata.reason_required), so
# that an empty reason and a short one are answered alike.
REASON_REQUIRED = _("公開してよいと判断した理由を10文字以上で書いてください。")


class ClearanceForm(forms.Form):
    """Why columns flagged as personal data may be published. Browsers stop an empty reason
    (`required`); the server says the same beside the field for any client that does not."""

    reason = forms.CharField(
        label=_("公開してよいと判断した理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("10文字以上。例：施設の代表電話番号で、区のウェブサイトで公表済みです。"),
        error_messages={"required": REASON_REQUIRED},
    )


def _departments() -> Any:
    return OrgUnit.objects.filter(level=OrgUnit.Level.DEPARTMENT, is_active=True)


class DataRequestForm(forms.Form):
    """データリクエスト: what data, why, and optionally who to answer. Anyone may send it."""

    title = forms.CharField(
        label=_("欲しいデータ"),
        max_length=200,
        help_text=_("例：区内の公園の遊具の一覧"),
    )
    description = forms.CharField(
        label=_("データの内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("項目、範囲、期間、形式など、わかる範囲で書いてください。"),
    )
    purpose = forms.CharField(
        label=_("利用目的"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("どのように使いたいかを書いていただくと、公開の検討に役立ちます。"),
    )
    department = forms.ModelChoiceField(
        label=_("担当課"),
        queryset=_departments(),
        required=False,
        empty_label=_("わからない"),
        help_text=_("わからない場合は、区で担当課を決めます。"),
    )
    dataset = forms.ModelChoiceField(
        label=_("関連するデータセット"),
        queryset=Dataset.objects.filter(state=State.ACTIVE, private=False),
        to_field_name="name",
        required=False,
        widget=forms.HiddenInput,
    )
    requester_name = forms.CharField(
        label=_("お名前またはニックネーム"),
        required=False,
        max_length=100,
        help_text=_("一覧に表示されます。空欄のままでもかまいません。"),
    )
    requester_email = forms.EmailField(
        label=_("メールアドレス"),
        required=False,
        max_length=254,
        help_text=_("回答をお知らせします。公開はしません。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A trap for robots, hidden by the style sheet; a person leaves it empty.
    website = forms.CharField(
        label=_("この欄には何も入力しないでください"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("データの内容を入力してください。"), code="required")
        return description

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("website"):
            # Said on the form, not the hidden field, which a person cannot see.
            raise forms.ValidationError(
                _("送信できませんでした。入力欄の内容を確かめて、もう一度お送りください。"),
                code="honeypot",
            )
        return cleaned


class DataRequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状況"),
        required=False,
        choices=[("", _("すべて")), *DataRequestStatus.choices],
    )


class DataRequestAnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("状況"), choices=DataRequestStatus.choices)
    answer = forms.CharField(
        label=_("回答内容"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("公開ページに表示され、メールアドレスがあればリクエストした人に送られます。"),
    )
    is_public = forms.BooleanField(label=_("一覧に公開する"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_control_characters(self)


class DataRequestAssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("担当課"), queryset=_departments(), empty_label=_("選んでください")
    )
