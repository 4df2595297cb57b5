"""Issue documents for applications completed from now on: the reader's cursor starts at the
newest event, so installing the app does not sign a document for every application completed
before (those were given their product outside Layanan)."""

from django.db import migrations


def start_cursor(apps, schema_editor):
    Event = apps.get_model("cases", "Event")
    EventCursor = apps.get_model("cases", "EventCursor")
    newest = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    EventCursor.objects.get_or_create(name="documents.issuing", defaults={"position": newest})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(start_cursor, migrations.RunPython.noop)]
