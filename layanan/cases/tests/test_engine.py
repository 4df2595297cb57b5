"""The workflow engine: worked examples with known dates, then properties over random procedures.

Pure: no database. Calendars: `pusat` and `dukcapil` work on the national calendar (WIB,
Monday-Friday 08:00-16:00); `mpp` is a Mal Pelayanan Publik in WITA that also opens on Saturday
mornings and closed for an audit on 15 April 2026. Known days off, March-April 2026: cuti
bersama Nyepi 18 Mar, Nyepi 19 Mar, Idul Fitri 21-22 Mar with cuti bersama 20, 23, 24 Mar;
Good Friday 3 Apr.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import hypothesis
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan.cases.engine import (
    TERMINAL,
    CaseState,
    EngineEvent,
    InvalidAction,
    Procedure,
    Status,
    StepSpec,
    StepStatus,
    TimeLimit,
    approve,
    explain_due,
    new_case,
    pay,
    recompute_due,
    reject,
    resubmit,
    return_for_correction,
    submit,
    withdraw,
)
from layanan.charters.spec import UnitRef, read_charter
from layanan.lib.workdays import WorkCalendar, build_calendar, national_calendar

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
NATIONAL = national_calendar(2024, 2030)
MPP = build_calendar(
    hours={**{weekday: (time(8), time(16)) for weekday in range(5)}, 5: (time(8), time(12))},
    closures={date(2026, 4, 15): "Audit internal"},
    first_year=2024,
    last_year=2030,
    tz=WITA,
)
CALENDARS = {"pusat": NATIONAL, "dukcapil": NATIONAL, "mpp": MPP}


def calendars(agency_code: str) -> WorkCalendar:
    return CALENDARS[agency_code]


def wib(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def wita(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WITA)


def step_content(key: str, agency: str, amount: int, unit: str = "working_days") -> dict[str, Any]:
    return {
        "key": key,
        "name": {"id": key, "en": ""},
        "unit": f"{agency}-{key}",
        "agency": agency,
        "role": "processor",
        "time_limit": {"amount": amount, "unit": unit},
        "description": {"id": "", "en": ""},
    }


def procedure_of(
    *stages: list[dict[str, Any]],
    total: int = 5,
    clock_starts: str = "file_complete",
    lead: str = "pusat",
) -> Procedure:
    content = {
        "procedure": {
            "stages": [
                {"name": {"id": f"Tahap {i}", "en": ""}, "steps": s} for i, s in enumerate(stages)
            ]
        },
        "time_limit": {"amount": total, "unit": "working_days"},
        "clock_starts": clock_starts,
    }
    return Procedure.from_content(content, lead_agency=lead)


def kinds(events: list[EngineEvent]) -> list[str]:
    return [event.kind for event in events]


# A cross-agency service: a completeness check at the lead agency, then Dukcapil and the MPP in
# parallel, then the signature.
CROSS_AGENCY = procedure_of(
    [step_content("verifikasi", "pusat", 1)],
    [
        step_content("kajian", "dukcapil", 4, "working_hours"),
        step_content("loket", "mpp", 4, "working_hours"),
    ],
    [step_content("penerbitan", "pusat", 1)],
    total=5,
)


# -- worked examples -----------------------------------------------------------------------


def test_a_new_case_is_a_draft_with_every_step_pending() -> None:
    state = new_case(CROSS_AGENCY)
    assert state.status == Status.DRAFT
    assert [s.key for s in state.steps] == ["verifikasi", "kajian", "loket", "penerbitan"]
    assert {s.state for s in state.steps} == {StepStatus.PENDING}
    assert [s.agency for s in state.steps] == ["pusat", "dukcapil", "mpp", "pusat"]
    assert state.due_at is None
    assert state.current_stage is None


def test_submission_starts_the_first_stage_with_a_due_date_that_skips_nyepi() -> None:
    procedure = procedure_of([step_content("verifikasi", "pusat", 2)])
    state, events = submit(procedure, new_case(procedure), at=wib(3, 17, 10), calendars=calendars)
    assert state.status == Status.IN_PROGRESS
    assert state.submitted_at == wib(3, 17, 10)
    step = state.step("verifikasi")
    assert step.state == StepStatus.ACTIVE
    assert step.started_at == wib(3, 17, 10)
    assert step.due_at == wib(3, 26, 16)  # 18-24 March are all days off
    assert kinds(events) == ["submitted", "step_started"]
    assert all(event.public for event in events)
    assert events[1].data["due_at"] == "2026-03-26T16:00:00+07:00"
    # the clock counts from the file being complete: not yet
    assert state.clock_started_at is None
    assert state.due_at is None


def test_a_clock_counting_from_submission_starts_at_submission() -> None:
    procedure = procedure_of([step_content("verifikasi", "pusat", 1)], clock_starts="submission")
    state, events = submit(procedure, new_case(procedure), at=wib(3, 17, 10), calendars=calendars)
    assert state.clock_started_at == wib(3, 17, 10)
    assert state.due_at == wib(3, 31, 16)  # 25, 26, 27, 30, 31 March
    assert events[0].data == {
        "clock_started_at": "2026-03-17T10:00:00+07:00",
        "due_at": "2026-03-31T16:00:00+07:00",
    }


def test_a_clock_counting_from_file_complete_starts_when_the_first_stage_ends() -> None:
    state, _ = submit(CROSS_AGENCY, new_case(CROSS_AGENCY), at=wib(3, 16, 9), calendars=calendars)
    state, events = approve(
        CROSS_AGENCY, state, "verifikasi", at=wib(3, 25, 9), calendars=calendars
    )
    assert state.clock_started_at == wib(3, 25, 9)
    assert state.due_at == wib(4, 1, 16)  # 26, 27, 30, 31 March, 1 April
    assert kinds(events) == [
        "step_approved",
        "stage_completed",
        "file_complete",
        "step_started",
        "step_started",
    ]
    assert events[2].public
    assert not events[1].public
    assert events[2].data["due_at"] == "2026-04-01T16:00:00+07:00"


def test_parallel_steps_run_on_their_own_agency_calendars_and_the_stage_waits_for_both() -> None:
    state, _ = submit(CROSS_AGENCY, new_case(CROSS_AGENCY), at=wib(4, 9, 9), calendars=calendars)
    # Friday 10 April, 14:00 WIB = 15:00 WITA
    state, _ = approve(CROSS_AGENCY, state, "verifikasi", at=wib(4, 10, 14), calendars=calendars)
    assert state.current_stage == 1
    # national: 2 hours on Friday, 2 on Monday; the MPP: 1 hour on Friday, 3 on Saturday
    assert state.step("kajian").due_at == wib(4, 13, 10)
    assert state.step("loket").due_at == wita(4, 11, 11)

    state, events = approve(CROSS_AGENCY, state, "loket", at=wib(4, 13, 9), calendars=calendars)
    assert kinds(events) == ["step_approved"]
    assert state.step("penerbitan").state == StepStatus.PENDING
    assert state.current_stage == 1

    state, events = approve(CROSS_AGENCY, state, "kajian", at=wib(4, 13, 11), calendars=calendars)
    assert kinds(events) == ["step_approved", "stage_completed", "step_started"]
    assert events[1].data == {"stage": 1}
    assert state.step("penerbitan").state == StepStatus.ACTIVE
    assert state.step("penerbitan").due_at == wib(4, 14, 16)

    state, events = approve(
        CROSS_AGENCY, state, "penerbitan", at=wib(4, 14, 10), calendars=calendars
    )
    assert kinds(events) == ["step_approved", "stage_completed", "completed"]
    assert state.status == Status.COMPLETED
    assert state.ended_at == wib(4, 14, 10)
    assert {s.state for s in state.steps} == {StepStatus.APPROVED}
    assert state.current_stage is None


def test_return_and_resubmission_extend_the_due_dates_by_the_paused_working_time() -> None:
    procedure = procedure_of(
        [step_content("verifikasi", "pusat", 2)], total=5, clock_starts="submission"
    )
    state, _ = submit(procedure, new_case(procedure), at=wib(4, 6, 9), calendars=calendars)
    assert state.due_at == wib(4, 13, 16)
    assert state.step("verifikasi").due_at == wib(4, 8, 16)

    state, events = return_for_correction(
        procedure,
        state,
        "verifikasi",
        at=wib(4, 6, 10),
        calendars=calendars,
        reason="Foto KTP tidak terbaca",
    )
    assert state.status == Status.RETURNED
    assert state.paused_at == wib(4, 6, 10)
    assert state.step("verifikasi").state == StepStatus.RETURNED
    assert events == [
        EngineEvent(
            "returned",
            "verifikasi",
            public=True,
            note="Foto KTP tidak terbaca",
            data={"paused_at": "2026-04-06T10:00:00+07:00"},
        )
    ]

    # 6 hours on Monday, 8 on Tuesday, 2 on Wednesday: two working days
    state, events = resubmit(procedure, state, at=wib(4, 8, 10), calendars=calendars)
    assert state.status == Status.IN_PROGRESS
    assert state.paused_at is None
    assert state.paused_minutes == 960
    assert state.due_at == wib(4, 15, 16)
    step = state.step("verifikasi")
    assert step.state == StepStatus.ACTIVE
    assert step.paused_at is None
    assert step.due_at == wib(4, 10, 16)
    assert step.started_at == wib(4, 6, 9)
    assert kinds(events) == ["resubmitted", "due_extended", "due_extended"]
    assert events[0].public
    assert events[0].data["paused_minutes"] == 960
    assert not events[1].public
    assert events[1].step is None
    assert events[2].step == "verifikasi"

    explanation = explain_due(procedure, state, calendars=calendars)
    assert explanation.paused_minutes == 960
    assert explanation.paused_days == 2
    assert explanation.paused_remainder_minutes == 0
    assert explanation.paused_since is None


def test_payment_before_issue_pauses_the_clock_and_completion_follows_payment() -> None:
    procedure = replace(
        procedure_of(
            [step_content("verifikasi", "pusat", 1)],
            [step_content("penerbitan", "pusat", 1)],
            total=5,
            clock_starts="submission",
        ),
        payment_gate=2,
    )
    state, _ = submit(procedure, new_case(procedure), at=wib(4, 6, 9), calendars=calendars)
    assert state.due_at == wib(4, 13, 16)
    state, _ = approve(procedure, state, "verifikasi", at=wib(4, 6, 10), calendars=calendars)
    state, events = approve(procedure, state, "penerbitan", at=wib(4, 6, 10), calendars=calendars)
    assert kinds(events) == ["step_approved", "stage_completed", "payment_awaited"]
    assert state.status == Status.AWAITING_PAYMENT
    assert state.paused_at == wib(4, 6, 10)
    assert explain_due(procedure, state, calendars=calendars).paused_since == wib(4, 6, 10)
    with pytest.raises(InvalidAction):  # nothing to act on, nothing to resubmit
        resubmit(procedure, state, at=wib(4, 7, 9), calendars=calendars)

    # paid two working days later: the due date moves two working days, then it completes
    state, events = pay(
        procedure, state, at=wib(4, 8, 10), calendars=calendars, payment={"amount": 50000}
    )
    assert kinds(events) == ["payment_received", "due_extended", "completed"]
    assert events[0].public
    assert events[0].data["amount"] == 50000
    assert events[0].data["paused_minutes"] == 960
    assert state.status == Status.COMPLETED
    assert state.due_at == wib(4, 15, 16)
    with pytest.raises(InvalidAction):
        pay(procedure, state, at=wib(4, 8, 11), calendars=calendars, payment={})


def test_payment_before_processing_holds_the_first_stage_until_paid() -> None:
    procedure = replace(procedure_of([step_content("verifikasi", "pusat", 1)]), payment_gate=0)
    state, events = submit(procedure, new_case(procedure), at=wib(4, 6, 9), calendars=calendars)
    assert kinds(events) == ["submitted", "payment_awaited"]
    assert state.step("verifikasi").state == StepStatus.PENDING
    with pytest.raises(InvalidAction):
        approve(procedure, state, "verifikasi", at=wib(4, 6, 10), calendars=calendars)
    state, events = pay(procedure, state, at=wib(4, 7, 9), calendars=calendars, payment={})
    # the clock counts from the complete file: it had not started, nothing to give back
    assert kinds(events) == ["payment_received", "step_started"]
    assert state.paused_minutes == 0
    assert state.step("verifikasi").due_at == wib(4, 8, 16)


def test_a_return_before_the_file_is_complete_does_not_pause_a_clock_that_has_not_started() -> None:
    state, _ = submit(CROSS_AGENCY, new_case(CROSS_AGENCY), at=wib(4, 6, 9), calendars=calendars)
    state, _ = return_for_correction(
        CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 10), calendars=calendars, reason="Kurang"
    )
    assert state.paused_at == wib(4, 6, 10)
    state, events = resubmit(CROSS_AGENCY, state, at=wib(4, 7, 10), calendars=calendars)
    assert state.paused_minutes == 0
    assert state.due_at is None
    assert state.step("verifikasi").due_at == wib(4, 8, 16)  # 1 working day + 8 hours paused
    assert kinds(events) == ["resubmitted", "due_extended"]


def test_other_steps_of_the_stage_keep_running_while_one_is_returned() -> None:
    state, _ = submit(CROSS_AGENCY, new_case(CROSS_AGENCY), at=wib(4, 6, 8), calendars=calendars)
    state, _ = approve(CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 9), calendars=calendars)
    state, _ = return_for_correction(
        CROSS_AGENCY, state, "kajian", at=wib(4, 6, 10), calendars=calendars, reason="Gambar"
    )
    loket_due = state.step("loket").due_at
    state, events = approve(CROSS_AGENCY, state, "loket", at=wib(4, 6, 11), calendars=calendars)
    assert kinds(events) == ["step_approved"]
    assert state.status == Status.RETURNED
    assert state.step("loket").due_at == loket_due
    assert state.step("penerbitan").state == StepStatus.PENDING, "the join waits for kajian"

    with pytest.raises(InvalidAction) as raised:
        approve(CROSS_AGENCY, state, "kajian", at=wib(4, 6, 12), calendars=calendars)
    assert raised.value.code == "not_active"

    state, _ = resubmit(CROSS_AGENCY, state, at=wib(4, 7, 10), calendars=calendars)
    assert state.paused_minutes == 8 * 60
    state, events = approve(CROSS_AGENCY, state, "kajian", at=wib(4, 7, 11), calendars=calendars)
    assert "stage_completed" in kinds(events)
    assert state.step("penerbitan").state == StepStatus.ACTIVE


def test_two_returns_in_one_stage_share_the_pause_and_one_resubmission() -> None:
    state, _ = submit(CROSS_AGENCY, new_case(CROSS_AGENCY), at=wib(4, 6, 8), calendars=calendars)
    state, _ = approve(CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 9), calendars=calendars)
    kajian_due, loket_due = state.step("kajian").due_at, state.step("loket").due_at
    assert kajian_due == wib(4, 6, 13)
    assert loket_due == wita(4, 6, 14)
    state, _ = return_for_correction(
        CROSS_AGENCY, state, "kajian", at=wib(4, 6, 10), calendars=calendars, reason="Gambar"
    )
    state, _ = return_for_correction(
        CROSS_AGENCY, state, "loket", at=wib(4, 6, 12), calendars=calendars, reason="Foto"
    )
    assert state.paused_at == wib(4, 6, 10), "the pause began with the first return"
    assert state.step("loket").paused_at == wib(4, 6, 12)

    state, _ = resubmit(CROSS_AGENCY, state, at=wib(4, 7, 8), calendars=calendars)
    assert {state.step("kajian").state, state.step("loket").state} == {StepStatus.ACTIVE}
    # kajian paused 10:00-16:00 WIB with 3 hours left; loket 13:00 WITA to 09:00 WITA next
    # morning (4 working hours) with 1 hour left
    assert state.step("kajian").due_at == wib(4, 7, 11)
    assert state.step("loket").due_at == wita(4, 7, 10)
    assert state.paused_minutes == 6 * 60


def test_a_rejection_ends_the_application_and_skips_the_rest() -> None:
    state, _ = submit(CROSS_AGENCY, new_case(CROSS_AGENCY), at=wib(4, 6, 8), calendars=calendars)
    state, _ = approve(CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 9), calendars=calendars)
    state, events = reject(
        CROSS_AGENCY, state, "kajian", at=wib(4, 6, 10), calendars=calendars, reason="Zona hijau"
    )
    assert state.status == Status.REJECTED
    assert state.ended_at == wib(4, 6, 10)
    assert [s.state for s in state.steps] == [
        StepStatus.APPROVED,
        StepStatus.REJECTED,
        StepStatus.SKIPPED,
        StepStatus.SKIPPED,
    ]
    assert {s.ended_at for s in state.steps[1:]} == {wib(4, 6, 10)}
    assert events == [EngineEvent("rejected", "kajian", public=True, note="Zona hijau")]

    with pytest.raises(InvalidAction) as raised:
        approve(CROSS_AGENCY, state, "loket", at=wib(4, 6, 11), calendars=calendars)
    assert raised.value.code == "ended"


def test_a_rejection_while_returned_ends_the_pause_and_counts_it() -> None:
    procedure = procedure_of(
        [step_content("kajian", "pusat", 3), step_content("loket", "mpp", 3)],
        clock_starts="submission",
    )
    state, _ = submit(procedure, new_case(procedure), at=wib(4, 6, 8), calendars=calendars)
    due = state.due_at
    assert due is not None
    state, _ = return_for_correction(
        procedure, state, "kajian", at=wib(4, 6, 10), calendars=calendars, reason="Gambar"
    )
    state, events = reject(
        procedure, state, "loket", at=wib(4, 6, 12), calendars=calendars, reason="Ditolak"
    )
    assert state.status == Status.REJECTED
    assert state.paused_at is None
    assert state.paused_minutes == 120
    assert state.due_at == NATIONAL.add_working_minutes(due, 120)
    assert state.step("kajian").state == StepStatus.SKIPPED
    assert state.step("kajian").paused_at is None
    assert kinds(events) == ["rejected", "due_extended"]


@pytest.mark.parametrize("stage", ["draft", "in_progress", "returned"])
def test_the_citizen_may_withdraw_an_application_that_has_not_ended(stage: str) -> None:
    state = new_case(CROSS_AGENCY)
    if stage != "draft":
        state, _ = submit(CROSS_AGENCY, state, at=wib(4, 6, 8), calendars=calendars)
    if stage == "returned":
        state, _ = return_for_correction(
            CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 9), calendars=calendars, reason="x"
        )
    state, events = withdraw(
        CROSS_AGENCY, state, at=wib(4, 6, 10), calendars=calendars, reason="Salah layanan"
    )
    assert state.status == Status.WITHDRAWN
    assert state.ended_at == wib(4, 6, 10)
    assert state.paused_at is None
    assert {s.state for s in state.steps} == {StepStatus.SKIPPED}
    assert events[-1] == EngineEvent("withdrawn", None, public=True, note="Salah layanan")
    with pytest.raises(InvalidAction) as raised:
        withdraw(CROSS_AGENCY, state, at=wib(4, 6, 11), calendars=calendars)
    assert raised.value.code == "ended"


def test_invalid_actions_raise_with_a_code_and_leave_the_state_usable() -> None:
    draft = new_case(CROSS_AGENCY)
    state, _ = submit(CROSS_AGENCY, draft, at=wib(4, 6, 9), calendars=calendars)
    snapshot = replace(state)
    attempts = [
        ("not_allowed", lambda: submit(CROSS_AGENCY, state, at=wib(4, 6, 10), calendars=calendars)),
        (
            "not_active",
            lambda: approve(CROSS_AGENCY, state, "kajian", at=wib(4, 6, 10), calendars=calendars),
        ),
        (
            "not_active",
            lambda: approve(
                CROSS_AGENCY, draft, "verifikasi", at=wib(4, 6, 10), calendars=calendars
            ),
        ),
        (
            "unknown_step",
            lambda: approve(CROSS_AGENCY, state, "nope", at=wib(4, 6, 10), calendars=calendars),
        ),
        (
            "not_allowed",
            lambda: resubmit(CROSS_AGENCY, state, at=wib(4, 6, 10), calendars=calendars),
        ),
        (
            "not_allowed",
            lambda: resubmit(CROSS_AGENCY, draft, at=wib(4, 6, 10), calendars=calendars),
        ),
        (
            "reason_required",
            lambda: return_for_correction(
                CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 10), calendars=calendars, reason=" "
            ),
        ),
        (
            "reason_required",
            lambda: reject(
                CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 10), calendars=calendars, reason=""
            ),
        ),
        (
            "out_of_order",
            lambda: approve(
                CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 8), calendars=calendars
            ),
        ),
    ]
    for code, attempt in attempts:
        with pytest.raises(InvalidAction) as raised:
            attempt()
        assert raised.value.code == code
        assert raised.value.message
    assert state == snapshot
    state, _ = approve(CROSS_AGENCY, state, "verifikasi", at=wib(4, 6, 10), calendars=calendars)
    assert state.current_stage == 1


def test_naive_datetimes_and_foreign_states_are_programming_errors() -> None:
    state = new_case(CROSS_AGENCY)
    with pytest.raises(ValueError, match="timezone-aware"):
        submit(CROSS_AGENCY, state, at=datetime(2026, 4, 6, 9), calendars=calendars)
    other = procedure_of([step_content("lain", "pusat", 1)])
    with pytest.raises(ValueError, match="not made for this procedure"):
        submit(other, state, at=wib(4, 6, 9), calendars=calendars)


def test_the_due_date_is_explained_with_the_days_skipped() -> None:
    procedure = procedure_of([step_content("verifikasi", "pusat", 1)], clock_starts="submission")
    draft = new_case(procedure)
    assert explain_due(procedure, draft, calendars=calendars).clock_started_at is None
    state, _ = submit(procedure, draft, at=wib(3, 17, 10), calendars=calendars)
    state, _ = return_for_correction(
        procedure, state, "verifikasi", at=wib(3, 25, 8), calendars=calendars, reason="x"
    )
    explanation = explain_due(procedure, state, calendars=calendars)
    assert explanation.limit == TimeLimit(5, "working_days")
    assert explanation.counts_from == "submission"
    assert explanation.clock_started_at == wib(3, 17, 10)
    assert explanation.due_at == wib(3, 31, 16)
    assert explanation.paused_since == wib(3, 25, 8)
    assert [(d.day.day, d.reason) for d in explanation.skipped_holidays] == [
        (18, "Cuti Bersama Hari Suci Nyepi"),
        (19, "Hari Suci Nyepi"),
        (20, "Cuti Bersama Hari Raya Idul Fitri"),
        (21, "Hari Raya Idul Fitri"),
        (22, "Hari kedua dari Hari Raya Idul Fitri"),
        (23, "Cuti Bersama Hari Raya Idul Fitri"),
        (24, "Cuti Bersama Hari Raya Idul Fitri"),
    ]
    assert [d.reason for d in explanation.skipped if d.kind == "weekend"] == ["Sabtu", "Minggu"]

    state, _ = resubmit(procedure, state, at=wib(3, 27, 10), calendars=calendars)
    explanation = explain_due(procedure, state, calendars=calendars)
    assert explanation.paused_minutes == 2 * 480 + 120
    assert (explanation.paused_days, explanation.paused_remainder_minutes) == (2, 120)
    # 1 and 2 April, then Good Friday and a weekend, then two hours on Monday
    assert explanation.due_at == wib(4, 6, 10)


def test_a_demo_charter_reads_into_a_procedure_and_runs_to_completion() -> None:
    path = Path(__file__).parents[2] / "portal/demo/catalogue/pbg-rumah-sederhana.yaml"
    units = {
        "dpmptsp-front-office": UnitRef("dpmptsp-front-office", "dpmptsp"),
        "dpmptsp-perizinan": UnitRef("dpmptsp-perizinan", "dpmptsp"),
        "dpupr-tata-bangunan": UnitRef("dpupr-tata-bangunan", "dpupr"),
    }
    content, problems = read_charter(
        yaml.safe_load(path.read_text()), units=units, strict_keys=False
    )
    assert problems == []
    procedure = Procedure.from_content(content, lead_agency="dpmptsp")
    assert [len(stage) for stage in procedure.stages] == [1, 2, 1]
    assert procedure.stages[1][0].agency == "dpupr"
    assert procedure.clock_starts == "file_complete"

    state = new_case(procedure)
    at = wib(4, 6, 9)
    state, _ = submit(procedure, state, at=at, calendars=lambda _: NATIONAL)
    while state.status not in TERMINAL:
        at += timedelta(hours=1)
        active = next(s for s in state.steps if s.state == StepStatus.ACTIVE)
        state, _ = approve(procedure, state, active.key, at=at, calendars=lambda _: NATIONAL)
    assert state.status == Status.COMPLETED
    assert state.clock_started_at == wib(4, 6, 10)
    assert state.due_at == wib(4, 13, 16)


def test_procedures_refuse_content_they_cannot_run() -> None:
    with pytest.raises(ValueError, match="at least one stage"):
        procedure_of()
    with pytest.raises(ValueError, match="unique"):
        procedure_of([step_content("a", "pusat", 1)], [step_content("a", "pusat", 1)])
    with pytest.raises(ValueError, match="unit"):
        procedure_of([step_content("a", "pusat", 1, "weeks")])
    with pytest.raises(ValueError, match="at least 1"):
        procedure_of([step_content("a", "pusat", 0)])
    with pytest.raises(ValueError, match="clock start"):
        procedure_of([step_content("a", "pusat", 1)], clock_starts="whenever")
    unnamed = step_content("a", "", 1)
    assert procedure_of([unnamed], lead="mpp").steps[0].agency == "mpp"


# -- properties ----------------------------------------------------------------------------

AGENCIES = ("pusat", "mpp")
time_limits = st.builds(
    TimeLimit,
    amount=st.integers(min_value=1, max_value=8),
    unit=st.sampled_from(["working_days", "working_hours"]),
)


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    stages = []
    number = 0
    for stage in range(draw(st.integers(min_value=1, max_value=4))):
        specs = []
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            agency = draw(st.sampled_from(AGENCIES))
            specs.append(StepSpec(f"s{number}", stage, f"{agency}-unit", agency, draw(time_limits)))
            number += 1
        stages.append(tuple(specs))
    return Procedure(
        stages=tuple(stages),
        time_limit=draw(time_limits),
        clock_starts=draw(st.sampled_from(["submission", "file_complete"])),
        lead_agency=draw(st.sampled_from(AGENCIES)),
        payment_gate=draw(st.one_of(st.none(), st.integers(0, len(stages)))),
    )


# Weighted so that most runs get far into the procedure before a rejection or withdrawal.
ACTION_KINDS = ["approve"] * 12 + ["return"] * 4 + ["resubmit"] * 6
ACTION_KINDS += ["submit", "reject", "withdraw", "pay", "pay"]
PAUSED = (Status.RETURNED, Status.AWAITING_PAYMENT)
actions = st.lists(
    st.tuples(
        st.sampled_from(ACTION_KINDS),
        st.integers(min_value=0, max_value=11),  # which step: below 9, one of the active ones
        st.integers(min_value=0, max_value=3 * 24 * 60),  # minutes since the previous action
    ),
    min_size=3,
    max_size=40,
)
starts = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(WIB)
).map(lambda moment: moment.replace(second=0, microsecond=0))


def act(
    procedure: Procedure, state: CaseState, kind: str, step: str, at: datetime
) -> tuple[CaseState, list[EngineEvent]]:
    if kind == "submit":
        return submit(procedure, state, at=at, calendars=calendars)
    if kind == "approve":
        return approve(procedure, state, step, at=at, calendars=calendars)
    if kind == "return":
        return return_for_correction(
            procedure, state, step, at=at, calendars=calendars, reason="Perbaiki"
        )
    if kind == "resubmit":
        return resubmit(procedure, state, at=at, calendars=calendars)
    if kind == "pay":
        return pay(procedure, state, at=at, calendars=calendars, payment={"amount": 5000})
    if kind == "reject":
        return reject(procedure, state, step, at=at, calendars=calendars, reason="Tidak memenuhi")
    return withdraw(procedure, state, at=at, calendars=calendars)


def assert_in_service_hours(calendar: WorkCalendar, moment: datetime) -> None:
    local = moment.astimezone(calendar.tz)
    hours = calendar.service_hours(local.date())
    assert hours is not None, f"due on a day off: {local}"
    opens, closes = hours
    assert opens < local.time() <= closes, f"due outside service hours: {local}"


def assert_consistent(procedure: Procedure, state: CaseState) -> None:
    lead = calendars(procedure.lead_agency)
    assert (state.paused_at is not None) == (state.status in PAUSED)
    if state.status == Status.AWAITING_PAYMENT:
        gate = procedure.payment_gate
        assert gate is not None
        for step in state.steps:
            expected = StepStatus.APPROVED if step.stage < gate else StepStatus.PENDING
            assert step.state == expected
    assert any(s.state == StepStatus.RETURNED for s in state.steps) == (
        state.status == Status.RETURNED
    )
    assert (state.ended_at is not None) == (state.status in TERMINAL)
    assert (state.due_at is not None) == (state.clock_started_at is not None)
    if state.due_at is not None:
        assert_in_service_hours(lead, state.due_at)
    for step in state.steps:
        assert (step.paused_at is not None) == (step.state == StepStatus.RETURNED)
        if step.due_at is not None:
            assert_in_service_hours(calendars(step.agency), step.due_at)
        if state.status in TERMINAL:
            assert step.state in (StepStatus.APPROVED, StepStatus.REJECTED, StepStatus.SKIPPED)
    if state.status == Status.COMPLETED:
        assert {s.state for s in state.steps} == {StepStatus.APPROVED}
    # a later stage starts only when every step of the earlier ones is approved
    for later in state.steps:
        if later.started_at is not None:
            earlier = [s for s in state.steps if s.stage < later.stage]
            assert all(s.state == StepStatus.APPROVED for s in earlier)
    if state.status in (Status.IN_PROGRESS, Status.RETURNED):
        stage = state.current_stage
        assert stage is not None
        for step in state.steps:
            if step.stage == stage:
                assert step.state in (StepStatus.ACTIVE, StepStatus.RETURNED, StepStatus.APPROVED)
            elif step.stage > stage:
                assert step.state == StepStatus.PENDING
    first_stage_done = all(s.state == StepStatus.APPROVED for s in state.steps if s.stage == 0)
    if procedure.clock_starts == "submission":
        assert state.clock_started_at == state.submitted_at
    elif state.status != Status.DRAFT:
        assert (state.clock_started_at is not None) == first_stage_done


@settings(max_examples=250, deadline=None)
@given(procedure=procedures(), start=starts, script=actions, submitted=st.integers(0, 9))
def test_random_action_sequences_keep_the_workflow_invariants(
    procedure: Procedure, start: datetime, script: list[tuple[str, int, int]], submitted: int
) -> None:
    lead = calendars(procedure.lead_agency)
    if submitted:  # most runs begin with the submission; the others try anything on a draft
        script = [("submit", 0, 0), *script]
    state = new_case(procedure)
    at = start
    endings = 0
    payments_awaited = 0
    pause: tuple[datetime, bool] | None = None  # when it began, whether the clock was running
    expected_paused = 0
    for kind, pick, minutes in script:
        at += timedelta(minutes=minutes)
        active = [s for s in state.steps if s.state == StepStatus.ACTIVE]
        if active and pick < 9:
            step = active[pick % len(active)].key
        else:
            step = state.steps[pick % len(state.steps)].key
        if state.status in TERMINAL:
            with pytest.raises(InvalidAction) as refused:
                act(procedure, state, kind, step, at)
            assert refused.value.code == "ended"
            continue
        try:
            new, events = act(procedure, state, kind, step, at)
        except InvalidAction:
            continue  # a refusal changes nothing: `state` is kept as it was
        assert events
        if new.status in TERMINAL:
            endings += 1
        if state.status not in PAUSED and new.status in PAUSED:
            pause = (at, new.clock_started_at is not None)
        if state.status in PAUSED and new.status not in PAUSED:
            assert pause is not None
            began, clock_running = pause
            if clock_running:
                expected_paused += lead.working_minutes_between(began, at)
            pause = None
        assert new.paused_minutes == expected_paused
        for old_step, new_step in zip(state.steps, new.steps, strict=True):
            if old_step.state == StepStatus.RETURNED and new_step.state == StepStatus.ACTIVE:
                assert old_step.paused_at is not None
                assert old_step.due_at is not None
                calendar = calendars(new_step.agency)
                paused = calendar.working_minutes_between(old_step.paused_at, at)
                assert new_step.due_at == calendar.add_working_minutes(old_step.due_at, paused)
        for event in events:
            if event.kind == "stage_completed":
                stage_steps = [s for s in new.steps if s.stage == event.data["stage"]]
                assert all(s.state == StepStatus.APPROVED for s in stage_steps)
        if any(event.kind == "payment_awaited" for event in events):
            assert new.status == Status.AWAITING_PAYMENT
            payments_awaited += 1
        if kind == "pay":
            assert [e.kind for e in events][:1] == ["payment_received"]
        assert_consistent(procedure, new)
        state = new
    assert payments_awaited <= 1  # the gate is met once
    assert endings <= 1
    assert endings == (1 if state.status in TERMINAL else 0)


# -- recomputing due dates after a calendar correction --------------------------------------


def run_script(
    procedure: Procedure, start: datetime, script: list[tuple[str, int, int]]
) -> tuple[CaseState, dict[str, int]]:
    """Submit, then play the script; return the state and each step's paused minutes as the
    persistence layer reads them back from the `due_extended` events."""
    state, _events = submit(procedure, new_case(procedure), at=start, calendars=calendars)
    paused: dict[str, int] = {}
    at = start
    for kind, pick, minutes in script:
        at += timedelta(minutes=minutes)
        active = [s for s in state.steps if s.state == StepStatus.ACTIVE]
        step = (active or list(state.steps))[pick % len(active or state.steps)].key
        try:
            state, events = act(procedure, state, kind, step, at)
        except InvalidAction:
            continue
        for event in events:
            if event.kind == "due_extended" and event.step:
                paused[event.step] = paused.get(event.step, 0) + event.data["minutes"]
    return state, paused


@settings(max_examples=150, deadline=None)
@given(procedure=procedures(), start=starts, script=actions)
def test_on_unchanged_calendars_recomputing_moves_nothing(
    procedure: Procedure, start: datetime, script: list[tuple[str, int, int]]
) -> None:
    state, paused = run_script(procedure, start, script)
    recomputed, events = recompute_due(
        procedure, state, calendars=calendars, step_paused_minutes=paused
    )
    assert (recomputed, events) == (state, [])


@functools.lru_cache(maxsize=64)
def closed_on(agency: str, day: date) -> WorkCalendar:
    base = calendars(agency)
    hours = {weekday: (time(8), time(16)) for weekday in range(5)}
    if agency == "mpp":
        hours[5] = (time(8), time(12))
        closures = {date(2026, 4, 15): "Audit internal", day: "Penutupan"}
    else:
        closures = {day: "Penutupan"}
    return build_calendar(
        hours=hours, closures=closures, first_year=2024, last_year=2030, tz=base.tz
    )


@settings(max_examples=300, deadline=None)
@given(
    procedure=procedures(),
    start=starts,
    script=actions,
    closed=st.sampled_from(AGENCIES),
    days_after=st.integers(min_value=0, max_value=12),
)
def test_a_day_off_added_moves_running_due_dates_later_into_service_hours_once(
    procedure: Procedure,
    start: datetime,
    script: list[tuple[str, int, int]],
    closed: str,
    days_after: int,
) -> None:
    """The same calendars with one more day off: `closed` shuts for a day after the start."""
    state, paused = run_script(procedure, start, script)
    day = start.date() + timedelta(days=days_after)

    def corrected(agency_code: str) -> WorkCalendar:
        return closed_on(agency_code, day) if agency_code == closed else calendars(agency_code)

    new, events = recompute_due(
        procedure, state, calendars=corrected, step_paused_minutes=paused, note="Penutupan"
    )
    if state.status not in (Status.IN_PROGRESS, *PAUSED):
        assert (new, events) == (state, [])
        return
    # only due dates change, never earlier, and each move is one public event
    moved: dict[str | None, tuple[str, str]] = {}
    for old, step in zip(state.steps, new.steps, strict=True):
        assert replace(step, due_at=old.due_at) == old
        if step.due_at != old.due_at:
            assert old.due_at is not None
            assert step.due_at is not None
            assert step.due_at > old.due_at
            assert_in_service_hours(corrected(step.agency), step.due_at)
            moved[step.key] = (old.due_at.isoformat(), step.due_at.isoformat())
    assert replace(new, steps=state.steps, due_at=state.due_at) == state
    if new.due_at != state.due_at:
        assert new.due_at is not None
        assert state.due_at is not None
        assert new.due_at > state.due_at
        assert_in_service_hours(corrected(procedure.lead_agency), new.due_at)
        moved[None] = (state.due_at.isoformat(), new.due_at.isoformat())
    assert {e.step: (e.data["previous"], e.data["due_at"]) for e in events} == moved
    hypothesis.event("moved" if events else "unchanged")
    assert all(e.kind == "due_recomputed" and e.public and e.note == "Penutupan" for e in events)
    # a second pass on the same calendars finds nothing more to move
    assert recompute_due(procedure, new, calendars=corrected, step_paused_minutes=paused) == (
        new,
        [],
    )


def test_recomputing_a_draft_or_an_ended_application_changes_nothing() -> None:
    draft = new_case(CROSS_AGENCY)
    assert recompute_due(CROSS_AGENCY, draft, calendars=calendars, step_paused_minutes={}) == (
        draft,
        [],
    )
    submitted, _events = submit(CROSS_AGENCY, draft, at=wib(3, 2, 9), calendars=calendars)
    ended, _events = withdraw(CROSS_AGENCY, submitted, at=wib(3, 2, 10), calendars=calendars)
    assert recompute_due(CROSS_AGENCY, ended, calendars=calendars, step_paused_minutes={}) == (
        ended,
        [],
    )
    with pytest.raises(ValueError, match="not made for this procedure"):
        recompute_due(
            procedure_of([step_content("x", "pusat", 1)]),
            submitted,
            calendars=calendars,
            step_paused_minutes={},
        )
