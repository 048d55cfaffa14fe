"""Normalising Japanese text so that residents find things however they type them."""

from __future__ import annotations

import unicodedata

# Katakana ァ (U+30A1) … ヶ (U+30F6) sit 0x60 above their hiragana.
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def normalize_for_search(text: str) -> str:
    """Fold the differences a search should not care about.

    NFKC turns full-width letters and digits into half-width ones and half-width katakana into
    full-width; case is folded; katakana become hiragana (ゴミ and ごみ match); runs of
    whitespace become one space.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_KATAKANA_TO_HIRAGANA)
    return " ".join(folded.split())
