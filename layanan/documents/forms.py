from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.documents import codes


class CodeForm(forms.Form):
    use_required_attribute = False
    kode = forms.CharField(
        label=gettext_lazy("Verification code"),
        help_text=gettext_lazy("Printed under the QR code, for example 7KQ4-M9TX-4CHP"),
        max_length=40,
        strip=True,
        error_messages={"required": gettext_lazy("Enter the verification code")},
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "spellcheck": "false", "autocomplete": "off"}
        ),
    )

    def clean_kode(self) -> str:
        code = codes.canonical(self.cleaned_data["kode"])
        if code is None:
            raise forms.ValidationError(
                _("A verification code has 12 letters and digits, for example 7KQ4-M9TX-4CHP")
            )
        return code


def read_pdf_upload(upload: UploadedFile) -> bytes:
    """The bytes of an uploaded PDF, or ValidationError (too large, not a PDF)."""
    if upload.size is not None and upload.size > settings.LAYANAN_MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)d MB")
            % {"mb": settings.LAYANAN_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    content = upload.read()
    if not content.startswith(b"%PDF-"):
        raise forms.ValidationError(_("Choose the PDF file of the document"))
    return content


class FileForm(forms.Form):
    use_required_attribute = False
    berkas = forms.FileField(
        label=gettext_lazy("The document's PDF file"),
        help_text=gettext_lazy("It is compared with the file that was issued, byte for byte."),
        error_messages={"required": gettext_lazy("Choose the PDF file of the document")},
    )

    def clean_berkas(self) -> bytes:
        return read_pdf_upload(self.cleaned_data["berkas"])


class RevokeForm(forms.Form):
    use_required_attribute = False
    reason = forms.CharField(
        label=gettext_lazy("Reason for revoking"),
        help_text=gettext_lazy("The applicant sees it in their application's timeline."),
        max_length=1000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Give the reason for revoking.")},
    )


class ProductFileForm(forms.Form):
    use_required_attribute = False
    file = forms.FileField(
        label=gettext_lazy("The signed-off file (PDF)"),
        help_text=gettext_lazy(
            "It is signed electronically by the agency together with its cover letter, and "
            "cannot be changed afterwards."
        ),
        error_messages={"required": gettext_lazy("Choose the PDF file of the document")},
    )
