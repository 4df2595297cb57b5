from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils.translation import gettext_lazy as _

from layanan.accounts.fields import PhoneField
from layanan.accounts.identifiers import MAX_IDENTIFIER_LENGTH
from layanan.accounts.mail import mail_after_commit


class SignInForm(AuthenticationForm):
    """Django's sign-in form, asking for an email address or a phone number (officers may
    give their user name in the same box), with one plain message when they do not match."""

    username = forms.CharField(
        label=_("Email or phone number"),
        max_length=MAX_IDENTIFIER_LENGTH,
        help_text=_("Officers: your user name."),
        error_messages={
            "required": _("Enter your email address or phone number"),
            "max_length": _("Email or phone number must be 254 characters or fewer"),
        },
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Email/phone number or password is incorrect"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets the user name's own limit (150); an email may be longer.
        username = self.fields["username"]
        assert isinstance(username, forms.CharField)
        username.max_length = MAX_IDENTIFIER_LENGTH
        username.widget.attrs["maxlength"] = MAX_IDENTIFIER_LENGTH

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as problem:
            # Next to the first field, so that the error summary links to it.
            self.add_error("username", problem)
            return self.cleaned_data


class PasswordResetRequestForm(PasswordResetForm):
    """Django's "forgotten password" form with a message that names its field."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like nama@contoh.id"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queued, not sent during the request: the answer then takes as long whether or not
        an account has the address."""
        mail_after_commit(
            recipient=to_email,
            subject=loader.render_to_string(subject_template_name, context),
            body=loader.render_to_string(email_template_name, context),
        )


class NewPasswordForm(SetPasswordForm):
    """Django's "choose a new password" form with messages that name their field."""

    error_messages = {"password_mismatch": _("The two passwords are not the same.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = _("Enter a new password")
        self.fields["new_password2"].error_messages["required"] = _("Enter the new password again")


class SignInCodeForm(forms.Form):
    """The second step of signing in: the app's 6 digits or one recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        error_messages={
            "required": _("Enter the code from your authenticator app"),
            "max_length": _("The code must be 40 characters or fewer"),
        },
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )


class AppCodeForm(forms.Form):
    """A code from the authenticator app being set up (or the one set up, to turn it off)."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        help_text=_("6 digits, for example 123456."),
        error_messages={
            "required": _("Enter the 6-digit code from your authenticator app"),
            "max_length": _("Enter the 6-digit code from your authenticator app"),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )


PHONE_CHANNEL_CHOICES = [("whatsapp", _("WhatsApp")), ("sms", _("SMS"))]


class PhoneResetRequestForm(forms.Form):
    """Forgotten password, by phone: the number of the account and how to send the code."""

    use_required_attribute = False
    phone = PhoneField(
        label=_("Mobile number"),
        what=_("the mobile number of your account"),
        help_text=_("The number you sign in with, for example 0812 3456 7890."),
    )
    channel = forms.ChoiceField(
        label=_("Send the code by"),
        choices=PHONE_CHANNEL_CHOICES,
        initial="whatsapp",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose WhatsApp or SMS"),
            "invalid_choice": _("Choose WhatsApp or SMS"),
        },
    )


class NewPasswordTwiceForm(forms.Form):
    """A new password typed twice, for the pages that set one with a one-time code (the code
    sent to the phone here, the counter's printed code in citizens); the code's field comes
    first (`field_order`)."""

    use_required_attribute = False
    password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        error_messages={"required": _("Enter a new password")},
    )
    password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        error_messages={"required": _("Enter the new password again")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two new passwords are not the same"))
        return data


class PhoneResetConfirmForm(NewPasswordTwiceForm):
    """The code sent to the phone, and the new password twice."""

    field_order = ["code", "password1", "password2"]
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6 digits in the message we sent you."),
        error_messages={
            "required": _("Enter the 6-digit code from the message"),
            "max_length": _("Enter the 6-digit code from the message"),
        },
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )
