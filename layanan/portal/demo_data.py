"""Demo data: the catalogue of Kabupaten Contoh, the demo accounts, and sample applications
and complaints.

Loading is idempotent: a second run finds everything in place and changes nothing.
Demo accounts are created only here, never by migrations or by the import command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from layanan.accounts.actions import install_demo_second_factor
from layanan.accounts.models import AccountEvent, User
from layanan.agencies.models import OfficerRole, Role, Unit
from layanan.cases.events import skip_events
from layanan.cases.models import Event
from layanan.charters.importer import Report, import_files
from layanan.charters.models import Charter, ConsultationEvent
from layanan.complaints.models import ComplaintEvent
from layanan.documents.issuing import run as issue_documents
from layanan.documents.keys import ensure_demo_certificates
from layanan.guarantees.sweep import sweep
from layanan.notifications import complaints as complaint_messages
from layanan.notifications import consultations as consultation_messages
from layanan.notifications import surveys as survey_messages
from layanan.notifications.jobs import skip_history
from layanan.portal.demo_applications import ensure_sample_applications
from layanan.portal.demo_complaints import ensure_sample_complaints
from layanan.portal.demo_consultations import ensure_sample_consultations
from layanan.portal.demo_surveys import ensure_sample_surveys
from layanan.surveys.models import Invitation
from layanan.transparency import forecast
from layanan.transparency.rollups import rebuild as rebuild_rollups

CATALOGUE = Path(__file__).resolve().parent / "demo" / "catalogue"
PASSWORD = "layanan-demo"  # noqa: S105 - published demo password, demo accounts only
# The officers' second factor: an authenticator app (or `python -c`, or oathtool) set up with
# this published base32 secret gives their code. Only this loader installs it.


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    description: str
    roles: tuple[str, ...] = ()
    superuser: bool = False
    phone: str = ""  # E.164; citizens also sign in with it, written any usual way
    # The channels of their messages (docs/channels.md); officers get theirs by email.
    channels: tuple[str, ...] = ("email",)

    @property
    def officer(self) -> bool:
        """Signs in with a second-factor code (the demo TOTP secret)."""
        return bool(self.roles or self.superuser)


ACCOUNTS = (
    DemoAccount(
        "warga", "Siti Rahayu", "citizen", phone="+6281200000001", channels=("whatsapp", "email")
    ),
    DemoAccount("warga2", "Budi Santoso", "citizen", phone="+6281200000002", channels=("email",)),
    DemoAccount(
        "petugas",
        "Dewi Lestari",
        "officer: processing and approving in every unit, the counter (/kantor/loket/), and "
        "treasurer (bendahara penerimaan) of every agency",
        roles=(Role.PROCESSOR, Role.APPROVER, Role.FRONT_OFFICE, Role.TREASURER),
    ),
    DemoAccount("atasan", "Agus Wibowo", "supervisor of every unit", roles=(Role.SUPERVISOR,)),
    DemoAccount("admin", "Admin Layanan", "superuser (Django admin)", superuser=True),
)


def catalogue_files() -> list[Path]:
    return sorted(CATALOGUE.glob("*.yaml"))


def files_to_import() -> list[Path]:
    """The catalogue, less the services whose standard has moved on in this database: a
    version after the catalogue's was drafted, consulted on or set (the demo's sample
    consultations, or one tried on the demo). Loading again keeps it instead of taking the
    catalogue's version back."""
    moved_on = {
        code: version
        for code, version in Charter.objects.values_list("service__code")
        .annotate(latest=Max("version"))
        .values_list("service__code", "latest")
    }
    kept = []
    for path in catalogue_files():
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        code, version = spec.get("code"), spec.get("version")
        if code in moved_on and isinstance(version, int) and moved_on[code] > version:
            continue
        kept.append(path)
    return kept


@transaction.atomic
def load_demo() -> tuple[Report, int, int]:
    """Import the catalogue, make the demo accounts and the sample applications, then run one
    pass of the guarantee sweep at the real current time (what has fallen due since the last
    load is recorded now, as the worker would).

    Returns the import report, the number of account changes and of applications created.
    """
    report = import_files(files_to_import())
    accounts = ensure_accounts()
    before = last_event_id()
    complaints_before = last_complaint_event_id()
    invitations_before = last_invitation_id()
    consultations_before = last_consultation_event_id()
    samples = ensure_sample_applications()
    ensure_sample_complaints()
    # One consultation open for comments, one ended with two comments to answer (issue 13).
    ensure_sample_consultations()
    sweep()
    # The ended samples' applicants answered the survey: the dashboard has an IKM.
    ensure_sample_surveys()
    forecast.run()  # the open samples' expected completion, as the worker would
    # A demo root CA and a signing certificate per agency (made once), then the completed
    # samples' products, signed as the worker would (docs/documents.md).
    ensure_demo_certificates(now=timezone.now(), region=settings.LAYANAN_REGION_NAME)
    issue_documents()
    # The samples' past (submitted weeks ago, reminders, delays, complaints answered) is not
    # news: nobody is mailed about it when the worker starts. Anything that happened before
    # loading still is.
    skip_history(after_id=before, up_to_id=last_event_id())
    skip_events(
        complaint_messages.CURSOR,
        after_id=complaints_before,
        up_to_id=last_complaint_event_id(),
    )
    skip_events(survey_messages.CURSOR, after_id=invitations_before, up_to_id=last_invitation_id())
    skip_events(
        consultation_messages.CURSOR,
        after_id=consultations_before,
        up_to_id=last_consultation_event_id(),
    )
    # The dashboard and the register count the samples from the first page view.
    rebuild_rollups()
    return report, accounts, samples


def last_event_id() -> int:
    return Event.objects.aggregate(last=Max("id"))["last"] or 0


def last_invitation_id() -> int:
    return Invitation.objects.aggregate(last=Max("id"))["last"] or 0


def last_complaint_event_id() -> int:
    return ComplaintEvent.objects.aggregate(last=Max("id"))["last"] or 0


def last_consultation_event_id() -> int:
    return ConsultationEvent.objects.aggregate(last=Max("id"))["last"] or 0


def choose_demo_channels(user: User, account: DemoAccount) -> bool:
    """The demo account's channels, unless somebody chose others in the demo since."""
    if user.account_events.filter(kind=AccountEvent.Kind.CHANNELS_CHANGED).exists():
        return False
    flags = {
        "notify_whatsapp": "whatsapp" in account.channels,
        "notify_sms": "sms" in account.channels,
        "notify_email": "email" in account.channels,
    }
    changed = [name for name, value in flags.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, flags[name])
    if changed:
        user.save(update_fields=changed)
    return bool(changed)


def ensure_accounts() -> int:
    changes = 0
    units = list(Unit.objects.filter(active=True))
    for account in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "email": f"{account.username}@demo.layanan.invalid",
                "is_staff": account.superuser,
                "is_superuser": account.superuser,
            },
        )
        if created or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            changes += 1
        if (
            account.phone
            and user.phone != account.phone
            # Phone numbers are unique: never take one somebody signed up with.
            and not User.objects.filter(phone=account.phone).exists()
        ):
            user.phone = account.phone
            user.save(update_fields=["phone"])
            changes += 1
        changes += int(choose_demo_channels(user, account))
        for role in account.roles:
            for unit in units:
                _role, made = OfficerRole.objects.get_or_create(user=user, unit=unit, role=role)
                changes += int(made)
        if account.officer:
            changes += int(install_demo_second_factor(user=user))
    return changes
