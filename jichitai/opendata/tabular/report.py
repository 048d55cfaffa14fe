"""A validation report: what is wrong, where, and why, in Japanese for the staff member.

Error types, row numbers (the header is row 1) and field numbers follow frictionless-py's
report, so reports can be compared with it and read by tools that know its format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TYPE_NAMES = {
    "string": gettext_lazy("文字列"),
    "integer": gettext_lazy("整数"),
    "number": gettext_lazy("数値"),
    "boolean": gettext_lazy("真偽値"),
    "date": gettext_lazy("日付（YYYY-MM-DD）"),
    "time": gettext_lazy("時刻"),
    "datetime": gettext_lazy("日時"),
    "year": gettext_lazy("西暦年"),
}


@dataclass(frozen=True)
class Issue:
    type: str  # frictionless-py's error type: type-error, constraint-error, unique-error …
    row_number: int | None = None
    field_name: str | None = None
    field_number: int | None = None
    cell: str | None = None
    note: str = ""  # the constraint broken, or the type expected

    @property
    def key(self) -> tuple[object, ...]:
        """What identifies the error when two reports are compared."""
        return (self.type, self.row_number, self.field_number, self.note)

    @property
    def message(self) -> str:
        where = self.field_name or ""
        if self.type == "type-error":
            kind = TYPE_NAMES.get(self.note, self.note)
            return _("「%(field)s」の値「%(cell)s」は%(kind)sとして読めません。") % {
                "field": where,
                "cell": self.cell,
                "kind": kind,
            }
        if self.type == "constraint-error":
            if self.note == "required":
                return _("「%(field)s」は必須です。") % {"field": where}
            return _("「%(field)s」の値「%(cell)s」が制約 %(constraint)s を満たしません。") % {
                "field": where,
                "cell": self.cell,
                "constraint": self.note,
            }
        if self.type == "unique-error":
            return _("「%(field)s」の値「%(cell)s」が重複しています。") % {
                "field": where,
                "cell": self.cell,
            }
        if self.type == "primary-key":
            return _("主キーが空か、ほかの行と重複しています。")
        if self.type == "blank-row":
            return _("空の行です。")
        if self.type == "missing-label" and self.note == "optional":
            return _(
                "準拠する標準データセットの任意項目「%(field)s」の列がありません。"
                "公開はできますが、データがあれば見出しが「%(field)s」の列を加えてください。"
            ) % {"field": where}
        if self.type == "missing-label":
            return _(
                "準拠する標準データセットの必須項目「%(field)s」の列がありません。"
                "見出しが「%(field)s」の列を加えてください。"
            ) % {"field": where}
        if self.type == "missing-cell":
            return _("列が足りません（「%(field)s」の値がありません）。") % {"field": where}
        if self.type == "municipality-code":
            return _(
                "「%(field)s」の「%(cell)s」は全国地方公共団体コードの検査数字（6桁目）が"
                "正しくありません（先頭5桁からは「%(digit)s」、コードは「%(fixed)s」のはずです）。"
            ) % {"field": where, "cell": self.cell, "digit": self.note[-1:], "fixed": self.note}
        if self.type == "extra-cell":
            return _("%(number)s列目は見出しにない余分な値です。") % {"number": self.field_number}
        return self._warning_message(where) or self._file_message() or self.type

    def _file_message(self) -> str:
        """Problems of JSON, GeoJSON and PDF files (the row is a GeoJSON feature's number)."""
        structure = {
            "not-feature-collection": _("GeoJSON の最上位は FeatureCollection にしてください。"),
            "features-not-list": _("「features」が配列ではありません。"),
            "not-feature": _("%(number)s 番目の地物が Feature ではありません。"),
            "properties-not-object": _(
                "%(number)s 番目の地物の properties がオブジェクトではありません。"
            ),
            "geometry-missing": _("%(number)s 番目の地物に geometry がありません。"),
        }
        if self.type == "geojson-structure":
            return structure.get(self.note, self.note) % {"number": self.row_number}
        values = {"number": self.row_number, "cell": self.cell}
        messages = {
            "geojson-geometry-type": _(
                "%(number)s 番目の地物の図形の種類「%(cell)s」は GeoJSON にありません。"
            ),
            "geojson-coordinates": _(
                "%(number)s 番目の地物の座標が、図形の種類 %(cell)s の形になっていません。"
            ),
            "geojson-ring": _(
                "%(number)s 番目の地物のポリゴンが閉じていません"
                "（4 点以上で、最初と最後の座標が同じである必要があります）。"
            ),
            "geojson-swapped": _(
                "%(number)s 番目の地物の座標 %(cell)s は緯度と経度が逆のようです"
                "（GeoJSON は［経度, 緯度］の順です）。"
            ),
            "geojson-outside-japan": _("%(number)s 番目の地物の座標 %(cell)s が日本の範囲外です。"),
            "pdf-encrypted": _(
                "暗号化（パスワードや利用制限）のかかった PDF は公開できません。"
                "制限を外して保存し直してください。"
            ),
            "pdf-javascript": _("PDF に JavaScript が含まれています。取り除いてください。"),
            "pdf-launch": _(
                "PDF にほかのプログラムやファイルを開く動作（Launch）が含まれています。"
            ),
            "pdf-embedded-file": _("PDF にファイルが埋め込まれています。取り除いてください。"),
            "pdf-no-pages": _("PDF にページがありません。"),
        }
        message = messages.get(self.type)
        return message % values if message else ""

    def _warning_message(self, where: str) -> str:
        if self.type == "repaired-code":
            return _("「%(field)s」の「%(cell)s」を「%(fixed)s」に直しました。") % {
                "field": where,
                "cell": self.cell,
                "fixed": self.note,
            }
        if self.type == "swapped-coordinates":
            return _("緯度と経度が入れ替わっているようです。")
        if self.type == "excel-serial-date":
            return _("「%(field)s」の「%(cell)s」は Excel の日付の数値（%(date)s）のようです。") % {
                "field": where,
                "cell": self.cell,
                "date": self.note,
            }
        if self.type == "xlsx-formula" and not self.note:
            return _(
                "「%(field)s」のセルは数式「%(cell)s」です。保存された計算結果がないため、"
                "数式は実行せず、文字列として（先頭に ' を付けて）公開します。"
            ) % {"field": where, "cell": self.cell}
        if self.type == "xlsx-formula":
            return _(
                "「%(field)s」のセルは数式「%(cell)s」です。数式は実行せず、"
                "Excel が保存した値「%(value)s」を公開します。"
            ) % {"field": where, "cell": self.cell, "value": self.note}
        if self.type == "formula-cell":
            return _("「%(field)s」の値は表計算ソフトで数式として実行されるおそれがあります。") % {
                "field": where
            }
        return ""


# Where in a row each kind of error is reported, so reports read in a stable order.
PHASES = {
    "missing-label": -1,
    "type-error": 0,
    "constraint-error": 0,
    "municipality-code": 0,
    "missing-cell": 1,
    "extra-cell": 2,
    "unique-error": 3,
    "blank-row": 4,
    "primary-key": 5,
}


@dataclass
class Report:
    labels: list[str]
    row_count: int
    issues: list[Issue] = field(default_factory=list)
    error_count: int = 0

    @property
    def valid(self) -> bool:
        return self.error_count == 0
