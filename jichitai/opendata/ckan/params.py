"""Reading action parameters the way CKAN's validators do, with CKAN's error messages."""

from __future__ import annotations

import json
from typing import Any

from jichitai.opendata.ckan.errors import ValidationError

# The largest integer every database we run on stores (PostgreSQL's integer).
LARGEST_INTEGER = 2**31 - 1
TRUE_WORDS = frozenset({"true", "1", "yes", "on", "t", "y"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "f", "n", ""})


def integer(
    data: dict[str, Any], key: str, default: int, *, minimum: int = 0, maximum: int | None = None
) -> int:
    """A non-negative integer; above `maximum` is clamped (as CKAN's configured limits are)."""
    value = data.get(key, default)
    if isinstance(value, bool):
        raise ValidationError({key: ["Invalid integer"]})
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationError({key: ["Invalid integer"]}) from None
    if number > LARGEST_INTEGER and maximum is None:
        raise ValidationError({key: [f"Must be at most {LARGEST_INTEGER}"]})
    if number < minimum:
        message = "Must be a natural number" if minimum == 0 else f"Must be at least {minimum}"
        raise ValidationError({key: [message]})
    return min(number, maximum) if maximum is not None else number


def boolean(data: dict[str, Any], key: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError({key: ["Invalid boolean"]})


def text(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if isinstance(value, (dict, list)):
        raise ValidationError({key: ["Must be a string"]})
    return str(value)


def required_text(data: dict[str, Any], key: str) -> str:
    value = text(data, key).strip()
    if not value:
        raise ValidationError({key: ["Missing value"]})
    return value


def string_list(data: dict[str, Any], key: str) -> list[str] | None:
    """A list of strings given as a JSON list, a JSON string, or the key repeated in a query."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError({key: ["Could not parse as valid JSON"]}) from None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({key: ["Not a list of strings"]})
    return value


def refuse_unstorable_text(data: dict[str, Any]) -> None:
    """Refuse parameters holding NUL characters or lone surrogates (from JSON's \\u escapes):
    no database column can hold them, and PostgreSQL fails the whole query on them."""
    for key, value in data.items():
        if not (_storable(key) and _storable(value)):
            raise ValidationError({_printable(key): ["Invalid characters (NUL or lone surrogate)"]})


def _storable(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return False
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _printable(key: str) -> str:
    return key.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
