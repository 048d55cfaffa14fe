"""apply_translations fills English from a branch's JSON and leaves gettext's own layout."""

import json
import shutil
import subprocess
from pathlib import Path

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
