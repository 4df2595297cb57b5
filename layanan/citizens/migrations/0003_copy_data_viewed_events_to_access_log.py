"""Officers' reads of an application were `data_viewed` events; now every read of personal
data is a row of `accounts.DataAccess`, the log the citizen reads in full. This copies the
earlier reads into it, so that the citizen's page shows all of them. The events stay: the
event log is append-only."""

from django.db import migrations

BATCH = 2000


def place_of(what: str) -> tuple[str, str]:
    if what.startswith("step:"):
        return "office_step", what.removeprefix("step:")
    if what.startswith("document:"):
        return "office_document", ""
    if what == "api:detail":
        return "api_application", ""
    return "office_step", what


def copy_reads(apps, schema_editor):  # type: ignore[no-untyped-def]
    Event = apps.get_model("cases", "Event")
    DataAccess = apps.get_model("accounts", "DataAccess")
    events = (
        Event.objects.filter(kind="data_viewed", actor__isnull=False)
        .values_list("actor_id", "at", "data", "application__applicant_id", "application__number")
        .order_by("pk")
    )
    rows = []
    for actor_id, at, data, applicant_id, number in events.iterator(chunk_size=BATCH):
        if actor_id == applicant_id:
            continue
        place, what = place_of(str((data or {}).get("what", "")))
        rows.append(
            DataAccess(
                citizen_id=applicant_id,
                reader_id=actor_id,
                place=place,
                what=what[:200],
                application_number=number,
                at=at,
            )
        )
        if len(rows) >= BATCH:
            DataAccess.objects.bulk_create(rows)
            rows = []
    DataAccess.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_data_access_log"),
        ("cases", "0005_eventcursor_gaps"),
        ("citizens", "0002_password_setup_code"),
    ]

    # Backwards, the rows go with the table (accounts 0006).
    operations = [migrations.RunPython(copy_reads, migrations.RunPython.noop)]
