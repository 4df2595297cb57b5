"""Make room for the sealed NIK: a text column (a sealed value is longer than 16
characters) and the keyed hash beside it. 0004 seals the values, 0005 declares the column
sealed."""

from django.db import migrations, models


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
    ]
