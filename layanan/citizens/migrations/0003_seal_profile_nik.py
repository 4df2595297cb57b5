"""Seal the NIK of every profile and fill its look-up hash.

The column first becomes plain text (a sealed value is longer than 16 characters), then each
NIK still in clear is sealed with the keyring's current key, and only then does the column
become a `SealedNikField`. Values already sealed are left alone, so the step is safe to run
again; reversing it opens every value back into clear text.
"""

from typing import Any

from django.db import migrations, models

import layanan.accounts.nik_store
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
        ("citizens", "0002_password_setup_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="nik_hash",
            field=models.CharField(
                blank=True, db_index=True, max_length=64, verbose_name="NIK look-up hash"
            ),
        ),
        migrations.AlterField(
            model_name="profile",
            name="nik",
            field=models.TextField(blank=True, verbose_name="NIK"),
        ),
        migrations.RunPython(seal_profile_niks, open_profile_niks, elidable=False),
        migrations.AlterField(
            model_name="profile",
            name="nik",
            field=layanan.accounts.nik_store.SealedNikField(blank=True, verbose_name="NIK"),
        ),
    ]
