"""Database triggers that keep adopted charter versions from changing.

The actions already refuse such changes; the triggers make the rule hold for any code path,
the admin, a shell or raw SQL. The only change allowed to an adopted row is its retirement
(status adopted -> superseded with superseded_at set); superseded rows never change, and
neither kind can be deleted. If a later migration adds a column to Charter, it must recreate
these triggers with the new column in CONTENT_COLUMNS.
"""

from django.db import migrations

CONTENT_COLUMNS = [
    "service_id",
    "version",
    "content",
    "change_note",
    "effective_from",
    "created_at",
    "created_by_id",
    "adopted_at",
    "adopted_by_id",
]

SQLITE = """
CREATE TRIGGER charters_charter_immutable_update
BEFORE UPDATE ON charters_charter
WHEN OLD.status IN ('adopted', 'superseded') AND NOT (
    OLD.status = 'adopted' AND NEW.status = 'superseded' AND {unchanged}
)
BEGIN
    SELECT RAISE(ABORT, 'adopted charter versions are immutable');
END;
CREATE TRIGGER charters_charter_immutable_delete
BEFORE DELETE ON charters_charter
WHEN OLD.status IN ('adopted', 'superseded')
BEGIN
    SELECT RAISE(ABORT, 'adopted charter versions are immutable');
END;
"""

POSTGRES = """
CREATE FUNCTION charters_charter_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ('adopted', 'superseded') THEN
            RAISE EXCEPTION 'adopted charter versions are immutable';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ('adopted', 'superseded') AND NOT (
        OLD.status = 'adopted' AND NEW.status = 'superseded' AND {unchanged}
    ) THEN
        RAISE EXCEPTION 'adopted charter versions are immutable';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER charters_charter_immutable
BEFORE UPDATE OR DELETE ON charters_charter
FOR EACH ROW EXECUTE FUNCTION charters_charter_immutable();
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CONTENT_COLUMNS)
        for statement in SQLITE.format(unchanged=unchanged).split("END;"):
            if statement.strip():
                schema_editor.execute(statement + "END;")
    elif vendor == "postgresql":
        unchanged = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)
        schema_editor.execute(POSTGRES.format(unchanged=unchanged))
    else:
        raise NotImplementedError(f"no immutability trigger for the {vendor} database")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS charters_charter_immutable_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS charters_charter_immutable_delete")
    else:
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS charters_charter_immutable ON charters_charter"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS charters_charter_immutable()")


class Migration(migrations.Migration):
    dependencies = [("charters", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
