"""全国地方公共団体コード (municipality code): five digits and a check digit."""

from __future__ import annotations

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> str:
    """Check digit of a five-digit code: last digit of 11 − (Σ dᵢ·wᵢ mod 11)."""
    if len(first_five) != 5 or not first_five.isascii() or not first_five.isdigit():
        raise ValueError("a municipality code has five digits before its check digit")
    total = sum(int(digit) * weight for digit, weight in zip(first_five, _WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def is_valid(code: str) -> bool:
    """True when `code` is six half-width digits whose last one is the right check digit."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    return check_digit(code[:5]) == code[5]
