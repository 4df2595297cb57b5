"""Seal the NIK of every profile and fill its look-up hash.

Each NIK still in clear is sealed with the keyring's current key (the column is plain text
here; 0005 declares it sealed). Values already sealed are left alone, so the step is safe to run
again; reversing it opens every value back into clear text.
"""

from typing import Any

from django.db import migrations

from layanan.lib.sealed import is_sealed

BATCH = 500


def profiles_in_batches(Profile: Any) -> Any:
    last = 0
    while True:
        batch = list(Profile.objects.filter(pk__gt=last).exclude(nik="").order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def seal_profile_niks(apps: Any, schema_editor: Any) -> None:
    from layanan.accounts.nik_store import nik_hash, open_nik, seal_nik

    Profile = apps.get_model("citizens", "Profile")
    for batch in profiles_in_batches(Profile):
        for profile in batch:
            number = open_nik(profile.nik) if is_sealed(profile.nik) else profile.nik
            sealed = profile.nik if is_sealed(profile.nik) else seal_nik(number)
            Profile.objects.filter(pk=profile.pk).update(nik=sealed, nik_hash=nik_hash(number))


def open_profile_niks(apps: Any, schema_editor: Any) -> None:
    from layanan.accounts.nik_store import open_nik

    Profile = apps.get_model("citizens", "Profile")
    for batch in profiles_in_batches(Profile):
        for profile in batch:
            if is_sealed(profile.nik):
                Profile.objects.filter(pk=profile.pk).update(nik=open_nik(profile.nik))


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0003_profile_nik_hash"),
    ]

    operations = [
        migrations.RunPython(seal_profile_niks, open_profile_niks, elidable=False),
    ]
