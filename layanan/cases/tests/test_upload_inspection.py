"""What an upload must be to be kept: a PDF without scripts, launch actions or embedded
files that parses; a JPEG or PNG that decodes completely. Tried through the API and the
citizen's documents page, with files made here by pypdf and Pillow."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from layanan.cases.models import Application, Document, private_storage
from layanan.cases.tests.test_api import ApiTestCase
from layanan.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


def png_bytes(size: tuple[int, int] = (8, 6), colour: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (8, 6), colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def phone_portrait_bytes() -> bytes:
    """A JPEG with a second picture indexed in it (MPO), as some phone cameras save."""
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (8, 6), colour) for colour in ("teal", "gray")]
    frames[0].save(buffer, "MPO", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def pdf_bytes(change: Callable[[PdfWriter], None] | None = None) -> bytes:
    """A one-page PDF written by pypdf, changed by `change` before it is written."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def action(kind: str, **entries: str) -> DictionaryObject:
    result = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        result[NameObject(f"/{key}")] = TextStringObject(value)
    return result


def open_action_script(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = action("/JavaScript", JS="app.alert(1)")


def open_action_launch(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = action("/Launch", F="cmd.exe")


def embedded_file(writer: PdfWriter) -> None:
    writer.add_attachment("lampiran.exe", b"MZ\x90\x00 not a scan")


def document_script(writer: PdfWriter) -> None:
    """A script in the names tree, which a viewer runs when the document opens."""
    scripts = ArrayObject([TextStringObject("cetak"), action("/JavaScript", JS="this.print();")])
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): scripts})}
    )


def link_with_script(writer: PdfWriter) -> None:
    """A script deep in the graph: the action of a link annotation on the page."""
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 100, 40)]),
            NameObject("/A"): action("/JavaScript", JS="app.launchURL('x')"),
        }
    )
    writer.add_annotation(page_number=0, annotation=link)


def title_naming_javascript(writer: PdfWriter) -> None:
    """The words appear as text, not as a key: a byte search would refuse this file."""
    writer.add_metadata({"/Title": "Panduan /JavaScript /Launch /EmbeddedFiles"})


class PdfInspectionTests(ApiTestCase):
    def refused(self, content: bytes, name: str = "lahir.pdf") -> str:
        number = self.draft()
        response = self.upload(number, content=content, name=name)
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json()["code"], "invalid")
        self.assertFalse(Document.objects.exists())
        self.assertFalse(
            Application.objects.get(number=number).events.filter(kind="document_added").exists()
        )
        return str(response.json()["fields"]["file"][0])

    def test_javascript_run_on_opening_is_refused(self) -> None:
        self.assertEqual(
            self.refused(pdf_bytes(open_action_script)),
            "Berkas Surat keterangan lahir berisi JavaScript dan tidak dapat diterima",
        )

    def test_document_level_and_annotation_scripts_are_refused(self) -> None:
        for change in (document_script, link_with_script):
            with self.subTest(change.__name__):
                self.assertIn("berisi JavaScript", self.refused(pdf_bytes(change)))

    def test_a_launch_action_is_refused(self) -> None:
        self.assertEqual(
            self.refused(pdf_bytes(open_action_launch)),
            "Berkas Surat keterangan lahir menjalankan program lain saat dibuka "
            "dan tidak dapat diterima",
        )

    def test_an_embedded_file_is_refused(self) -> None:
        self.assertEqual(
            self.refused(pdf_bytes(embedded_file)),
            "Berkas Surat keterangan lahir memuat berkas lain di dalamnya dan tidak dapat diterima",
        )

    def test_a_pdf_that_does_not_parse_is_refused(self) -> None:
        for content in (
            b"%PDF-1.7\n<html><script>alert(1)</script></html>",
            pdf_bytes()[:200],
            b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
        ):
            with self.subTest(content=content[:30]):
                self.assertEqual(
                    self.refused(content),
                    "Berkas Surat keterangan lahir bukan PDF yang dapat dibaca; "
                    "simpan ulang sebagai PDF lalu unggah kembali",
                )

    def test_an_encrypted_pdf_is_refused(self) -> None:
        self.assertIn(
            "dilindungi kata sandi",
            self.refused(pdf_bytes(lambda writer: writer.encrypt("rahasia"))),
        )

    def test_a_clean_pdf_is_accepted_and_stored_with_its_extension(self) -> None:
        number = self.draft()
        content = pdf_bytes(title_naming_javascript)
        response = self.upload(number, content=content)
        self.assertEqual(response.status_code, 201, response.content)
        document = Document.objects.get()
        self.assertEqual(document.content_type, "application/pdf")
        self.assertTrue(document.file.name.endswith(f"/{document.sha256}.pdf"))
        with private_storage().open(document.file.name, "rb") as stored:
            self.assertEqual(stored.read(), content)

    def test_messages_follow_the_language_of_the_request(self) -> None:
        number = self.draft()
        response = self.call(
            "post",
            f"/api/v1/applications/{number}/documents",
            "siti",
            data={
                "requirement": "surat_lahir",
                "file": SimpleUploadedFile("lahir.pdf", pdf_bytes(open_action_script)),
            },
            headers={"Accept-Language": "en"},
        )
        self.assertEqual(
            response.json()["fields"]["file"],
            ["The file for Surat keterangan lahir contains JavaScript and cannot be accepted"],
        )


