"""Staff-written templates: only the given variables, `default` and `if`."""

from __future__ import annotations

import pytest

from jichitai.notifications import sandbox

VARIABLES = {"name": "大田 太郎", "receipt_number": "ABCD-2345", "message": ""}


def test_renders_the_given_variables_as_plain_text() -> None:
    source = (
        "{{ name }} 様 <受付番号 {{ receipt_number }}>{% if message %}\n{{ message }}{% endif %}"
    )
    assert sandbox.render(source, VARIABLES) == "大田 太郎 様 <受付番号 ABCD-2345>"
    assert sandbox.render("{{ message|default:'なし' }}", VARIABLES) == "なし"
    assert sandbox.render("<b>&</b>", {}) == "<b>&</b>"  # plain text: nothing escaped


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ nmae }}", ["nmae", "name"]),
        ("{{ name.__class__ }}", ["name.__class__"]),
        ("{{ name|upper }}", ["upper"]),
        ("{{ name|default:secret }}", ["secret"]),
        ("{% if password %}x{% endif %}", ["password"]),
        ("{% if name and not secret %}x{% endif %}", ["secret"]),
        ("{% load i18n %}", ["i18n"]),
        ("{% include 'base.html' %}", ["include"]),
        ("{% debug %}", ["debug"]),
        ("{% for x in name %}{{ x }}{% endfor %}", ["for"]),
        ("{% if name %}unclosed", ["endif"]),
        ("{{ }}", []),
    ],
)
def test_a_broken_or_unsafe_template_is_rejected_with_a_reason(source, words) -> None:
    with pytest.raises(sandbox.TemplateRejected) as rejected:
        sandbox.check(source, VARIABLES)
    assert rejected.value.message
    for word in words:
        assert word in rejected.value.message
