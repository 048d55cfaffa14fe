from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jichitai.governance.models import AuditEvent


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False)
    actor = forms.CharField(label=_("操作者"), required=False, max_length=254)
    outcome = forms.ChoiceField(
        label=_("結果"),
        required=False,
        choices=[("", _("すべて")), *AuditEvent.Outcome.choices],
    )
    since = forms.DateField(
        label=_("開始日"),
        required=False,
        help_text=_("例: 2026-04-01"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("終了日"),
        required=False,
        help_text=_("例: 2026-04-30"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, actions: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        action_field = cast(forms.ChoiceField, self.fields["action"])
        action_field.choices = [("", _("すべて")), *((a, a) for a in actions)]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("終了日は開始日以降の日付を入力してください。"))
        return data
