from django.db import migrations

import layanan.accounts.nik_store


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0004_seal_profile_nik"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="nik",
            field=layanan.accounts.nik_store.SealedNikField(blank=True, verbose_name="NIK"),
        ),
    ]
