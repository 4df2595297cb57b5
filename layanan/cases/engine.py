"""The workflow engine: a charter's procedure run over one application, as pure functions.

No database and no clock of its own. Each action takes the procedure, the current `CaseState`,
the instant `at` it happens and the agencies' calendars, and returns the new state with the
events it caused; the persistence layer stores both in one transaction. When an action does not
apply, `InvalidAction` is raised and nothing changes (states are immutable). A naive datetime is
a programming error and raises `ValueError`; so does a state built for another procedure.

Rules (issue 3, "Workflow engine"), with the choices made where the issue is silent:

- `submit` only from draft; the application goes straight to `in_progress`. The engine never
  produces `submitted`: nothing happens between the submission and the start of the first
  stage, so a separate status would only be a second name for the same moment.
- Stages run in order; the steps of a stage run in parallel, each on the calendar of its own
  agency; a stage ends when all of its steps are approved (join), and the next stage starts at
  that instant. After the last stage the application is completed.
- Time limits: `working_days` is the closing time of the n-th working day after the local date
  of the start; `working_hours` is n * 60 minutes of service time from the start.
- The file is complete when the first stage ends (every step of the first stage approved). In
  the usual charter the first stage is one completeness check, so this is "the first step's
  approval"; when several agencies check in parallel, the file is complete only once all of
  them accepted it. With `clock_starts == "file_complete"` the application clock (the lead
  agency's calendar) starts then; with `"submission"` it starts at submission.
- `return_for_correction` pauses the application clock and the returned step. The other active
  steps of the stage stay active and keep their clocks: their officers may still approve, reject
  or return them too (the citizen then corrects everything in one resubmission). The stage
  cannot end while a step is returned, since a returned step is not approved.
- A pause ends at `resubmit` (the returned steps become active again) or when the application
  ends while returned (a rejection of another step, a withdrawal). Its working time on the lead
  agency's calendar is added to `paused_minutes` and moves the application's due date later,
  but only if the application clock was running: a file sent back by the completeness check
  before the clock started (`file_complete`) has no clock to pause. On resubmission each returned
  step's due date moves later by the working time of its own pause on its agency's calendar.
- `reject` ends the application: that step rejected, every other step that has not ended
  skipped. `withdraw` (the citizen) ends any application that has not ended, draft included.
- Every action on an ended application raises `InvalidAction("ended")`; approving, returning or
  rejecting a step that is not active raises `"not_active"`; an action the status does not allow
  raises `"not_allowed"`; an unknown step key `"unknown_step"`; a return or rejection without a
  reason `"reason_required"`; an instant earlier than the last change `"out_of_order"`.

- Payment (issue 11): the procedure may name a `payment_gate`, the index of the stage that
  cannot start until the fee is paid (the number of stages: completion waits for it). When the
  application reaches the gate — on submission for gate 0, when the stage before it ends
  otherwise — it becomes `awaiting_payment` and its clock pauses as while returned (the time is
  the citizen's). `pay` ends that pause, gives the paused working time back to the due date, and
  starts the gated stage or completes the application. Stages only move forward, so the gate
  is met once. An application awaiting payment has no active step: officers cannot act on it,
  it cannot be deemed approved, and it can be withdrawn.

`recompute_due` is not an action of a person: after a calendar correction it computes the
running due dates again from the stored facts (see its docstring).

Events: `public` events belong on the citizen's timeline and the tracking page (submitted,
step_started, step_approved, file_complete, returned, resubmitted, rejected, completed,
withdrawn); the notes of public events are reasons written for the applicant, so a page without
login shows the kind and time, not the note. `stage_completed` and `due_extended` are internal
bookkeeping for other apps (the new due dates are public through the state and `explain_due`).
Officers' free-text notes on approval are comments the persistence layer records itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from layanan.lib.workdays import DayOff, WorkCalendar

__all__ = [
    "TERMINAL",
    "WORKING_DAY_MINUTES",
    "Calendars",
    "CaseState",
    "DueExplanation",
    "EngineEvent",
    "InvalidAction",
    "Outcome",
    "Procedure",
    "Status",
    "StepSpec",
    "StepState",
    "StepStatus",
    "TimeLimit",
    "approve",
    "deem_approved",
    "explain_due",
    "new_case",
    "pay",
    "recompute_due",
    "reject",
    "resubmit",
    "return_for_correction",
    "return_to_draft",
    "submit",
    "withdraw",
]

# A working day as the charters count it (Monday-Friday 08:00-16:00), for saying how long a
# pause lasted in days; the pause itself is always measured in minutes on a real calendar.
WORKING_DAY_MINUTES = 8 * 60
CLOCK_STARTS = ("submission", "file_complete")


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # reserved; the engine goes from draft to in_progress
    IN_PROGRESS = "in_progress"
    RETURNED = "returned"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    DEEMED_APPROVED = "deemed_approved"  # granted by law because the time limit passed
    AWAITING_PAYMENT = "awaiting_payment"  # a bill is open; the clock is paused


class StepStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    APPROVED = "approved"
    RETURNED = "returned"
    REJECTED = "rejected"
    SKIPPED = "skipped"


TERMINAL = frozenset({Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN, Status.DEEMED_APPROVED})
_STEP_ENDED = frozenset({StepStatus.APPROVED, StepStatus.REJECTED, StepStatus.SKIPPED})


class InvalidAction(Exception):
    """The action does not apply to the application as it is; nothing changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Calendars(Protocol):
    def __call__(self, agency_code: str) -> WorkCalendar: ...


