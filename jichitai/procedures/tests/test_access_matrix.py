"""Who can reach an application, by every URL and API operation that names one.

A resident reaches only their own (anyone else's is 404, as if it did not exist); staff reach
only their departments' cases; organisation-wide roles (system administrator, auditor) reach
none. Expected: 200 shown, 302 (sign in, or done and redirected), 401 no token, 403 not a
resident/not staff, 404 not yours.
"""

import pytest

from jichitai.accounts import api_tokens
from jichitai.procedures.models import Application, CorrectionDraft
from jichitai.procedures.services import review

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "owner",
    "other_resident",
    "clerk",
    "approver",
    "department_admin",
    "other_department_clerk",
    "system_admin",
    "auditor",
]

# (method, url) → expected status per persona, in PERSONAS order.
PAGES = {
    ("GET", "/applications/{receipt}/"): [302, 200, 404, 403, 403, 403, 403, 403, 403],
    ("GET", "/applications/{receipt}/withdraw/"): [302, 200, 404, 403, 403, 403, 403, 403, 403],
    ("GET", "/staff/applications/{receipt}/"): [302, 403, 403, 200, 200, 200, 404, 404, 404],
    ("GET", "/applications/{receipt}/receipt.pdf"): [302, 200, 404, 403, 403, 403, 403, 403, 403],
    ("GET", "/staff/applications/{receipt}/receipt.pdf"): [
        302,
        403,
        403,
        200,
        200,
        200,
        404,
        404,
        404,
    ],
}
# Changing answers for a correction (補正): the owner only, and only while one is pending (409
# for their application that awaits none, as `application` here does).
CORRECTION_PAGES = [
    ("GET", "/applications/{receipt}/correction/check/"),
    ("GET", "/applications/{receipt}/correction/pages/p/"),
    ("POST", "/applications/{receipt}/correction/discard/"),
]
for _spec in CORRECTION_PAGES:
    PAGES[_spec] = [302, 409, 404, 403, 403, 403, 403, 403, 403]
# The same while a correction is pending: the owner reaches them.
PENDING_CORRECTION = {
    ("GET", "/applications/{receipt}/correction/check/"): [
        302,
        200,
        404,
        403,
        403,
        403,
        403,
        403,
        403,
    ],
    ("GET", "/applications/{receipt}/correction/pages/p/"): [
        302,
        200,
        404,
        403,
        403,
        403,
        403,
        403,
        403,
    ],
    ("POST", "/applications/{receipt}/correction/discard/"): [
        302,
        302,
        404,
        403,
        403,
        403,
        403,
        403,
        403,
    ],
    ("POST", "/applications/{receipt}/correction/check/"): [
        302,
        400,
        404,
        403,
        403,
        403,
        403,
        403,
        403,
    ],
}
# Requests that would change the application: the status each persona gets, and who actually
# changes it (a department administrator sees the case but may not decide it: the refusal
# comes back as a message on the page, and is audited).
WITHDRAW = ("POST", "/applications/{receipt}/withdraw/", "withdrawn")
START_REVIEW = ("POST", "/staff/applications/{receipt}/move/", "under_review")
CHANGES = {
    WITHDRAW: ([302, 302, 404, 403, 403, 403, 403, 403, 403], {"owner"}),
    START_REVIEW: ([302, 403, 403, 302, 302, 302, 404, 404, 404], {"clerk", "approver"}),
}
# The JSON API, with each persona's own token (anonymous sends none).
API = {
    "/api/v1/applications/{receipt}": [401, 200, 404, 404, 404, 404, 404, 404, 404],
}


@pytest.fixture
def people(make_user, make_staff):
    return {
        "anonymous": None,
        "other_resident": make_user("resident"),
        "clerk": make_staff("clerk", department="koseki"),
        "approver": make_staff("approver", department="koseki"),
        "department_admin": make_staff("department_admin", department="koseki"),
        "other_department_clerk": make_staff("clerk", department="kazei"),
        "system_admin": make_staff("system_admin"),
        "auditor": make_staff("auditor"),
    }


def _as(client, signed_in, people, application, persona) -> None:
    user = application.applicant if persona == "owner" else people[persona]
    if user is not None:
        signed_in(client, user)


@pytest.mark.parametrize("request_spec", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages(client, signed_in, people, application, persona, request_spec) -> None:
    method, url = request_spec
    _as(client, signed_in, people, application, persona)
    response = client.generic(method, url.format(receipt=application.receipt_number))
    assert response.status_code == PAGES[request_spec][PERSONAS.index(persona)], persona
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/sign-in/?next=")


@pytest.mark.parametrize("request_spec", PENDING_CORRECTION)
@pytest.mark.parametrize("persona", PERSONAS)
def test_pending_correction(
    client, signed_in, people, application, make_staff, persona, request_spec
) -> None:
    clerk = make_staff("clerk", department="koseki")
    clerk.is_verified = lambda: True
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="直してください")
    method, url = request_spec
    _as(client, signed_in, people, application, persona)
    response = client.generic(method, url.format(receipt=application.receipt_number))
    assert response.status_code == PENDING_CORRECTION[request_spec][PERSONAS.index(persona)]
    if response.status_code == 302 and persona != "owner":
        assert response["Location"].startswith("/accounts/sign-in/?next=")
    application.refresh_from_db()
    assert application.status == "correction_requested"  # an empty correction sends nothing
    assert not CorrectionDraft.objects.exclude(
        application__applicant=application.applicant
    ).exists()


@pytest.mark.parametrize("request_spec", CHANGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_changes(client, signed_in, people, application, persona, request_spec) -> None:
    method, url, to_status = request_spec
    _as(client, signed_in, people, application, persona)
    statuses, changers = CHANGES[request_spec]
    expected = statuses[PERSONAS.index(persona)]
    response = client.generic(
        method,
        url.format(receipt=application.receipt_number),
        f"to_status={to_status}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == expected, persona
    application.refresh_from_db()
    assert application.status == (to_status if persona in changers else "received"), persona


@pytest.mark.parametrize("url", API)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api(client, people, application, persona, url) -> None:
    user = application.applicant if persona == "owner" else people[persona]
    headers = {}
    if user is not None:
        _token, text = api_tokens.create_token(user, name="matrix", days=30)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {text}"
    response = client.get(url.format(receipt=application.receipt_number), **headers)
    assert response.status_code == API[url][PERSONAS.index(persona)], persona
    if response.status_code == 200:
        assert response.json()["receipt_number"] == application.receipt_number
    assert Application.objects.count() == 1
