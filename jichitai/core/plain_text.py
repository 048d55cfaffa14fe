"""What may be in text people type: everything but control characters.

NUL and the other C0 controls (tab and line breaks aside), DEL, and lone surrogates (what a
JSON "\\ud800" escape gives: no character at all) are refused wherever text is taken in. No
person types them, a screen cannot show them, and PostgreSQL cannot store NUL at all (a
save with one fails as a server error there, and SQLite would keep it silently).
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None