# -- the procedure -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLimit:
    amount: int
    unit: str  # "working_days" | "working_hours"

    @classmethod
    def from_content(cls, data: Mapping[str, Any]) -> TimeLimit:
        amount, unit = data.get("amount"), data.get("unit")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise ValueError(f"A time limit needs a whole amount of at least 1, not {amount!r}.")
        if unit not in ("working_days", "working_hours"):
            raise ValueError(f"Unknown time limit unit {unit!r}.")
        return cls(amount=amount, unit=unit)

    def due(self, calendar: WorkCalendar, start: datetime) -> datetime:
        if self.unit == "working_days":
            return calendar.add_working_days_at(start, self.amount)
        return calendar.add_working_minutes(start, self.amount * 60)


@dataclass(frozen=True)
class StepSpec:
    key: str
    stage: int
    unit: str
    agency: str
    time_limit: TimeLimit


@dataclass(frozen=True)
class Procedure:
    """What the engine needs of a charter version: stages of steps and the time limits."""

    stages: tuple[tuple[StepSpec, ...], ...]
    time_limit: TimeLimit
    clock_starts: str
    lead_agency: str
    # the stage that waits for the fee to be paid; len(stages): completion waits; None: no fee
    payment_gate: int | None = None

    def __post_init__(self) -> None:
        if not self.stages or not all(self.stages):
            raise ValueError("A procedure needs at least one stage, and each stage a step.")
        keys = [spec.key for spec in self.steps]
        if len(set(keys)) != len(keys):
            raise ValueError("Step keys must be unique within a procedure.")
        if self.clock_starts not in CLOCK_STARTS:
            raise ValueError(f"Unknown clock start {self.clock_starts!r}.")
        if not self.lead_agency:
            raise ValueError("A procedure needs its lead agency.")
        if self.payment_gate is not None and not 0 <= self.payment_gate <= len(self.stages):
            raise ValueError(f"No stage {self.payment_gate} to wait for payment before.")

    @classmethod
    def from_content(
        cls, content: Mapping[str, Any], *, lead_agency: str, payment_gate: int | None = None
    ) -> Procedure:
        """From a charter's normalised content; a step without an agency belongs to the lead.
        `payment_gate` comes from the fee and the answers (`charters.fees.payment_gate`)."""
        stages = tuple(
            tuple(
                StepSpec(
                    key=step["key"],
                    stage=number,
                    unit=step["unit"],
                    agency=step.get("agency") or lead_agency,
                    time_limit=TimeLimit.from_content(step["time_limit"]),
                )
                for step in stage["steps"]
            )
            for number, stage in enumerate(content["procedure"]["stages"])
        )
        return cls(
            stages=stages,
            time_limit=TimeLimit.from_content(content["time_limit"]),
            clock_starts=content.get("clock_starts", "file_complete"),
            lead_agency=lead_agency,
            payment_gate=payment_gate,
        )

    @property
    def steps(self) -> tuple[StepSpec, ...]:
        return tuple(spec for stage in self.stages for spec in stage)


