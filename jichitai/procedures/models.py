"""The procedure catalogue (手続き一覧) and life-event guides (ライフイベント)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jichitai.core.errors import DomainError
from jichitai.core.models import OrgUnit
from jichitai.procedures.formdoc.schema import FormDocument
from jichitai.procedures.formdoc.schema import parse as parse_form_document


class IdentityLevel(models.TextChoices):
    """How sure the city must be of who applies (本人確認の水準)."""

    NONE = "none", _("本人確認なし（どなたでも）")
    ACCOUNT = "account", _("利用者登録（メールアドレス確認済み）")
    VERIFIED = "verified", _("マイナンバーカードによる本人確認")


class Channel(models.TextChoices):
    ONLINE = "online", _("オンライン申請")
    COUNTER = "counter", _("窓口・郵送")


class Applicant(models.TextChoices):
    RESIDENT = "resident", _("区民")
    BUSINESS = "business", _("事業者")
    ANYONE = "anyone", _("区民・事業者")


class Procedure(models.Model):
    """One administrative procedure (手続き) as the catalogue describes it.

    Text fields come in Japanese (`_ja`, required) and English (`_en`, optional). Lists such
    as required documents are kept one item per line.
    """

    slug = models.SlugField(_("識別子"), max_length=80, unique=True)
    department = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("担当課"),
        limit_choices_to={"level": OrgUnit.Level.DEPARTMENT},
    )
    title_ja = models.CharField(_("手続き名"), max_length=120)
    title_en = models.CharField(_("手続き名（英語）"), max_length=200, blank=True)
    summary_ja = models.CharField(_("概要"), max_length=300)
    summary_en = models.CharField(_("概要（英語）"), max_length=500, blank=True)
    description_ja = models.TextField(_("説明"), blank=True)
    description_en = models.TextField(_("説明（英語）"), blank=True)
    eligibility_ja = models.TextField(_("申請できる方"), blank=True)
    eligibility_en = models.TextField(_("申請できる方（英語）"), blank=True)
    documents_ja = models.TextField(_("必要なもの"), blank=True, help_text=_("1行に1つ"))
    documents_en = models.TextField(_("必要なもの（英語）"), blank=True)
    fee_yen = models.PositiveIntegerField(_("手数料（円）"), default=0)
    fee_note_ja = models.CharField(_("手数料の説明"), max_length=200, blank=True)
    fee_note_en = models.CharField(_("手数料の説明（英語）"), max_length=300, blank=True)
    standard_processing_days = models.PositiveSmallIntegerField(
        _("標準処理期間（開庁日）"), null=True, blank=True
    )
    channel = models.CharField(_("申請方法"), max_length=10, choices=Channel.choices)
    applicant = models.CharField(
        _("対象"), max_length=10, choices=Applicant.choices, default=Applicant.RESIDENT
    )
    identity_level = models.CharField(
        _("本人確認"), max_length=10, choices=IdentityLevel.choices, default=IdentityLevel.ACCOUNT
    )
    keywords = models.CharField(
        _("検索用キーワード"), max_length=300, blank=True, help_text=_("空白で区切る")
    )
    is_published = models.BooleanField(_("公開"), default=False)
    # Online intake: the live form, when it opens and closes, and how many it takes (先着順).
    live_form = models.ForeignKey(
        "FormVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opens_at = models.DateTimeField(_("受付開始"), null=True, blank=True)
    closes_at = models.DateTimeField(_("受付終了"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("定員"), null=True, blank=True)
    # Normalised title, summary, description and keywords (see core.search); set by services.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)

    class Meta:
        verbose_name = _("手続き")
        verbose_name_plural = _("手続き")
        ordering = ["title_ja"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=["online", "counter"]),
                name="procedure_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(identity_level__in=["none", "account", "verified"]),
                name="procedure_identity_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title_ja


class LifeEvent(models.Model):
    """A moment in life (引越し, 出生, 介護, 死亡) and the procedures it calls for, in order."""

    slug = models.SlugField(_("識別子"), max_length=40, unique=True)
    title_ja = models.CharField(_("名称"), max_length=60)
    title_en = models.CharField(_("名称（英語）"), max_length=100, blank=True)
    summary_ja = models.CharField(_("概要"), max_length=300)
    summary_en = models.CharField(_("概要（英語）"), max_length=500, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    procedures: models.ManyToManyField[Procedure, LifeEventStep] = models.ManyToManyField(
        Procedure, through="LifeEventStep", related_name="life_events"
    )

    class Meta:
        verbose_name = _("ライフイベント")
        verbose_name_plural = _("ライフイベント")
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.title_ja


class LifeEventStep(models.Model):
    """One procedure within a life event, with when it must be done (e.g. 14日以内)."""

    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="steps")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    timing_ja = models.CharField(_("時期"), max_length=100, blank=True)
    timing_en = models.CharField(_("時期（英語）"), max_length=150, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["life_event", "procedure"], name="life_event_step_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.life_event} {self.order}: {self.procedure}"


# What makes a published version what it is: its document, and which procedure and number it is.
_VERSION_CONTENT = ("document", "number", "procedure", "procedure_id")


def _version_changed() -> DomainError:
    return DomainError(
        "form.version_published",
        gettext("公開済みの様式の版は変更できません。変更は新しい版として公開してください。"),
    )


def _version_deleted() -> DomainError:
    return DomainError("form.version_published", gettext("公開済みの様式の版は削除できません。"))


class FormVersionQuerySet(models.QuerySet["FormVersion"]):
    """Refuses what FormVersion.save and delete refuse, for the queryset's bulk operations."""

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) & set(_VERSION_CONTENT):
            raise _version_changed()
        return super().update(**kwargs)

    def delete(self) -> Any:
        raise _version_deleted()


