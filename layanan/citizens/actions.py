"""Making and changing citizen accounts, filing at the counter, and one-time password-setup
codes.

Online sign-up and the counter use the same `register_citizen`; every change to an account
leaves an audit row in `accounts.AccountEvent` (field names, never values). The counter's writes
(find-or-create the citizen, open the application) happen in one transaction in
`file_at_counter`; the view only validates the form and calls it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts.actions import record_account_event, record_read
from layanan.accounts.identifiers import accounts_using, phone_taken
from layanan.accounts.mail import mail_after_commit
from layanan.accounts.models import AccountEvent, DataAccess, User
from layanan.accounts.nik_store import nik_hash
from layanan.accounts.one_time_codes import CodeRefused, check_new_password, set_password_with_code
from layanan.accounts.second_factor import is_officer
from layanan.cases import actions as case_actions
from layanan.cases.actions import InvalidInput, NotAllowed, now
from layanan.cases.models import Application, Channel
from layanan.charters.models import Service
from layanan.citizens.access import (
    citizens_named,
    citizens_with_nik,
    ensure_front_office,
    find_citizen,
)
from layanan.citizens.actions_channels import set_message_channels
from layanan.citizens.models import PasswordSetupCode, Profile
from layanan.lib.links import absolute_url
from layanan.lib.nik import looks_like_nik
from layanan.lib.phone import normalise, try_normalise

# Letters and digits that cannot be mistaken for one another when read aloud or copied from
# paper (no 0/O, 1/I/L): 31 symbols, 8 of them make almost 40 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# Earlier codes looked at to tell "used" or "expired" from "wrong".
CODES_CHECKED = 3


@transaction.atomic
def register_citizen(
    *,
    full_name: str,
    email: str = "",
    phone: str = "",
    nik: str = "",
    address: str = "",
    password: str | None = None,
    by: User | None = None,
) -> User:
    """A citizen account signed in to by email or phone. Without a password (made at the
    counter) the citizen chooses one later: by email with "forgotten password", or with a
    one-time code from the counter (`issue_password_setup_code`). `by` is the officer who made
    it at the counter; online the citizen makes it themselves.

    The phone number may be written in any usual way; it is stored in E.164 form
    (raises lib.phone.PhoneError when it is not an Indonesian number)."""
    phone = normalise(phone) if phone.strip() else ""
    user = User.objects.create_user(
        username=email or phone,
        email=email,
        phone=phone,
        full_name=full_name,
        password=password,  # None sets an unusable password
        # Messages go by email when there is an address, else by SMS (any phone takes one);
        # the citizen may choose WhatsApp in their profile, or with the counter officer.
        notify_email=bool(email),
        notify_sms=not email and bool(phone),
    )
    # The NIK is sealed by its column; the keyed hash beside it is what look-ups use.
    Profile.objects.create(user=user, nik=nik, nik_hash=nik_hash(nik), address=address)
    given = {"full_name": full_name, "email": email, "phone": phone, "nik": nik, "address": address}
    record_account_event(
        user=user,
        actor=by or user,
        kind=AccountEvent.Kind.REGISTERED,
        fields=[name for name, value in given.items() if value],
    )
    return user


def _site_link(name: str) -> str:
    return absolute_url(reverse(name))


def _tell_owners_they_have_an_account(owners: list[User]) -> None:
    for owner in owners:
        mail_after_commit(
            recipient=owner.email,
            subject=_("You already have an account on %(site)s")
            % {"site": settings.LAYANAN_SITE_NAME},
            body=_(
                "Someone, perhaps you, tried to create a new account on %(site)s with your "
                "email address or mobile number. You already have an account with it, so no "
                "new account was made.\n\n"
                "Sign in: %(sign_in)s\n"
                "Forgotten your password? Choose a new one: %(reset)s\n\n"
                "If it was not you, you need not do anything: your account has not changed."
            )
            % {
                "site": settings.LAYANAN_SITE_NAME,
                "sign_in": _site_link("login"),
                "reset": _site_link("password_reset"),
            },
        )


def _welcome(citizen: User) -> None:
    mail_after_commit(
        recipient=citizen.email,
        subject=_("Your account on %(site)s is ready") % {"site": settings.LAYANAN_SITE_NAME},
        body=_(
            "Your account is ready. Sign in with your email address or mobile number and the "
            "password you chose: %(sign_in)s\n\n"
            "If you did not create this account, choose a new password so that nobody else "
            "can use it: %(reset)s"
        )
        % {"sign_in": _site_link("login"), "reset": _site_link("password_reset")},
    )


@transaction.atomic
def sign_up_citizen(
    *, full_name: str, email: str, phone: str, nik: str, address: str, password: str
) -> User | None:
    """Online sign-up that answers alike whether or not the email address or phone number
    already has an account: a new one is made and welcomed by mail; otherwise nothing is made
    and the owner is told by mail that they already have an account (returns None). Both
    ways hash the password once, so the time taken does not tell either."""
    phone = normalise(phone) if phone.strip() else ""
    owners = accounts_using(email=email, phone=phone)
    if not owners:
        try:
            with transaction.atomic():
                citizen = register_citizen(
                    full_name=full_name,
                    email=email,
                    phone=phone,
                    nik=nik,
                    address=address,
                    password=password,
                )
        except IntegrityError:
            # Another sign-up took the address or number a moment ago.
            owners = accounts_using(email=email, phone=phone)
            if not owners:
                raise
        else:
            _welcome(citizen)
            return citizen
    make_password(password)
    _tell_owners_they_have_an_account(owners)
    return None


# -- the counter ---------------------------------------------------------------------------------


def _new_citizen(*, officer: User, contact: str, full_name: str, nik: str, phone: str) -> User:
    if looks_like_nik(contact):
        raise InvalidInput(
            _("Check the citizen's contact."),
            fields={
                "contact": [
                    _(
                        "No account has this NIK: enter the citizen's email address or mobile "
                        "phone number to make one"
                    )
                ]
            },
        )
    if citizens_with_nik(nik):
        raise InvalidInput(
            _("Check the citizen's NIK."),
            fields={
                "nik": [
                    _(
                        "An account already has this NIK: enter the NIK as the citizen's contact "
                        "to file for that account"
                    )
                ]
            },
        )
    email = contact.lower() if "@" in contact else ""
    typed = try_normalise(contact) if not email else None
    if not email and typed is None:
        raise InvalidInput(
            _("Check the citizen's contact."),
            fields={"contact": [_("Enter the citizen's email address or mobile phone number")]},
        )
    if typed is not None and phone and phone != typed:
        raise InvalidInput(
            _("Check the citizen's mobile number."),
            fields={"phone": [_("The contact is already a mobile number: leave this empty")]},
        )
    phone = typed or phone
    if email and phone and phone_taken(phone):
        raise InvalidInput(
            _("Check the citizen's mobile number."),
            fields={
                "phone": [
                    _(
                        "An account already has this mobile number: enter it as the citizen's "
                        "contact to file for that account"
                    )
                ]
            },
        )
    if not full_name.strip():
        raise InvalidInput(
            _("Check the citizen's details."),
            fields={
                "full_name": [
                    _("Enter the citizen's full name: no account has this email address or phone")
                ]
            },
        )
    try:
        with transaction.atomic():
            return register_citizen(
                full_name=full_name.strip(), email=email, phone=phone, nik=nik, by=officer
            )
    except IntegrityError:
        # Another counter made the same account a moment ago: use it.
        found = find_citizen(contact)
        if found is None:
            raise
        return found


@transaction.atomic
def file_at_counter(
    *,
    officer: User,
    service: Service,
    contact: str,
    full_name: str = "",
    nik: str = "",
    phone: str = "",
    channels: list[str] | None = None,
    language: str = "",
) -> Application:
    """Open a draft application for a walk-in citizen, found by `contact` (email, user name,
    phone number in any usual writing, or the NIK of their KTP-el) or, when nobody has it,
    given a new account without a password. The officer then fills the pages as the citizen
    would online. `phone` (E.164) is a mobile number for a new account made with an email
    address; the counter never changes an existing account's number (with it, the password can
    be reset). `channels` and `language`, when given, are the message channels the citizen
    chose with the officer (`set_message_channels`)."""
    ensure_front_office(officer)
    by_nik = looks_like_nik(contact)
    named = citizens_with_nik(contact) if by_nik else citizens_named(contact)
    if len(named) > 1 and by_nik:
        raise InvalidInput(
            _("Check the citizen's contact."),
            fields={
                "contact": [
                    _(
                        "More than one account has this NIK: enter the citizen's email address "
                        "or mobile phone number instead"
                    )
                ]
            },
        )
    if len(named) > 1:
        raise InvalidInput(
            _("Check the citizen's contact."),
            fields={
                "contact": [
                    _(
                        "More than one account has this email address: enter the citizen's "
                        "mobile phone number instead"
                    )
                ]
            },
        )
    citizen = named[0] if named else None
    found = False
    if citizen is None:
        citizen = _new_citizen(
            officer=officer, contact=contact, full_name=full_name, nik=nik, phone=phone
        )
    elif citizen.pk == officer.pk:
        raise InvalidInput(
            _("Check the citizen's contact."),
            fields={
                "contact": [
                    _("This is your own account: apply online, not at the counter for yourself")
                ]
            },
        )
    else:
        # The contact named an existing account: the officer now sees its name and data.
        found = True
        if phone and phone != citizen.phone:
            raise InvalidInput(
                _("Check the citizen's mobile number."),
                fields={
                    "phone": [
                        _(
                            "The citizen already has an account: they add or change its mobile "
                            "number in their profile, the counter does not"
                        )
                    ]
                },
            )
    if channels or language:
        set_message_channels(
            citizen=citizen,
            by=officer,
            channels=channels or citizen.chosen_channels(),
            language=language,
        )
    application, _created = case_actions.create_application(
        citizen=citizen, service=service, answers={}, channel=Channel.COUNTER, filed_by=officer
    )
    if found:
        record_read(
            reader=officer,
            citizen=citizen,
            place=DataAccess.Place.COUNTER_SEARCH,
            application_number=application.number,
        )
    return application


# -- one-time password-setup codes ---------------------------------------------------------------


def may_get_setup_code(citizen: User) -> bool:
    """A citizen who never chose a password, or who has no email address to reset one with.
    A citizen with both signs in and resets by email: a code would only be a way in for
    somebody else. Never an officer's account: a counter officer could otherwise set a
    colleague's password (and then enrol their own app for the colleague's second factor)."""
    if is_officer(citizen):
        return False
    return not citizen.has_usable_password() or not citizen.email


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def issue_password_setup_code(*, officer: User, application: Application) -> str:
    """A new code for the applicant of a counter filing; earlier codes stop working.
    Returns the code, formatted for print; only its hash is stored."""
    citizen = application.applicant
    if not may_get_setup_code(citizen):
        raise NotAllowed(
            _(
                "This citizen already has a password and an email address: they can use "
                "'forgotten password' to choose a new one."
            )
        )
    moment = now()
    PasswordSetupCode.objects.filter(
        user=citizen, used_at__isnull=True, replaced_at__isnull=True
    ).update(replaced_at=moment)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    PasswordSetupCode.objects.create(
        user=citizen,
        code_hash=make_password(code),
        issued_by=officer,
        application=application,
        issued_at=moment,
        expires_at=moment + PasswordSetupCode.VALID_FOR,
    )
    record_account_event(
        user=citizen,
        actor=officer,
        kind=AccountEvent.Kind.SETUP_CODE_ISSUED,
        note=application.number,
    )
    return format_code(code)


def is_current_code(citizen: User, code: str) -> bool:
    """Whether `code` is the citizen's newest code and can still be used (the counter receipt
    keeps showing it until then)."""
    latest = PasswordSetupCode.objects.filter(user=citizen).order_by("-issued_at").first()
    return bool(
        latest is not None
        and latest.state_at(now()) == "usable"
        and check_password(normalise_code(code), latest.code_hash)
    )


REFUSALS = {
    "used": gettext_lazy(
        "This code was already used. Sign in with your password, or ask at the counter for a "
        "new code"
    ),
    "replaced": gettext_lazy("A newer code was given to you: use the code on your latest receipt"),
    "expired": gettext_lazy(
        "This code has expired (it works for 72 hours). Ask at the counter for a new code"
    ),
}


@transaction.atomic
def redeem_password_setup_code(*, identifier: str, code: str, password: str) -> User:
    """Set the password of the citizen `identifier` names, with a code given at the counter.

    The code works once: it is marked used with a conditional update, so that two requests
    with the same code cannot both succeed."""
    wrong = CodeRefused(
        "wrong",
        "code",
        _("The code does not match this email address or phone number. Check both and try again"),
    )
    citizen = find_citizen(identifier)
    typed = normalise_code(code)
    if citizen is None or len(typed) != CODE_LENGTH:
        raise wrong
    moment = now()
    recent = PasswordSetupCode.objects.filter(user=citizen).order_by("-issued_at")
    match = next((c for c in recent[:CODES_CHECKED] if check_password(typed, c.code_hash)), None)
    if match is None:
        raise wrong
    state = match.state_at(moment)
    if state != "usable":
        raise CodeRefused(state, "code", str(REFUSALS[state]))
    check_new_password(password, citizen)
    claimed = PasswordSetupCode.objects.filter(
        pk=match.pk, used_at__isnull=True, replaced_at__isnull=True
    ).update(used_at=moment)
    if claimed != 1:
        raise CodeRefused("used", "code", str(REFUSALS["used"]))
    set_password_with_code(
        citizen,
        password,
        kind=AccountEvent.Kind.PASSWORD_SET_WITH_CODE,
        reason="password set with a counter code",
    )
    return citizen