# -- the state -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepState:
    key: str
    stage: int
    unit: str
    agency: str
    state: StepStatus
    started_at: datetime | None  # when it became active
    due_at: datetime | None  # stored, never recomputed on read
    ended_at: datetime | None
    paused_at: datetime | None = None  # set while returned to the citizen


@dataclass(frozen=True)
class CaseState:
    status: Status
    steps: tuple[StepState, ...]
    submitted_at: datetime | None = None
    clock_started_at: datetime | None = None  # submission or file complete, per the charter
    due_at: datetime | None = None
    paused_at: datetime | None = None  # set while returned to the citizen
    paused_minutes: int = 0  # working minutes paused so far, on the lead agency's calendar
    ended_at: datetime | None = None

    @property
    def has_ended(self) -> bool:
        return self.status in TERMINAL

    def step(self, key: str) -> StepState:
        for step in self.steps:
            if step.key == key:
                return step
        raise InvalidAction("unknown_step", f"The procedure has no step '{key}'.")

    @property
    def current_stage(self) -> int | None:
        """The stage being worked on, or None before submission and after the end."""
        if self.status in TERMINAL or self.status == Status.DRAFT:
            return None
        return next((s.stage for s in self.steps if s.state != StepStatus.APPROVED), None)


@dataclass(frozen=True)
class EngineEvent:
    kind: str
    step: str | None
    public: bool
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # JSON-ready: datetimes as ISO strings


Outcome = tuple[CaseState, list[EngineEvent]]


def new_case(procedure: Procedure) -> CaseState:
    """A draft: every step pending, no clock."""
    steps = tuple(
        StepState(
            key=spec.key,
            stage=spec.stage,
            unit=spec.unit,
            agency=spec.agency,
            state=StepStatus.PENDING,
            started_at=None,
            due_at=None,
            ended_at=None,
        )
        for spec in procedure.steps
    )
    return CaseState(status=Status.DRAFT, steps=steps)


# -- working through one action ------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _latest(state: CaseState) -> datetime | None:
    moments: list[datetime | None] = [
        state.submitted_at,
        state.clock_started_at,
        state.paused_at,
        state.ended_at,
    ]
    for step in state.steps:
        moments += [step.started_at, step.ended_at, step.paused_at]
    known = [moment for moment in moments if moment is not None]
    return max(known, default=None)


