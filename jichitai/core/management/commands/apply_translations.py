"""Fills the English catalogue from JSON files of {Japanese msgid: English text}.

For developers after `make translations`: each branch that adds UI text commits its English
in locale/pending/<topic>.json instead of editing django.po (which every branch would
conflict on). Entries are matched on msgid; fuzzy flags and previous-msgid notes are cleared
for those entries. A plural entry (msgid_plural) takes a list of English forms in the
catalogue's order, e.g. {"%(counter)s件": ["%(counter)s entry", "%(counter)s entries"]}.
Reports msgids it could not find or could not fill, and entries still untranslated.
"""

import json
import re
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
        english: dict[str, str | list[str]] = {}
        for path in files:
            try:
                english.update(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as error:
                raise CommandError(f"{path}: {error}") from error
        po_path = Path(settings.BASE_DIR, "locale", "en", "LC_MESSAGES", "django.po")
        catalogue = polib.pofile(str(po_path))
        forms = _plural_forms(catalogue)
        known = {entry.msgid: entry for entry in catalogue}
        applied = 0
        for msgid, text in english.items():
            entry = known.get(msgid)
            if entry is None:
                self.stdout.write(f"not in the catalogue: {msgid!r}")
                continue
            problem = _fill(entry, text, forms)
            if problem:
                self.stdout.write(f"{problem}: {msgid!r}")
                continue
            applied += 1
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
        self.stdout.write(f"translations: {applied} applied, {len(missing)} missing")


def _plural_forms(catalogue: polib.POFile) -> int:
    """How many forms a plural entry has in this language (nplurals in the header)."""
    found = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else 2


def _fill(entry: polib.POEntry, text: object, forms: int) -> str | None:
    """Put the English into the entry; or say why it does not fit (and leave the entry)."""
    if entry.msgid_plural:
        if not (
            isinstance(text, list)
            and len(text) == forms
            and all(isinstance(form, str) for form in text)
        ):
            return f"a plural entry needs a list of {forms} English forms"
        entry.msgstr_plural = dict(enumerate(text))
        return None
    if not isinstance(text, str):
        return "not a plural entry: give one English text, not a list"
    entry.msgstr = text
    return None


def _rewrap_as_gettext_does(po_path: Path) -> None:
    """Write the catalogue back in GNU gettext's layout. polib wraps long lines differently
    from makemessages (msgmerge), so without this every branch that applied translations
    rewrapped hundreds of unrelated lines, and branches conflicted on them. msgcat comes with
    the gettext tools makemessages needs anyway."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        return
    subprocess.run([msgcat, "--output-file", str(po_path), str(po_path)], check=True)  # noqa: S603
