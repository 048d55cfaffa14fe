"""Sample applications for the demo (sample data): every demo procedure's, in several states,
so that the back office of each department, the history and "my applications" have something
to show. Filed through the same services residents and staff use (the JSON API's
submit_answers, which checks the answers against the form like the web journey; review moves;
withdrawal; answering a correction), so they carry receipts, due dates, audit entries and
history. The tables are in demo_samples_benefits, _children and _living.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jichitai.accounts import demo as demo_accounts
from jichitai.accounts.models import User
from jichitai.core.errors import DomainError
from jichitai.procedures.demo_samples import ANSWER_CORRECTION, SAMPLE_PDF, Sample, Step
from jichitai.procedures.demo_samples_benefits import SAMPLES as BENEFIT_SAMPLES
from jichitai.procedures.demo_samples_children import SAMPLES as CHILDREN_SAMPLES
from jichitai.procedures.demo_samples_living import SAMPLES as LIVING_SAMPLES
from jichitai.procedures.models import Application, IdentityLevel, Procedure
from jichitai.procedures.models import ApplicationStatus as S
from jichitai.procedures.services import casework, direct, intake, resident_actions, review

SAMPLES: list[Sample] = [*BENEFIT_SAMPLES, *CHILDREN_SAMPLES, *LIVING_SAMPLES]


class SampleRefused(RuntimeError):
    """A sample the services refused: the demo data is wrong, and the load stops."""


def load() -> None:
    """Idempotent: each sample has its own Idempotency-Key, so a second run finds it made."""
    procedures = {
        procedure.slug: procedure
        for procedure in Procedure.objects.filter(
            slug__in={sample.procedure for sample in SAMPLES}, live_form__isnull=False
        ).select_related("department")
    }
    people = {user.email: user for user in User.objects.filter(email__endswith="@example.jp")}
    for sample in SAMPLES:
        procedure = procedures.get(sample.procedure)
        if procedure is not None and sample.applicant in people:
            try:
                _file(sample, procedure, people)
            except DomainError as error:
                detail = getattr(error, "errors", None) or error.message
                raise SampleRefused(f"Demo sample {sample.key} was refused: {detail}") from error


def _file(sample: Sample, procedure: Procedure, people: dict[str, User]) -> None:
    resident = people[sample.applicant]
    if (
        procedure.identity_level == IdentityLevel.VERIFIED
        and intake.identity_level_of(resident) != IdentityLevel.VERIFIED
        and not _filed(resident, sample)
    ):
        demo_accounts.verify_identity(resident)
    try:
        application, created = direct.submit_answers(
            resident, procedure, sample.answers(), sample.key
        )
    except DomainError as error:
        if error.code == "application.idempotency_key_reused":
            return  # Filed on an earlier day, when its dates were different: kept as it is.
        raise
    if not created:
        return
    for step in sample.steps:
        application = _take(step, application, resident, procedure, people)
    if sample.note:
        clerk = _staff("clerk", procedure, people)
        casework.assign(clerk, application, clerk)
        casework.add_note(clerk, application, sample.note)


def _filed(resident: User, sample: Sample) -> bool:
    key = direct.KEY_NAMESPACE + sample.key
    return Application.objects.filter(applicant=resident, idempotency_key=key).exists()


def _take(
    step: Step,
    application: Application,
    resident: User,
    procedure: Procedure,
    people: dict[str, User],
) -> Application:
    if step.actor == "resident" and step.to == S.WITHDRAWN:
        return resident_actions.withdraw(resident, application)
    if step.actor == "resident" and step.to == ANSWER_CORRECTION:
        # With a file, as a resident re-sending the document asked for does.
        upload = SimpleUploadedFile("resent.pdf", SAMPLE_PDF)
        return resident_actions.answer_correction(
            resident, application, message=step.message, upload=upload
        )
    staff = _staff(step.actor, procedure, people)
    return review.move(staff, application, step.to, message=step.message, pages=step.pages)


def _staff(role: str, procedure: Procedure, people: dict[str, User]) -> Any:
    email = demo_accounts.demo_staff(role, procedure.department.code)
    member = people.get(email or "")
    if member is None:
        raise SampleRefused(f"No demo {role} in {procedure.department.code}")
    # The loader acts as this member of staff after their second factor, as a signed-in
    # request does.
    member.is_verified = lambda: True  # type: ignore[attr-defined]
    return member