class _Change:
    """The state being changed by one action, and the events it causes."""

    def __init__(
        self, procedure: Procedure, state: CaseState, at: datetime, calendars: Calendars
    ) -> None:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"at must be a timezone-aware datetime, not {at.isoformat()}.")
        if tuple(s.key for s in state.steps) != tuple(s.key for s in procedure.steps):
            raise ValueError("The state was not made for this procedure.")
        if state.status in TERMINAL:
            raise InvalidAction("ended", f"The application has already ended ({state.status}).")
        latest = _latest(state)
        if latest is not None and at < latest:
            raise InvalidAction(
                "out_of_order",
                f"The action at {at.isoformat()} is earlier than the last change "
                f"({latest.isoformat()}).",
            )
        self.procedure = procedure
        self.at = at
        self.calendars = calendars
        self.case = state
        self.steps = list(state.steps)
        self.events: list[EngineEvent] = []
        # due dates moved by a pause: step key (None: the application), minutes, from, to
        self.extensions: list[tuple[str | None, int, datetime, datetime]] = []

    def emit(
        self, kind: str, step: str | None = None, *, public: bool, note: str = "", **data: Any
    ) -> None:
        self.events.append(EngineEvent(kind=kind, step=step, public=public, note=note, data=data))

    def update(self, **changes: Any) -> None:
        self.case = replace(self.case, **changes)

    def index(self, key: str) -> int:
        for number, step in enumerate(self.steps):
            if step.key == key:
                return number
        raise InvalidAction("unknown_step", f"The procedure has no step '{key}'.")

    def active_step(self, key: str) -> int:
        number = self.index(key)
        if self.steps[number].state != StepStatus.ACTIVE:
            raise InvalidAction(
                "not_active", f"Step '{key}' is not active ({self.steps[number].state})."
            )
        return number

    def start_stage(self, stage: int) -> None:
        for spec in self.procedure.stages[stage]:
            number = self.index(spec.key)
            due = spec.time_limit.due(self.calendars(spec.agency), self.at)
            self.steps[number] = replace(
                self.steps[number], state=StepStatus.ACTIVE, started_at=self.at, due_at=due
            )
            self.emit("step_started", spec.key, public=True, unit=spec.unit, due_at=_iso(due))

    def advance(self, stage: int, *, paid: bool = False) -> None:
        """Go on to `stage` (past the last: complete), unless the fee must be paid first."""
        if not paid and stage == self.procedure.payment_gate:
            self.update(status=Status.AWAITING_PAYMENT, paused_at=self.at)
            self.emit("payment_awaited", public=True, stage=stage, paused_at=_iso(self.at))
        elif stage < len(self.procedure.stages):
            self.start_stage(stage)
        else:
            self.end(Status.COMPLETED)
            self.emit("completed", public=True)

    def start_clock(self) -> None:
        lead = self.calendars(self.procedure.lead_agency)
        self.update(clock_started_at=self.at, due_at=self.procedure.time_limit.due(lead, self.at))

    def end_pause(self) -> int:
        """End the application's pause; return the working minutes it added to the clock.

        Call `emit_extensions` once the action's own event is out, so that it comes first.
        """
        paused_at, due_at = self.case.paused_at, self.case.due_at
        self.update(paused_at=None)
        if paused_at is None or self.case.clock_started_at is None or due_at is None:
            return 0  # not paused, or the clock had not started: nothing to give back
        lead = self.calendars(self.procedure.lead_agency)
        minutes = lead.working_minutes_between(paused_at, self.at)
        if minutes:
            later = lead.add_working_minutes(due_at, minutes)
            self.update(due_at=later, paused_minutes=self.case.paused_minutes + minutes)
            self.extensions.append((None, minutes, due_at, later))
        return minutes

    def emit_extensions(self) -> None:
        for step, minutes, previous, due_at in self.extensions:
            self.emit(
                "due_extended",
                step,
                public=False,
                minutes=minutes,
                previous=_iso(previous),
                due_at=_iso(due_at),
            )
        self.extensions.clear()

    def end(self, status: Status, *, keep: Iterable[int] = ()) -> None:
        """End the application; steps that have not ended (except `keep`) are skipped."""
        kept = set(keep)
        for number, step in enumerate(self.steps):
            if number not in kept and step.state not in _STEP_ENDED:
                self.steps[number] = replace(
                    step, state=StepStatus.SKIPPED, ended_at=self.at, paused_at=None
                )
        self.update(status=status, ended_at=self.at)

    def result(self) -> Outcome:
        return replace(self.case, steps=tuple(self.steps)), self.events


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidAction("reason_required", "A reason is required.")
    return reason.strip()


# -- actions -------------------------------------------------------------------------------


def submit(
    procedure: Procedure, state: CaseState, *, at: datetime, calendars: Calendars
) -> Outcome:
    """Submit a draft: the first stage starts, and the clock too if it counts from submission."""
    change = _Change(procedure, state, at, calendars)
    if state.status != Status.DRAFT:
        raise InvalidAction("not_allowed", f"Only a draft can be submitted, not {state.status}.")
    change.update(status=Status.IN_PROGRESS, submitted_at=at)
    if procedure.clock_starts == "submission":
        change.start_clock()
    change.emit(
        "submitted",
        public=True,
        clock_started_at=_iso(change.case.clock_started_at),
        due_at=_iso(change.case.due_at),
    )
    change.advance(0)
    return change.result()


