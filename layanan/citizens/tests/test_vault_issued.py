"""Products issued by Layanan enter their applicant's vault by themselves, once, and leave it
when revoked. siti applies for a birth certificate; budi approves and signs for Disdukcapil."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.charters.actions import save_draft
from layanan.citizens import vault
from layanan.citizens.models import VaultDocument
from layanan.documents.tests.helpers import DocumentTestCase
from layanan.test import PDF, charter_content


class IssuedIntoTheVaultTests(DocumentTestCase):
    def test_a_signed_product_enters_the_vault_once(self) -> None:
        document = self.issued()
        self.assertEqual(vault.collect_issued(), 1)
        vault.run()  # a second pass, and the job running again, add nothing
        self.assertEqual(vault.collect_issued(), 0)
        kept = VaultDocument.objects.get(owner=self.siti)
        self.assertEqual(
            (kept.source, kept.issued_code, kept.type, kept.sha256),
            ("issued", document.code, "dokumen-layanan", document.sha256),
        )
        self.login(self.siti)
        page = self.client.get("/profil/dokumen/")
        self.assertContains(page, "Dokumen terbitan layanan")
        self.assertContains(page, "diterbitkan oleh layanan di Layanan")
        download = self.client.get(f"/profil/dokumen/{kept.pk}/unduh/")
        self.assertEqual(
            b"".join(download.streaming_content),  # type: ignore[attr-defined]
            self.download(document),
        )

    def test_the_charter_names_the_products_type_and_a_revoked_product_leaves(self) -> None:
        self.adopt(
            self.akta,
            charter_content(
                product={
                    "name": {"id": "Kutipan akta kelahiran", "en": "Birth certificate"},
                    "document_type": "akta-kelahiran",
                }
            ),
        )
        document = self.issued()
        vault.run()
        kept = VaultDocument.objects.get(owner=self.siti)
        self.assertEqual(kept.type, "akta-kelahiran")
        self.login(self.budi)
        self.client.post(f"/dokumen/{document.code}/cabut/", {"reason": "Salah ketik nama."})
        vault.run()
        self.assertFalse(VaultDocument.objects.filter(owner=self.siti).exists())

    def test_the_charter_reader_refuses_an_unknown_product_type(self) -> None:
        content = charter_content(product={"name": "Akta", "document_type": "akta"})
        _draft, problems = save_draft(service=self.akta, content=content, by=None)
        self.assertIn("product.document_type", [problem.path for problem in problems])

    def test_the_vault_limits_do_not_hold_back_an_issued_product(self) -> None:
        with self.settings(LAYANAN_MAX_VAULT_FILES=1):
            vault.add_document(owner=self.siti, type="kk", upload=SimpleUploadedFile("kk.pdf", PDF))
            self.issued()
            self.assertEqual(vault.collect_issued(), 1)
        self.assertEqual(VaultDocument.objects.filter(owner=self.siti).count(), 2)
