"""The portal's search form: a query and the facet filters, all optional."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
        help_text=_(
            "CSV（UTF-8 または Shift_JIS）、Excel（XLSX、最初のシートを読みます）、"
            "PDF、JSON、GeoJSON。"
        ),
    )


class ClearanceForm(forms.Form):
    reason = forms.CharField(
        label=_("公開してよいと判断した理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