def approve(
    procedure: Procedure, state: CaseState, step_key: str, *, at: datetime, calendars: Calendars
) -> Outcome:
    """Approve an active step; when it was the last of its stage, the next stage starts."""
    change = _Change(procedure, state, at, calendars)
    number = change.active_step(step_key)
    step = change.steps[number]
    change.steps[number] = replace(step, state=StepStatus.APPROVED, ended_at=at)
    change.emit("step_approved", step_key, public=True)
    stage_steps = [s for s in change.steps if s.stage == step.stage]
    if any(s.state != StepStatus.APPROVED for s in stage_steps):
        return change.result()
    change.emit("stage_completed", public=False, stage=step.stage)
    if step.stage == 0:
        if procedure.clock_starts == "file_complete":
            change.start_clock()
        change.emit(
            "file_complete",
            public=True,
            clock_started_at=_iso(change.case.clock_started_at),
            due_at=_iso(change.case.due_at),
        )
    change.advance(step.stage + 1)
    return change.result()


def pay(
    procedure: Procedure,
    state: CaseState,
    *,
    at: datetime,
    calendars: Calendars,
    payment: Mapping[str, Any],
    waived: bool = False,
) -> Outcome:
    """The fee was paid: the pause ends, its working time moves the due date later, and the
    gated stage starts (or the application completes). `payment` (JSON-ready: amount, method,
    code...) is the data of the public `payment_received` event (`fee_waived` when the service
    guarantee waived the fee)."""
    change = _Change(procedure, state, at, calendars)
    if state.status != Status.AWAITING_PAYMENT:
        raise InvalidAction("not_allowed", f"No payment is awaited ({state.status}).")
    minutes = change.end_pause()
    change.update(status=Status.IN_PROGRESS)
    change.emit(
        "fee_waived" if waived else "payment_received",
        public=True,
        paused_minutes=minutes,
        due_at=_iso(change.case.due_at),
        **dict(payment),
    )
    change.emit_extensions()
    assert procedure.payment_gate is not None  # awaiting payment means a gate was met
    change.advance(procedure.payment_gate, paid=True)
    return change.result()


def return_for_correction(
    procedure: Procedure,
    state: CaseState,
    step_key: str,
    *,
    at: datetime,
    calendars: Calendars,
    reason: str,
) -> Outcome:
    """Send the application back to the citizen: the clock and the step pause until resubmission.

    Other active steps keep running; a second return while already returned joins the same pause.
    """
    change = _Change(procedure, state, at, calendars)
    number = change.active_step(step_key)
    reason = _require_reason(reason)
    change.steps[number] = replace(change.steps[number], state=StepStatus.RETURNED, paused_at=at)
    if state.status != Status.RETURNED:
        change.update(status=Status.RETURNED, paused_at=at)
    change.emit("returned", step_key, public=True, note=reason, paused_at=_iso(at))
    return change.result()


def resubmit(
    procedure: Procedure, state: CaseState, *, at: datetime, calendars: Calendars
) -> Outcome:
    """The citizen resubmits the corrected application; the paused working time is given back."""
    change = _Change(procedure, state, at, calendars)
    if state.status != Status.RETURNED:
        raise InvalidAction(
            "not_allowed", f"Only a returned application can be resubmitted, not {state.status}."
        )
    minutes = change.end_pause()
    change.update(status=Status.IN_PROGRESS)
    for number, step in enumerate(change.steps):
        if step.state != StepStatus.RETURNED or step.paused_at is None or step.due_at is None:
            continue
        calendar = calendars(step.agency)
        step_minutes = calendar.working_minutes_between(step.paused_at, at)
        later = calendar.add_working_minutes(step.due_at, step_minutes)
        change.steps[number] = replace(step, state=StepStatus.ACTIVE, paused_at=None, due_at=later)
        if step_minutes:
            change.extensions.append((step.key, step_minutes, step.due_at, later))
    change.emit("resubmitted", public=True, paused_minutes=minutes, due_at=_iso(change.case.due_at))
    change.emit_extensions()
    return change.result()


