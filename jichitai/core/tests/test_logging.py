import logging

from jichitai.core.logging import RedactPersonalDataFilter


def _filtered(message: str, *args: object) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    RedactPersonalDataFilter().filter(record)
    return record.getMessage()


def test_email_addresses_and_my_number_shaped_numbers_are_masked() -> None:
    text = _filtered("user %s sent %s", "hanako@example.jp", "1234 5678 9012")
    assert "hanako@example.jp" not in text
    assert "1234 5678 9012" not in text
    assert "[email]" in text and "[number]" in text


def test_newlines_cannot_forge_log_lines() -> None:
    assert "\n" not in _filtered("name=%s", "x\nlevel=CRITICAL fake")
