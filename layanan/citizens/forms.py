from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.accounts.fields import NIK_MESSAGES, NikField, PhoneField
from layanan.accounts.forms import NewPasswordTwiceForm
from layanan.accounts.identifiers import email_taken, phone_taken
from layanan.accounts.models import User
from layanan.citizens.actions_channels import channel_problems
from layanan.lib.display import date_in_words
from layanan.lib.kk import KkError, RegionCodeError, normalise_region_code, parse_kk
from layanan.lib.nik import NikError, looks_like_nik, parse_nik
from layanan.lib.phone import try_normalise

CHANNEL_CHOICES = [("whatsapp", _("WhatsApp")), ("sms", _("SMS")), ("email", _("Email"))]
LANGUAGE_CHOICES = [("id", "Bahasa Indonesia"), ("en", "English")]


class ProfileFields(forms.Form):
    """What a citizen tells about themselves; every message names its field."""

    use_required_attribute = False
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Enter your full name"),
            "max_length": _("Full name must be 200 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    nik = NikField(
        label=_("NIK"),
        required=False,
        help_text=_("16 digits, on your KTP or family card. It is checked for form only."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Enter an email address in the correct format, like nama@contoh.id"),
            "max_length": _("Email address must be 254 characters or fewer"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = PhoneField(
        label=_("Mobile number"),
        what=_("your mobile number"),
        required=False,
        help_text=_("For example 0812 3456 7890."),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Address must be 500 characters or fewer")},
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    user: User | None = None
    # The profile says when another account has the address or number; sign-up must not
    # (anyone could ask it who has an account), and tells the owner by mail instead.
    says_when_taken = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, phone = data.get("email", ""), data.get("phone", "")
        if (
            not email
            and not phone
            and not self.errors.get("email")
            and not self.errors.get("phone")
        ):
            self.add_error("email", _("Enter an email address or a mobile number (or both)"))
        if not self.says_when_taken:
            return data
        if email and email_taken(email, exclude=self.user):
            self.add_error(
                "email",
                _("An account already uses this email address: sign in, or enter another address"),
            )
        if phone and phone_taken(phone, exclude=self.user):
            self.add_error(
                "phone",
                _("An account already uses this mobile number: sign in, or enter another number"),
            )
        return data


# Each lib.kk error, said next to its field.
KK_MESSAGES = {
    "length": _("A family card number has exactly 16 digits, like 3374 0112 0318 0042"),
    "digits": _("A family card number has exactly 16 digits, like 3374 0112 0318 0042"),
    "province": _("The first two digits of this family card number are not a province code"),
    "regency": _("Digits 3–4 of this family card number are not a regency or city code"),
    "district": _("Digits 5–6 of this family card number are not a district code"),
    "date": _(
        "Digits 7–12 of this family card number are not a valid date of issue (day, month, year)"
    ),
    "serial": _("The last four digits of this family card number cannot be 0000"),
}
REGION_MESSAGES = {
    "form": _("Enter the region code as 10 digits, like 33.74.01.1001"),
    "province": _("The first part of this region code is not a province code"),
    "regency": _(
        "The second part of this region code is not a regency (01–69) or city (71–99) code"
    ),
    "district": _("The third part of this region code is not a district code (01–99)"),
    "village": _(
        "The last part of this region code is not a village or urban ward code "
        "(1001–1999 or 2001–2999)"
    ),
}


class ProfileForm(ProfileFields):
    """The whole profile (/profil/ and `PATCH /api/v1/me`): what sign-up asks, and what the
    application forms may be pre-filled with (lib.personal_data.PROFILE_ATTRIBUTES)."""

    kk_number = forms.CharField(
        label=_("Family card (KK) number"),
        required=False,
        max_length=24,
        help_text=_("16 digits, at the top of your family card."),
        error_messages={"max_length": KK_MESSAGES["length"]},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    birth_place = forms.CharField(
        label=_("Place of birth"),
        required=False,
        max_length=100,
        help_text=_("As on your KTP, for example Semarang."),
        error_messages={"max_length": _("Place of birth must be 100 characters or fewer")},
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter your date of birth as a real date")},
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    region_code = forms.CharField(
        label=_("Region code of your village or urban ward"),
        required=False,
        max_length=20,
        help_text=_(
            "The Kemendagri code, with or without dots, for example 33.74.01.1001 "
            "(province, regency or city, district, village)."
        ),
        error_messages={"max_length": REGION_MESSAGES["form"]},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    field_order = [
        "full_name",
        "nik",
        "kk_number",
        "birth_place",
        "birth_date",
        "address",
        "region_code",
        "phone",
        "email",
    ]

    def clean_kk_number(self) -> str:
        text = self.cleaned_data["kk_number"].strip()
        if not text:
            return ""
        try:
            return parse_kk(text, today=timezone.localdate()).number
        except KkError as problem:
            raise forms.ValidationError(KK_MESSAGES[problem.code], code="kk") from None

    def clean_region_code(self) -> str:
        text = self.cleaned_data["region_code"].strip()
        if not text:
            return ""
        try:
            return normalise_region_code(text)
        except RegionCodeError as problem:
            raise forms.ValidationError(REGION_MESSAGES[problem.code], code="region") from None

    def clean_birth_date(self) -> Any:
        born = self.cleaned_data["birth_date"]
        if born is not None and born > timezone.localdate():
            raise forms.ValidationError(_("Date of birth must be today or earlier"), code="future")
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        nik, born = data.get("nik"), data.get("birth_date")
        # The NIK carries the date of birth (digits 7–12): when they disagree one of them was
        # mistyped, and an application pre-filled with both would be refused or, worse,
        # processed with the wrong one. So it is an error, said on the date and naming both.
        if nik and born and "birth_date" not in self.errors:
            encoded = parse_nik(nik, today=timezone.localdate()).birth_date
            # Compared without the century, which a NIK does not carry (someone of 100 or
            # more is read a century too young).
            if (encoded.day, encoded.month, encoded.year % 100) != (
                born.day,
                born.month,
                born.year % 100,
            ):
                self.add_error(
                    "birth_date",
                    forms.ValidationError(
                        _(
                            "Your NIK gives %(date)s as your date of birth: check the date "
                            "of birth and the NIK, one of them is probably mistyped"
                        )
                        % {"date": date_in_words(encoded)},
                        code="nik_mismatch",
                    ),
                )
        return data


class SignUpForm(ProfileFields):
    says_when_taken = False

    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        error_messages={"required": _("Enter a password")},
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        error_messages={"required": _("Enter the password again")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            candidate = User(
                username=data.get("email") or data.get("phone") or "",
                email=data.get("email", ""),
                full_name=data.get("full_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as problems:
                self.add_error("password1", problems)
        return data


class CounterForm(forms.Form):
    """What a front-office officer asks a walk-in citizen before filing for them."""

    use_required_attribute = False
    service = forms.ChoiceField(
        label=_("Service"),
        error_messages={
            "required": _("Select the service the citizen applies for"),
            "invalid_choice": _("Select the service the citizen applies for"),
        },
    )
    contact = forms.CharField(
        label=_("Citizen's email address or mobile phone number"),
        max_length=254,
        help_text=_(
            "Used to find their account, or to make one for them. A phone number may be "
            "written any usual way, such as 0812 3456 7890 or +62 812 3456 7890. An account "
            "can also be found by the 16-digit NIK on the citizen's KTP-el."
        ),
        error_messages={
            "required": _("Enter the citizen's email address or mobile phone number"),
            "max_length": _("The citizen's email address must be 254 characters or fewer"),
        },
    )
    full_name = forms.CharField(
        label=_("Full name (for a new account)"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Full name must be 200 characters or fewer")},
    )
    nik = NikField(label=_("NIK (for a new account)"), required=False)
    phone = PhoneField(
        label=_("Mobile number (for a new account made with an email address)"),
        what=_("the citizen's mobile number"),
        required=False,
        help_text=_(
            "For messages by WhatsApp or SMS, and to reset the password by phone. An existing "
            "account's number is changed only by the citizen, in their profile."
        ),
    )
    channels = forms.MultipleChoiceField(
        label=_("Messages to the citizen by"),
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose with the citizen. WhatsApp and SMS go to the mobile number of their "
            "account, email to its address. Tick none to keep their current choice (a new "
            "account gets email, or SMS when it has only a phone number)."
        ),
        error_messages={"invalid_choice": _("Choose WhatsApp, SMS or email")},
    )
    language = forms.ChoiceField(
        label=_("Language of the citizen's messages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Leave it unchosen to keep the current language."),
        error_messages={"invalid_choice": _("Choose Bahasa Indonesia or English")},
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].hide_optional = True  # type: ignore[attr-defined]
        self.fields["service"].choices = [("", _("Choose a service")), *services]  # type: ignore[attr-defined]

    def clean_contact(self) -> str:
        contact = self.cleaned_data["contact"].strip()
        if "@" in contact:
            try:
                forms.EmailField().clean(contact)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Enter the citizen's email address in the right form, like nama@contoh.id"),
                    code="email",
                ) from None
            return contact.lower()
        if looks_like_nik(contact):
            # Found by the keyed hash of the NIK (citizens.access.citizens_with_nik).
            try:
                return parse_nik(contact, today=timezone.localdate()).number
            except NikError as problem:
                raise forms.ValidationError(
                    NIK_MESSAGES.get(problem.code, NIK_MESSAGES["length"]), code="nik"
                ) from None
        phone = try_normalise(contact)
        if phone is None:
            raise forms.ValidationError(
                _(
                    "Enter the citizen's email address, or a phone number such as "
                    "0812 3456 7890 or +62 812 3456 7890"
                ),
                code="contact",
            )
        return phone


class SetupCodeForm(NewPasswordTwiceForm):
    """Choose a password with the one-time code printed on a counter receipt."""

    field_order = ["identifier", "code", "password1", "password2"]
    identifier = forms.CharField(
        label=_("Email address or mobile phone number"),
        max_length=254,
        help_text=_("The one you gave at the counter, as printed on your receipt."),
        error_messages={
            "required": _("Enter the email address or phone number you gave at the counter"),
            "max_length": _("The email address must be 254 characters or fewer"),
        },
    )
    code = forms.CharField(
        label=_("Code from your receipt"),
        max_length=20,
        help_text=_("8 letters and digits, for example ABCD-EF23."),
        error_messages={
            "required": _("Enter the code printed on your receipt"),
            "max_length": _("Enter the code printed on your receipt: 8 letters and digits"),
        },
    )


class ChannelsForm(forms.Form):
    """How a citizen receives messages about their applications and complaints, checked
    against the contact details they will have (`phone`, `email`: those just typed on the
    profile page, or the account's). The rules are citizens.actions_channels'."""

    use_required_attribute = False
    channels = forms.MultipleChoiceField(
        label=_("Send me messages by"),
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Messages about your applications and complaints: received, returned for "
            "correction, finished, reminders. Choose at least one."
        ),
        error_messages={"invalid_choice": _("Choose WhatsApp, SMS or email")},
    )
    language = forms.ChoiceField(
        label=_("Language of messages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the language of your messages"),
            "invalid_choice": _("Choose Bahasa Indonesia or English"),
        },
    )

    def __init__(self, *args: Any, phone: str, email: str, own: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.phone, self.email, self.own = phone, email, own
        self.fields["channels"].hide_optional = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "channels" in self.errors:
            return data
        for problem in channel_problems(
            data.get("channels") or [], phone=self.phone, email=self.email, own=self.own
        ):
            self.add_error("channels", problem)
        return data
