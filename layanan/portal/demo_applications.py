"""Sample applications for the demo citizens, so that queues, tracking pages, the guarantee
register, the compensation list and the API have content from the first minute.

Each sample is a short story told in working days before "day zero", the working day whose
closing time is the first one after the moment the demo is loaded (today while the office is
open; otherwise the next working day). Every act happens inside the lead agency's service
hours on a working day before day zero, so nothing is ever in the future, and a step with a
limit of n working days started k working days before day zero is due at the closing of day
zero plus n - k working days: late when n < k, due at the next closing when n = k. Whenever
the demo is loaded, the late samples are late *today*.

The stories are played through the real actions (`cases.actions`), in the order they happened
across all samples, with Django's clock set back to each act's moment (`demo_clock`). Between
the acts the guarantee sweep runs at the moments the worker (a pass a minute) would have run it:
a minute after each alarm falls due. So breaches, apologies, escalations, compensations and
deemed approvals carry the date they would really have had. The demo loader then runs one
ordinary sweep at the real current time.

Loading is idempotent: a sample whose idempotency key exists is skipped, and when nothing is
created nothing is played back.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.calendars import calendar_for
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.charters.models import Service
from layanan.guarantees.models import Alarm
from layanan.guarantees.sweep import plan_alarms, sweep
from layanan.lib.workdays import WorkCalendar
from layanan.portal.demo_answers import answers_for
from layanan.portal.demo_clock import clock_at

# A one-page blank PDF (the upload check parses every PDF with pypdf).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>> endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000053 00000 n \n"
    b"0000000103 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n167\n%%EOF\n"
)
WORKER_INTERVAL = dt.timedelta(minutes=1)  # the worker runs a sweep every minute


@dataclass(frozen=True)
class Act:
    """One thing a person did: `day` working days before day zero, at `time` (local)."""

    day: int
    time: str  # "HH:MM" in the lead agency's zone, inside its service hours
    action: str  # "create" (with the documents), "submit", "withdraw", or an officer's
    # "approve" / "return" / "reject" of the step `step`, with `note` for the applicant
    step: str = ""
    note: str = ""


@dataclass(frozen=True)
class Sample:
    key: str  # the idempotency key of the application
    citizen: str
    service: str
    acts: tuple[Act, ...]
    # Optional document requirements this applicant also gives (the required ones always).
    documents: tuple[str, ...] = ()


SAMPLES = (
    # A birth certificate ready to submit: answers and documents given, not submitted yet.
    Sample(
        "demo-1",
        "warga",
        "akta-kelahiran",
        (Act(1, "13:20", "create"),),
        documents=("bukti_perkawinan",),
    ),
    # A damaged identity card replaced at the counter in under two hours: completed on time.
    Sample(
        "demo-2",
        "warga",
        "ktp-el",
        (
            Act(8, "09:05", "create"),
            Act(8, "09:08", "submit"),
            Act(8, "09:30", "approve", "verifikasi"),
            Act(8, "10:15", "approve", "cetak"),
            Act(8, "10:50", "approve", "serah"),
        ),
        documents=("ktp_lama",),
    ),
    # Building approval: the file is complete 12 working days ago, the technical review never
    # came back. Late and very late (past 200 %): apology, escalation to the supervisor and to
    # the head of the agency, compensation per working day.
    Sample(
        "demo-3",
        "warga",
        "pbg-rumah-sederhana",
        (
            Act(13, "08:40", "create"),
            Act(13, "09:00", "submit"),
            Act(12, "10:15", "approve", "verifikasi"),
            Act(11, "14:00", "approve", "pemeriksaan_administrasi"),
        ),
        documents=("sppt_pbb",),
    ),
    # A midwife's practice licence, on time: the recommendation is due after day zero.
    Sample(
        "demo-4",
        "warga",
        "sip-tenaga-kesehatan",
        (
            Act(3, "09:30", "create"),
            Act(3, "09:40", "submit"),
            Act(2, "09:15", "approve", "verifikasi"),
        ),
    ),
    # A police clearance letter rejected at the first check, with the reason.
    Sample(
        "demo-5",
        "warga",
        "skck",
        (
            Act(2, "08:50", "create"),
            Act(2, "09:00", "submit"),
            Act(
                2,
                "09:40",
                "reject",
                "verifikasi",
                "Sidik jari pada formulir tidak dapat dibaca. Silakan datang ke loket SKCK "
                "Polres Contoh untuk pengambilan sidik jari ulang tanpa biaya, lalu ajukan "
                "permohonan baru.",
            ),
        ),
    ),
    # A certificate of low income, withdrawn by the applicant the same morning.
    Sample(
        "demo-6",
        "warga2",
        "sktm",
        (
            Act(7, "10:00", "create"),
            Act(7, "10:05", "submit"),
            Act(7, "11:30", "withdraw"),
        ),
    ),
    # A hygiene certificate whose inspection is overdue: late, half the fee refunded.
    Sample(
        "demo-7",
        "warga2",
        "slhs",
        (
            Act(17, "09:45", "create"),
            Act(17, "10:00", "submit"),
            Act(16, "09:30", "approve", "penerimaan"),
        ),
    ),
    # A shop sign permit on time; the site review is due at day zero's closing (due soon).
    Sample(
        "demo-8",
        "warga2",
        "izin-reklame",
        (
            Act(3, "08:55", "create"),
            Act(3, "09:10", "submit"),
            Act(3, "10:30", "approve", "penerimaan"),
            Act(2, "11:00", "approve", "pemeriksaan_administrasi"),
        ),
    ),
    # A family card promised in one working day, stuck at data entry: late and very late,
    # a fixed compensation.
    Sample(
        "demo-9",
        "warga2",
        "kartu-keluarga",
        (
            Act(3, "08:20", "create"),
            Act(3, "08:30", "submit"),
            Act(3, "09:30", "approve", "verifikasi"),
        ),
        documents=("kk_lama",),
    ),
    # A business licence whose charter grants it by law when the limit passes (fiktif
    # positif): the limit passed 5 working days ago, so it was deemed approved then.
    Sample(
        "demo-10",
        "warga2",
        "sertifikat-standar-usaha",
        (
            Act(16, "08:45", "create"),
            Act(16, "09:00", "submit"),
            Act(15, "10:00", "approve", "verifikasi_administrasi"),
        ),
    ),
    # A death registration returned for correction: the clock is paused.
    Sample(
        "demo-11",
        "warga2",
        "akta-kematian",
        (
            Act(2, "08:40", "create"),
            Act(2, "09:00", "submit"),
            Act(
                2,
                "13:00",
                "return",
                "verifikasi_kecamatan",
                "Berkas yang diunggah sebagai surat keterangan kematian adalah surat pengantar "
                "RT. Mohon unggah surat keterangan kematian dari RSUD Kabupaten Contoh.",
            ),
        ),
    ),
    # Recent practice licences, each issued within three working days: the throughput from
    # which the open one (demo-4) gets its expected completion ("Perkiraan selesai").
    *(
        Sample(
            f"demo-{12 + i}",
            "warga2" if i % 2 else "warga",
            "sip-tenaga-kesehatan",
            (
                Act(day, "09:00", "create"),
                Act(day, "09:10", "submit"),
                Act(day, f"10:{10 + 10 * i}", "approve", "verifikasi"),
                Act(day - 2, f"10:{10 * i:02d}", "approve", "rekomendasi"),
                Act(day - 2, "14:00", "approve", "penerbitan"),
            ),
        )
        for i, day in enumerate((12, 10, 8))
    ),
)


# -- when ---------------------------------------------------------------------------------------


def day_zero(calendar: WorkCalendar, now: dt.datetime) -> dt.date:
    """The working day whose closing time is the first one after `now`."""
    day = now.astimezone(calendar.tz).date()
    while True:
        hours = calendar.service_hours(day)
        if hours and dt.datetime.combine(day, hours[1], tzinfo=calendar.tz) > now:
            return day
        day += dt.timedelta(days=1)


def working_day_before(calendar: WorkCalendar, day: dt.date, count: int) -> dt.date:
    """The `count`-th working day before `day`."""
    while count > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def moment_of(calendar: WorkCalendar, zero: dt.date, act: Act) -> dt.datetime:
    """When `act` happened: its time on its working day, kept inside that day's hours."""
    if act.day < 1:
        raise ValueError("A sample's acts happen before day zero.")
    day = working_day_before(calendar, zero, act.day)
    hours = calendar.service_hours(day)
    assert hours is not None  # a working day has service hours
    opens, closes = hours
    hour, minute = (int(part) for part in act.time.split(":"))
    start = dt.datetime.combine(day, opens, tzinfo=calendar.tz)
    end = dt.datetime.combine(day, closes, tzinfo=calendar.tz) - dt.timedelta(minutes=1)
    return min(max(start, dt.datetime.combine(day, dt.time(hour, minute), tzinfo=calendar.tz)), end)


