"""Staff sign in with a password and a second factor: TOTP enrolment, codes, recovery codes."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import TEST_PASSWORD
from jichitai.accounts import services
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at or time.time()
    return f"{totp.token():06d}"


def _password_step(client, user):
    return client.post("/accounts/sign-in/", {"email": user.email, "password": TEST_PASSWORD})


@pytest.fixture
def new_staff(make_user, departments):
    from jichitai.accounts.models import StaffRole

    user = make_user("staff")
    StaffRole.objects.create(user=user, role="clerk", department=departments["koseki"])
    return user


def test_first_sign_in_enrols_an_authenticator(client, new_staff) -> None:
    response = _password_step(client, new_staff)
    assert response["Location"] == "/accounts/sign-in/authenticator/"
    # A password alone does not sign staff in.
    assert client.get("/staff/").status_code == 302

    page = client.get("/accounts/sign-in/authenticator/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user=new_staff, confirmed=False)
    secret = "".join(page.context["secret_groups"])
    assert len(secret) >= 32  # the key is also shown as text for those who cannot scan

    wrong = client.post(
        "/accounts/sign-in/authenticator/",
        {"code": "000000" if totp_code(device) != "000000" else "111111"},
    )
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=new_staff, confirmed=True).exists()

    done = client.post("/accounts/sign-in/authenticator/", {"code": totp_code(device)})
    assert done["Location"] == "/accounts/sign-in/recovery-codes/"
    codes_page = client.get("/accounts/sign-in/recovery-codes/")
    assert len(codes_page.context["codes"]) == services.RECOVERY_CODE_COUNT
    # Shown once only.
    assert client.get("/accounts/sign-in/recovery-codes/").status_code == 404
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.mfa_enrol", outcome="success").exists()


def test_enrolled_staff_sign_in_with_a_code_and_a_replay_is_refused(client, make_staff) -> None:
    clerk = make_staff("clerk")
    device = TOTPDevice.objects.get(user=clerk)
    assert _password_step(client, clerk)["Location"] == "/accounts/sign-in/code/"
    code = totp_code(device)
    response = client.post("/accounts/sign-in/code/", {"code": code})
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200

    client.post("/accounts/sign-out/")
    _password_step(client, clerk)
    replay = client.post("/accounts/sign-in/code/", {"code": code})
    assert replay.status_code == 400
    assert replay.context["form"].has_error("code")
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.mfa", outcome="failure", actor_id=clerk.pk
    ).exists()


def test_a_recovery_code_works_once(client, make_staff) -> None:
    clerk = make_staff("clerk")
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=clerk, name="recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    _password_step(client, clerk)
    assert client.post("/accounts/sign-in/code/", {"code": "ABCD 2345"})["Location"] == "/staff/"
    client.post("/accounts/sign-out/")
    _password_step(client, clerk)
    assert client.post("/accounts/sign-in/code/", {"code": "abcd2345"}).status_code == 400


def test_the_code_step_without_the_password_step_goes_back_to_sign_in(client, make_staff) -> None:
    make_staff("clerk")
    assert client.get("/accounts/sign-in/code/")["Location"] == "/accounts/sign-in/"
    assert (
        client.post("/accounts/sign-in/code/", {"code": "123456"})["Location"]
        == "/accounts/sign-in/"
    )


def test_a_stale_password_step_expires(client, make_staff) -> None:
    clerk = make_staff("clerk")
    _password_step(client, clerk)
    session = client.session
    session[services.MFA_PENDING_KEY]["started"] = time.time() - services.MFA_PENDING_SECONDS - 1
    session.save()
    device = TOTPDevice.objects.get(user=clerk)
    assert (
        client.post("/accounts/sign-in/code/", {"code": totp_code(device)})["Location"]
        == "/accounts/sign-in/"
    )


def test_repeated_wrong_codes_are_slowed_down(client, make_staff) -> None:
    clerk = make_staff("clerk")
    device = TOTPDevice.objects.get(user=clerk)
    _password_step(client, clerk)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    client.post("/accounts/sign-in/code/", {"code": wrong})
    # django-otp now asks for a pause before the next try, even with the right code.
    response = client.post("/accounts/sign-in/code/", {"code": totp_code(device)})
    assert response.status_code == 400
    assert "しばらく待って" in response.content.decode()


def test_next_page_is_kept_through_the_second_factor(client, make_staff) -> None:
    auditor = make_staff("auditor")
    device = TOTPDevice.objects.get(user=auditor)
    client.post(
        "/accounts/sign-in/?next=/staff/audit/", {"email": auditor.email, "password": TEST_PASSWORD}
    )
    response = client.post("/accounts/sign-in/code/", {"code": totp_code(device)})
    assert response["Location"] == "/staff/audit/"
