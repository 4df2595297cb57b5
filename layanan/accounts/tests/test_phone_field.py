"""PhoneField: every writing of a number cleans to one E.164 form, is shown back as people
write it, and each way of getting it wrong has a message that names the field."""

from __future__ import annotations

from django import forms
from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from layanan.accounts.fields import PhoneField, PhoneInput, in_sentence


class ContactForm(forms.Form):
    phone = PhoneField(label="Nomor HP pemohon", required=True)
    other = PhoneField(label="Other", what="your mobile number", required=False)


def errors_for(value: str) -> list[str]:
    with translation.override("id"):
        form = ContactForm(data={"phone": value})
        form.is_valid()
        return [str(message) for message in form.errors.get("phone", [])]


# mobile numbers: 8 then 8 to 11 more digits (9 to 12 after +62)
mobiles = st.text(alphabet="0123456789", min_size=8, max_size=11).map(lambda rest: "8" + rest)


class PhoneFieldTests(SimpleTestCase):
    def test_each_problem_has_its_own_message_naming_the_field(self) -> None:
        length = "Masukkan nomor HP pemohon dengan 10 sampai 13 angka, seperti 0812 3456 7890"
        cases = {
            "": "Masukkan nomor HP pemohon",
            "0812 abcd 7890": (
                "Masukkan nomor HP pemohon hanya dengan angka, spasi, tanda hubung, dan tanda "
                "kurung, seperti 0812 3456 7890"
            ),
            "+1 202 555 0100": (
                "Masukkan nomor HP pemohon berupa nomor Indonesia, diawali 0 atau +62"
            ),
            "712345678": "Masukkan nomor HP pemohon diawali 0 atau +62, seperti 0812 3456 7890",
            "0812 3456": length,
            "0" * 41: length,
        }
        for value, message in cases.items():
            with self.subTest(value=value):
                self.assertEqual(errors_for(value), [message])

    def test_what_names_the_field_when_given(self) -> None:
        with translation.override("en"):
            form = ContactForm(data={"phone": "0812 3456 7890", "other": "0812"})
            self.assertFalse(form.is_valid())
            self.assertEqual(
                form.errors["other"],
                ["Enter your mobile number with 10 to 13 digits, like 0812 3456 7890"],
            )

    def test_an_empty_optional_field_is_empty(self) -> None:
        form = ContactForm(data={"phone": "0812 3456 7890", "other": " "})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data, {"phone": "+6281234567890", "other": ""})

    def test_the_widget_shows_a_stored_number_as_people_write_it(self) -> None:
        html = ContactForm(initial={"phone": "+6281234567890"})["phone"].as_widget()
        self.assertIn('value="0812-3456-7890"', html)
        self.assertIn('type="tel"', html)
        self.assertIn('autocomplete="tel"', html)
        # what somebody typed wrongly comes back as typed
        self.assertEqual(PhoneInput().format_value("0812 abc"), "0812 abc")

    def test_labels_in_a_sentence_keep_abbreviations(self) -> None:
        self.assertEqual(in_sentence("Nomor HP pemohon"), "nomor HP pemohon")
        self.assertEqual(in_sentence("HP pemohon"), "HP pemohon")
        self.assertEqual(in_sentence("Phone"), "phone")

    @given(mobiles, st.sampled_from(["0{}", "+62{}", "62{}", "+62 {}", "(0{})", "0062{}"]))
    def test_every_writing_cleans_to_one_number_and_shows_back_the_same(
        self, national_digits: str, writing: str
    ) -> None:
        grouped = " ".join(national_digits[i : i + 4] for i in range(0, len(national_digits), 4))
        field = PhoneField(label="Phone")
        e164 = field.clean(writing.format(grouped))
        self.assertEqual(e164, "+62" + national_digits)
        shown = PhoneInput().format_value(e164)
        assert shown is not None
        self.assertEqual(field.clean(shown), e164)
