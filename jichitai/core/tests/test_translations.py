"""The English catalogue is complete: no untranslated or fuzzy entry ships."""

from pathlib import Path

import polib
from django.conf import settings


def test_english_catalogue_is_complete() -> None:
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert len(po) > 100
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


def test_placeholders_survive_translation() -> None:
    import re

    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in po.translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(entry.msgid)), (
                entry.msgid
            )


def test_no_stale_previous_msgid_comments() -> None:
    """`#|` comments left from fuzzy matching break the next `make translations` (msgmerge)."""
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in po if e.previous_msgid or e.previous_msgid_plural] == []
