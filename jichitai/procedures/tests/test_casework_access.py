"""Who can reach the casework URLs (assign, notes, bulk, export), persona by persona, in the
style of test_access_matrix: staff of another department get 404 for an application and
change nothing; residents get 403; visitors are sent to sign in."""

import pytest

from jichitai.procedures.models import InternalNote
from jichitai.procedures.tests.test_access_matrix import PERSONAS, _as, people  # noqa: F401

pytestmark = pytest.mark.django_db

DEPARTMENT = {"clerk", "approver", "department_admin"}

# url, form data, expected status per persona (PERSONAS order), personas whose request changes
# the application, and how to tell it changed.
CASES = {
    "assign": (
        "/staff/applications/{receipt}/assign/",
        {"assignee": "me"},
        [302, 403, 403, 302, 302, 302, 404, 404, 404],
        DEPARTMENT,
        lambda application: application.assignee_id is not None,
    ),
    "note": (
        "/staff/applications/{receipt}/notes/",
        {"body": "確認中"},
        [302, 403, 403, 302, 302, 302, 404, 404, 404],
        DEPARTMENT,
        lambda application: InternalNote.objects.filter(application=application).exists(),
    ),
    "bulk": (
        "/staff/applications/bulk/",
        {"selected": "{receipt}", "action": "under_review"},
        # Bulk names applications in the form: another department's are reported as not found.
        [302, 403, 403, 302, 302, 302, 302, 302, 302],
        {"clerk", "approver"},
        lambda application: application.status == "under_review",
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_casework_changes(client, signed_in, people, application, persona, case) -> None:  # noqa: F811
    url, data, statuses, changers, changed = CASES[case]
    _as(client, signed_in, people, application, persona)
    receipt = application.receipt_number
    response = client.post(
        url.format(receipt=receipt), {k: v.format(receipt=receipt) for k, v in data.items()}
    )
    assert response.status_code == statuses[PERSONAS.index(persona)], persona
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/sign-in/?next=")
    application.refresh_from_db()
    assert changed(application) == (persona in changers), persona


EXPORT = [302, 403, 403, 403, 200, 200, 403, 403, 403]


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_page(client, signed_in, people, application, persona) -> None:  # noqa: F811
    _as(client, signed_in, people, application, persona)
    response = client.get("/staff/applications/export/")
    assert response.status_code == EXPORT[PERSONAS.index(persona)], persona
    if response.status_code == 200:
        assert response.context["count"] == 1
