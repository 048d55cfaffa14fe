"""The open data catalogue (オープンデータカタログ): data sets, their resources, groups and tags.

Field names follow CKAN's package and resource dicts where one exists, so that the CKAN
Action API (`ckan/`) maps them one to one and harvesters see what they expect.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jichitai.core.models import OrgUnit
from jichitai.opendata.licences import DEFAULT_LICENCE_ID, licence_choices

# CKAN's rule for names in URLs: 2–100 lower-case ASCII letters, digits, - and _.
validate_ckan_name = RegexValidator(
    r"\A[a-z0-9_-]{2,100}\Z",
    _("URL名は2〜100文字の半角英小文字・数字・-・_ で入力してください。"),
    code="invalid_name",
)


class State(models.TextChoices):
    DRAFT = "draft", _("下書き")
    ACTIVE = "active", _("公開")
    DELETED = "deleted", _("削除")


class UpdateFrequency(models.TextChoices):
    """DCAT-AP's frequency vocabulary (EU Publications Office authority table codes)."""

    UPDATE_CONT = "UPDATE_CONT", _("随時")
    DAILY = "DAILY", _("毎日")
    WEEKLY = "WEEKLY", _("毎週")
    MONTHLY = "MONTHLY", _("毎月")
    QUARTERLY = "QUARTERLY", _("四半期ごと")
    ANNUAL = "ANNUAL", _("毎年")
    IRREG = "IRREG", _("不定期")
    NEVER = "NEVER", _("更新なし")


