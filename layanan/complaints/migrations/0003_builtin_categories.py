"""Every agency that exists gets the built-in complaint categories: illegal levies
("pungli", linked from every charter page next to the fee) and "umum" (anything else).
Agencies made later get them from `actions.ensure_builtin_categories`, which every filing
page and the demo loader call."""

from django.db import migrations

BUILTIN = (
    ("pungli", "Pungutan liar", "pungli", 0),
    ("umum", "Pengaduan dan aspirasi lainnya", "general", 999),
)


def add_builtin_categories(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    Category = apps.get_model("complaints", "Category")
    for agency in Agency.objects.all():
        for code, name, subject, position in BUILTIN:
            Category.objects.get_or_create(
                agency=agency,
                code=code,
                defaults={
                    "service_code": f"{agency.code}.{code}",
                    "name": name,
                    "subject": subject,
                    "position": position,
                    "builtin": True,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_events_are_append_only"), ("agencies", "0001_initial")]

    operations = [migrations.RunPython(add_builtin_categories, migrations.RunPython.noop)]
