"""Writes the form document's JSON Schema to docs/form-document.schema.json."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from jichitai.procedures.formdoc.schema import FormDocument


class Command(BaseCommand):
    help = "Export the JSON Schema of form documents to docs/form-document.schema.json."

    def handle(self, *args: object, **options: object) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "form-document.schema.json"
        schema = FormDocument.model_json_schema()
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(f"wrote {path}")