class ImageInspectionTests(BaseTestCase):
    """Through the citizen's documents page: the message stands next to the file field."""

    def setUp(self) -> None:
        self.login(self.siti)
        self.client.post("/layanan/akta-kelahiran/ajukan/")
        self.application = Application.objects.get(applicant=self.siti)
        self.url = f"/permohonan/{self.application.number}/dokumen/"

    def post(self, content: bytes, name: str) -> _MonkeyPatchedWSGIResponse:
        return self.client.post(
            self.url, {"requirement": "surat_lahir", "file": SimpleUploadedFile(name, content)}
        )

    def assert_refused(self, content: bytes, name: str) -> None:
        response = self.post(content, name)
        self.assertContains(
            response,
            "Berkas Surat keterangan lahir bukan gambar JPEG atau PNG yang dapat dibaca",
            status_code=400,
        )
        self.assertContains(response, 'class="govuk-error-message"', status_code=400)
        self.assertFalse(Document.objects.exists())

    def test_a_signature_followed_by_html_is_refused(self) -> None:
        page = b"<html><body><script>alert(document.cookie)</script></body></html>"
        self.assert_refused(b"\x89PNG\r\n\x1a\n" + page, "foto.png")
        self.assert_refused(b"\xff\xd8\xff\xe0" + page, "foto.jpg")

    def test_a_real_image_with_markup_after_it_is_refused(self) -> None:
        self.assert_refused(png_bytes() + b"<script>alert(1)</script>", "foto.png")
        self.assert_refused(jpeg_bytes() + b"<svg onload=alert(1)>", "foto.jpeg")

    def test_an_image_cut_short_is_refused(self) -> None:
        photo = jpeg_bytes((64, 64))
        self.assert_refused(photo[: len(photo) // 2], "foto.jpg")
        self.assert_refused(png_bytes((64, 64))[:-20], "foto.png")

    def test_an_image_with_too_many_pixels_is_refused(self) -> None:
        with self.settings(LAYANAN_MAX_IMAGE_PIXELS=1_000_000):
            response = self.post(png_bytes((2000, 1000)), "foto.png")
        self.assertContains(
            response,
            "Gambar Surat keterangan lahir terlalu besar: paling banyak 1 megapiksel",
            status_code=400,
        )
        self.assertFalse(Document.objects.exists())

    def test_real_images_are_accepted_and_keep_their_extension(self) -> None:
        for content, name, extension in (
            (png_bytes(), "foto.png", ".png"),
            (jpeg_bytes(), "FOTO.JPEG", ".jpg"),
            (phone_portrait_bytes(), "potret.jpg", ".jpg"),
        ):
            with self.subTest(name), self.captureOnCommitCallbacks(execute=True):
                response = self.post(content, name)
                self.assertRedirects(response, self.url)
                document = Document.objects.get(replaced=False)
                self.assertEqual(document.original_name, name)
                self.assertTrue(document.file.name.endswith(extension))
                self.assertTrue(private_storage().exists(document.file.name))
