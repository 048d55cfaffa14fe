"""Templates that department staff write (件名・本文の差し替え), rendered in a sandbox.

Such a template may use only the variables it is given (`{{ name }}`), the `default` filter,
and `{% if %}`: no tags that load, include or dump anything, no attribute access. The context
holds plain strings, so even a template that slipped through could reach nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.template import Context, Engine, Node, NodeList, TemplateSyntaxError
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext as _

ALLOWED_FILTERS = frozenset({"default"})
_ENGINE = Engine(loaders=[], libraries={}, autoescape=False, debug=False)


class TemplateRejected(ValueError):
    """A staff template that does not parse or uses something not allowed; `message` says
    what, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check(source: str, variables: Iterable[str]) -> None:
    """Raise TemplateRejected unless `source` parses and uses only `variables`."""
    _compile(source, frozenset(variables))


def render(source: str, context: Mapping[str, str]) -> str:
    """Render a checked template with plain-string variables."""
    template = _compile(source, frozenset(context))
    return template.render(Context(dict(context), autoescape=False))


def _compile(source: str, variables: frozenset[str]):  # type: ignore[no-untyped-def]
    try:
        template = _ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise TemplateRejected(
            _("テンプレートの書き方に誤りがあります：%(error)s") % {"error": error}
        ) from error
    _check_nodes(template.nodelist, variables)
    return template


def _check_nodes(nodes: NodeList, variables: frozenset[str]) -> None:
    for node in nodes:
        _check_node(node, variables)


def _check_node(node: Node, variables: frozenset[str]) -> None:
    if isinstance(node, TextNode):
        return
    if isinstance(node, VariableNode):
        _check_expression(node.filter_expression, variables)
        return
    if isinstance(node, IfNode):
        for condition, nodelist in node.conditions_nodelists:
            if condition is not None:
                _check_condition(condition, variables)
            _check_nodes(nodelist, variables)
        return
    raise TemplateRejected(
        _("使えないタグがあります：%(tag)s（使えるのは {%% if %%} だけです）")
        % {"tag": (node.token.contents if node.token else type(node).__name__)}
    )


def _check_condition(condition: object, variables: frozenset[str]) -> None:
    # The parsed condition is a tree of operators (first, second) over literals (value).
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        _check_expression(value, variables)
    for side in ("first", "second"):
        part = getattr(condition, side, None)
        if part is not None:
            _check_condition(part, variables)


def _check_expression(expression: FilterExpression, variables: frozenset[str]) -> None:
    for function, arguments in expression.filters:
        name = getattr(function, "__name__", "")
        if name not in ALLOWED_FILTERS:
            raise TemplateRejected(
                _("使えないフィルターがあります：%(name)s（使えるのは default だけです）")
                % {"name": name}
            )
        for _lookup, argument in arguments:
            if isinstance(argument, Variable):
                _check_variable(argument, variables)
    if isinstance(expression.var, Variable):
        _check_variable(expression.var, variables)


def _check_variable(variable: Variable, variables: frozenset[str]) -> None:
    if variable.lookups is None:  # a literal ("text" or a number)
        return
    name = ".".join(variable.lookups)
    if len(variable.lookups) != 1 or name not in variables:
        raise TemplateRejected(
            _("使えない変数があります：%(name)s（使える変数：%(allowed)s）")
            % {"name": name, "allowed": ", ".join(sorted(variables))}
        )
