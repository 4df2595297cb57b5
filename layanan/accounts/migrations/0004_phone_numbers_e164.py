"""Store every account's phone number in E.164 form (+6281234567890), as lib.phone writes it.

Before this, numbers were kept roughly as typed (``081234567890``, ``+1 555 0100``), so one
number could sit on two accounts in two writings, and sign-in by phone only worked when typed
the stored way.

What it does, account by account in the order they were made (by id):

- a number that lib.phone reads as Indonesian becomes its E.164 form;
- when that form is already held by an earlier account, nothing is merged: the later account's
  number is left blank, and an ``AccountEvent`` of kind ``phone_cleared`` (no actor: the
  system) records it on that account, so that an administrator can see whose number went and
  why. That account still signs in with its email address or user name and can enter its
  number again from the profile once the duplicate is sorted out;
- a number that is not an Indonesian number (another country, too few digits) is kept as it
  was, so that nothing a citizen gave is lost; it cannot be used to sign in until it is
  corrected in the profile, whose form only accepts Indonesian numbers.

Reversing this migration leaves the numbers in E.164 form (still valid data).
"""

from collections.abc import Iterable

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

from layanan.lib.phone import try_normalise

CLEARED_NOTE = (
    "Phone number removed while storing numbers in E.164 form: an earlier account already "
    "has the same number."
)


def convert_phone_numbers(rows: Iterable[tuple[int, str]]) -> tuple[dict[int, str], list[int]]:
    """From (account id, stored phone) pairs: the new number of each account whose number
    changes, and the ids of the accounts whose number must be left blank (a later duplicate)."""
    changes: dict[int, str] = {}
    cleared: list[int] = []
    taken: set[str] = set()
    for pk, phone in sorted(rows):
        if not phone:
            continue
        e164 = try_normalise(phone)
        if e164 is None:
            continue  # not an Indonesian number: kept as it was
        if e164 in taken:
            cleared.append(pk)
            continue
        taken.add(e164)
        if e164 != phone:
            changes[pk] = e164
    return changes, cleared


def store_numbers_in_e164(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User = apps.get_model("accounts", "User")
    AccountEvent = apps.get_model("accounts", "AccountEvent")
    rows = User.objects.exclude(phone="").values_list("pk", "phone")
    changes, cleared = convert_phone_numbers(rows)
    # Blank the duplicates first: the unique constraint holds after every single update.
    User.objects.filter(pk__in=cleared).update(phone="")
    at = timezone.now()
    AccountEvent.objects.bulk_create(
        AccountEvent(
            user_id=pk,
            actor=None,
            kind="phone_cleared",
            fields=["phone"],
            note=CLEARED_NOTE,
            at=at,
        )
        for pk in cleared
    )
    for pk, e164 in changes.items():
        User.objects.filter(pk=pk).update(phone=e164)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_accountevent_and_lookup_indexes"),
    ]

    operations = [
        migrations.RunPython(store_numbers_in_e164, migrations.RunPython.noop, elidable=False),
    ]