class FormVersion(models.Model):
    """A published form document (様式の版). Never changed once published: an application keeps
    the version it was made with, and each process caches the parsed document (form()).

    Saving a changed document, number or procedure, and deleting, raise DomainError
    `form.version_published`; a change is published as a new version instead."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="form_versions")
    number = models.PositiveIntegerField(_("版"))
    document = models.JSONField(_("様式"))
    published_at = models.DateTimeField(_("公開日時"), default=timezone.now)
    published_by_id = models.BigIntegerField(null=True, blank=True)

    objects = FormVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("様式の版")
        verbose_name_plural = _("様式の版")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="form_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.slug} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = (
                FormVersion.objects.filter(pk=self.pk)
                .values("document", "number", "procedure_id")
                .first()
            )
            if stored is not None and stored != {
                "document": self.document,
                "number": self.number,
                "procedure_id": self.procedure_id,
            }:
                raise _version_changed()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise _version_deleted()

    def form(self) -> FormDocument:
        """The parsed, validated document. A version never changes, so each process parses it
        once (keyed with its publication time too: test databases reuse primary keys)."""
        key = (self.pk, self.published_at)
        parsed = _PARSED_VERSIONS.get(key)
        if parsed is None:
            parsed = parse_form_document(self.document)
            if len(_PARSED_VERSIONS) >= 512:
                _PARSED_VERSIONS.clear()
            _PARSED_VERSIONS[key] = parsed
        return parsed


_PARSED_VERSIONS: dict[tuple[Any, Any], FormDocument] = {}


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("受付")
    UNDER_REVIEW = "under_review", _("審査中")
    CORRECTION_REQUESTED = "correction_requested", _("補正依頼")
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("却下")
    COMPLETED = "completed", _("完了")
    WITHDRAWN = "withdrawn", _("取下げ")


class Application(models.Model):
    """One resident's submission for a procedure (申請).

    Personal fields: answers (as the form asks; may include 要配慮 data depending on the
    procedure).
    """

    PERSONAL_FIELDS = {"answers": "per_form"}

    # Unique by a constraint in Meta, not unique=True: on PostgreSQL that would add a second
    # index for LIKE queries, which no query makes, and every submission would write it.
    receipt_number = models.CharField(_("受付番号"), max_length=9)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="applications")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    # No index of its own: application_idempotency_unique starts with the applicant.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,
    )
    status = models.CharField(
        _("状態"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RECEIVED,
    )
    answers = models.JSONField(_("回答"))
    language = models.CharField(_("申請時の言語"), max_length=8, default="ja")
    identity_level = models.CharField(
        _("本人確認の水準"), max_length=10, choices=IdentityLevel.choices
    )
    # The identity verification (本人確認) current when a verified-level application was made:
    # its evidence for staff. Kept while an application points at it.
    identity_verification = models.ForeignKey(
        "accounts.IdentityVerification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("申請日時"), default=timezone.now)
    due_date = models.DateField(_("処理期限"), null=True, blank=True)
    # The token on the page the resident submitted: the same token never makes two applications.
    idempotency_key = models.CharField(max_length=64)
    # A digest of the unit the form allows one application for (see formdoc.schema.Dedupe).
    dedupe_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    # For API submissions: a fingerprint of the request, to tell a retry from a reused key.
    request_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Casework (担当): the member of staff handling it, and since when.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("担当者"),
    )
    assigned_at = models.DateTimeField(_("担当設定日時"), null=True, blank=True)
    # Receipt number, applicant name and answers, normalised for the inbox's search (see
    # casework_search); set when the application is filed.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("申請")
        verbose_name_plural = _("申請")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_number"], name="application_receipt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"], name="application_idempotency_unique"
            ),
            # Withdrawn and rejected applications do not block applying again.
            models.UniqueConstraint(
                fields=["procedure", "dedupe_key"],
                condition=~models.Q(dedupe_key="")
                & ~models.Q(status__in=["withdrawn", "rejected"]),
                name="application_dedupe_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class ApplicationDraft(models.Model):
    """Answers a resident has given so far (下書き); one per resident and procedure."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_drafts"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    submission_token = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)
    # Part of the emailed resume link; changed when a link is sent or used, so each link
    # works once and only the latest one works.
    resume_nonce = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "procedure"], name="draft_one_per_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"draft {self.procedure.slug} #{self.applicant_id}"