class Group(models.Model):
    """A category (分類) of the national catalogue, e.g. 人口・世帯 or 防災・防犯."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("URL名"), max_length=100, unique=True, validators=[validate_ckan_name]
    )
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(_("英語名称"), max_length=200, blank=True)
    description = models.TextField(_("説明"), blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("分類")
        verbose_name_plural = _("分類")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    """A free keyword (タグ). Japanese of any length up to CKAN's 100 characters; ・ allowed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("タグ"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("タグ")
        verbose_name_plural = _("タグ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """A data set (データセット, CKAN's package), owned by one department (課)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("URL名"), max_length=100, unique=True, validators=[validate_ckan_name]
    )
    title = models.CharField(_("タイトル"), max_length=300)
    notes = models.TextField(_("説明"), blank=True)
    owner_org = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="datasets", verbose_name=_("作成部署")
    )
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.DRAFT)
    private = models.BooleanField(_("非公開"), default=False)
    license_id = models.CharField(
        _("ライセンス"), max_length=40, choices=licence_choices(), default=DEFAULT_LICENCE_ID
    )
    author = models.CharField(_("作成者"), max_length=200, blank=True)
    maintainer = models.CharField(_("問い合わせ先"), max_length=200, blank=True)
    maintainer_email = models.EmailField(_("問い合わせ先メールアドレス"), blank=True)
    url = models.URLField(_("関連ページ"), max_length=500, blank=True)
    version = models.CharField(_("版"), max_length=100, blank=True)
    update_frequency = models.CharField(
        _("更新頻度"), max_length=12, choices=UpdateFrequency.choices, blank=True
    )
    temporal_start = models.DateField(_("対象期間（開始）"), null=True, blank=True)
    temporal_end = models.DateField(_("対象期間（終了）"), null=True, blank=True)
    spatial = models.CharField(_("対象地域"), max_length=200, blank=True)
    # The 自治体標準オープンデータセット this data set conforms to, by its schema code.
    conforms_to = models.CharField(_("準拠する標準データセット"), max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, related_name="datasets", blank=True)
    groups = models.ManyToManyField(Group, related_name="datasets", blank=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    metadata_created = models.DateTimeField(default=timezone.now)
    metadata_modified = models.DateTimeField(default=timezone.now, db_index=True)
    # Normalised title, description, tags, department and resource names (see core.search).
    search_text = models.TextField(blank=True, editable=False)
    # Its formats, groups and tags, for counting facets over many matches (search_index).
    facet_formats = models.TextField(blank=True, editable=False)
    facet_groups = models.TextField(blank=True, editable=False)
    facet_tags = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("データセット")
        verbose_name_plural = _("データセット")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["state", "private"], name="dataset_state_private"),
            # The newest published data sets first (the search's default order): a page of a
            # search walks this index and stops after a page of matches instead of sorting
            # every match.
            models.Index(fields=["state", "-metadata_modified", "id"], name="dataset_state_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temporal_end__isnull=True)
                | models.Q(temporal_start__isnull=True)
                | models.Q(temporal_end__gte=models.F("temporal_start")),
                name="dataset_temporal_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CatalogueVersion(models.Model):
    """One row whose token the database changes whenever a data set's facet totals may change.

    Triggers on the data set table (migration 0013) set a new random token on every insert and
    delete and on every update of a column that facet counts read (state, private, department,
    licence, facet columns), whatever the writer: services, bulk writes, `update()`. Facet
    totals cached under a token are therefore those of exactly that catalogue (search_index).
    A token is random, never a counter, so a rolled-back change leaves no token behind that a
    later change could repeat. On PostgreSQL each statement writing data sets locks the row
    first (migration 0014), until its transaction commits: transactions that write data sets
    queue behind one another. One that writes several data sets can still deadlock with one
    that locked one of them with SELECT … FOR UPDATE (PostgreSQL then cancels one): keep
    transactions that write many data sets short and rare.
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class Resource(models.Model):
    """A file or link of a data set (リソース): a CSV, a PDF, an API address."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("名称"), max_length=300)
    description = models.TextField(_("説明"), blank=True)
    # For uploads, the download address is derived from the id; for links, the address given.
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    url_type = models.CharField(max_length=10, blank=True)  # "upload" or "" as in CKAN
    format = models.CharField(_("形式"), max_length=20, blank=True)
    mimetype = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    hash = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    created = models.DateTimeField(default=timezone.now)
    last_modified = models.DateTimeField(null=True, blank=True)
    metadata_modified = models.DateTimeField(default=timezone.now)
    datastore_active = models.BooleanField(default=False)
    # How often the published file was downloaded; shown to residents beside each resource.
    download_count = models.PositiveBigIntegerField(default=0, editable=False)
    # The uploaded file the public downloads; changes only when staff publish a checked file.
    published_file = models.ForeignKey(
        "ResourceFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("リソース")
        verbose_name_plural = _("リソース")
        ordering = ["dataset", "position"]

    def __str__(self) -> str:
        return self.name


class CheckStatus(models.TextChoices):
    QUEUED = "queued", _("確認待ち")
    CHECKING = "checking", _("確認中")
    PASSED = "passed", _("問題なし")
    WARNINGS = "warnings", _("警告あり")
    FAILED = "failed", _("エラーあり")
    BLOCKED = "blocked", _("個人情報の確認が必要")
    UNREADABLE = "unreadable", _("読み込めません")


class ResourceFile(models.Model):
    """One uploaded version of a resource's file, and what checking it found.

    The original is kept as uploaded; a table is also published as UTF-8 with a BOM (so
    Excel opens it), whatever encoding it came in. Both live under generated names outside
    every served folder.
    """

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    original_name = models.CharField(_("ファイル名"), max_length=255)
    original_storage_name = models.CharField(max_length=100, unique=True)
    published_storage_name = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    media_type = models.CharField(max_length=100, blank=True)
    format = models.CharField(max_length=20, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    had_bom = models.BooleanField(default=False)
    status = models.CharField(
        _("確認状況"), max_length=12, choices=CheckStatus.choices, default=CheckStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent, shown while checking
    message = models.TextField(blank=True)  # why a file could not be read at all
    standard_id = models.CharField(max_length=60, blank=True)
    layout = models.CharField(max_length=10, blank=True)
    labels = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    issues = models.JSONField(default=list)  # the first errors, as issue dicts
    warnings = models.JSONField(default=list)
    personal_data = models.JSONField(default=list)  # findings that block publication
    # Every error and warning, however many, as a CSV file in storage (the database keeps
    # the first ones for the page), and the first rows holding them, for the table view.
    report_storage_name = models.CharField(max_length=100, blank=True)
    report_rows = models.JSONField(default=list)  # [{"row": 3, "cells": ["…", …]}, …]
    personal_data_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    personal_data_cleared_at = models.DateTimeField(null=True, blank=True)
    personal_data_clearance_reason = models.TextField(blank=True)
    stars = models.PositiveSmallIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)  # of a PDF
    # When the running check started and how often one was started: a check whose worker
    # died is started again (`manage.py recheck_stuck_files`), a few times at most.
    check_started_at = models.DateTimeField(null=True, blank=True)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Sent through the API (resource_create with a file): published as soon as its check
    # passes, if its data set is public then, or when the data set is published later.
    publish_when_checked = models.BooleanField(default=False)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("アップロードファイル")
        verbose_name_plural = _("アップロードファイル")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def published_format(self) -> str:
        """What the public downloads: a table (CSV or XLSX) as the checked CSV copy."""
        return "CSV" if self.published_storage_name else self.format

    @property
    def publishable(self) -> bool:
        if self.status in {CheckStatus.PASSED, CheckStatus.WARNINGS}:
            return True
        return self.status == CheckStatus.BLOCKED and self.personal_data_cleared_at is not None

    @property
    def fails_its_check(self) -> bool:
        """Its last finished check would not let it be published (errors, or personal data
        not cleared): for a file already published, checked again against a standard its data
        set has since declared, staff must act."""
        running = {CheckStatus.QUEUED, CheckStatus.CHECKING}
        return self.status not in running and not self.publishable


# A published file whose last check would not let it be published (ResourceFile.fails_its_check).
PUBLISHED_FILE_FAILING = Q(
    published_file__status__in=[CheckStatus.FAILED, CheckStatus.UNREADABLE]
) | Q(
    published_file__status=CheckStatus.BLOCKED,
    published_file__personal_data_cleared_at__isnull=True,
)


class DatastoreTable(models.Model):
    """A resource's table as loaded into the datastore (データストア), for `datastore_search`.

    The rows live in a table of their own named after the resource id (in the `datastore`
    schema on PostgreSQL), as CKAN names them, so `datastore_search_sql` reads
    `SELECT * FROM "<resource id>"` unchanged. This row describes that table: its columns
    (id as the API names it, datastore type, the file's header label) and where it came from.
    It is written in the same transaction that swaps a freshly loaded table in.
    """

    resource = models.OneToOneField(
        Resource, on_delete=models.CASCADE, related_name="datastore_table"
    )
    source_file = models.ForeignKey(
        ResourceFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fields = models.JSONField(default=list)  # [{"id": ..., "type": ..., "label": ...}]
    row_count = models.PositiveBigIntegerField(default=0)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("データストアの表")
        verbose_name_plural = _("データストアの表")

    def __str__(self) -> str:
        return str(self.resource_id)


class DataRequestStatus(models.TextChoices):
    NEW = "new", _("新規")
    UNDER_REVIEW = "under_review", _("検討中")
    PUBLISHED = "published", _("公開済み")
    DECLINED = "declined", _("対応不可")
    WITHDRAWN = "withdrawn", _("取下げ")


class DataRequest(models.Model):
    """A data request (データリクエスト): someone asks the city to publish data, and the
    concerned department (課) answers with a status. Public by default; the requester's
    e-mail address is kept only to tell them the answer and is never shown."""

    title = models.CharField(_("欲しいデータ"), max_length=200)
    description = models.TextField(_("データの内容"))
    purpose = models.TextField(_("利用目的"), blank=True)
    requester_name = models.CharField(_("お名前（公開されます）"), max_length=100, blank=True)
    requester_email = models.EmailField(_("メールアドレス"), blank=True)
    # The language the requester used, for the mail telling them the answer.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="ja")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("担当課"),
    )
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("関連するデータセット"),
    )
    status = models.CharField(
        _("状況"),
        max_length=12,
        choices=DataRequestStatus.choices,
        default=DataRequestStatus.NEW,
        db_index=True,
    )
    answer = models.TextField(_("回答"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(_("一覧に公開する"), default=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("データリクエスト")
        verbose_name_plural = _("データリクエスト")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title


class DataRequestEvent(models.Model):
    """One step in a data request's history: a status set, with the answer given then."""

    data_request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=DataRequestStatus.choices)
    answer = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.data_request_id}: {self.status}"


class DataRequestFiling(models.Model):
    """When a client filed a request, for the hourly limit. The client address is kept only
    as a keyed hash (HMAC with SECRET_KEY), and rows older than the window are deleted."""

    client_key = models.CharField(max_length=64, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.client_key[:8]} {self.occurred_at:%Y-%m-%d %H:%M}"
