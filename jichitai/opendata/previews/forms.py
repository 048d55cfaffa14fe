"""The chart's choices: which numeric column to draw, which column labels it, bars or a line."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from jichitai.opendata.datastore.columns import DatastoreField
from jichitai.opendata.previews.chart import Kind
from jichitai.opendata.previews.columns import ChartColumns

KINDS = [("bar", _("棒グラフ")), ("line", _("折れ線グラフ"))]


class ChartForm(forms.Form):
    """Bound only when the query names this form's fields (its prefix is the resource's), so
    each table on a page keeps its own choice and the others show their defaults."""

    # Not required: an empty choice means the default (and "必須" would only puzzle here).
    value = forms.ChoiceField(label=_("グラフにする列（数値）"), required=False)
    label = forms.ChoiceField(label=_("項目名の列"), required=False)
    kind = forms.ChoiceField(label=_("グラフの種類"), choices=KINDS, required=False)

    def __init__(self, query: QueryDict, *, columns: ChartColumns, prefix: str) -> None:
        defaults = {
            f"{prefix}-value": columns.values[0].id,
            f"{prefix}-label": columns.labels[0].id if columns.labels else "",
            f"{prefix}-kind": "bar",
        }
        data: Any = None
        if any(name in query for name in defaults):
            # A link may name only what it changes (`?chart1-kind=line`); the rest is default.
            data = query.copy()
            for name, value in defaults.items():
                data.setdefault(name, value)
        super().__init__(data, prefix=prefix)
        self.columns = columns
        value_field = cast(forms.ChoiceField, self.fields["value"])
        label_field = cast(forms.ChoiceField, self.fields["label"])
        value_field.choices = [(f.id, f.label or f.id) for f in columns.values]
        label_field.choices = [(f.id, f.label or f.id) for f in columns.labels] or [
            ("", _("行番号"))
        ]
        self.fields["value"].initial = columns.values[0].id
        if columns.labels:
            self.fields["label"].initial = columns.labels[0].id

    def choice(self) -> tuple[DatastoreField, DatastoreField | None, Kind]:
        """The chosen columns and kind; the defaults when unbound or invalid."""
        by_id = {f.id: f for f in [*self.columns.values, *self.columns.labels]}
        value = self.columns.values[0]
        label = self.columns.labels[0] if self.columns.labels else None
        kind: Kind = "bar"
        if self.is_bound and self.is_valid():
            value = by_id.get(self.cleaned_data["value"], value)
            label = by_id.get(self.cleaned_data["label"], label)
            kind = "line" if self.cleaned_data["kind"] == "line" else "bar"
        return value, label, kind
