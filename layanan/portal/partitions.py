"""Partitioning the tables that grow fastest (events, steps, alarms) on PostgreSQL.

The key is the application, in ranges of application ids: ids are handed out in the order
applications are made, so each partition holds the rows of the applications made in one
period, and every row of one application lives in one partition. That keeps three things
that a time column (`Event.at`, `Alarm.due_at`) would break:

- every unique constraint already starts with `application_id`, which PostgreSQL requires
  of a partitioned table's unique indexes, so one application's chain (`seq`), its step keys
  and each alarm stay unique, and the sweep's `ON CONFLICT` target keeps its index;
- a read of one application (tracking, the case pages, `audit verify`) is pruned to one
  partition instead of probing every period its events span;
- an old partition holds whole hash chains, so it can be archived without cutting one.

The primary key becomes (id, application_id): Django still treats `id` as the primary key
and ids keep their sequence. A foreign key cannot point at `id` alone any more: the one that
does (`notifications_message.event_id`) is dropped by the conversion; events are append-only
(a trigger forbids deleting them), so the reference it guarded cannot dangle.

Partitions are made ahead by `ensure` (the worker runs it daily); a DEFAULT partition takes
any row past the last one, so an insert never fails, and `ensure` moves such rows into the
partition made for them. SQLite has no partitioning: the commands say so and do nothing.
See docs/partitioning.md.
"""

# Identifiers in the SQL below come from the models and the catalogue, quoted with
# quote_name; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

from layanan.cases.models import Application, Event, Step
from layanan.guarantees.models import Alarm

KEY = "application_id"
TABLES: dict[str, type[Model]] = {"events": Event, "steps": Step, "alarms": Alarm}
DEFAULT_WIDTH = 1_000_000  # applications per partition
DEFAULT_AHEAD = 2  # partitions kept ready past the one that takes new applications
DEFAULT_BATCH = 50_000  # rows copied per statement

Say = Callable[[str], None]


class PartitioningError(Exception):
    """Something the operator can fix or must know; nothing was changed."""


# -- pure arithmetic -------------------------------------------------------------------------


