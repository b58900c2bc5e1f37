"""Documents as PDF (a loan's contract, a share certificate): the text set in Adobe's standard
Simplified Chinese font STSong-Light, which every PDF reader supplies (the PDF names it and
does not embed it), so Chinese needs no font file in puhui and a document stays small; Latin
letters and digits are in the same font. Built the same way each time (ReportLab's invariant
mode): the same records and language give the same bytes."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=22, alignment=1)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=11.5, leading=18, spaceBefore=8)
RIGHT = ParagraphStyle("right", parent=BODY, alignment=2)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=11, textColor=colors.grey)
_GRID: list[tuple] = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def pdf_table(rows: list[list[str]], widths: list[float], *, header: bool = True,
              totals: bool = False, numeric_from: int | None = None) -> Table:
    """A grid of wrapped cells (text escaped: a name may hold "<" or "&"), numbers right."""
    def cell(text: str, column: int) -> Paragraph:
        numeric = numeric_from is not None and column >= numeric_from
        return Paragraph(escape(text), RIGHT if numeric else BODY)

    style = list(_GRID)
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")))
    if totals:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#eef2f6")))
    table = Table([[cell(text, i) for i, text in enumerate(row)] for row in rows],
                  colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
    table.setStyle(TableStyle(style))
    return table


def pdf_built(story: list[Flowable], *, title: str, author: str) -> bytes:
    """The story on A4 pages, as bytes."""
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=title, author=author,
                      leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                      bottomMargin=16 * mm).build(story)
    return buffer.getvalue()
