"""The action registry: name → function, and whether GET may call it (side-effect free)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ActionFunction = Callable[["ActionContext", dict[str, Any]], Any]


@dataclass(frozen=True)
class ActionContext:
    """Who is calling and where from; passed explicitly instead of CKAN's mutable context."""

    user: Any
    base_url: str


@dataclass(frozen=True)
class Action:
    name: str
    function: ActionFunction
    side_effect_free: bool

    @property
    def help(self) -> str:
        return (self.function.__doc__ or "").strip()


ACTIONS: dict[str, Action] = {}


def action(*, side_effect_free: bool) -> Callable[[ActionFunction], ActionFunction]:
    def register(function: ActionFunction) -> ActionFunction:
        ACTIONS[function.__name__] = Action(function.__name__, function, side_effect_free)
        return function

    return register


def write_action_names() -> list[str]:
    """The actions that change something (POST only), in name order."""
    return sorted(name for name, found in ACTIONS.items() if not found.side_effect_free)