def blocks(*, lowest: int, newest: int, width: int, ahead: int) -> list[tuple[int, int]]:
    """The [start, end) ranges of application ids, `width` wide and aligned on multiples of
    it, from the one holding `lowest` to `ahead` past the one holding `newest`."""
    first = (min(lowest, newest) // width) * width
    last = (newest // width + ahead) * width
    return [(start, start + width) for start in range(first, last + 1, width)]


BOUND = re.compile(r"FOR VALUES FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)")


def parse_bound(text: str) -> tuple[int, int] | None:
    """(start, end) of a range partition from `pg_get_expr(relpartbound)`; None for DEFAULT."""
    match = BOUND.search(text)
    return (int(match[1]), int(match[2])) if match else None


def partition_name(table: str, start: int) -> str:
    return f"{table}_from_{start}"


# -- what the database holds -----------------------------------------------------------------


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: tuple[int, int] | None  # None: the DEFAULT partition
    rows: int  # the planner's estimate (pg_class.reltuples); -1 before the first ANALYZE


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise PartitioningError(
            _(
                "Partitioning needs PostgreSQL; this installation uses %(vendor)s, where "
                "nothing needs to be done."
            )
            % {"vendor": connection.vendor}
        )


def table_of(label: str) -> str:
    if label not in TABLES:
        raise PartitioningError(
            _("Unknown table '%(label)s'; choose one of: %(choices)s.")
            % {"label": label, "choices": ", ".join(TABLES)}
        )
    return TABLES[label]._meta.db_table


def one(sql: str, params: Sequence[Any] = ()) -> tuple[object, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def rows(sql: str, params: Sequence[Any] = ()) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def execute(sql: str, params: Sequence[Any] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def exists(table: str) -> bool:
    return one("SELECT to_regclass(%s)", (table,)) != (None,)


def is_partitioned(table: str) -> bool:
    return one("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", (table,)) == ("p",)


def partitions(table: str) -> list[Partition]:
    found = rows(
        """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass(%s)""",
        (table,),
    )
    listed = [
        Partition(str(name), parse_bound(str(bound)), int(str(n))) for name, bound, n in found
    ]
    return sorted(listed, key=lambda p: (p.bounds is None, p.bounds or (0, 0)))


def newest_application_id() -> int:
    return Application.objects.aggregate(newest=Max("id"))["newest"] or 0


# -- making partitions ahead -----------------------------------------------------------------


def create_partition(table: str, start: int, end: int) -> None:
    """One range partition; rows that went to the DEFAULT partition meanwhile move into it.

    PostgreSQL refuses a new partition while the DEFAULT one holds rows of its range, so the
    DEFAULT partition is detached for the move and attached again (its triggers, such as the
    events' append-only one, come off with it and are put back by the attach)."""
    name = partition_name(table, start)
    default = f"{table}_default"
    stray = exists(default) and one(
        f"SELECT 1 FROM {q(default)} WHERE {KEY} >= %s AND {KEY} < %s LIMIT 1", (start, end)
    )
    create = f"CREATE TABLE {q(name)} PARTITION OF {q(table)} FOR VALUES FROM (%s) TO (%s)"
    if not stray:
        execute(create, (start, end))
        return
    columns = ", ".join(q(c) for c in column_names(table))
    execute(f"ALTER TABLE {q(table)} DETACH PARTITION {q(default)}")
    execute(create, (start, end))
    execute(
        f"INSERT INTO {q(table)} ({columns}) SELECT {columns} FROM {q(default)} "
        f"WHERE {KEY} >= %s AND {KEY} < %s",
        (start, end),
    )
    execute(f"DELETE FROM {q(default)} WHERE {KEY} >= %s AND {KEY} < %s", (start, end))
    execute(f"ALTER TABLE {q(table)} ATTACH PARTITION {q(default)} DEFAULT")


def width_of(listed: list[Partition]) -> int:
    ranged = [p.bounds for p in listed if p.bounds]
    if not ranged:
        return DEFAULT_WIDTH
    start, end = ranged[-1]
    return end - start


def ensure(*, ahead: int = DEFAULT_AHEAD, say: Say | None = None) -> list[str]:
    """Make the partitions each partitioned table needs for the next `ahead` ranges of new
    applications; returns the names made. Tables not partitioned are left alone."""
    require_postgresql()
    if ahead < 0:
        raise PartitioningError(_("--ahead must be at least 0."))
    made: list[str] = []
    newest = newest_application_id()
    for table in (model._meta.db_table for model in TABLES.values()):
        if not is_partitioned(table):
            continue
        listed = partitions(table)
        width = width_of(listed)
        have = {p.bounds for p in listed if p.bounds}
        top = max((end for _start, end in have), default=0)
        for start, end in blocks(lowest=top, newest=newest, width=width, ahead=ahead):
            if (start, end) in have or start < top:
                continue
            with transaction.atomic():
                execute("SET CONSTRAINTS ALL IMMEDIATE")
                # Making a partition locks the table for a moment; behind a long transaction
                # it gives up instead of holding every request up (the next run retries).
                execute("SET LOCAL lock_timeout = '5s'")
                # Several workers may run this at once: one makes the partition, the others
                # wait for it here and find it made.
                execute("SELECT pg_advisory_xact_lock(hashtext('layanan:partitions'))")
                with connection.cursor() as cursor:
                    cursor.execute("SELECT to_regclass(%s)", [partition_name(table, start)])
                    if cursor.fetchone()[0] is not None:
                        continue
                create_partition(table, start, end)
            made.append(partition_name(table, start))
            if say:
                say(_("%(table)s: made %(name)s") % {"table": table, "name": made[-1]})
    return made


def run() -> None:
    """The worker's daily job: keep partitions ahead of new applications (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        ensure()


# -- converting an unpartitioned table -------------------------------------------------------


@dataclass
class Plan:
    table: str
    rows: int
    width: int
    ranges: list[tuple[int, int]]
    batch: int
    indexes: list[tuple[str, str, bool]] = field(default_factory=list)  # name, def, backs pk
    foreign_keys: list[tuple[str, str]] = field(default_factory=list)  # name, definition
    referencing: list[tuple[str, str]] = field(default_factory=list)  # table, constraint
    triggers: list[str] = field(default_factory=list)  # definitions

    @property
    def kept_as(self) -> str:
        return f"{self.table}_unpartitioned"

    def lines(self) -> list[str]:
        said = [
            _(
                "%(table)s: %(rows)s row(s) into %(count)s partition(s) of %(width)s "
                "application(s) each, plus %(table)s_default; copied in batches of %(batch)s."
            )
            % {
                "table": self.table,
                "rows": self.rows,
                "count": len(self.ranges),
                "width": self.width,
                "batch": self.batch,
            }
        ]
        said += [
            f"  {partition_name(self.table, start)}: {KEY} {start}..{end - 1}"
            for start, end in self.ranges
        ]
        said.append(
            "  "
            + _("primary key becomes (id, %(key)s); %(n)s index(es) rebuilt on the partitions")
            % {"key": KEY, "n": len(self.indexes)}
        )
        for table, constraint in self.referencing:
            said.append(
                "  "
                + _(
                    "drops foreign key %(constraint)s of %(other)s: a partitioned table "
                    "cannot be referenced by id alone"
                )
                % {"constraint": constraint, "other": table}
            )
        said.append(
            "  " + _("the old table is kept as %(old)s until you drop it") % {"old": self.kept_as}
        )
        return said


def column_names(table: str) -> list[str]:
    return [
        str(name)
        for (name,) in rows(
            """SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s)
            AND attnum > 0 AND NOT attisdropped ORDER BY attnum""",
            (table,),
        )
    ]


def plan(label: str, *, width: int, ahead: int, batch: int) -> Plan:
    require_postgresql()
    table = table_of(label)
    if width < 1 or ahead < 0 or batch < 1:
        raise PartitioningError(
            _("--applications-per-partition and --batch must be at least 1, --ahead at least 0.")
        )
    if is_partitioned(table):
        raise PartitioningError(_("%(table)s is already partitioned.") % {"table": table})
    if exists(f"{table}_unpartitioned"):
        raise PartitioningError(
            _("%(old)s exists from an earlier conversion: drop it (or rename it) first.")
            % {"old": f"{table}_unpartitioned"}
        )
    identity = one(
        "SELECT attidentity FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = 'id'",
        (table,),
    )
    if identity not in (("d",), ("a",)):
        # Tables made by Django before 4.1 number rows with a serial default, which the copy
        # would keep pointing at the old table's sequence.
        raise PartitioningError(
            _("%(table)s.id is not an identity column; this conversion handles only those.")
            % {"table": table}
        )
    lowest, count = one(f"SELECT min({KEY}), count(*) FROM {q(table)}") or (None, 0)
    newest = newest_application_id()
    found = Plan(
        table=table,
        rows=int(str(count)),
        width=width,
        ranges=blocks(
            lowest=int(str(lowest)) if lowest is not None else newest,
            newest=newest,
            width=width,
            ahead=ahead,
        ),
        batch=batch,
    )
    for name, definition, contype in rows(
        """SELECT i.relname, pg_get_indexdef(x.indexrelid), c.contype
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
        WHERE x.indrelid = to_regclass(%s) ORDER BY i.relname""",
        (table,),
    ):
        text = str(definition)
        if text.startswith("CREATE UNIQUE") and contype != "p" and KEY not in text:
            raise PartitioningError(
                _("%(index)s is unique without %(key)s; it cannot be kept on partitions.")
                % {"index": name, "key": KEY}
            )
        found.indexes.append((str(name), text, contype == "p"))
    found.foreign_keys = [
        (str(name), str(definition))
        for name, definition in rows(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY conname""",
            (table,),
        )
    ]
    found.referencing = [
        (str(other), str(name))
        for other, name in rows(
            """SELECT conrelid::regclass::text, conname FROM pg_constraint
            WHERE confrelid = to_regclass(%s) AND contype = 'f' AND conrelid <> confrelid
            ORDER BY 1, 2""",
            (table,),
        )
    ]
    found.triggers = [
        str(definition)
        for (definition,) in rows(
            """SELECT pg_get_triggerdef(oid) FROM pg_trigger
            WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal ORDER BY tgname""",
            (table,),
        )
    ]
    return found


def convert(
    label: str,
    *,
    width: int = DEFAULT_WIDTH,
    ahead: int = DEFAULT_AHEAD,
    batch: int = DEFAULT_BATCH,
    dry_run: bool = False,
    say: Say | None = None,
) -> Plan:
    """Turn one unpartitioned table into a partitioned one with the same name, rows and ids.

    One transaction: writes to the table wait from the first statement (SHARE lock) while
    reads go on; the renames at the end take a short exclusive lock. Anything unexpected
    (the row count or ids differing after the copy) rolls everything back."""
    say = say or (lambda line: None)
    require_postgresql()
    table = table_of(label)
    with transaction.atomic():
        # Deferred foreign-key checks of this transaction run now: PostgreSQL will not alter
        # a table with checks pending.
        execute("SET CONSTRAINTS ALL IMMEDIATE")
        if not dry_run:
            execute(f"LOCK TABLE {q(table)} IN SHARE MODE")
        found = plan(label, width=width, ahead=ahead, batch=batch)
        for line in found.lines():
            say(line)
        if not dry_run:
            build(found, say)
    return found


def build(plan: Plan, say: Say) -> None:
    table, staging = plan.table, f"{plan.table}_partitioned"
    columns = ", ".join(q(c) for c in column_names(table))
    execute(
        f"CREATE TABLE {q(staging)} (LIKE {q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({KEY})"
    )
    for start, end in plan.ranges:
        execute(
            f"CREATE TABLE {q(partition_name(table, start))} PARTITION OF {q(staging)} "
            f"FOR VALUES FROM (%s) TO (%s)",
            (start, end),
        )
    execute(f"CREATE TABLE {q(table + '_default')} PARTITION OF {q(staging)} DEFAULT")
    copied, last = 0, 0
    while True:
        upto = one(
            f"SELECT max(id) FROM (SELECT id FROM {q(table)} WHERE id > %s ORDER BY id LIMIT %s) b",
            (last, plan.batch),
        )
        if not upto or upto[0] is None:
            break
        end = int(str(upto[0]))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(staging)} ({columns}) SELECT {columns} FROM {q(table)} "
                "WHERE id > %s AND id <= %s",
                (last, end),
            )
            copied += cursor.rowcount
        last = end
        say("  " + _("copied %(n)s of %(total)s") % {"n": copied, "total": plan.rows})
    # The indexes are built after the copy (faster than maintaining them row by row), under
    # temporary names until the old table's are out of the way.
    temporary: list[tuple[str, str]] = []
    for number, (name, definition, backs_pk) in enumerate(plan.indexes):
        temp = f"{table}_partitioned_{number}"
        temporary.append((temp, name))
        if backs_pk:
            execute(f"ALTER TABLE {q(staging)} ADD CONSTRAINT {q(temp)} PRIMARY KEY (id, {KEY})")
            continue
        constraint = one(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conindid = to_regclass(%s) AND c.contype = 'u'",
            (name,),
        )
        if constraint:
            execute(f"ALTER TABLE {q(staging)} ADD CONSTRAINT {q(temp)} {constraint[0]}")
        else:
            execute(retarget_index(definition, name, temp, table, staging))
    verify_copy(table, staging)
    # The swap: the old table and its indexes step aside, the new one takes their names.
    sequence = one("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
    for number, (name, _definition, _pk) in enumerate(plan.indexes):
        execute(f"ALTER INDEX {q(name)} RENAME TO {q(f'{plan.kept_as}_{number}')}")
    for name, _definition in plan.foreign_keys:
        execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
    for other, name in plan.referencing:
        execute(f"ALTER TABLE {q(other)} DROP CONSTRAINT {q(name)}")
    execute(f"ALTER TABLE {q(table)} RENAME TO {q(plan.kept_as)}")
    execute(f"ALTER TABLE {q(staging)} RENAME TO {q(table)}")
    for temp, name in temporary:
        execute(f"ALTER INDEX {q(temp)} RENAME TO {q(name)}")
    if sequence and sequence[0]:
        old_sequence = str(sequence[0])
        new_sequence = one("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
        assert new_sequence
        last_value, is_called = one(f"SELECT last_value, is_called FROM {old_sequence}") or (
            1,
            False,
        )
        execute(f"ALTER SEQUENCE {old_sequence} RENAME TO {q(plan.kept_as + '_id_seq')}")
        execute(f"ALTER SEQUENCE {new_sequence[0]} RENAME TO {q(table + '_id_seq')}")
        execute("SELECT setval(%s, %s, %s)", (f"{table}_id_seq", last_value, is_called))
    for name, definition in plan.foreign_keys:
        execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")
    for definition in plan.triggers:
        execute(definition)  # names the table by name: now the partitioned one
    execute(f"ANALYZE {q(table)}")
    say(
        _("%(table)s is partitioned; %(old)s keeps the old rows.")
        % {"table": table, "old": plan.kept_as}
    )


def retarget_index(definition: str, name: str, temp: str, table: str, staging: str) -> str:
    """`pg_get_indexdef` of an index of `table`, made for `staging` under the name `temp`."""
    head, on, tail = definition.partition(" ON ")
    verb, _space, written_name = head.rpartition(" ")
    target, _space, rest = tail.partition(" ")
    if written_name not in (name, q(name)) or target.split(".")[-1] not in (table, q(table)):
        raise PartitioningError(f"unexpected index definition: {definition}")
    return f"{verb} {q(temp)}{on}{q(staging)} {rest}"


def verify_copy(table: str, staging: str) -> None:
    """The same number of rows and the same ids on both sides, or nothing is changed."""
    before = one(f"SELECT count(*), coalesce(sum(id), 0) FROM {q(table)}")
    after = one(f"SELECT count(*), coalesce(sum(id), 0) FROM {q(staging)}")
    missing = one(
        f"SELECT count(*) FROM (SELECT id FROM {q(table)} EXCEPT SELECT id FROM {q(staging)}) m"
    )
    if before != after or missing != (0,):
        raise PartitioningError(
            _(
                "The copy of %(table)s differs from the table (%(before)s, %(after)s); "
                "nothing was changed."
            )
            % {"table": table, "before": before, "after": after}
        )


# -- reading the state -----------------------------------------------------------------------


def status_lines() -> list[str]:
    require_postgresql()
    said: list[str] = []
    for label, model in TABLES.items():
        table = model._meta.db_table
        if not is_partitioned(table):
            said.append(
                _("%(label)s (%(table)s): not partitioned") % {"label": label, "table": table}
            )
            continue
        listed = partitions(table)
        said.append(
            _("%(label)s (%(table)s): %(count)s partition(s)")
            % {"label": label, "table": table, "count": len(listed)}
        )
        for p in listed:
            where = f"{KEY} {p.bounds[0]}..{p.bounds[1] - 1}" if p.bounds else "DEFAULT"
            said.append(f"  {p.name}: {where}, ~{max(p.rows, 0)} row(s)")
    return said
