"""The rows of generated applications (`portal.benchdata`) and how they are written: the
tables' columns, the event chain's hashes as `cases.events.record_event` makes them, the alarms
as `guarantees.sweep.plan_application` plans them, all with `executemany`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from layanan.agencies.models import Unit
from layanan.cases import engine
from layanan.cases.actions import AgencyCalendars
from layanan.cases.events import GENESIS
from layanan.cases.models import Application, Event, Step
from layanan.charters.models import Charter, Service
from layanan.guarantees.models import Alarm, Level
from layanan.guarantees.sweep import percent_of, very_late_percent
from layanan.surveys.models import Response

RETURN_REASON = "Mohon unggah ulang dokumen yang terbaca jelas."


@dataclass(frozen=True)
class Offer:
    """A demo service as the generator uses it: the charter in force and its procedure."""

    service: Service
    charter: Charter
    procedure: engine.Procedure
    answers: str  # JSON
    positions: dict[str, int]  # a step's position within its stage
    fee: int
    legal_basis: str  # deemed approval's, "" when the charter grants none


@dataclass
class Story:
    """One application's life as the engine played it."""

    state: engine.CaseState
    # (when, who: "citizen", "officer" or "" for nobody, what the engine recorded)
    events: list[tuple[dt.datetime, str, engine.EngineEvent]]
    created: dt.datetime
    acts: int = 0


