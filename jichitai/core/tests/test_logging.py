import logging

import pytest

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


@pytest.mark.django_db
def test_a_whole_sign_in_logs_no_password_or_address(client, make_user, caplog) -> None:
    resident = make_user("resident", email="very.personal@example.jp")
    with caplog.at_level(logging.DEBUG):
        client.post(
            "/accounts/sign-in/", {"email": resident.email, "password": "Secret-Passw0rd-XYZ"}
        )
        client.get("/accounts/sign-in/?email=very.personal@example.jp")
    handler_filter = RedactPersonalDataFilter()
    lines = []
    for record in caplog.records:
        handler_filter.filter(record)
        lines.append(record.getMessage() + " " + str(getattr(record, "route", "")))
    text = "\n".join(lines)
    assert "Secret-Passw0rd-XYZ" not in text
    assert "very.personal@example.jp" not in text
    assert any(getattr(record, "status", None) == 400 for record in caplog.records)


@pytest.mark.django_db
def test_access_log_names_the_route_not_ids_or_tokens(client, make_user, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="jichitai.access"):
        client.get("/accounts/verify/MTIz/secret-token-value/")
    [record] = [r for r in caplog.records if r.name == "jichitai.access"]
    assert record.route == "/accounts/verify/<str:uidb64>/<str:token>/"
    assert "secret-token-value" not in str(record.__dict__)
