from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("キーワード"),
        required=False,
        max_length=100,
        help_text=_("例：ごみ、児童手当、住民票"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    department = forms.ChoiceField(label=_("担当課"), required=False)
    online = forms.BooleanField(label=_("オンラインで申請できる手続きだけ"), required=False)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["department"])
        field.choices = [("", _("すべて")), *((unit.code, unit.name) for unit in departments)]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状態"), required=False)
    procedure = forms.ChoiceField(label=_("手続き"), required=False)
    receipt_number = forms.CharField(label=_("受付番号"), required=False, max_length=12)
    overdue = forms.BooleanField(label=_("処理期限を過ぎたものだけ"), required=False)

    def __init__(self, *args: Any, applications: Any, **kwargs: Any) -> None:
        from jichitai.procedures.models import ApplicationStatus, Procedure

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("すべて")),
            *ApplicationStatus.choices,
        ]
        procedures = Procedure.objects.filter(pk__in=applications.values("procedure")).order_by(
            "title_ja"
        )
        cast(forms.ChoiceField, self.fields["procedure"]).choices = [
            ("", _("すべて")),
            *((p.slug, p.title_ja) for p in procedures),
        ]


class DeliveryLogFilterForm(forms.Form):
    """The delivery log's filter (メール送信履歴の絞り込み)."""

    status = forms.ChoiceField(label=_("送信の状態"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from jichitai.notifications.models import OutboundEmailStatus

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("すべて")),
            *OutboundEmailStatus.choices,
        ]


class NotificationTemplateForm(forms.Form):
    """A procedure's own wording of one event's mail in one language."""

    subject = forms.CharField(label=_("件名"), max_length=200)
    body = forms.CharField(
        label=_("本文"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "{{ 変数名 }} で申請ごとの値を差し込めます。使える変数は下の一覧のとおりです。"
        ),
    )
