"""Receipt numbers (受付番号): short, easy to read aloud, no characters people confuse."""

from __future__ import annotations

import secrets

# No 0/O/Q/D, 1/I/L, 5/S, 2/Z, 8/B: what remains is unambiguous on paper and on the phone.
ALPHABET = "ACEFGHJKMNPRTUVWXY34679"
LENGTH = 8


def new_receipt_number() -> str:
    """Eight characters shown as two groups (e.g. 7KXM-3RFA): 23⁸ ≈ 78 billion numbers."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(text: str) -> str:
    """A receipt number as someone typed it: any case, with or without the hyphen or spaces."""
    compact = "".join(text.split()).replace("-", "").upper()
    return f"{compact[:4]}-{compact[4:]}" if len(compact) == LENGTH else compact
