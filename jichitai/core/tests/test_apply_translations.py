"""apply_translations fills English from a branch's JSON and leaves gettext's own layout."""

import gettext
import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

LONG_JAPANESE = "この手続きにはマイナンバーカードによる本人確認が必要です。" * 3

CATALOGUE = f'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#, fuzzy
#| msgid "古い文"
msgid "{LONG_JAPANESE}"
msgstr "old"

msgid "系列"
msgstr ""
'''


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="needs GNU gettext's msgcat")
def test_translations_are_applied_in_gettext_layout(tmp_path: Path, capsys) -> None:
    po_path = tmp_path / "locale/en/LC_MESSAGES/django.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_text(CATALOGUE, encoding="utf-8")
    pending = tmp_path / "branch.json"
    english = {LONG_JAPANESE: "Verify with your My Number card first. " * 3, "系列": "Chain"}
    pending.write_text(json.dumps(english, ensure_ascii=False), encoding="utf-8")

    with override_settings(BASE_DIR=tmp_path):
        call_command("apply_translations", str(pending))

    written = po_path.read_text(encoding="utf-8")
    assert "translations: 2 applied, 0 missing" in capsys.readouterr().out
    assert "fuzzy" not in written and "古い文" not in written
    assert 'msgstr "Chain"' in written
    # What makemessages (msgmerge) would write: running gettext's msgcat over it changes nothing.
    msgcat = str(shutil.which("msgcat"))
    rewrapped = subprocess.run(  # noqa: S603  (gettext's own tool on our temporary file)
        [msgcat, str(po_path)], check=True, capture_output=True, text=True
    ).stdout
    assert written == rewrapped


PLURAL_CATALOGUE = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "%(counter)s件"
msgid_plural "%(counter)s件"
msgstr[0] ""
msgstr[1] ""

msgid "%(days)s開庁日"
msgid_plural "%(days)s開庁日"
msgstr[0] ""
msgstr[1] ""

msgid "%(people)s人"
msgid_plural "%(people)s人"
msgstr[0] ""
msgstr[1] ""

msgid "系列"
msgstr ""
"""


def test_plural_entries_take_a_list_of_english_forms(tmp_path: Path, capsys) -> None:
    po_path = tmp_path / "locale/en/LC_MESSAGES/django.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_text(PLURAL_CATALOGUE, encoding="utf-8")
    pending = tmp_path / "branch.json"
    english = {
        "%(counter)s件": ["%(counter)s entry", "%(counter)s entries"],
        # Misfits are reported and left untranslated, never half-filled:
        "%(days)s開庁日": "%(days)s business days",  # one text for a plural entry
        "%(people)s人": ["%(people)s person"],  # fewer forms than nplurals
        "系列": ["Chain", "Chains"],  # a list for an entry that has no plural
    }
    pending.write_text(json.dumps(english, ensure_ascii=False), encoding="utf-8")

    with override_settings(BASE_DIR=tmp_path):
        call_command("apply_translations", str(pending))

    out = capsys.readouterr().out
    assert "a plural entry needs a list of 2 English forms: '%(days)s開庁日'" in out
    assert "a plural entry needs a list of 2 English forms: '%(people)s人'" in out
    assert "not a plural entry: give one English text, not a list: '系列'" in out
    assert "translations: 1 applied, 3 missing" in out
    entries = {entry.msgid: entry for entry in polib.pofile(str(po_path))}
    assert entries["%(counter)s件"].msgstr_plural == {
        0: "%(counter)s entry",
        1: "%(counter)s entries",
    }
    assert entries["%(days)s開庁日"].msgstr_plural == {0: "", 1: ""}
    assert entries["%(people)s人"].msgstr_plural == {0: "", 1: ""}
    assert entries["系列"].msgstr == ""
    # The compiled catalogue picks the form by count, as ngettext does.
    catalogue = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(catalogue))
    with catalogue.open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.ngettext("%(counter)s件", "%(counter)s件", 1) == "%(counter)s entry"
    assert translations.ngettext("%(counter)s件", "%(counter)s件", 3) == "%(counter)s entries"
