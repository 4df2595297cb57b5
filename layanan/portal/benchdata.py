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
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import Unit
from layanan.cases import engine
from layanan.cases.actions import AgencyCalendars
from layanan.cases.models import Application, Event, EventCursor, Step
from layanan.charters.fees import payment_gate
from layanan.charters.models import Charter, Service
from layanan.documents import issuing
from layanan.guarantees.sweep import plan_alarms
from layanan.lib.tracking import ALPHABET, RANDOM_LENGTH, check_symbol
from layanan.lib.tracking import format as format_number
from layanan.notifications.jobs import CURSOR as NOTIFICATIONS_CURSOR
from layanan.payments import billing
from layanan.portal.benchdata_rows import (
    RETURN_REASON,
    Offer,
    Story,
    Writer,
    reset_sequences,
)
from layanan.portal.demo_answers import answers_for
from layanan.surveys import invitations
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
