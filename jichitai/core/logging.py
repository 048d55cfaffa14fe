"""Log filters: add the request ID, and keep personal data out of log lines."""

from __future__ import annotations

import logging
import re

from jichitai.core import request_context

# E-mail addresses and runs of 12 digits (My Number shaped) are masked wherever they occur.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")
# Newlines and terminal escapes in logged values would let input forge log lines.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _scrub(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _TWELVE_DIGITS.sub("[number]", text)
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_context.current().request_id
        return True


class RedactPersonalDataFilter(logging.Filter):
    """Masks e-mail addresses and My Number-shaped numbers in the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _scrub(str(record.getMessage()))
        record.args = ()
        for key in ("route",):
            value = getattr(record, key, None)
            if isinstance(value, str):
                setattr(record, key, _scrub(value))
        return True
