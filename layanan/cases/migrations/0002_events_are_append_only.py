"""Database triggers that make the event log append-only (no UPDATE, no DELETE).

The hash chain makes tampering detectable (`layanan audit verify`); the triggers make it
impossible through the application, the admin or a shell short of dropping them.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER cases_event_no_update BEFORE UPDATE ON cases_event
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;""",
    """CREATE TRIGGER cases_event_no_delete BEFORE DELETE ON cases_event
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;""",
]
POSTGRES = [
    """CREATE FUNCTION cases_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'events are append-only'; END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER cases_event_append_only BEFORE UPDATE OR DELETE ON cases_event
    FOR EACH ROW EXECUTE FUNCTION cases_event_append_only();""",
]
DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS cases_event_no_update",
        "DROP TRIGGER IF EXISTS cases_event_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS cases_event_append_only ON cases_event",
        "DROP FUNCTION IF EXISTS cases_event_append_only()",
    ],
}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"no append-only trigger for the {vendor} database")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
