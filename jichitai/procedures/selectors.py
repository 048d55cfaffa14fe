"""Reading the procedure catalogue for residents and for the API."""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet

from jichitai.core import search
from jichitai.core.models import OrgUnit
from jichitai.core.rows import all_fields, fetch_instance, model_columns
from jichitai.procedures.models import (
    Application,
    ApplicationDraft,
    Attachment,
    FormVersion,
    LifeEvent,
    LifeEventStep,
    NotificationTemplate,
    Procedure,
)


def published_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(is_published=True).select_related("department__parent")


def search_published_procedures(
    query: str = "", *, department_code: str = "", online_only: bool = False
) -> QuerySet[Procedure]:
    """Published procedures matching a Japanese query (substring, kana- and width-insensitive:
    「ごみ」 finds 粗大ゴミ), in title order."""
    procedures = published_procedures()
    if department_code:
        procedures = procedures.filter(department__code=department_code)
    if online_only:
        procedures = procedures.filter(channel="online")
    return search.matching(procedures, query).order_by("title_ja")


def published_procedure(slug: str) -> Procedure | None:
    return published_procedures().filter(slug=slug).first()


def published_form_version(slug: str, number: int) -> FormVersion | None:
    """Version `number` of a published procedure's form; form versions are published once
    and never change, so an earlier one stays readable for the applications made with it."""
    return FormVersion.objects.filter(
        procedure__slug=slug, procedure__is_published=True, number=number
    ).first()


def procedure_for_intake(slug: str) -> Procedure | None:
    """A published procedure with its live form version at hand (FormVersion.form parses a
    version once per process), and `has_own_mail_templates` saying whether the confirmation
    mail must look for the procedure's own wording.

    A surge reads this row for every submission, so it is one hand-written statement (the
    ORM spent ten times the statement's cost compiling the same query again each time), and
    the live version's row, which never changes once published, is read once per process."""
    procedure = fetch_instance(
        Procedure,
        _intake_statement(),
        [True, slug],
        _INTAKE_COLUMNS,
        ("live_form_published_at", "has_own_mail_templates"),
    )
    if procedure is not None and procedure.live_form_id is not None:
        procedure.live_form = _published_version(
            procedure.live_form_id,
            procedure.live_form_published_at,  # type: ignore[attr-defined]
        )
    return procedure


@functools.cache
def _intake_statement() -> str:
    procedure, version = Procedure._meta, FormVersion._meta
    template = NotificationTemplate._meta
    return (
        f"SELECT {model_columns(Procedure, _INTAKE_COLUMNS, 'p')},"  # noqa: S608  (our names)
        f" v.published_at AS live_form_published_at,"
        f" EXISTS (SELECT 1 FROM {template.db_table} t WHERE t.procedure_id = p.id)"
        f" AS has_own_mail_templates"
        f" FROM {procedure.db_table} p LEFT JOIN {version.db_table} v ON v.id = p.live_form_id"
        f" WHERE p.is_published = %s AND p.slug = %s"
    )


# Every column, in the model's order (what Model.from_db expects).
_VERSION_FIELDS = tuple(field.attname for field in FormVersion._meta.concrete_fields)
# Published versions by (ID, publication time as the database gave it): test databases reuse
# primary keys, never with the same publication time.
_PUBLISHED_VERSIONS: dict[tuple[Any, Any], tuple[Any, ...]] = {}


def _published_version(version_id: int, published_at: Any) -> FormVersion:
    """A new FormVersion instance for each caller (instances cache related objects), from a
    row read once per process; its document is shared and must not be changed."""
    key = (version_id, published_at)
    values = _PUBLISHED_VERSIONS.get(key)
    if values is None:
        values = tuple(
            FormVersion.objects.filter(pk=version_id).values_list(*_VERSION_FIELDS).get()
        )
        if len(_PUBLISHED_VERSIONS) >= 512:
            _PUBLISHED_VERSIONS.clear()
        _PUBLISHED_VERSIONS[key] = values
    return FormVersion.from_db(connection.alias, _VERSION_FIELDS, values)


# What submitting needs of a procedure (intake.check_intake_open and file_application); the
# catalogue texts stay in the database (a surge reads this row thousands of times a minute).
INTAKE_FIELDS = (
    "id",
    "slug",
    "department_id",
    "title_ja",
    "title_en",
    "channel",
    "identity_level",
    "is_published",
    "live_form_id",
    "opens_at",
    "closes_at",
    "capacity",
    "standard_processing_days",
)
# The same, in the model's order (what Model.from_db expects).
_INTAKE_COLUMNS = tuple(name for name in all_fields(Procedure) if name in INTAKE_FIELDS)


def intake_in_progress(procedure: Procedure) -> tuple[int, int]:
    """(residents' drafts, applications received) of a procedure: what stopping its online
    intake leaves standing, as the builder's confirmation page states."""
    drafts = ApplicationDraft.objects.filter(procedure=procedure).count()
    applications = Application.objects.filter(procedure=procedure).count()
    return drafts, applications


def catalogue_departments() -> QuerySet[OrgUnit]:
    """Departments that own a published procedure, for the catalogue's filter."""
    return (
        OrgUnit.objects.filter(procedures__is_published=True)
        .distinct()
        .order_by("parent__sort_order", "sort_order")
    )


def applications_of(user: Any) -> QuerySet[Application]:
    """A resident's own applications, newest first (the one visibility rule for residents)."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return Application.objects.filter(applicant=user).select_related("procedure")


def draft_attachment(user: Any, slug: str, attachment_id: int) -> Attachment | None:
    """A file the user uploaded to their own draft for this procedure and that the draft still
    answers with; None for anyone else's, or one already submitted."""
    if not getattr(user, "is_authenticated", False):
        return None
    draft = ApplicationDraft.objects.filter(applicant=user, procedure__slug=slug).first()
    if draft is None or attachment_id not in attachment_ids(draft.answers):
        return None
    return Attachment.objects.filter(pk=attachment_id, owner=user, application=None).first()


def attachment_ids(answers: Any) -> list[int]:
    """The attachments a set of answers refers to (file answers, at any depth)."""
    ids: list[int] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("attachment"), int):
                ids.append(value["attachment"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(answers)
    return ids


def life_events() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.all()


def life_event_with_steps(slug: str) -> LifeEvent | None:
    """A life event with its published procedures in order, read with two queries."""
    steps = LifeEventStep.objects.filter(procedure__is_published=True).select_related(
        "procedure__department"
    )
    return (
        LifeEvent.objects.prefetch_related(Prefetch("steps", queryset=steps))
        .filter(slug=slug)
        .first()
    )