class Attachment(models.Model):
    """An uploaded file, stored under a generated name outside any served folder."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    # Unique by a constraint in Meta (see Application.receipt_number).
    storage_name = models.CharField(max_length=100)
    original_name = models.CharField(_("ファイル名"), max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["storage_name"], name="attachment_storage_name_unique")
        ]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """One step in an application's history (経過): who moved it from which state to which."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, choices=ApplicationStatus.choices)
    to_status = models.CharField(max_length=24, choices=ApplicationStatus.choices)
    actor_id = models.BigIntegerField(null=True)
    # Shown to the applicant: what to correct, or why it was rejected. Never internal notes.
    message = models.TextField(_("申請者へのお知らせ"), blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    # On a correction request: the ids of the form pages the resident is asked to change
    # (empty: any page). On a correction answer: what changed, question id → {"old", "new"},
    # so the answers before the correction stay in the history.
    pages = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.from_status}→{self.to_status}"


class CorrectionDraft(models.Model):
    """Answers a resident is changing in reply to a correction request (補正), kept page by
    page until they send the correction; one per application, gone once it is sent."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="correction_draft"
    )
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"correction {self.application}"


class FormDraft(models.Model):
    """The form being built for a procedure (様式の下書き), one per procedure; staff edit it in the
    form builder and publish it as a new FormVersion.

    `revision` goes up with every saved edit: an edit made on an older revision is refused, so
    two administrators editing at once cannot overwrite each other's work unseen.
    """

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="form_draft")
    document = models.JSONField(_("様式の下書き"))
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更新者"),
    )

    class Meta:
        verbose_name = _("様式の下書き")
        verbose_name_plural = _("様式の下書き")

    def __str__(self) -> str:
        return f"draft form {self.procedure.slug} r{self.revision}"


class InternalNote(models.Model):
    """A note staff keep about an application (内部メモ). Staff only: never shown to the
    applicant, never in mail or the API."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="internal_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("内部メモ"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} note {self.pk}"


class NotificationEvent(models.TextChoices):
    """The moments an applicant is told about by mail."""

    RECEIVED = "received", _("申請の受付")
    CORRECTION_REQUESTED = "correction_requested", _("補正の依頼")
    DECIDED = "decided", _("審査の結果（承認・却下）")


# What a procedure's own template may use: plain strings, the same for every event (a value
# that does not apply to the event is empty).
NOTIFICATION_VARIABLES: dict[str, Any] = {
    "name": _("申請者の名前"),
    "procedure": _("手続きの名前"),
    "receipt_number": _("受付番号"),
    "submitted_at": _("申請日時"),
    "due_date": _("処理期限の目安"),
    "status": _("申請の状態"),
    "message": _("担当課からのお知らせ"),
    "url": _("申請の一覧のURL"),
}


class NotificationTemplate(models.Model):
    """A procedure's own wording for one event's mail in one language, replacing the default
    (procedures/email/*.txt). Written in Django's template syntax, checked and rendered in a
    sandbox (jichitai.notifications.sandbox): only NOTIFICATION_VARIABLES, `default`, `if`."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="notification_templates"
    )
    event = models.CharField(_("通知の種類"), max_length=32, choices=NotificationEvent.choices)
    language = models.CharField(_("言語"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"), max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "event", "language"], name="one_template_per_event_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id}:{self.event}:{self.language}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from jichitai.notifications.sandbox import TemplateRejected, check

        errors = {}
        for field in ("subject", "body"):
            try:
                check(getattr(self, field), NOTIFICATION_VARIABLES)
            except TemplateRejected as rejected:
                errors[field] = rejected.message
        if errors:
            raise ValidationError(errors)
