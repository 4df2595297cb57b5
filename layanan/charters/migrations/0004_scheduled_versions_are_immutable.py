"""The immutability triggers of migration 0002, with the status of a version set with a later
effective date ("scheduled").

A scheduled version is as fixed as an adopted one: its content never changes and it cannot be
deleted. The only changes allowed are the status moves the actions make, with every content
column unchanged: scheduled -> adopted (its date has come), adopted -> superseded and
scheduled -> superseded (a later version replaced it).
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
FIXED = "('adopted', 'superseded', 'scheduled')"
MOVES = (
    "(OLD.status = 'adopted' AND NEW.status = 'superseded') OR "
    "(OLD.status = 'scheduled' AND NEW.status IN ('adopted', 'superseded'))"
)

SQLITE = f"""
CREATE TRIGGER charters_charter_immutable_update
BEFORE UPDATE ON charters_charter
WHEN OLD.status IN {FIXED} AND NOT (({MOVES}) AND {{unchanged}})
BEGIN
    SELECT RAISE(ABORT, 'adopted charter versions are immutable');
END;
CREATE TRIGGER charters_charter_immutable_delete
BEFORE DELETE ON charters_charter
WHEN OLD.status IN {FIXED}
BEGIN
    SELECT RAISE(ABORT, 'adopted charter versions are immutable');
END;
"""

POSTGRES = f"""
CREATE OR REPLACE FUNCTION charters_charter_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN {FIXED} THEN
            RAISE EXCEPTION 'adopted charter versions are immutable';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN {FIXED} AND NOT (({MOVES}) AND {{unchanged}}) THEN
        RAISE EXCEPTION 'adopted charter versions are immutable';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def unchanged_sql(vendor):
    if vendor == "sqlite":
        return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CONTENT_COLUMNS)
    return " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)


def replace_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    unchanged = unchanged_sql(vendor)
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS charters_charter_immutable_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS charters_charter_immutable_delete")
        for statement in SQLITE.format(unchanged=unchanged).split("END;"):
            if statement.strip():
                schema_editor.execute(statement + "END;")
    elif vendor == "postgresql":
        # the trigger of 0002 calls this function, which is replaced in place
        schema_editor.execute(POSTGRES.format(unchanged=unchanged))
    else:
        raise NotImplementedError(f"no immutability trigger for the {vendor} database")


def restore_triggers(apps, schema_editor):
    from importlib import import_module

    previous = import_module("layanan.charters.migrations.0002_adopted_versions_are_immutable")
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS charters_charter_immutable_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS charters_charter_immutable_delete")
    else:
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS charters_charter_immutable ON charters_charter"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS charters_charter_immutable()")
    previous.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("charters", "0003_consultations")]

    operations = [migrations.RunPython(replace_triggers, restore_triggers)]
