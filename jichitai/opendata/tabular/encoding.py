"""Finding out how a table's bytes are encoded (文字コード) and decoding them.

Japanese municipal files come as UTF-8 with or without a BOM, as Shift_JIS — in practice
Windows' CP932, which adds the NEC and IBM extension characters (①, ㈱, 髙, 﨑) — and
sometimes as UTF-16 from Excel's "Unicode text". We decide by the BOM, then by strict
decoding: valid UTF-8 is almost never valid by accident for Japanese CP932 text, so UTF-8 is
tried first and CP932 second. Anything else is refused, with where decoding failed.
"""

from __future__ import annotations

import codecs

import polars as pl
from django.utils.translation import gettext as _

UTF8_PIECE = 1 << 22  # bytes checked at a time (at least 4: one character's longest form)


class EncodingError(ValueError):
    """The bytes are none of the encodings we accept; the message says where it broke."""


class Decoded:
    """A table's text and how it was encoded. UTF-8 input keeps its bytes (without the BOM)
    and becomes a Python string only when asked: polars reads UTF-8 itself, and decoding a
    million-row file costs a good share of its whole check."""

    def __init__(
        self, encoding: str, bom: bool, *, text: str | None = None, utf8: bytes | None = None
    ) -> None:
        self.encoding = encoding  # "utf-8", "cp932" or "utf-16"
        self.bom = bom
        self.utf8 = utf8  # the text's UTF-8 bytes, known to be valid, for UTF-8 input
        self._text = text

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.utf8.decode("utf-8") if self.utf8 is not None else ""
        return self._text


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
        body = raw[3:]
        if _is_utf8(body):
            return Decoded("utf-8", bom=True, utf8=body)
        return Decoded("utf-8", bom=True, text=_strict(body, "utf-8"))  # raises, saying where
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded("utf-16", bom=True, text=_strict(raw, "utf-16"))
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return Decoded("utf-16", bom=False, text=_strict(raw, utf16))
    if _is_utf8(raw):
        return Decoded("utf-8", bom=False, utf8=raw)
    return Decoded("cp932", bom=False, text=_strict(raw, "cp932"))


def _is_utf8(raw: bytes) -> bool:
    """Whether the bytes are valid UTF-8 (as strict as Python's decoder: no surrogates, no
    overlong forms), checked in polars' native code without building a Python string, a
    piece at a time (a copy of a whole large file would cost more than the check)."""
    start = 0
    while start < len(raw):
        end = min(start + UTF8_PIECE, len(raw))
        # Cut before a character's first byte; a fourth continuation byte is invalid anyway.
        for _step in range(3):
            if start + 1 < end < len(raw) and 0x80 <= raw[end] < 0xC0:
                end -= 1
        try:
            pl.Series([raw[start:end]], dtype=pl.Binary).cast(pl.String)
        except pl.exceptions.ComputeError:
            return False
        start = end
    return True


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