def reject(
    procedure: Procedure,
    state: CaseState,
    step_key: str,
    *,
    at: datetime,
    calendars: Calendars,
    reason: str,
) -> Outcome:
    """Reject the application at an active step; every step that has not ended is skipped."""
    change = _Change(procedure, state, at, calendars)
    number = change.active_step(step_key)
    reason = _require_reason(reason)
    change.end_pause()
    change.steps[number] = replace(change.steps[number], state=StepStatus.REJECTED, ended_at=at)
    change.end(Status.REJECTED, keep=[number])
    change.emit("rejected", step_key, public=True, note=reason)
    change.emit_extensions()
    return change.result()


def withdraw(
    procedure: Procedure,
    state: CaseState,
    *,
    at: datetime,
    calendars: Calendars,
    reason: str = "",
) -> Outcome:
    """The citizen withdraws an application that has not ended; its steps are skipped."""
    change = _Change(procedure, state, at, calendars)
    change.end_pause()
    change.end(Status.WITHDRAWN)
    change.emit("withdrawn", public=True, note=reason.strip())
    change.emit_extensions()
    return change.result()


def return_to_draft(
    procedure: Procedure,
    state: CaseState,
    *,
    at: datetime,
    calendars: Calendars,
    reason: str = "",
) -> Outcome:
    """A submitted application that no officer has worked on yet goes back to being a draft
    (the citizen withdrew the consent that put some of its data there). Only while it is in
    progress with no step ended; every step is pending again and the clock is cleared: no due
    date, pause or start is left, so a later submission starts everything afresh."""
    change = _Change(procedure, state, at, calendars)
    if state.status != Status.IN_PROGRESS or any(
        step.state not in (StepStatus.ACTIVE, StepStatus.PENDING) for step in state.steps
    ):
        raise InvalidAction(
            "not_allowed", "Only an application no officer has worked on can return to draft."
        )
    change.steps = list(new_case(procedure).steps)
    change.update(
        status=Status.DRAFT,
        submitted_at=None,
        clock_started_at=None,
        due_at=None,
        paused_at=None,
        paused_minutes=0,
        ended_at=None,
    )
    change.emit("returned_to_draft", public=True, note=reason.strip())
    return change.result()


def deem_approved(
    procedure: Procedure,
    state: CaseState,
    *,
    at: datetime,
    calendars: Calendars,
    legal_basis: str,
) -> Outcome:
    """The time limit passed without a decision and the charter grants the application by law
    (fiktif positif): it ends as deemed approved, naming the legal basis. Only an application
    being processed can be deemed approved; one waiting on the citizen cannot."""
    change = _Change(procedure, state, at, calendars)
    if state.status != Status.IN_PROGRESS:
        raise InvalidAction(
            "not_allowed", "Only an application being processed can be deemed approved."
        )
    change.end(Status.DEEMED_APPROVED)
    change.emit(
        "deemed_approved", public=True, note=legal_basis.strip(), data={"legal_basis": legal_basis}
    )
    return change.result()


