"""The audit log (監査ログ): append-only, each entry chained to the one before it in its chain
by its hash. There are CHAINS parallel chains, so that concurrent audited writes need not wait
for one another (docs/decisions/0003-audit-log-hash-chain.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# How many chains entries are spread over. On PostgreSQL a transaction appends to whichever
# chain no other transaction holds, so up to this many audited writes commit side by side;
# SQLite lets one writer in at a time and always uses chain 1.
CHAINS = 16


class AuditEvent(models.Model):
    """One audited event. Never updated or deleted; database triggers refuse both.

    `chain` and `sequence` place the entry: sequences are contiguous within each chain, and the
    ID orders entries across chains as they were written.

    Actor and subject are plain user IDs with a label captured at the time, not foreign
    keys: an entry must read the same after the user it names is changed or anonymised.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失敗")
        DENIED = "denied", _("拒否")

    chain = models.PositiveSmallIntegerField(_("系列"), default=1)
    sequence = models.PositiveBigIntegerField(_("連番"))
    occurred_at = models.DateTimeField(_("日時"), db_index=True)
    actor_id = models.BigIntegerField(_("操作者ID"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("操作者"), max_length=254, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    outcome = models.CharField(_("結果"), max_length=10, choices=Outcome.choices)
    object_type = models.CharField(_("対象の種類"), max_length=64, blank=True)
    object_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    # Whose personal data the event touched, for subject access requests (本人開示).
    subject_id = models.BigIntegerField(_("本人ID"), null=True, blank=True, db_index=True)
    fields = models.JSONField(_("項目"), default=list, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    request_id = models.CharField(_("リクエストID"), max_length=64, blank=True)
    # Small, non-personal facts about the event (a role name, a reason code). Never values
    # of personal fields: those belong in the record, the audit entry names the field.
    detail = models.JSONField(_("詳細"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence")
        ]

    def __str__(self) -> str:
        return f"#{self.chain}-{self.sequence} {self.action} {self.outcome}"


class AuditChainHead(models.Model):
    """The end of one chain (its ID is the chain's number); locked to append to that chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id__gte=1, id__lte=CHAINS), name="audit_head_chain_number"
            )
        ]

    def __str__(self) -> str:
        return f"audit chain {self.id} head #{self.last_sequence}"
