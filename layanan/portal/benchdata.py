"""Generated data for benchmarks and load tests: `layanan bench generate --applications N`.

On top of the demo (catalogue, accounts, samples: `portal.demo_data.load_demo`) it writes N
applications spread over the demo services and the last YEARS years, with their steps, event
log, alarms and, for a quarter of the completed ones, a paper SKM survey response.

Each application's story is played through the workflow engine (`cases.engine`, the same pure
functions the actions call) on the agencies' real calendars, so statuses, steps, due dates,
pauses and events are what the application would have had; only the writing differs: rows go
in with `executemany` in batches, one transaction per batch, never one action at a time.

- Statuses: every status the engine produces (draft, in progress, returned, awaiting payment,
  completed, rejected, withdrawn, deemed approved). `submitted` is reserved by the engine and
  never produced, so none is generated. Ended applications started up to YEARS years ago; open
  ones in the last OPEN_WINDOW days, and stay as far as their story got by `now` (an act that
  would fall after `now` does not happen), so some of them are late, as in life.
- People: citizens `warga-0000001`... (no password: they cannot sign in); every officer act is
  by `petugas`, who holds every role in every unit, so their queue holds every open step.
  `warga` and `warga2` get none of the generated applications: their pages stay the demo's.
- Events: hash-chained exactly as `cases.events.record_event` writes them (`layanan audit
  verify` passes).
- Alarms: planned as `guarantees.sweep.plan_application` plans them for every open
  application. What fell due before `now` is history: its alarms are stored as fired and no
  breach, escalation or compensation is written for it; what falls due later fires through the
  sweep as usual.
- The event readers (guarantees, notifications, documents, bills, survey invitations,
  forecasts) are moved past the generated events: the worker sends no mail about them, issues
  no products and opens no bills for them. The rollups' reader is not moved: the worker (or
  `layanan rollups update`) counts the generated events, and until it has, the dashboard adds
  the first 5,000 it has not counted (`transparency.rollups.pending`).
- Deterministic: the same seed and the same `now` give the same rows (tracking numbers too);
  the rows do not depend on the database, so SQLite and PostgreSQL get the same data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import Unit
from layanan.cases import engine
from layanan.cases.actions import AgencyCalendars
from layanan.cases.events import GENESIS
from layanan.cases.models import Application, Event, EventCursor, Step
from layanan.charters.fees import payment_gate
from layanan.charters.models import Charter, Service
from layanan.documents import issuing
from layanan.guarantees.models import Alarm, Level
from layanan.guarantees.sweep import percent_of, plan_alarms, very_late_percent
from layanan.lib.tracking import ALPHABET, RANDOM_LENGTH, check_symbol
from layanan.lib.tracking import format as format_number
from layanan.notifications.jobs import CURSOR as NOTIFICATIONS_CURSOR
from layanan.payments import billing
from layanan.portal.demo_answers import answers_for
from layanan.surveys import invitations
from layanan.surveys.models import Response
from layanan.transparency import forecast

YEARS = 4
DEMO_KEY_PREFIX = "demo-"  # the idempotency keys of the demo's samples (portal.demo_applications)
OPEN_WINDOW = 30  # days: open applications were created this recently
BATCH = 5000  # applications per transaction
CITIZENS_PER_APPLICATION = 1 / 8
SURVEYED = 4  # one completed application in SURVEYED has a paper survey response
GUARANTEES_CURSOR = "guarantees"  # guarantees.sweep.plan_alarms reads under this name
SKIPPED_READERS = (
    GUARANTEES_CURSOR,
    NOTIFICATIONS_CURSOR,
    issuing.CURSOR,
    billing.CURSOR,
    invitations.CURSOR,
    forecast.CURSOR,
)
# What each generated application is headed for, and how often (out of 100).
TARGETS = (
    ("completed", 50),
    ("in_progress", 18),
    ("returned", 5),
    ("awaiting_payment", 4),
    ("rejected", 7),
    ("withdrawn", 5),
    ("deemed_approved", 3),
    ("draft", 8),
)
OPEN_TARGETS = frozenset({"in_progress", "returned", "awaiting_payment", "draft"})
RETURN_REASON = "Mohon unggah ulang dokumen yang terbaca jelas."
REJECT_REASON = "Persyaratan tidak terpenuhi."
WITHDRAW_REASON = "Tidak jadi mengajukan."
FIRST_NAMES = ("Siti", "Budi", "Dewi", "Agus", "Rina", "Joko", "Ayu", "Eko", "Nur", "Yusuf")
LAST_NAMES = ("Rahayu", "Santoso", "Lestari", "Wibowo", "Hidayat", "Saputra", "Utami", "Kurnia")


@dataclass
class Summary:
    applications: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    steps: int = 0
    events: int = 0
    alarms: int = 0
    survey_responses: int = 0
    citizens: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "applications": self.applications,
            "by_status": dict(sorted(self.by_status.items())),
            "steps": self.steps,
            "events": self.events,
            "alarms": self.alarms,
            "survey_responses": self.survey_responses,
            "citizens": self.citizens,
            "seconds": round(self.seconds, 1),
        }


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


# Who performs each engine action in the stories; any other is an officer's.
ACTORS = {"submit": "citizen", "resubmit": "citizen", "withdraw": "citizen", "deem_approved": ""}


def generate(*, applications: int, seed: int, now: dt.datetime | None = None) -> Summary:
    """Write `applications` generated applications (and their citizens) on top of the demo
    data already loaded; see the module's docstring."""
    began = time.perf_counter()
    now = (now or timezone.now()).replace(microsecond=0)
    draw = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    officer = User.objects.get(username="petugas")
    offers = demo_offers(now)
    # Only a service with a fee paid online can await payment, only one whose charter grants
    # it can be deemed approved; any service can be headed elsewhere.
    offers_for = {target: offers for target, _weight in TARGETS}
    offers_for["awaiting_payment"] = [o for o in offers if o.procedure.payment_gate is not None]
    offers_for["deemed_approved"] = [o for o in offers if o.legal_basis]
    offers_for = {target: eligible or offers for target, eligible in offers_for.items()}
    units = {unit.code: unit for unit in Unit.objects.select_related("agency")}
    calendars = AgencyCalendars()
    catch_up_readers()
    events_before = Event.objects.aggregate(last=Max("id"))["last"] or 0
    summary = Summary(applications=applications)
    citizens = make_citizens(max(1, int(applications * CITIZENS_PER_APPLICATION)), seed)
    summary.citizens = len(citizens)
    numbers = set(Application.objects.values_list("number", flat=True))
    next_id = {
        model: (model.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        for model in (Application, Step, Event)
    }
    writer = Writer(next_id)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # the indexes being filled outgrow SQLite's default 2 MiB page cache at once
            cursor.execute("PRAGMA cache_size = -262144")
    for start in range(0, applications, BATCH):
        with transaction.atomic():
            for _index in range(start, min(start + BATCH, applications)):
                target = draw.choices([t for t, _ in TARGETS], [w for _, w in TARGETS])[0]
                eligible = offers_for[target]
                offer = eligible[draw.randrange(len(eligible))]
                applicant = citizens[draw.randrange(len(citizens))]
                number = tracking_number(draw, numbers)
                channel = ("online", "online", "loket", "api")[draw.randrange(4)]
                story = play(offer, target, draw, now=now, calendars=calendars)
                writer.add(
                    offer,
                    story,
                    number=number,
                    applicant=applicant,
                    channel=channel,
                    officer=officer.pk,
                    units=units,
                    calendars=calendars,
                    now=now,
                    surveyed=draw.randrange(SURVEYED) == 0,
                    answers=[draw.randint(2, 4) for _ in range(9)],
                )
                summary.by_status[str(story.state.status)] += 1
            writer.flush(officer=officer.pk)
    writer.reset_sequences()
    summary.steps, summary.events = writer.steps, writer.events
    summary.alarms, summary.survey_responses = writer.alarms, writer.responses
    skip_generated_events(after_id=events_before)
    with connection.cursor() as cursor:
        # the planner's statistics, for the tables that just grew (e.g. the queue's partial
        # index is chosen only with them on SQLite)
        cursor.execute("ANALYZE")
    summary.seconds = time.perf_counter() - began
    return summary


def demo_offers(now: dt.datetime) -> list[Offer]:
    offers = []
    services = Service.objects.filter(active=True).select_related("lead_agency").order_by("code")
    for service in services:
        charter = (
            Charter.objects.filter(service=service, status="adopted").order_by("-version").first()
        )
        if charter is None:
            continue
        today = timezone.localdate(now)
        try:
            answers = answers_for(service.code, filed=today, today=today)
        except KeyError:
            answers = {}
        content = charter.content
        offers.append(
            Offer(
                service=service,
                charter=charter,
                procedure=engine.Procedure.from_content(
                    content,
                    lead_agency=service.lead_agency.code,
                    payment_gate=payment_gate(content, answers),
                ),
                answers=json.dumps(answers, sort_keys=True, default=str),
                positions={
                    step["key"]: position
                    for stage in content["procedure"]["stages"]
                    for position, step in enumerate(stage["steps"])
                },
                fee=charter.fee,
                legal_basis=str(
                    (charter.guarantee.get("deemed_approval") or {}).get("legal_basis", "")
                ),
            )
        )
    if not offers:
        raise ValueError("No service with an adopted charter: load the demo first.")
    return offers


def make_citizens(count: int, seed: int) -> list[int]:
    """`count` citizens without a password (they never sign in); their ids."""
    first = (User.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    draw = random.Random(seed + 1)  # noqa: S311 - reproducible test data, not secrets
    prefix = f"warga-{seed}-"
    taken = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    rows = []
    for k in range(count):
        username = f"{prefix}{k:07d}"
        if username in taken:
            continue
        name = f"{draw.choice(FIRST_NAMES)} {draw.choice(LAST_NAMES)}"
        # "!": Django's mark of an unusable password
        rows.append(User(id=first + k, username=username, full_name=name, password="!"))  # noqa: S106
    for chunk in chunks(rows, 5000):
        User.objects.bulk_create(chunk)
    reset_sequences([User])
    return list(
        User.objects.filter(username__startswith=prefix)
        .order_by("username")
        .values_list("id", flat=True)
    )


def tracking_number(draw: random.Random, taken: set[str]) -> str:
    """A tracking number as `lib.tracking.new_tracking_number` makes them, drawn from `draw`."""
    while True:
        payload = "".join(draw.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
        number = format_number(payload + check_symbol(payload))
        if number not in taken:
            taken.add(number)
            return number


# -- the stories -------------------------------------------------------------------------------


def play(
    offer: Offer,
    target: str,
    draw: random.Random,
    *,
    now: dt.datetime,
    calendars: AgencyCalendars,
) -> Story:
    """Play one application towards `target` through the engine; acts that would happen after
    `now` do not happen."""
    procedure = offer.procedure
    if target in OPEN_TARGETS:
        created = now - dt.timedelta(minutes=draw.randint(30, OPEN_WINDOW * 24 * 60))
    else:
        created = now - dt.timedelta(minutes=draw.randint(20 * 24 * 60, YEARS * 365 * 24 * 60))
    state = engine.new_case(procedure)
    story = Story(state=state, events=[], created=created)
    if target == "draft":
        return story
    at = created + dt.timedelta(minutes=draw.randint(5, 180))
    stop_after = draw.randrange(len(procedure.steps)) if target != "completed" else -1
    acted = 0
    returned_once = False

    def act(action: Callable[..., engine.Outcome], when: dt.datetime, **kwargs: Any) -> bool:
        if when > now:
            return False
        outcome_state, events = action(
            procedure, story.state, at=when, calendars=calendars, **kwargs
        )
        story.state = outcome_state
        story.acts += 1
        by = ACTORS.get(action.__name__, "officer")
        story.events += [(when, by, event) for event in events]
        return True

    if not act(engine.submit, at):
        return story
    while not story.state.has_ended:
        state = story.state
        if state.status == engine.Status.AWAITING_PAYMENT:
            if target == "awaiting_payment":
                return story
            at += dt.timedelta(hours=draw.randint(2, 72))
            payment = {"amount": offer.fee, "method": "transfer", "code": ""}
            if not act(engine.pay, at, payment=payment):
                return story
            continue
        if state.status == engine.Status.RETURNED:
            if target == "returned":
                return story
            at += dt.timedelta(hours=draw.randint(4, 96))
            if not act(engine.resubmit, at):
                return story
            continue
        active = [s for s in state.steps if s.state == engine.StepStatus.ACTIVE]
        step = active[0]
        at = max(at, step.started_at or at) + working_share(step, draw)
        if target == "deemed_approved" and offer.legal_basis and state.due_at is not None:
            # nobody decided in time: the sweep grants it a minute after the limit passed
            when = max(at, state.due_at + dt.timedelta(minutes=1))
            act(engine.deem_approved, when, legal_basis=offer.legal_basis)
            return story
        if target in ("in_progress", "returned", "rejected", "withdrawn") and acted >= stop_after:
            if target == "returned":
                act(engine.return_for_correction, at, step_key=step.key, reason=RETURN_REASON)
            elif target == "rejected":
                act(engine.reject, at, step_key=step.key, reason=REJECT_REASON)
            elif target == "withdrawn":
                act(engine.withdraw, at, reason=WITHDRAW_REASON)
            return story
        if not returned_once and draw.randrange(10) == 0:
            # one application in ten goes back to the citizen once before it goes on
            returned_once = True
            if not act(engine.return_for_correction, at, step_key=step.key, reason=RETURN_REASON):
                return story
            continue
        if not act(engine.approve, at, step_key=step.key):
            return story
        acted += 1
    return story


def working_share(step: engine.StepState, draw: random.Random) -> dt.timedelta:
    """How long an officer takes on a step: mostly within its limit, one in ten past it."""
    if step.started_at is None or step.due_at is None:
        return dt.timedelta(hours=1)
    allowed = step.due_at - step.started_at
    share = draw.uniform(1.05, 1.6) if draw.randrange(10) == 0 else draw.uniform(0.05, 0.9)
    return max(dt.timedelta(minutes=5), allowed * share)


# -- writing -----------------------------------------------------------------------------------


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


def catch_up_readers() -> None:
    """Let the readers handle the events written before the generation (the demo loader's
    last acts, such as its issued documents), as the worker's next passes would, so that
    each of them can then be moved past the generated events and none is skipped."""
    plan_alarms()
    issuing.run()
    invitations.run()
    billing.run()
    forecast.run()


def skip_generated_events(*, after_id: int) -> None:
    """Move the readers that act on new events (mail, products, bills, invitations, alarms,
    forecasts) past the generated ones, as the demo loader does for its samples' history;
    a reader that had not caught up before the generation is left to read them."""
    last = Event.objects.aggregate(last=Max("id"))["last"] or 0
    for name in SKIPPED_READERS:
        EventCursor.objects.get_or_create(name=name, defaults={"position": after_id})
        EventCursor.objects.filter(name=name, position__gte=after_id, gaps=[]).update(position=last)


def chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