def recompute_due(
    procedure: Procedure,
    state: CaseState,
    *,
    calendars: Calendars,
    step_paused_minutes: Mapping[str, int],
    note: str = "",
) -> Outcome:
    """Compute the running due dates again from the stored facts, on the calendars as they
    are now: after a holiday, cuti bersama or closure was added or corrected.

    A step that is active or returned is due at its time limit from when it started, on its
    agency's calendar, moved later by the working time of its ended pauses
    (`step_paused_minutes`, the minutes of its `due_extended` events); the application is due
    at its limit from when its clock started, on the lead agency's calendar, moved later by
    `paused_minutes`. On unchanged calendars this gives back exactly the due dates the actions
    computed, so nothing moves. Each due date that moves causes one public `due_recomputed`
    event with `note`; only due dates change. An application that is not running (a draft,
    or one that has ended) is returned unchanged, without events.
    """
    if tuple(s.key for s in state.steps) != tuple(s.key for s in procedure.steps):
        raise ValueError("The state was not made for this procedure.")
    if state.status not in (Status.IN_PROGRESS, Status.RETURNED, Status.AWAITING_PAYMENT):
        return state, []
    specs = {spec.key: spec for spec in procedure.steps}
    steps = list(state.steps)
    events: list[EngineEvent] = []
    for number, step in enumerate(steps):
        running = step.state in (StepStatus.ACTIVE, StepStatus.RETURNED)
        if not running or step.started_at is None or step.due_at is None:
            continue
        calendar = calendars(step.agency)
        due = calendar.add_working_minutes(
            specs[step.key].time_limit.due(calendar, step.started_at),
            step_paused_minutes.get(step.key, 0),
        )
        if due != step.due_at:
            steps[number] = replace(step, due_at=due)
            events.append(_recomputed(step.key, step.due_at, due, note))
    changed = replace(state, steps=tuple(steps))
    if state.clock_started_at is not None and state.due_at is not None:
        lead = calendars(procedure.lead_agency)
        due = lead.add_working_minutes(
            procedure.time_limit.due(lead, state.clock_started_at), state.paused_minutes
        )
        if due != state.due_at:
            changed = replace(changed, due_at=due)
            events.append(_recomputed(None, state.due_at, due, note))
    return changed, events


def _recomputed(step: str | None, previous: datetime, due: datetime, note: str) -> EngineEvent:
    return EngineEvent(
        kind="due_recomputed",
        step=step,
        public=True,
        note=note,
        data={"previous": previous.isoformat(), "due_at": due.isoformat()},
    )


# -- explaining the due date ---------------------------------------------------------------


@dataclass(frozen=True)
class DueExplanation:
    """Why the application is due when it is, from the stored state (nothing is recomputed).

    "5 hari kerja sejak berkas lengkap pada 17 Maret; dilewati: 19 Maret Hari Suci Nyepi, ...;
    dijeda 2 hari kerja menunggu perbaikan".
    """

    limit: TimeLimit
    counts_from: str  # "submission" | "file_complete"
    clock_started_at: datetime | None  # None while the file is not yet complete
    due_at: datetime | None
    skipped: tuple[DayOff, ...]  # days off between the clock start and the due date
    paused_minutes: int  # working minutes of the pauses that have ended
    paused_since: datetime | None  # the pause under way, if the citizen has to act now

    @property
    def skipped_holidays(self) -> tuple[DayOff, ...]:
        """The skipped days that are not weekends: holidays, cuti bersama, closures."""
        return tuple(day for day in self.skipped if day.kind != "weekend")

    @property
    def paused_days(self) -> int:
        """Whole working days of pause, taking a working day as `WORKING_DAY_MINUTES`."""
        return self.paused_minutes // WORKING_DAY_MINUTES

    @property
    def paused_remainder_minutes(self) -> int:
        return self.paused_minutes % WORKING_DAY_MINUTES


def explain_due(procedure: Procedure, state: CaseState, *, calendars: Calendars) -> DueExplanation:
    skipped: tuple[DayOff, ...] = ()
    if state.clock_started_at is not None and state.due_at is not None:
        lead = calendars(procedure.lead_agency)
        start = state.clock_started_at.astimezone(lead.tz).date()
        due = state.due_at.astimezone(lead.tz).date()
        skipped = tuple(lead.days_off_between(start, due))
    return DueExplanation(
        limit=procedure.time_limit,
        counts_from=procedure.clock_starts,
        clock_started_at=state.clock_started_at,
        due_at=state.due_at,
        skipped=skipped,
        paused_minutes=state.paused_minutes,
        paused_since=state.paused_at,
    )
