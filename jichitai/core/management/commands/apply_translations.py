"""Fills the English catalogue from JSON files of {Japanese msgid: English text}.

For developers after `make translations`: each branch that adds UI text commits its English
in locale/pending/<topic>.json instead of editing django.po (which every branch would
conflict on). Entries are matched on msgid; fuzzy flags and previous-msgid notes are cleared
for those entries. Reports msgids it could not find and entries still untranslated.
"""

import json
import shutil
import subprocess
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Fill locale/en from locale/pending/*.json (or the files given)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("files", nargs="*", help="JSON files (default: locale/pending/*.json)")

    def handle(self, *args: object, **options: object) -> None:
        files = [Path(name) for name in options["files"]] or sorted(  # type: ignore[attr-defined]
            Path(settings.BASE_DIR, "locale", "pending").glob("*.json")
        )
        english: dict[str, str] = {}
        for path in files:
            try:
                english.update(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as error:
                raise CommandError(f"{path}: {error}") from error
        po_path = Path(settings.BASE_DIR, "locale", "en", "LC_MESSAGES", "django.po")
        catalogue = polib.pofile(str(po_path))
        known = {entry.msgid: entry for entry in catalogue}
        for msgid, text in english.items():
            entry = known.get(msgid)
            if entry is None:
                self.stdout.write(f"not in the catalogue: {msgid!r}")
                continue
            entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        catalogue.save()
        _rewrap_as_gettext_does(po_path)
        missing = [entry.msgid for entry in catalogue.untranslated_entries()] + [
            entry.msgid for entry in catalogue.fuzzy_entries()
        ]
        for msgid in missing:
            self.stdout.write(f"still untranslated: {msgid!r}")
        self.stdout.write(f"translations: {len(english)} applied, {len(missing)} missing")


def _rewrap_as_gettext_does(po_path: Path) -> None:
    """Write the catalogue back in GNU gettext's layout. polib wraps long lines differently
    from makemessages (msgmerge), so without this every branch that applied translations
    rewrapped hundreds of unrelated lines, and branches conflicted on them. msgcat comes with
    the gettext tools makemessages needs anyway."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        return
    subprocess.run([msgcat, "--output-file", str(po_path), str(po_path)], check=True)  # noqa: S603
