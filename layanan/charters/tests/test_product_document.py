"""The product component's document text: a title and a body naming the application's facts."""

from django.test import SimpleTestCase
from django.utils import translation

from layanan.charters.spec import read_charter
from layanan.charters.tests.test_spec import UNITS, problems_of
from layanan.test import charter_content


def with_product(**document: str) -> dict:
    return charter_content(product={"name": "Kutipan akta kelahiran", **document})


class ProductDocumentTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_a_body_with_known_names_is_kept(self) -> None:
        body = "Anak bernama {nama_anak} dicatat; permohonan {nomor} oleh {pemohon}."
        content, problems = read_charter(
            with_product(title="Kutipan Akta Kelahiran", body=body), units=UNITS
        )
        self.assertEqual(problems, [])
        self.assertEqual(content["product"]["title"], "Kutipan Akta Kelahiran")
        self.assertEqual(content["product"]["body"], body)

    def test_without_them_the_product_reads_back_as_before(self) -> None:
        content, _problems = read_charter(charter_content(), units=UNITS)
        self.assertEqual(set(content["product"]), {"name", "description"})

    def test_an_unknown_name_is_refused_with_the_names_allowed(self) -> None:
        problems = problems_of(with_product(body="Untuk {nama_ayah} di {alamat}."))
        self.assertEqual(len(problems), 1)
        self.assertIn("product.body: unknown name(s) in braces: alamat, nama_ayah", problems[0])
        self.assertIn("nomor, layanan", problems[0])

    def test_unbalanced_braces_are_refused(self) -> None:
        problems = problems_of(with_product(body="Nomor {nomor"))
        self.assertIn("the braces do not match", problems[0])


class IssuedAsTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_a_file_made_elsewhere_is_declared(self) -> None:
        content, problems = read_charter(with_product(issued_as="both"), units=UNITS)
        self.assertEqual(problems, [])
        self.assertEqual(content["product"]["issued_as"], "both")

    def test_an_unknown_way_is_refused(self) -> None:
        problems = problems_of(with_product(issued_as="printed"))
        self.assertIn("product.issued_as: unknown value 'printed'", problems[0])
