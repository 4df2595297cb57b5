"""Writing and checking the hash-chained event log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery

from layanan.accounts.models import User
from layanan.cases.models import Application, Event
from layanan.cases.snapshots import invalidate

GENESIS = "0" * 64


def record_event(
    application: Application,
    kind: str,
    *,
    at: dt.datetime,
    actor: User | None,
    step: str = "",
    note: str = "",
    public: bool = False,
    data: dict[str, Any] | None = None,
    new_chain: bool = False,
) -> Event:
    """Append one event; call inside the transaction that made the change.

    The caller holds the application's row lock (actions update it first), so `seq` and the
    previous hash cannot race. `new_chain`: the application was inserted in this very
    transaction, so its chain is empty and no public snapshot of it can exist (nobody else
    sees the row before the commit): the event is the first link, written without reading
    the head or moving `public_version`.
    """
    if new_chain:
        head = (0, GENESIS)
    else:
        # Serialise writers of one application's chain (the update takes PostgreSQL's row
        # lock; SQLite already serialises write transactions), and retire its public snapshots.
        invalidate([application.pk])
        head = chain_head(application.pk)
    event = chained(application, head, kind, at, actor, step, note, public, data)
    event.save()
    return event


@dataclass(frozen=True)
class EventEntry:
    """One event for `record_events`: what `record_event` takes besides the time and actor."""

    kind: str
    step: str = ""
    note: str = ""
    public: bool = False
    data: dict[str, Any] | None = None


def record_events(
    application: Application,
    entries: Iterable[EventEntry],
    *,
    at: dt.datetime,
    actor: User | None,
) -> list[Event]:
    """Append several events of one change in one INSERT, for a writer that has already
    moved the application's `public_version` in this transaction (`actions.store`: its
    conditional update holds the row lock and retires the snapshots), so that only the
    chain's head is read."""
    head = chain_head(application.pk)
    events = []
    for entry in entries:
        event = chained(
            application,
            head,
            entry.kind,
            at,
            actor,
            entry.step,
            entry.note,
            entry.public,
            entry.data,
        )
        head = (event.seq, event.hash)
        events.append(event)
    if events:
        Event.objects.bulk_create(events)
    return events


def chain_head(application_id: int) -> tuple[int, str]:
    """The last (seq, hash) of an application's chain; (0, GENESIS) when it has none."""
    last = (
        Event.objects.filter(application_id=application_id)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    return (last[0], last[1]) if last else (0, GENESIS)


def chained(
    application: Application,
    head: tuple[int, str],
    kind: str,
    at: dt.datetime,
    actor: User | None,
    step: str,
    note: str,
    public: bool,
    data: dict[str, Any] | None,
) -> Event:
    """The event that follows `head`, with its hash (not saved)."""
    event = Event(
        application=application,
        seq=head[0] + 1,
        at=at,
        actor=actor,
        kind=kind,
        step=step,
        note=note,
        public=public,
        data=data or {},
        prev_hash=head[1],
    )
    event.hash = event.content_hash()
    return event


@dataclass(frozen=True)
class BrokenLink:
    application: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.application} event {self.seq}: {self.reason}"


def verify_chain(events: Iterable[Event], number: str) -> BrokenLink | None:
    """The first broken link of one application's chain (events in seq order), if any."""
    prev_hash = GENESIS
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            return BrokenLink(number, expected_seq, f"missing (sequence jumps to {event.seq})")
        if event.prev_hash != prev_hash:
            return BrokenLink(number, event.seq, "does not follow the previous event's hash")
        if event.hash != event.content_hash():
            return BrokenLink(number, event.seq, "content was changed after it was written")
        prev_hash = event.hash
        expected_seq += 1
    return None


def verify_all(batch: int = 500) -> tuple[int, list[BrokenLink]]:
    """Check every application's chain; return how many were checked and the broken ones."""
    broken: list[BrokenLink] = []
    checked = 0
    last_id = 0
    while True:
        chunk = list(
            Application.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "number")[:batch]
        )
        if not chunk:
            return checked, broken
        for pk, number in chunk:
            link = verify_chain(Event.objects.filter(application_id=pk).order_by("seq"), number)
            if link:
                broken.append(link)
            checked += 1
        last_id = chunk[-1][0]


