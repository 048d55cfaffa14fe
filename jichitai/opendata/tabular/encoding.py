"""Finding out how a table's bytes are encoded (文字コード) and decoding them.

Japanese municipal files come as UTF-8 with or without a BOM, as Shift_JIS — in practice
Windows' CP932, which adds the NEC and IBM extension characters (①, ㈱, 髙, 﨑) — and
sometimes as UTF-16 from Excel's "Unicode text". We decide by the BOM, then by strict
decoding: valid UTF-8 is almost never valid by accident for Japanese CP932 text, so UTF-8 is
tried first and CP932 second. Anything else is refused, with where decoding failed.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from django.utils.translation import gettext as _


class EncodingError(ValueError):
    """The bytes are none of the encodings we accept; the message says where it broke."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "cp932" or "utf-16"
    bom: bool


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without a BOM: text in UTF-8 or CP932 never holds NUL bytes, while in UTF-16
    every ASCII character (commas, line breaks, digits) brings one, at odd offsets in
    little-endian and even ones in big-endian."""
    sample = raw[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # A stray NUL in a broken file is not UTF-16: ask for a real share on one side only.
    enough = max(2, len(sample) // 40)
    if odd >= enough and even * 10 <= odd:
        return "utf-16-le"
    if even >= enough and odd * 10 <= even:
        return "utf-16-be"
    return None


def decode_table(raw: bytes) -> Decoded:
    if raw.startswith(codecs.BOM_UTF8):
        return Decoded(_strict(raw[3:], "utf-8"), "utf-8", bom=True)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(_strict(raw, "utf-16"), "utf-16", bom=True)
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return Decoded(_strict(raw, utf16), "utf-16", bom=False)
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", bom=False)
    except UnicodeDecodeError:
        pass
    return Decoded(_strict(raw, "cp932"), "cp932", bom=False)


def _strict(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise EncodingError(
            _(
                "文字コードを判別できません（UTF-8、Shift_JIS（CP932）、UTF-16 の"
                "いずれでもありません）。"
                "%(line)s 行目付近、%(offset)s バイト目で読めない文字があります。"
            )
            % {"line": line, "offset": error.start + 1}
        ) from None
