"""Writing the procedure catalogue. Every change of a catalogue entry goes through here."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.core.japanese.text import normalize_for_search
from jichitai.governance.services import record_event
from jichitai.procedures.models import Procedure

SEARCHED_FIELDS = ("title_ja", "title_en", "summary_ja", "summary_en", "description_ja", "keywords")


def create_procedure(*, actor: Any = None, **fields: Any) -> Procedure:
    """Add a procedure (手続き) to the catalogue; unpublished unless `is_published` is given."""
    procedure = Procedure(**fields)
    procedure.search_text = _search_text(procedure)
    procedure.full_clean()
    with transaction.atomic():
        procedure.save(force_insert=True)
        record_event(
            "procedure.create", actor=actor, target=procedure, detail={"slug": procedure.slug}
        )
    return procedure


def update_procedure(procedure: Procedure, *, actor: Any = None, **changes: Any) -> Procedure:
    """Change catalogue fields of a procedure, keeping its search text in step."""
    for name, value in changes.items():
        setattr(procedure, name, value)
    procedure.search_text = _search_text(procedure)
    procedure.updated_at = timezone.now()
    procedure.full_clean()
    with transaction.atomic():
        procedure.save()
        record_event(
            "procedure.update",
            actor=actor,
            target=procedure,
            fields=sorted(changes),
            detail={"slug": procedure.slug},
        )
    return procedure


def _search_text(procedure: Procedure) -> str:
    return normalize_for_search(" ".join(str(getattr(procedure, name)) for name in SEARCHED_FIELDS))
