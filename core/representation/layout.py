"""Where things go on the page: A4 portrait, fpdf2's core fonts, the QR as vector squares.

Every page repeats the header (logo, issuer, document title and number, the environment mark)
and the footer (software line, "Página X de Y"); the first page adds the counterparty, the
resolution or the corrected document and the payment terms; the lines table flows over as many
pages as it needs, its column titles repeated; the closing block (taxes, withholdings, totals,
the amount in words, CUFE/CUDE and QR) follows the last line. The text comes from
``core.representation.content``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.util import escape_parens

from core.representation import content
from core.representation.content import Representation
from core.representation.qr import qr_modules

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 10.0
BODY_W = PAGE_W - 2 * MARGIN
FOOTER_H = 14.0  # the footer and the gap above it
BODY_BOTTOM = PAGE_H - FOOTER_H
LINE_H = 3.4
PAD = 1.0  # text inset from a table cell's side
ROW_H = 4.5  # a row of the tax and totals tables
QR_SIZE = 36.0
FONT = "helvetica"
CODE_FONT = "courier"
RED = (170, 20, 20)
SHADE = 230
DARK_RUN = re.compile(b"\x01+")  # a run of dark modules in a row of the QR
MODULE_COUNTS = tuple(str(n) for n in range(178))  # "0" to "177", a version 40 QR's width

# The lines table: (title, width mm, alignment)
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("#", 7, "C"),
    ("Código", 20, "L"),
    ("Descripción", 57, "L"),
    ("Cant.", 13, "R"),
    ("Unidad", 16, "L"),
    ("Vr. unitario", 21, "R"),
    ("Dcto.", 16, "R"),
    ("Impuestos", 19, "L"),
    ("Total", 21, "R"),
)
DESCRIPTION = 2  # the column that wraps
TAX_COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("Tributo", 45, "L"),
    ("Tarifa", 20, "R"),
    ("Base", 25, "R"),
    ("Valor", 25, "R"),
)


def latin1(text: str) -> str:
    """The core fonts speak Latin-1 (every Spanish letter); anything else prints as ``?``."""
    return text.encode("latin-1", "replace").decode("latin-1")


class Sheet(FPDF):
    """An fpdf2 document whose header and footer are those of one representation."""

    def __init__(self, rep: Representation) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.rep = rep
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.alias_nb_pages("{nb}")
        self.set_creation_date(rep.issued_at)
        self.set_title(latin1(f"{rep.title} {rep.number}"))
        self.set_author(latin1(rep.issuer.name))
        self.set_creator("Pasarela")
        self.set_lang("es-CO")

    def text_line(self, text: str, *, w: float = 0, size: float = 7, style: str = "") -> None:
        """One paragraph at the cursor, wrapped to ``w`` (0: to the right margin)."""
        self.set_font(FONT, style, size)
        self.paragraph(w or PAGE_W - MARGIN - self.get_x(), LINE_H, latin1(text))
        self.set_x(MARGIN)

    def paragraph(self, w: float, h: float, text: str, align: str = "L") -> None:
        """``text`` from the cursor, wrapped to ``w``; the cursor ends below it, at the same x."""
        x, y = self.get_x(), self.get_y()
        lines = self.wrap(text, w - 2 * PAD)
        for row, line in enumerate(lines):
            self.put(x, y + row * h, w, line, align, h)
        self.set_xy(x, y + len(lines) * h)

    def put(
        self, x: float, top: float, width: float, text: str, align: str = "L", h: float = LINE_H
    ) -> None:
        """One line of text in a box ``width`` wide and ``h`` high whose top is ``top``.

        The text operators are written directly, as fpdf2's ``text`` would write them but
        without its per-call checks and state copies: a page holds hundreds of short texts,
        and those checks cost more than the rest of the page. The baseline centres the
        current font's capitals in the box; ``text`` must already be Latin-1."""
        if align == "L":
            left = x + PAD
        else:
            used = self.width(text)
            left = x + width - PAD - used if align == "R" else x + (width - used) / 2
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        k = self.k
        op = (
            f"BT {left * k:.2f} {(self.h - top - h / 2 - self.font_size * 0.35) * k:.2f} Td "
            f"({escape_parens(text)}) Tj ET"
        )
        if self.fill_color != self.text_color:
            op = f"q {self.text_color.serialize().lower()} {op} Q"
        self._out(op)

    def width(self, text: str) -> float:
        """``get_string_width`` of ``text`` in the current core font: the sum of its letters'
        widths (the core fonts have no kerning), read from the font's own width table."""
        widths = self.current_font.cw
        return sum(map(widths.__getitem__, text)) * self.font_size_pt * 0.001 / self.k

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` in lines no wider than ``width``, broken between words (a word wider than
        the line, such as a CUFE or a URL, is broken between characters)."""
        if self.width(text) <= width:
            return [text]
        space = self.width(" ")
        lines: list[str] = []
        current, used = "", 0.0
        for word in text.split(" "):
            size = self.width(word)
            if current and used + space + size <= width:
                current, used = f"{current} {word}", used + space + size
                continue
            if current:
                lines.append(current)
            current, used = "", 0.0
            for char in word if size > width else (word,):
                size = self.width(char)
                if current and used + size > width:
                    lines.append(current)
                    current, used = "", 0.0
                current, used = current + char, used + size
        lines.append(current)
        return lines

    def header(self) -> None:
        rep = self.rep
        top = MARGIN
        left = MARGIN
        if rep.logo:
            self.image(io.BytesIO(rep.logo), x=MARGIN, y=top, w=30, h=20, keep_aspect_ratio=True)
            left += 33
        self.set_xy(left, top)
        self.set_font(FONT, "B", 10)
        self.paragraph(125 - left, 4.5, latin1(rep.issuer.name))
        self.set_font(FONT, "", 7)
        for line in content.party_lines(rep.issuer)[1:]:
            self.paragraph(125 - left, LINE_H, latin1(line))
        issuer_bottom = max(self.get_y(), top + (21 if rep.logo else 0))
        box_x, box_w = 135.0, PAGE_W - MARGIN - 135.0
        self.set_xy(box_x, top)
        self.set_font(FONT, "B", 9)
        self.paragraph(box_w, 4.2, latin1(rep.title), align="C")
        self.set_font(FONT, "B", 11)
        self.paragraph(box_w, 6, latin1(f"No. {rep.number}"), align="C")
        self.set_font(FONT, "", 7)
        self.paragraph(box_w, LINE_H, latin1(content.issued(rep)), align="C")
        self.rect(box_x, top, box_w, self.get_y() - top + 1)
        bottom = max(issuer_bottom, self.get_y() + 1) + 1.5
        mark = content.environment_mark(rep)
        if mark:
            self.set_xy(MARGIN, bottom)
            self.set_text_color(*RED)
            self.set_font(FONT, "B", 9)
            self.paragraph(BODY_W, 5, latin1(mark), align="C")
            self.set_text_color(0)
            bottom = self.get_y()
        self.line(MARGIN, bottom + 0.5, PAGE_W - MARGIN, bottom + 0.5)
        self.set_xy(MARGIN, bottom + 2)

    def footer(self) -> None:
        self.set_xy(MARGIN, PAGE_H - FOOTER_H + 4)
        self.line(MARGIN, self.get_y() - 1, PAGE_W - MARGIN, self.get_y() - 1)
        self.set_font(FONT, "", 6.5)
        top = self.get_y()
        self.put(MARGIN - PAD, top, BODY_W - 30, latin1(content.software_line(self.rep)))
        self.set_xy(PAGE_W - MARGIN - 30, top)  # a cell: fpdf2 fills in "{nb}" only there
        self.cell(30, LINE_H, f"Página {self.page_no()} de {{nb}}", align="R")


def draw(rep: Representation) -> bytes:
    """The whole PDF of ``rep``."""
    sheet = Sheet(rep)
    sheet.add_page()
    _first_page_blocks(sheet, rep)
    _lines(sheet, rep)
    _closing(sheet, rep)
    return bytes(sheet.output())


def _first_page_blocks(sheet: Sheet, rep: Representation) -> None:
    if rep.document.header_note:
        sheet.text_line(rep.document.header_note)
        sheet.ln(1)
    sheet.text_line(rep.counterparty_title, size=8, style="B")
    for line in content.party_lines(rep.counterparty):
        sheet.text_line(line)
    sheet.ln(1)
    for text in (
        content.resolution(rep),
        *content.reference(rep),
        *content.transmitted(rep),
        content.payment(rep),
        *content.foreign_trade(rep),
        content.point_of_sale(rep),
    ):
        if text:
            sheet.text_line(text)
    sheet.ln(2)


def _table_header(sheet: Sheet, columns: Sequence[tuple[str, float, str]]) -> None:
    sheet.set_font(FONT, "B", 7)
    sheet.set_fill_color(SHADE)
    top, x = sheet.get_y(), MARGIN
    sheet.rect(MARGIN, top, sum(width for _, width, _ in columns), ROW_H, style="DF")
    sheet.set_fill_color(0)  # text is filled too: black again, or every text saves and restores
    for title, width, align in columns:
        sheet.put(x, top, width, latin1(title), align, ROW_H)
        x += width
    sheet.set_xy(MARGIN, top + ROW_H)


def _lines(sheet: Sheet, rep: Representation) -> None:
    _table_header(sheet, COLUMNS)
    sheet.set_font(FONT, "", 7)
    for index, line in enumerate(rep.document.lines):
        cells = [latin1(text) for text in content.line_cells(index, line, rep)]
        wrapped = sheet.wrap(cells[DESCRIPTION], COLUMNS[DESCRIPTION][1] - 2 * PAD)
        height = LINE_H * max(1, len(wrapped)) + 0.8
        if sheet.get_y() + height > BODY_BOTTOM:
            sheet.add_page()
            _table_header(sheet, COLUMNS)
            sheet.set_font(FONT, "", 7)
        top = sheet.get_y() + 0.4
        x = MARGIN
        for column, (text, (_, width, align)) in enumerate(zip(cells, COLUMNS, strict=True)):
            if column == DESCRIPTION:
                for row, part in enumerate(wrapped):
                    sheet.put(x, top + row * LINE_H, width, part)
            else:
                sheet.put(x, top, width, _fit(sheet, text, width), align)
            x += width
        bottom = top - 0.4 + height
        sheet.line(MARGIN, bottom, PAGE_W - MARGIN, bottom)
        sheet.set_xy(MARGIN, bottom)
    sheet.ln(2)


def _fit(sheet: Sheet, text: str, width: float) -> str:
    """Cut a cell's text to its column (codes and units are short; a long one is shortened)."""
    if sheet.width(text) <= width - 2 * PAD:
        return text
    while text and sheet.width(text + "...") > width - 2 * PAD:
        text = text[:-1]
    return text + "..."


def _closing(sheet: Sheet, rep: Representation) -> None:
    taxes = content.tax_rows(rep.totals.tax_totals)
    withholdings = content.tax_rows(rep.totals.withholding_totals)
    totals = content.total_rows(rep)
    left_h = (len(taxes) + 2) * ROW_H + ((len(withholdings) + 2) * ROW_H if withholdings else 0)
    needed = max(left_h, len(totals) * ROW_H) + QR_SIZE + 26
    if sheet.get_y() + needed > BODY_BOTTOM:
        sheet.add_page()
    top = sheet.get_y()
    sheet.text_line("Impuestos", size=7.5, style="B", w=115)
    _tax_table(sheet, taxes)
    if withholdings:
        sheet.text_line("Retenciones", size=7.5, style="B", w=115)
        _tax_table(sheet, withholdings)
    left_bottom = sheet.get_y()
    box_x, label_w, value_w = 135.0, 35.0, 30.0
    sheet.set_xy(box_x, top)
    for row, (label, value) in enumerate(totals):
        sheet.set_font(FONT, "B" if label == "TOTAL" else "", 7.5)
        row_top = top + row * ROW_H
        sheet.rect(box_x, row_top, label_w, ROW_H)
        sheet.rect(box_x + label_w, row_top, value_w, ROW_H)
        sheet.put(box_x, row_top, label_w, latin1(label), h=ROW_H)
        sheet.put(box_x + label_w, row_top, value_w, value, "R", ROW_H)
    sheet.set_y(top + len(totals) * ROW_H)
    sheet.set_xy(MARGIN, max(left_bottom, sheet.get_y()) + 2)
    sheet.text_line(content.in_words(rep), size=7.5, style="B")
    if rep.document.notes:
        sheet.text_line("Observaciones: " + " ".join(rep.document.notes))
    if rep.document.footer_note:
        sheet.text_line(rep.document.footer_note)
    sheet.ln(2)
    qr_top = sheet.get_y()
    _qr(sheet, rep.qr(), MARGIN, qr_top)
    text_x = MARGIN + QR_SIZE + 4
    sheet.set_xy(text_x, qr_top)
    sheet.set_font(FONT, "B", 8)
    sheet.paragraph(30, 4, f"{rep.document_type.unique_code}:")
    sheet.set_font(CODE_FONT, "", 7)
    sheet.paragraph(PAGE_W - MARGIN - text_x, LINE_H, latin1(rep.unique_code))
    sheet.set_font(FONT, "", 7)
    for text in (content.issued(rep), f"Consulte el documento en: {rep.qr_url}"):
        sheet.paragraph(PAGE_W - MARGIN - text_x, LINE_H, latin1(text))


def _tax_table(sheet: Sheet, rows: list[list[str]]) -> None:
    _table_header(sheet, TAX_COLUMNS)
    sheet.set_font(FONT, "", 7)
    for row in rows or [["Sin tributos", "", "", ""]]:
        top, x = sheet.get_y(), MARGIN
        for text, (_, width, align) in zip(row, TAX_COLUMNS, strict=True):
            sheet.rect(x, top, width, ROW_H)
            sheet.put(x, top, width, latin1(text), align, ROW_H)
            x += width
        sheet.set_xy(MARGIN, top + ROW_H)


def _qr(sheet: Sheet, text: str, x: float, y: float) -> None:
    """The QR as one filled path, each run of dark modules in a row one rectangle.

    The rectangles are written as raw path operators in module units (a ``cm`` scales them to
    the QR's size and place), their numbers looked up instead of formatted: a QR has over a
    thousand runs, and fpdf2's ``rect``, or even formatting millimetres for each, costs more
    than the rest of a page.
    """
    modules = qr_modules(text)
    size = QR_SIZE / len(modules) * sheet.k
    ops = [f"q 0 g {size:.4f} 0 0 {size:.4f} {x * sheet.k:.3f} {(sheet.h - y) * sheet.k:.3f} cm"]
    for row_index, row in enumerate(modules):
        bottom = f" {-row_index - 1} "
        for run in DARK_RUN.finditer(row):
            start, end = run.span()
            ops.append(f"{MODULE_COUNTS[start]}{bottom}{MODULE_COUNTS[end - start]} 1 re")
    ops.append("f Q")
    sheet._out("\n".join(ops))
