"""The receipt (受付票) as a PDF, in Japanese, from plain data.

ReportLab's built-in Japanese CID fonts (HeiseiKakuGo-W5, HeiseiMin-W3) live in every PDF
reader, so the PDF embeds no font file and the server needs none installed. Answers are
wrapped the Japanese way (between any two characters) and run over as many pages as needed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jichitai.core.japanese.era import format_japanese

GOTHIC = "HeiseiKakuGo-W5"
MINCHO = "HeiseiMin-W3"


@dataclass(frozen=True)
class ReceiptAnswer:
    label: str
    text: str


@dataclass(frozen=True)
class ReceiptSection:
    title: str
    answers: Sequence[ReceiptAnswer]


@dataclass(frozen=True)
class ReceiptData:
    """Everything the receipt shows, already in the words to print (Japanese)."""

    municipality: str
    procedure_title: str
    receipt_number: str
    submitted_at: dt.datetime  # local time (Asia/Tokyo)
    status: str
    applicant_name: str
    decided_on: dt.date | None = None
    sections: Sequence[ReceiptSection] = field(default_factory=tuple)


def japanese_datetime(moment: dt.datetime) -> str:
    """令和8年11月28日 14時05分."""
    return f"{format_japanese(moment.date())} {moment.hour}時{moment.minute:02d}分"


def _register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (GOTHIC, MINCHO):
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def _styles() -> dict[str, ParagraphStyle]:
    # wordWrap="CJK" breaks lines between any two characters, as Japanese text needs.
    base = ParagraphStyle("base", fontName=MINCHO, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "base": base,
        "municipality": ParagraphStyle("municipality", base, fontName=GOTHIC, fontSize=11),
        "title": ParagraphStyle(
            "title", base, fontName=GOTHIC, fontSize=20, leading=28, spaceBefore=4, spaceAfter=6
        ),
        "number_label": ParagraphStyle("number_label", base, fontName=GOTHIC, fontSize=10),
        "number": ParagraphStyle(
            "number", base, fontName=GOTHIC, fontSize=30, leading=38, spaceAfter=8
        ),
        "heading": ParagraphStyle(
            "heading", base, fontName=GOTHIC, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4
        ),
        "label": ParagraphStyle("label", base, fontName=GOTHIC, fontSize=9, leading=13),
        "note": ParagraphStyle("note", base, fontSize=8.5, leading=12, textColor=colors.grey),
    }


def _text(value: str) -> str:
    """Plain text as Paragraph markup: escaped, with line breaks kept."""
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


def _table(rows: list[list[Any]]) -> Table:
    # splitInRow lets one long answer run over onto the next page instead of failing.
    table = Table(rows, colWidths=[48 * mm, None], splitByRow=True, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f1f4")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def render_receipt(receipt: ReceiptData) -> bytes:
    """The receipt as PDF bytes (A4, as many pages as the answers need)."""
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"受付票 {receipt.receipt_number}",
        author=receipt.municipality,
        subject=receipt.procedure_title,
        lang="ja-JP",
        invariant=True,  # the same data gives the same bytes (no creation time or random id)
    )

    def paragraph(text: str, style: str) -> Paragraph:
        return Paragraph(_text(text), styles[style])

    def row(label: str, value: str) -> list[Any]:
        return [paragraph(label, "label"), paragraph(value or "—", "base")]

    story: list[Any] = [
        paragraph(receipt.municipality, "municipality"),
        paragraph("受付票", "title"),
        paragraph("受付番号", "number_label"),
        paragraph(receipt.receipt_number, "number"),
    ]
    overview = [
        row("手続き", receipt.procedure_title),
        row("申請者", receipt.applicant_name),
        row("申請日時", japanese_datetime(receipt.submitted_at)),
        row("状態", receipt.status),
    ]
    if receipt.decided_on is not None:
        overview.append(row("決定日", format_japanese(receipt.decided_on)))
    story.append(_table(overview))
    story.append(Spacer(1, 4 * mm))
    story.append(paragraph("申請内容", "heading"))
    for section in receipt.sections:
        story.append(paragraph(section.title, "heading"))
        if section.answers:
            story.append(_table([row(a.label, a.text) for a in section.answers]))
    story.append(Spacer(1, 6 * mm))
    story.append(
        paragraph(
            "この受付票は、申請を受け付けたことを示すものです。"
            "お問い合わせの際は、受付番号をお伝えください。",
            "note",
        )
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(GOTHIC, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(
            18 * mm, 10 * mm, f"{receipt.municipality}　受付番号 {receipt.receipt_number}"
        )
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{doc.page}ページ")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
