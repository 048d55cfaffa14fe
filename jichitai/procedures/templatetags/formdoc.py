"""Template tags that draw form-document questions and show answers back."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.utils.translation import gettext as _

from jichitai.core.templatetags.jichitai_dates import wareki
from jichitai.procedures.formdoc.rendering import html_id
from jichitai.procedures.formdoc.schema import Question

register = template.Library()


@register.inclusion_tag("procedures/questions/question.html")
def question_field(
    question: Question, name: str, data: dict[str, Any], errors: dict[str, Any]
) -> dict[str, Any]:
    """One question as accessible form fields, filled with `data`, with its `errors`."""
    if question.type == "group":
        own_errors = list(errors.get(name, []))  # each row's fields show their own errors
    else:
        own_errors = [
            error
            for key, found in errors.items()
            if key == name or key.startswith(name + ".")
            for error in found
        ]
    rows = int(data.get(f"{name}.rows", 1) or 1) if question.type == "group" else 0
    return {
        "q": question,
        "name": name,
        "id": html_id(name),
        "data": data,
        "errors": errors,
        "own_errors": own_errors,
        "value": data.get(name, ""),
        "values": data.get(name) if isinstance(data.get(name), list) else [data.get(name)],
        "rows": [(index, f"{name}.{index}") for index in range(rows)],
    }


@register.filter
def field(data: dict[str, Any], name: str) -> Any:
    """data[name], for dotted field names that templates cannot look up themselves."""
    return data.get(name, "")


@register.filter
def entries(mapping: dict[str, Any]) -> list[tuple[str, Any]]:
    """mapping.items(), for dicts keyed by question ids: in a template `errors.items` is the
    errors of a question named "items", not the method."""
    return list(mapping.items())


@register.filter
def part(name: str, suffix: str) -> str:
    return f"{name}.{suffix}"


@register.filter
def field_id(name: str) -> str:
    return html_id(name)


@register.filter
def answer_text(value: Any, question: Question) -> str:
    """An answer as a person reads it on the check-your-answers page and in the back office."""
    if value in (None, "", []):
        return "—"
    kind = question.type
    if kind in {"single_choice", "multiple_choice"}:
        labels = {option.value: option.label.text for option in question.options}
        chosen = value if isinstance(value, list) else [value]
        return "、".join(labels.get(str(item), str(item)) for item in chosen)
    if kind == "yes_no":
        return _("はい") if value == "yes" else _("いいえ")
    if kind == "consent":
        return _("同意する")
    if kind == "date":
        return wareki(dt.date.fromisoformat(value))
    if kind == "name":
        return f"{value['family']} {value['given']}（{value['family_kana']} {value['given_kana']}）"
    if kind == "address":
        code = value["postal_code"]
        return f"〒{code[:3]}-{code[3:]} {value['address']}"
    if kind == "bank_account":
        kinds = {"ordinary": _("普通"), "current": _("当座"), "savings": _("貯蓄")}
        return _("金融機関 %(bank)s 支店 %(branch)s %(kind)s %(number)s %(holder)s") % {
            "bank": value["bank_code"],
            "branch": value["branch_code"],
            "kind": kinds.get(value["account_type"], value["account_type"]),
            "number": value["account_number"],
            "holder": value["holder_kana"],
        }
    if kind == "file":
        return str(value.get("name", ""))
    if kind == "phone" and isinstance(value, str):
        return value
    if kind == "group":
        return _("%(count)d件") % {"count": len(value)}
    return str(value)


@register.filter
def dom_id(text: str) -> str:
    """An element id from any text, keeping its separators: /a/b_c/ → a-b_c."""
    return "-".join(part for part in re.split(r"[^A-Za-z0-9_]+", str(text)) if part)