@dataclass(frozen=True)
class Move:
    at: dt.datetime
    order: tuple[int, int]
    sample: Sample
    act: Act


def moves_of(sample: Sample, index: int, service: Service, now: dt.datetime) -> list[Move]:
    calendar = calendar_for(service.lead_agency)
    zero = day_zero(calendar, now)
    moves = [
        Move(moment_of(calendar, zero, act), (index, position), sample, act)
        for position, act in enumerate(sample.acts)
    ]
    if any(a.at > b.at for a, b in itertools.pairwise(moves)):
        raise ValueError(f"The acts of sample {sample.key} are not in time order.")
    return moves


# -- playing the stories back ----------------------------------------------------------------


def run_worker_until(until: dt.datetime) -> None:
    """Do what the worker's sweep, a pass a minute, would have done before `until`."""
    with clock_at(until):
        plan_alarms()
    while True:
        first = (
            Alarm.objects.filter(fired=False, fire_at__lt=until)
            .order_by("fire_at")
            .values_list("fire_at", flat=True)
            .first()
        )
        if first is None:
            return
        moment = min(first + WORKER_INTERVAL, until)
        with clock_at(moment):
            sweep(moment)


def play(move: Move, *, officer: User, today: dt.date) -> None:
    sample, act = move.sample, move.act
    citizen = User.objects.get(username=sample.citizen)
    if act.action == "create":
        service = Service.objects.select_related("lead_agency").get(code=sample.service)
        at_counter = not service.accepts_online
        application, _created = actions.create_application(
            citizen=citizen,
            service=service,
            answers=answers_for(
                sample.service,
                filed=move.at.date(),  # local: moments are in the lead agency's zone
                today=today,
            ),
            idempotency_key=sample.key,
            channel="loket" if at_counter else "online",
            filed_by=officer if at_counter else None,
        )
        for requirement in application.charter.content["requirements"]:
            given = requirement.get("required", True) or requirement["key"] in sample.documents
            if requirement["kind"] == "document" and given:
                actions.attach_document(
                    application=application,
                    user=officer if at_counter else citizen,
                    requirement=requirement["key"],
                    upload=SimpleUploadedFile(
                        f"{requirement['key'].replace('_', '-')}.pdf", PDF, "application/pdf"
                    ),
                )
        return
    application = Application.objects.get(applicant=citizen, idempotency_key=sample.key)
    if act.action == "submit":
        actions.submit_application(application=application, citizen=citizen)
    elif act.action == "withdraw":
        actions.withdraw_application(application=application, citizen=citizen)
    else:
        actions.act_on_step(
            application=application,
            step=application.steps.get(key=act.step),
            officer=officer,
            action=act.action,
            note=act.note,
        )


def ensure_sample_applications() -> int:
    """Create the samples that do not exist yet, with their past; return how many."""
    now = timezone.now()
    officer = User.objects.get(username="petugas")
    moves: list[Move] = []
    for index, sample in enumerate(SAMPLES):
        citizen = User.objects.get(username=sample.citizen)
        if Application.objects.filter(applicant=citizen, idempotency_key=sample.key).exists():
            continue
        service = Service.objects.select_related("lead_agency").filter(code=sample.service).first()
        if service is None:
            continue
        moves.extend(moves_of(sample, index, service, now))
    if not moves:
        return 0
    today = timezone.localdate(now)
    for move in sorted(moves, key=lambda m: (m.at, m.order)):
        run_worker_until(move.at)
        with clock_at(move.at):
            play(move, officer=officer, today=today)
    run_worker_until(now)
    return sum(move.act.action == "create" for move in moves)
