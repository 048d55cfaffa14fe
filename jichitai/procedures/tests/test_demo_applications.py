"""The demo's sample applications (sample data): every demo procedure has some, each in the
state its table declares, filed through the real services, loaded once, and seen in the back
office only by the owning department's demo staff."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts.models import IdentityVerification, User
from jichitai.governance.models import AuditEvent
from jichitai.procedures import demo_applications
from jichitai.procedures.demo_forms import FORMS
from jichitai.procedures.demo_forms_benefits import FORMS as BENEFIT_FORMS
from jichitai.procedures.demo_samples import ANSWER_CORRECTION, Sample
from jichitai.procedures.models import Application, ApplicationEvent, InternalNote, Procedure
from jichitai.procedures.models import ApplicationStatus as S
from jichitai.procedures.services.direct import KEY_NAMESPACE

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("load_demo_data", verbosity=0)


def _filed(sample: Sample) -> Application:
    return Application.objects.get(idempotency_key=KEY_NAMESPACE + sample.key)


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Application,
            ApplicationEvent,
            AuditEvent,
            IdentityVerification,
            InternalNote,
        )
    )


def test_every_demo_procedure_has_samples_in_the_states_declared(demo) -> None:
    by_procedure: dict[str, set[str]] = {}
    for sample in demo_applications.SAMPLES:
        application = _filed(sample)  # filed: the answers passed the form's checks
        assert application.procedure.slug == sample.procedure
        assert application.applicant.email == sample.applicant
        assert application.status == sample.status, sample.key
        assert application.receipt_number and application.due_date
        # Every step is in the history; a correction answered came with its file.
        assert application.events.count() == len(sample.steps)
        if any(step.to == ANSWER_CORRECTION for step in sample.steps):
            answered = application.events.get(
                actor_id=application.applicant_id, to_status=S.UNDER_REVIEW
            )
            assert "resent.pdf" in answered.message
        by_procedure.setdefault(sample.procedure, set()).add(sample.status)
    assert set(by_procedure) == set(FORMS) | set(BENEFIT_FORMS)
    assert all(len(states) >= 2 for states in by_procedure.values()), by_procedure
    assert set().union(*by_procedure.values()) == set(S.values)
    assert Application.objects.count() == len(demo_applications.SAMPLES)


def test_sample_messages_are_marked_and_corrections_name_pages(demo) -> None:
    for event in ApplicationEvent.objects.filter(
        to_status__in=[S.CORRECTION_REQUESTED, S.REJECTED]
    ):
        assert event.message.endswith("（サンプル）")
        if event.to_status == S.CORRECTION_REQUESTED:
            assert event.pages, event.application.receipt_number
            pages = {page.id: page for page in event.application.form_version.form().pages}
            assert all(page in pages for page in event.pages)
            # The message names the page to fix by its title.
            assert any(f"「{pages[page].title.ja}」" in event.message for page in event.pages)


def test_verified_procedures_samples_carry_the_level_and_the_first_resident_stays_unverified(
    demo,
) -> None:
    verified = Application.objects.filter(procedure__identity_level="verified")
    assert verified.exists()
    assert all(a.identity_level == "verified" and a.identity_verification for a in verified)
    # resident@example.jp is left to show the verification journey.
    assert not IdentityVerification.objects.filter(user__email="resident@example.jp").exists()


def test_loading_twice_is_a_no_op_even_when_the_dates_have_moved(demo, monkeypatch) -> None:
    before = _counts()
    call_command("load_demo_data", verbosity=0)
    assert _counts() == before
    # On a later day the dates in the answers differ: the samples already filed are kept.

    def with_new_phone(sample: Sample) -> Sample:
        return dataclasses.replace(
            sample, answers=lambda: {**sample.answers(), "phone": "0300000000"}
        )

    moved = [with_new_phone(sample) for sample in demo_applications.SAMPLES]
    monkeypatch.setattr(demo_applications, "SAMPLES", moved)
    demo_applications.load()
    assert _counts() == before


def test_a_sample_the_form_refuses_stops_the_load(demo, monkeypatch) -> None:
    broken = dataclasses.replace(
        demo_applications.SAMPLES[-1],
        key="demo-broken-1",
        answers=lambda: {"from_household": "yes", "phone": "not a phone"},
    )
    monkeypatch.setattr(demo_applications, "SAMPLES", [broken])
    with pytest.raises(demo_applications.SampleRefused, match="demo-broken-1"):
        demo_applications.load()


def test_each_departments_demo_staff_see_their_samples_and_no_others(
    demo, client, signed_in
) -> None:
    owners: dict[str, set[str]] = {}  # department code → receipt numbers
    for procedure in Procedure.objects.filter(applications__isnull=False).distinct():
        owners.setdefault(procedure.department.code, set()).update(
            procedure.applications.values_list("receipt_number", flat=True)
        )
    staff = User.objects.filter(
        kind="staff", staff_roles__role__in=["clerk", "approver"]
    ).distinct()
    checked = set()
    for member in staff:
        departments = {role.department.code for role in member.staff_roles.all() if role.department}
        TOTPDevice.objects.create(user=member, name="authenticator", confirmed=True)
        signed_in(client, member)
        page = client.get("/staff/applications/")
        listed = {application.receipt_number for application in page.context["page"]}
        expected = set().union(*(owners.get(code, set()) for code in departments))
        assert listed == expected, member.email
        for receipt in listed:
            assert client.get(f"/staff/applications/{receipt}/").status_code == 200
        checked |= departments & set(owners)
    assert checked == set(owners)  # every department with samples has demo staff


def test_the_residents_and_the_company_see_their_samples(demo, client, signed_in) -> None:
    for email in {sample.applicant for sample in demo_applications.SAMPLES}:
        signed_in(client, User.objects.get(email=email))
        page = client.get("/applications/").content.decode()
        for application in Application.objects.filter(applicant__email=email):
            assert application.receipt_number in page
            detail = client.get(f"/applications/{application.receipt_number}/")
            assert detail.status_code == 200
