"""The issued document as a PDF (fpdf2, pure Python): the agency's header, the title, the
text from the charter's product component, and a QR code to the public verification page.

No Django here: everything printed comes in as a `Sheet`. The text is in Indonesian, the
language of an official letter, whatever the interface language of the person who applied.
The built-in PDF fonts cover Latin-1 only; other characters are written without their
accents (or as "?"), never dropped silently.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field

import segno
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter


@dataclass(frozen=True)
class Sheet:
    agency: str
    region: str
    title: str
    body: str
    code: str
    number: str
    issued_on: str  # e.g. "30 November 2026", in the agency's zone
    verify_url: str
    details: list[tuple[str, str]] = field(default_factory=list)


def latin1(text: str) -> str:
    """Text the core fonts can print: accents folded where Latin-1 lacks the letter."""
    folded = []
    for char in text:
        try:
            char.encode("latin-1")
            folded.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode()
            folded.append(base or "?")
    return "".join(folded)


def qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def render(sheet: Sheet) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(sheet.title))
    pdf.set_author(latin1(sheet.agency))
    pdf.set_subject(latin1(f"{sheet.title} {sheet.code}"))
    pdf.set_creator("Layanan")
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(width, 7, latin1(sheet.region.upper()), align="C", new_x="LMARGIN")
    pdf.multi_cell(width, 7, latin1(sheet.agency.upper()), align="C", new_x="LMARGIN")
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(8)

    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, latin1(sheet.title.upper()), align="C", new_x="LMARGIN")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(width, 6, latin1(f"Nomor dokumen: {sheet.code}"), align="C", new_x="LMARGIN")
    pdf.ln(8)

    pdf.set_font("Helvetica", "", 11)
    for paragraph in sheet.body.split("\n\n"):
        pdf.multi_cell(width, 6, latin1(paragraph.strip()), align="J", new_x="LMARGIN")
        pdf.ln(3)
    if sheet.details:
        pdf.ln(2)
        for label, value in sheet.details:
            pdf.set_font("Helvetica", "", 11)
            pdf.cell(55, 6, latin1(label))
            pdf.multi_cell(width - 55, 6, latin1(f": {value}"), new_x="LMARGIN")
    pdf.ln(10)

    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(
        width,
        6,
        latin1(f"Diterbitkan di {sheet.region}, {sheet.issued_on}\n{sheet.agency}"),
        new_x="LMARGIN",
    )
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(
        width,
        5,
        latin1(
            "Dokumen ini ditandatangani secara elektronik. Tanda tangan elektronik dapat "
            "diperiksa pada pembaca PDF; keaslian dan status dokumen dapat diperiksa "
            "dengan memindai kode QR atau membuka alamat di bawah."
        ),
        new_x="LMARGIN",
    )
    pdf.ln(4)
    if pdf.get_y() + 36 > pdf.h - pdf.b_margin:  # the QR code and its lines stay together
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(qr_png(sheet.verify_url), x=pdf.l_margin, y=top, w=32, h=32)
    pdf.set_xy(pdf.l_margin + 36, top + 8)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        width - 36,
        5,
        latin1(f"Verifikasi: {sheet.verify_url}\nKode verifikasi: {sheet.code}"),
        new_x="LMARGIN",
    )
    return bytes(pdf.output())


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content), strict=False).pages)


def with_attachment(cover: bytes, attachment: bytes) -> bytes:
    """The cover letter's pages, then every page of the attached file, as one PDF (signed as
    one afterwards, so neither can be swapped without breaking the signature)."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    writer.append(PdfReader(io.BytesIO(attachment), strict=False))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