def datetime_adapter() -> Callable[[dt.datetime | None], Any]:
    """The database's own conversion of an aware datetime, without its per-call checks:
    SQLite stores naive UTC text (what `adapt_datetimefield_value` gives), PostgreSQL takes
    the aware value as it is."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value

    def adapt(value: dt.datetime | None) -> str | None:
        return None if value is None else str(value.astimezone(dt.UTC).replace(tzinfo=None))

    return adapt


def event_hash(
    prev_hash: str,
    *,
    application: int,
    seq: int,
    at: dt.datetime,
    actor: int | None,
    kind: str,
    step: str,
    note: str,
    public: bool,
    data_json: str,
) -> str:
    """`Event.content_hash` of a row not built as a model instance (see cases.models): the
    same canonical JSON (sorted keys, no spaces), written out in key order to save encoding
    the whole row again; `test_bench_generate` checks it with `layanan audit verify`."""
    canonical = (
        f'{{"actor":{"null" if actor is None else actor},"application":{application},'
        f'"at":"{at.astimezone(dt.UTC).isoformat()}","data":{data_json},'
        f'"kind":{dumps(kind)},"note":{dumps(note)},"public":{"true" if public else "false"},'
        f'"seq":{seq},"step":{dumps(step)}}}'
    )
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def dumps(text: str) -> str:
    return json.dumps(text)


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


class Writer:
    """Collects the rows of a batch of applications and writes them with executemany."""

    def __init__(self, next_id: dict[Any, int]) -> None:
        self.next_id = next_id
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.steps = self.events = self.alarms = self.responses = 0
        self.adapt = datetime_adapter()

    def add(
        self,
        offer: Offer,
        story: Story,
        *,
        number: str,
        applicant: int,
        channel: str,
        officer: int,
        units: dict[str, Unit],
        calendars: AgencyCalendars,
        now: dt.datetime,
        surveyed: bool,
        answers: list[int],
    ) -> None:
        adapt, state = self.adapt, story.state
        app_id = self.take(Application)
        last_at = story.events[-1][0] if story.events else story.created
        self.rows.setdefault("application", []).append(
            (
                app_id,
                number,
                offer.service.pk,
                offer.charter.pk,
                offer.service.lead_agency_id,
                applicant,
                channel,
                str(state.status),
                offer.answers,
                story.acts,
                adapt(story.created),
                adapt(last_at),
                adapt(state.submitted_at),
                adapt(state.clock_started_at),
                adapt(state.due_at),
                adapt(state.paused_at),
                state.paused_minutes,
                adapt(state.ended_at),
                "{}",
            )
        )
        for step in state.steps:
            unit = units[step.unit]
            self.rows.setdefault("step", []).append(
                (
                    self.take(Step),
                    app_id,
                    step.key,
                    step.stage,
                    offer.positions[step.key],
                    unit.pk,
                    unit.agency_id,
                    str(step.state),
                    adapt(step.started_at),
                    adapt(step.due_at),
                    adapt(step.ended_at),
                    adapt(step.paused_at),
                    RETURN_REASON if step.state == engine.StepStatus.RETURNED else "",
                )
            )
            self.steps += 1
        created = engine.EngineEvent(
            "created",
            None,
            public=False,
            data={"charter_version": offer.charter.version, "channel": channel},
        )
        actors = {"citizen": applicant, "officer": officer, "": None}
        chain: list[tuple[dt.datetime, int | None, engine.EngineEvent]]
        chain = [(story.created, applicant, created)]
        chain += [(at, actors[by], event) for at, by, event in story.events]
        prev_hash = GENESIS
        for seq, (at, actor, event) in enumerate(chain, start=1):
            step_key = event.step or ""
            data_json = canonical_json(event.data)
            digest = event_hash(
                prev_hash,
                application=app_id,
                seq=seq,
                at=at,
                actor=actor,
                kind=event.kind,
                step=step_key,
                note=event.note,
                public=event.public,
                data_json=data_json,
            )
            self.rows.setdefault("event", []).append(
                (
                    self.take(Event),
                    app_id,
                    seq,
                    adapt(at),
                    actor,
                    event.kind,
                    step_key,
                    event.note,
                    event.public,
                    data_json,
                    prev_hash,
                    digest,
                )
            )
            prev_hash = digest
            self.events += 1
        for alarm in planned_alarms(offer, state, calendars):
            step_key, level, due_at, fire_at = alarm
            self.rows.setdefault("alarm", []).append(
                (app_id, step_key, level, adapt(due_at), adapt(fire_at), fire_at <= now)
            )
            self.alarms += 1
        if surveyed and state.status == engine.Status.COMPLETED and state.ended_at:
            first_unit = units[state.steps[0].unit]
            answered = state.ended_at + dt.timedelta(hours=2)
            if answered <= now:
                local = timezone.localtime(answered, calendars(offer.procedure.lead_agency).tz)
                self.rows.setdefault("response", []).append(
                    (
                        offer.service.lead_agency_id,
                        offer.service.pk,
                        first_unit.pk
                        if first_unit.agency_id == offer.service.lead_agency_id
                        else None,
                        Response.Channel.PAPER.value,
                        local.date(),
                        *answers,
                        "",
                        "",
                        "",
                        "",
                        "",
                        adapt(answered),
                    )
                )
                self.responses += 1

    def take(self, model: type) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def flush(self, *, officer: int) -> None:
        with connection.cursor() as cursor:
            for table, sql in INSERTS.items():
                rows = self.rows.pop(table, [])
                if table == "response":
                    rows = [(*row, officer) for row in rows]
                if rows:
                    cursor.executemany(sql, rows)

    def reset_sequences(self) -> None:
        reset_sequences([Application, Step, Event, Alarm, Response])


def planned_alarms(
    offer: Offer, state: engine.CaseState, calendars: AgencyCalendars
) -> Iterator[tuple[str, str, dt.datetime, dt.datetime]]:
    """The alarms `guarantees.sweep.plan_application` plans for an open application:
    (step key, level, due at, fire at)."""
    if state.has_ended or state.status == engine.Status.DRAFT:
        return
    guarantee = offer.charter.guarantee
    soon, very = int(guarantee.get("due_soon_percent", 80)), very_late_percent(guarantee)
    for step in state.steps:
        if step.state != engine.StepStatus.ACTIVE or step.due_at is None or not step.started_at:
            continue
        calendar = calendars(step.agency)
        yield (
            step.key,
            Level.DUE_SOON,
            step.due_at,
            percent_of(calendar, step.started_at, step.due_at, soon),
        )
        yield step.key, Level.LATE, step.due_at, step.due_at
        yield (
            step.key,
            Level.VERY_LATE,
            step.due_at,
            percent_of(calendar, step.started_at, step.due_at, very),
        )
    if state.due_at and state.clock_started_at:
        calendar = calendars(offer.procedure.lead_agency)
        yield "", Level.LATE, state.due_at, state.due_at
        yield (
            "",
            Level.VERY_LATE,
            state.due_at,
            percent_of(calendar, state.clock_started_at, state.due_at, very),
        )


INSERTS = {
    "application": (
        "INSERT INTO cases_application (id, number, service_id, charter_id, agency_id, "
        "applicant_id, channel, status, answers, revision, created_at, updated_at, "
        "submitted_at, clock_started_at, due_at, paused_at, paused_minutes, ended_at, "
        "expected_completion_basis) VALUES "
        "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    ),
    "step": (
        "INSERT INTO cases_step (id, application_id, key, stage, position, unit_id, agency_id, "
        "state, started_at, due_at, ended_at, paused_at, note) VALUES "
        "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    ),
    "event": (
        "INSERT INTO cases_event (id, application_id, seq, at, actor_id, kind, step, note, "
        "public, data, prev_hash, hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    ),
    "alarm": (
        "INSERT INTO guarantees_alarm (application_id, step_key, level, due_at, fire_at, fired) "
        "VALUES (%s,%s,%s,%s,%s,%s)"
    ),
    "response": (
        "INSERT INTO surveys_response (agency_id, service_id, unit_id, channel, answered_on, "
        "u1, u2, u3, u4, u5, u6, u7, u8, u9, sex, age_band, education, occupation, "
        "suggestion, entered_at, entered_by_id) VALUES "
        "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    ),
}


def reset_sequences(models: list[Any]) -> None:
    """After rows written with explicit ids: PostgreSQL's sequences continue after them
    (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
