"""Database triggers that make the complaints' event log append-only, as the applications'
is (see cases/migrations/0002): tampering is detectable by the hash chain and impossible
through the application, the admin or a shell short of dropping the triggers."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER complaints_event_no_update BEFORE UPDATE ON complaints_complaintevent
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;""",
    """CREATE TRIGGER complaints_event_no_delete BEFORE DELETE ON complaints_complaintevent
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;""",
]
POSTGRES = [
    """CREATE FUNCTION complaints_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'events are append-only'; END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER complaints_event_append_only
    BEFORE UPDATE OR DELETE ON complaints_complaintevent
    FOR EACH ROW EXECUTE FUNCTION complaints_event_append_only();""",
]
DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS complaints_event_no_update",
        "DROP TRIGGER IF EXISTS complaints_event_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_complaintevent",
        "DROP FUNCTION IF EXISTS complaints_event_append_only()",
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
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
