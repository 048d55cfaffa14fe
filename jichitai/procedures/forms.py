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
    q = forms.CharField(
        label=_("検索"),
        required=False,
        max_length=100,
        help_text=_("受付番号、申請者の氏名（漢字・かな）、回答の内容"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("状態"), required=False)
    procedure = forms.ChoiceField(label=_("手続き"), required=False)
    assigned = forms.ChoiceField(
        label=_("担当者"),
        required=False,
        choices=[("", _("すべて")), ("me", _("自分が担当")), ("none", _("未割当て"))],
    )
    submitted_from = forms.DateField(
        label=_("申請日（から）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    submitted_to = forms.DateField(
        label=_("申請日（まで）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    receipt_number = forms.CharField(label=_("受付番号"), required=False, max_length=12)
    overdue = forms.BooleanField(label=_("処理期限を過ぎたものだけ"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error(
                "submitted_to",
                _("「申請日（まで）」は「申請日（から）」以降の日付にしてください。"),
            )
        return data

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


class BulkActionForm(forms.Form):
    """The inbox's bulk action: what to do with the ticked applications."""

    action = forms.ChoiceField(
        label=_("選んだ申請をまとめて"),
        choices=[
            ("under_review", _("審査中にする")),
            ("completed", _("完了にする")),
            ("assign", _("担当者を割り当てる")),
            ("unassign", _("担当者を外す")),
        ],
    )
    assignee = forms.ChoiceField(label=_("割り当てる職員"), required=False)

    def __init__(self, *args: Any, colleagues: Any, me: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", _("自分")),
            *((str(user.pk), user.display_name or user.email) for user in colleagues if user != me),
        ]


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("担当者"), required=False)

    def __init__(self, *args: Any, colleagues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", _("未割当て")),
            *((str(user.pk), user.display_name or user.email) for user in colleagues),
        ]


class ExportForm(forms.Form):
    encoding = forms.ChoiceField(
        label=_("文字コード"),
        choices=[
            ("utf-8", _("UTF-8（BOM付き、Excel 2016以降）")),
            ("cp932", _("Shift_JIS（CP932、古い表計算ソフトや業務システム向け）")),
        ],
        initial="utf-8",
        widget=forms.RadioSelect,
    )


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
