"""Duplicate applications (重複申請): a form may allow only one application per unit.

The unit is the answer to one question (e.g. the household reference printed on the letter the
city mailed) or the applicant's account. Only a digest of the unit is kept on the application;
the database refuses a second active application with the same digest, so two concurrent
submissions cannot both get through.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.procedures.formdoc.schema import FormDocument
from jichitai.procedures.models import Application, ApplicationStatus

# Applications in these states do not stop the unit from applying again.
RELEASED_STATES = (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED)


def _normalised(value: Any) -> str:
    """ＡＢ-１２３ and ab 123 are the same reference."""
    text = unicodedata.normalize("NFKC", str(value)).upper()
    return re.sub(r"[\s\-‐‑–—―ー−]", "", text)


def dedupe_key(
    document: FormDocument, procedure_id: int, answers: Mapping[str, Any], applicant_id: int
) -> str | None:
    """The digest of the unit these answers apply for, or None when the form has no rule
    (or the keyed question is not answered yet)."""
    rule = document.dedupe
    if rule is None:
        return None
    if rule.question is None:
        unit = f"applicant:{applicant_id}"
    elif answers.get(rule.question) in (None, ""):
        return None
    else:
        unit = f"answer:{_normalised(answers[rule.question])}"
    return hashlib.sha256(f"{procedure_id}:{unit}".encode()).hexdigest()


def active_application(procedure_id: int, key: str | None) -> Application | None:
    """The application that already holds this unit, if any."""
    if key is None:
        return None
    return (
        Application.objects.filter(procedure_id=procedure_id, dedupe_key=key)
        .exclude(status__in=RELEASED_STATES)
        .first()
    )


def duplicate_error(existing: Application, field: str | None = None) -> DomainError:
    """The refusal, naming the first application's receipt number so the resident can tell
    whether it was theirs (the number alone opens nothing for anyone else)."""
    return DomainError(
        "application.duplicate",
        _(
            "この内容では既に申請を受け付けています（受付番号：%(receipt)s）。"
            "重ねて申請する必要はありません。心当たりがない場合は担当課にお問い合わせください。"
        )
        % {"receipt": existing.receipt_number},
        field=field,
    )