class ChainWriter:
    """Appends events for many applications inside one transaction with few queries.

    For batch work (the guarantee sweep): the caller locks the applications first (PostgreSQL
    row locks; SQLite serialises write transactions), `preload` reads the head of each chain in
    one query, `append` builds the rows in memory, `flush` inserts them in one statement.
    """

    def __init__(self) -> None:
        self.heads: dict[int, tuple[int, str]] = {}
        self.pending: list[Event] = []

    def preload(self, application_ids: Iterable[int]) -> None:
        ids = [pk for pk in application_ids if pk not in self.heads]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            newest = (
                Event.objects.filter(application_id=OuterRef("application_id"))
                .order_by("-seq")
                .values("seq")[:1]
            )
            for application_id, seq, digest in (
                Event.objects.filter(application_id__in=chunk, seq=Subquery(newest))
                .order_by()
                .values_list("application_id", "seq", "hash")
            ):
                self.heads[application_id] = (seq, digest)
            for application_id in chunk:
                self.heads.setdefault(application_id, (0, GENESIS))

    def append(
        self,
        application_id: int,
        kind: str,
        *,
        at: dt.datetime,
        step: str = "",
        note: str = "",
        public: bool = False,
        data: dict[str, Any] | None = None,
    ) -> Event:
        if application_id not in self.heads:
            self.preload([application_id])
        seq, prev_hash = self.heads[application_id]
        event = Event(
            application_id=application_id,
            seq=seq + 1,
            at=at,
            actor=None,
            kind=kind,
            step=step,
            note=note,
            public=public,
            data=data or {},
            prev_hash=prev_hash,
        )
        event.hash = event.content_hash()
        self.heads[application_id] = (event.seq, event.hash)
        self.pending.append(event)
        return event

    def flush(self) -> None:
        if self.pending:
            invalidate({event.application_id for event in self.pending})
            Event.objects.bulk_create(self.pending, batch_size=500)
            self.pending = []

    def forget(self, application_id: int) -> None:
        """Another writer appended to this chain: read its head again next time."""
        self.heads.pop(application_id, None)


GAP_SECONDS = 300  # an id still missing after this long belongs to a rolled-back transaction
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def to_position(moment: dt.datetime) -> int:
    """A cursor position for a timestamp: microseconds since 1970 (UTC)."""
    return int((moment - EPOCH) / dt.timedelta(microseconds=1))


def from_position(position: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=position)


def read_new_events(
    name: str, *, limit: int, now: dt.datetime, queryset: Any = None
) -> tuple[list[Event], Any]:
    """The next events a reader has not handled, in id order, and a function that records them
    as handled (call it in the same transaction as the work done with them).

    Ids are handed out before commit on PostgreSQL, so an event with a lower id can become
    visible after one with a higher id. Ids skipped over are kept as gaps and read again until
    they appear or are older than GAP_SECONDS (a rolled-back transaction leaves a gap for good).
    Readers must be idempotent, as each one here is (unique constraints on what they make).
    """
    from layanan.cases.models import EventCursor

    cursor, _created = EventCursor.objects.get_or_create(name=name)
    base = queryset if queryset is not None else Event.objects.all()
    horizon = now.timestamp() - GAP_SECONDS
    gaps = {int(pk): float(seen) for pk, seen in cursor.gaps if float(seen) >= horizon}
    late = list(base.filter(pk__in=list(gaps)).order_by("pk")) if gaps else []
    fresh = list(base.filter(pk__gt=cursor.position).order_by("pk")[:limit])
    events = late + fresh

    def done() -> None:
        for event in late:
            gaps.pop(event.pk, None)
        position = cursor.position
        for event in fresh:
            for missing in range(position + 1, event.pk):
                gaps.setdefault(missing, now.timestamp())
            position = event.pk
        EventCursor.objects.filter(pk=cursor.pk).update(
            position=position, gaps=[[pk, seen] for pk, seen in sorted(gaps.items())][:10_000]
        )

    return events, done


def read_changed_rows(name: str, queryset: Any) -> tuple[list[Any], Callable[[], None]]:
    """The rows of `queryset` added or changed since this reader's last pass (by their
    `updated_at`), oldest first, and a function that records them as handled (call it once
    the work done with them is committed or in the same transaction).

    The gap-safe reading of `read_new_events` for rows that change in place: `updated_at` is
    taken when a row is saved, before its transaction commits, so a row saved earlier can
    become visible after one saved later. Each pass therefore reads again from GAP_SECONDS
    before its mark and skips the versions (id, updated_at) it already handled there; the
    cursor keeps those versions in `gaps`. A late commit is read on the next pass, and no
    version is handled twice. Readers must be idempotent all the same.
    """
    from layanan.cases.models import EventCursor

    cursor, _created = EventCursor.objects.get_or_create(name=name)
    window = GAP_SECONDS * 1_000_000
    since = cursor.position - window
    handled = {(int(pk), int(position)) for pk, position in cursor.gaps if position > since}
    candidates = queryset.filter(updated_at__gt=from_position(max(since, 0))).order_by(
        "updated_at", "pk"
    )
    rows = [row for row in candidates if (row.pk, to_position(row.updated_at)) not in handled]

    def done() -> None:
        versions = handled | {(row.pk, to_position(row.updated_at)) for row in rows}
        mark = max([cursor.position, *(position for _pk, position in versions)])
        kept = sorted([pk, position] for pk, position in versions if position > mark - window)
        EventCursor.objects.filter(pk=cursor.pk).update(position=mark, gaps=kept[-10_000:])

    return rows, done


def skip_events(name: str, *, after_id: int, up_to_id: int) -> bool:
    """Move reader `name` past the events with ids in (after_id, up_to_id] without handling
    them; only when it has handled everything up to `after_id` and has no gaps, so that no
    event anybody should have acted on is skipped. Returns whether the cursor moved."""
    from layanan.cases.models import EventCursor

    cursor, _created = EventCursor.objects.get_or_create(name=name)
    if cursor.position < after_id or cursor.gaps or up_to_id <= cursor.position:
        return False
    return bool(
        EventCursor.objects.filter(pk=cursor.pk, position=cursor.position).update(position=up_to_id)
    )
