"""Completing an application issues its product: the worker's pass prepares it and signs it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import stat
from pathlib import Path
from unittest import mock

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from layanan.cases import actions
from layanan.documents import issuing, keys, signing
from layanan.documents.actions import issue_document
from layanan.documents.models import IssuedDocument
from layanan.documents.tests.helpers import SIGNING_DIR, DocumentTestCase
from layanan.test import charter_content


class IssuingTests(DocumentTestCase):
    def test_completion_issues_a_signed_pdf_that_pyhanko_trusts_with_the_published_root(self):
        document = self.issued()
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.title, "Kutipan akta kelahiran")
        self.assertEqual(document.owner_initials, "S. R.")
        content = self.download(document)
        self.assertTrue(content.startswith(b"%PDF-"))
        self.assertEqual(hashlib.sha256(content).hexdigest(), document.sha256)
        # A standard PAdES validator, given only the root published on the site.
        _type, _headers, der = asn1_pem.unarmor(self.root_pem())
        context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
        signature = PdfFileReader(io.BytesIO(content)).embedded_signatures[0]
        status = validate_pdf_signature(signature, signer_validation_context=context)
        self.assertTrue(status.intact)
        self.assertTrue(status.valid)
        self.assertTrue(status.trusted)
        self.assertIn("Dinas Kependudukan", status.signing_cert.subject.human_friendly)

    def test_the_pdf_carries_the_code_and_the_verification_link(self):
        document = self.issued()
        text = PdfReader(io.BytesIO(self.download(document))).pages[0].extract_text()
        self.assertIn(document.code, text)
        self.assertIn(f"https://layanan.test/verifikasi/{document.code}/", text)
        self.assertIn("Siti Rahayu", text)

    def test_the_applicants_timeline_says_it_was_issued(self):
        document = self.issued()
        event = document.application.events.get(kind="document_issued")
        self.assertTrue(event.public)
        self.assertEqual(event.data["code"], document.code)
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{document.application.number}/")
        self.assertContains(page, f"/dokumen/{document.code}/unduh/")
        self.assertContains(page, "Kutipan akta kelahiran")

    def test_a_second_pass_issues_nothing_more(self):
        document = self.issued()
        issuing.run()
        self.assertEqual(IssuedDocument.objects.filter(application=document.application).count(), 1)
        self.assertEqual(document.application.events.filter(kind="document_issued").count(), 1)

    def test_a_rejected_application_gets_no_document(self):
        application = self.submitted()
        actions.act_on_step(
            application=application,
            step=application.steps.get(key="verifikasi"),
            officer=self.budi,
            action="reject",
            note="Surat palsu.",
        )
        issuing.run()
        self.assertFalse(IssuedDocument.objects.exists())

    def test_without_a_certificate_it_waits_and_is_signed_once_one_is_there(self):
        application = self.completed()
        missing = {"LAYANAN_SIGNING_P12_DISDUKCAPIL": os.path.join(SIGNING_DIR, "nope.p12")}
        with mock.patch.dict(os.environ, missing):
            issuing.run()
        document = IssuedDocument.objects.get(application=application)
        self.assertEqual(document.state, "pending")
        self.assertIn("no signing certificate", document.last_error)
        self.login(self.siti)
        waiting = self.client.get(f"/permohonan/{application.number}/produk/")
        self.assertContains(waiting, "sedang disiapkan", status_code=404)
        issuing.run()  # its retry is not due yet
        document.refresh_from_db()
        self.assertEqual(document.state, "pending")
        IssuedDocument.objects.filter(pk=document.pk).update(retry_at=None)
        issuing.run()
        document.refresh_from_db()
        self.assertEqual(document.state, "issued")
        ready = self.client.get(f"/permohonan/{application.number}/produk/")
        self.assertRedirects(
            ready, f"/dokumen/{document.code}/unduh/", fetch_redirect_response=False
        )

    def test_key_files_are_readable_by_the_owner_only(self):
        for name in os.listdir(SIGNING_DIR):
            if name.endswith((".p12", ".passphrase")):
                mode = stat.S_IMODE(os.stat(os.path.join(SIGNING_DIR, name)).st_mode)
                self.assertEqual(mode, 0o600, name)
        self.assertEqual(stat.S_IMODE(os.stat(SIGNING_DIR).st_mode) & 0o077, 0)

    def test_an_agency_certificate_can_come_from_a_pkcs12_file_named_in_the_environment(self):
        root = signing.make_root(common_name="Root BSrE uji", now=timezone.now())
        identity = signing.make_signing_certificate(
            root=root, common_name="Disdukcapil (BSrE)", organisation="Pemkab", now=timezone.now()
        )
        path = os.path.join(SIGNING_DIR, "elsewhere", "bsre.p12")
        signing.write_private(
            Path(path),
            signing.pkcs12_bytes(identity, passphrase=b"rahasia", friendly_name="x"),
        )
        environment = {
            "LAYANAN_SIGNING_P12_DISDUKCAPIL": path,
            "LAYANAN_SIGNING_PASSPHRASE_DISDUKCAPIL": "rahasia",
        }
        with mock.patch.dict(os.environ, environment):
            signer = keys.signer_for(self.disdukcapil)
        assert signer.signing_cert is not None
        self.assertEqual(signer.signing_cert.subject.native["common_name"], "Disdukcapil (BSrE)")


class CharterTextTests(DocumentTestCase):
    def test_the_charters_title_and_body_fill_in_the_applications_facts(self):
        self.adopt(
            self.akta,
            charter_content(
                product={
                    "name": "Kutipan akta kelahiran",
                    "title": "Kutipan Akta Kelahiran Anak",
                    "body": "Telah dicatat kelahiran anak {nama_anak} ({jenis_kelamin}), "
                    "permohonan {nomor}.",
                }
            ),
        )
        document = self.issued()
        self.assertEqual(document.title, "Kutipan Akta Kelahiran Anak")
        text = PdfReader(io.BytesIO(self.download(document))).pages[0].extract_text()
        self.assertIn("Telah dicatat kelahiran anak Putri (Perempuan)", text)
        self.assertIn(document.application.number, text)


class FailureTests(DocumentTestCase):
    def test_a_document_that_fails_to_sign_waits_and_the_others_are_signed(self):
        first = self.completed()
        second = self.completed(self.agus)
        with mock.patch(
            "layanan.documents.actions.pdf.render", side_effect=[RuntimeError("font"), b""]
        ):
            issuing.prepare_completed()
            pending = IssuedDocument.objects.get(application=first)
            self.assertEqual(issue_document(document_id=pending.pk), "retry")
        pending.refresh_from_db()
        self.assertEqual(pending.state, "pending")
        self.assertIn("RuntimeError: font", pending.last_error)
        issuing.run()  # the second is signed; the first waits for its retry
        self.assertEqual(IssuedDocument.objects.get(application=second).state, "issued")
        pending.refresh_from_db()
        self.assertEqual(pending.state, "pending")


class LongTextTests(DocumentTestCase):
    def test_a_long_body_flows_onto_more_pages_with_the_qr_block_whole(self):
        self.adopt(
            self.akta,
            charter_content(
                product={
                    "name": "Kutipan akta kelahiran",
                    "body": "\n\n".join(["Paragraf panjang {nomor}. " * 30] * 8),
                }
            ),
        )
        document = self.issued()
        pages = PdfReader(io.BytesIO(self.download(document))).pages
        self.assertGreater(len(pages), 1)
        self.assertIn(f"Kode verifikasi: {document.code}", pages[-1].extract_text())


class TwoWorkersTests(DocumentTestCase):
    def test_a_second_worker_does_not_claim_a_document_the_first_is_signing(self):
        application = self.completed()
        issuing.prepare_completed()
        document = IssuedDocument.objects.get(application=application)
        sign_pdf = signing.sign_pdf
        second: list[str] = []

        def meanwhile_a_second_worker(*args, **kwargs):
            second.append(issue_document(document_id=document.pk))
            return sign_pdf(*args, **kwargs)

        with mock.patch("layanan.documents.actions.signing.sign_pdf", meanwhile_a_second_worker):
            self.assertEqual(issue_document(document_id=document.pk), "issued")
        self.assertEqual(second, ["taken"])
        self.assertEqual(application.events.filter(kind="document_issued").count(), 1)
        document.refresh_from_db()
        self.assertEqual(hashlib.sha256(self.download(document)).hexdigest(), document.sha256)

    def test_a_worker_whose_lease_ran_out_neither_issues_nor_removes_the_winners_file(self):
        application = self.completed()
        issuing.prepare_completed()
        document = IssuedDocument.objects.get(application=application)
        later = timezone.now() + dt.timedelta(hours=1)  # past the first worker's lease
        sign_pdf = signing.sign_pdf

        def slow_first_worker(*args, **kwargs):
            # the first worker's lease ran out; another claimed the document and signed it
            with mock.patch("layanan.documents.actions.signing.sign_pdf", sign_pdf):
                self.assertEqual(issue_document(document_id=document.pk, at=later), "issued")
            winner = IssuedDocument.objects.get(pk=document.pk)
            with winner.file.open("rb") as handle:
                return handle.read()  # the same bytes, so the same file name

        with (
            mock.patch("layanan.documents.actions.signing.sign_pdf", slow_first_worker),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.assertEqual(issue_document(document_id=document.pk), "taken")
        document.refresh_from_db()
        self.assertEqual(application.events.filter(kind="document_issued").count(), 1)
        self.assertEqual(hashlib.sha256(self.download(document)).hexdigest(), document.sha256)

    def test_a_lost_file_is_404_not_an_error(self):
        document = self.issued()
        document.file.storage.delete(document.file.name)
        self.login(self.siti)
        self.assertEqual(self.client.get(f"/dokumen/{document.code}/unduh/").status_code, 404)
        bearer = {"Authorization": f"Bearer {self.token('siti')}"}
        response = self.client.get(f"/api/v1/documents/{document.code}/file", headers=bearer)
        self.assertEqual(response.status_code, 404)
