"""Sample complaints for the demo, so that the public list, the officers' complaint queue, the
register and Open311 have content from the first minute, and a walkthrough can try each step.

Like the sample applications (`demo_applications`), each story is told in working days before
day zero and played through the real actions with the demo clock set back; between the acts
the complaints' sweep runs when the worker would have run it, so a missed time limit carries
the moment it was really missed.

- warga's public complaint about an illegal levy, resolved two days ago: warga can still answer
  "Sudah selesai / Belum selesai" from /pengaduan/<number>/;
- warga2's anonymous complaint about the queue, forwarded to the counter unit, with an
  anonymous duplicate linked to it;
- warga's confidential complaint about an officer, never verified: its verification limit was
  missed (on the register, escalated to the supervisor);
- a suggestion sent without an account to DPMPTSP, and warga2's complaint about one of her
  applications, both just received.

Made once: nothing is added to a database that has complaints already.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency, Unit
from layanan.cases.models import Application
from layanan.charters.models import Service
from layanan.complaints import actions
from layanan.complaints.models import Category, Complaint, Deadline
from layanan.complaints.open311 import DEMO_KEY, ensure_demo_open311_key
from layanan.complaints.sweep import run as complaint_sweep
from layanan.portal.demo_applications import day_zero, working_day_before
from layanan.portal.demo_clock import clock_at

WORKER_INTERVAL = dt.timedelta(minutes=1)
# The Open311 key of the demo (printed by the start banner). Public: demo only.
OPEN311_KEY = DEMO_KEY
# Categories the demo agencies define for themselves (besides "pungli" and "umum").
CATEGORIES = {
    "disdukcapil": (
        ("antrean", "Antrean dan pelayanan di loket", "service", "Pelayanan loket"),
        ("data-dokumen", "Kesalahan data pada dokumen", "application", "Dokumen"),
        ("perilaku-petugas", "Perilaku petugas", "conduct", "Petugas"),
    ),
    "dpmptsp": (
        ("perizinan", "Proses perizinan berusaha", "service", "Perizinan"),
        ("perilaku-petugas", "Perilaku petugas", "conduct", "Petugas"),
    ),
}


@dataclass(frozen=True)
class Step:
    day: int  # working days before day zero
    time: str  # "HH:MM", Disdukcapil's zone
    action: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Story:
    name: str
    agency: str
    category: str
    complainant: str  # "" for somebody without an account
    filing: dict[str, Any]
    steps: tuple[Step, ...]


STORIES = (
    Story(
        "pungli",
        "disdukcapil",
        "pungli",
        "warga",
        {
            "description": (
                "Saat mengambil KTP-el di loket, petugas meminta 'uang administrasi' "
                "Rp50.000 tanpa kuitansi. Standar pelayanan menyebut layanan ini gratis."
            ),
            "service": "ktp-el",
            "address": "Kantor Disdukcapil, loket 3",
            "loss": "Rp50.000",
            "remedy": "Uang dikembalikan dan petugas ditegur.",
            "compensation_claimed": 50000,
        },
        (
            Step(8, "09:10", "file"),
            Step(7, "10:00", "verify"),
            Step(7, "10:30", "forward", {"unit": "disdukcapil-dafduk"}),
            Step(
                6,
                "13:00",
                "plan",
                {"note": "Kami memeriksa petugas loket 3 dan rekaman CCTV pada hari itu."},
            ),
            Step(
                2,
                "14:00",
                "resolve",
                {
                    "outcome": (
                        "Petugas terbukti meminta pungutan; ia ditegur tertulis dan "
                        "dipindahkan. Uang Rp50.000 dikembalikan kepada pelapor."
                    ),
                    "compensation_amount": 50000,
                },
            ),
        ),
    ),
    Story(
        "antrean",
        "disdukcapil",
        "antrean",
        "warga2",
        {
            "description": (
                "Nomor antrean habis pukul 08.30 padahal loket buka sampai 16.00. Warga yang "
                "datang dari desa jauh disuruh kembali besok."
            ),
            "privacy": "anonim",
            "address": "Kantor Disdukcapil, ruang tunggu",
        },
        (
            Step(4, "08:45", "file"),
            Step(3, "09:30", "verify"),
            Step(3, "10:00", "forward", {"unit": "disdukcapil-loket"}),
            Step(
                3,
                "10:05",
                "respond",
                {"note": "Terima kasih. Kuota antrean sedang kami tinjau.", "public": True},
            ),
        ),
    ),
    Story(
        "antrean-duplikat",
        "disdukcapil",
        "antrean",
        "",
        {
            "description": "Antrean sudah habis pagi-pagi, saya disuruh pulang dan datang lagi.",
            "privacy": "anonim",
            "address": "Kantor Disdukcapil, ruang tunggu",
        },
        (Step(3, "08:40", "file"), Step(2, "09:00", "duplicate", {"of": "antrean"})),
    ),
    Story(
        "perilaku",
        "disdukcapil",
        "perilaku-petugas",
        "warga",
        {
            "description": (
                "Petugas berbicara kasar dan menolak menjelaskan syarat yang kurang. Saya "
                "minta identitas saya dirahasiakan."
            ),
            "privacy": "rahasia",
            "subject": "conduct",
        },
        (Step(6, "11:00", "file"),),
    ),
    Story(
        "aspirasi",
        "dpmptsp",
        "umum",
        "",
        {
            "kind": "aspirasi",
            "description": "Mohon loket perizinan dibuka juga hari Sabtu pagi untuk pekerja.",
            "contact_name": "Rina",
            "contact_email": "rina@demo.layanan.invalid",
        },
        (Step(2, "15:00", "file"),),
    ),
    Story(
        "permohonan",
        "dpmptsp",
        "perizinan",
        "warga2",
        {
            "description": (
                "Permohonan izin reklame saya dikembalikan dua kali dengan alasan yang "
                "berbeda-beda. Mohon kejelasan syaratnya."
            ),
            "application": ("warga2", "demo-8"),
        },
        (Step(1, "10:00", "file"),),
    ),
)


def ensure_categories() -> None:
    for agency in Agency.objects.all():
        actions.ensure_builtin_categories(agency)
    for agency_code, rows in CATEGORIES.items():
        owner = Agency.objects.filter(code=agency_code).first()
        if owner is None:
            continue
        for position, (code, name, subject, group) in enumerate(rows, start=1):
            Category.objects.get_or_create(
                agency=owner,
                code=code,
                defaults={"name": name, "subject": subject, "group": group, "position": position},
            )


def run_sweeps_until(until: dt.datetime) -> None:
    """What the worker's pass a minute would have done about complaints before `until`."""
    while True:
        first = (
            Deadline.objects.filter(
                met_at__isnull=True,
                cancelled_at__isnull=True,
                breached_at__isnull=True,
                due_at__lt=until,
            )
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        if first is None:
            return
        moment = min(first + WORKER_INTERVAL, until)
        with clock_at(moment):
            complaint_sweep(moment)


def filing_of(story: Story) -> actions.Filing:
    given = dict(story.filing)
    category = Category.objects.get(agency__code=story.agency, code=story.category)
    filing = actions.Filing(category=category, description=given.pop("description"))
    if "service" in given:
        filing.service = Service.objects.get(code=given.pop("service"))
    if "application" in given:
        username, key = given.pop("application")
        application = Application.objects.filter(
            applicant__username=username, idempotency_key=key
        ).first()
        filing.application_number = application.number if application else ""
    for name, value in given.items():
        setattr(filing, name, value)
    return filing


def play(story: Story, step: Step, made: dict[str, Complaint], officer: User) -> None:
    if step.action == "file":
        complainant = User.objects.get(username=story.complainant) if story.complainant else None
        made[story.name], _key = actions.file_complaint(
            filing=filing_of(story), complainant=complainant
        )
        return
    complaint = Complaint.objects.get(pk=made[story.name].pk)
    args = step.args
    if step.action == "verify":
        actions.verify_complaint(complaint=complaint, officer=officer)
    elif step.action == "forward":
        actions.forward_complaint(
            complaint=complaint, officer=officer, unit=Unit.objects.get(code=args["unit"])
        )
    elif step.action == "plan":
        actions.plan_follow_up(complaint=complaint, officer=officer, note=args["note"])
    elif step.action == "respond":
        actions.respond(
            complaint=complaint, officer=officer, note=args["note"], public=args["public"]
        )
    elif step.action == "resolve":
        due = timezone.localdate() + dt.timedelta(days=14)
        actions.resolve_complaint(
            complaint=complaint,
            officer=officer,
            outcome=args["outcome"],
            compensation_amount=args.get("compensation_amount"),
            compensation_due_on=due if args.get("compensation_amount") else None,
        )
    elif step.action == "duplicate":
        actions.link_duplicate(complaint=complaint, primary=made[args["of"]], officer=officer)
    else:
        raise ValueError(f"unknown demo step {step.action!r}")


def ensure_sample_complaints() -> int:
    """Make the categories, and the sample complaints when there are none; return how many."""
    ensure_categories()
    ensure_demo_open311_key()
    if Complaint.objects.exists():
        return 0
    officer = User.objects.filter(username="petugas").first()
    disdukcapil = Agency.objects.filter(code="disdukcapil").first()
    if officer is None or disdukcapil is None:
        return 0
    now = timezone.now()
    calendar = calendar_for(disdukcapil)
    zero = day_zero(calendar, now)
    moves: list[tuple[dt.datetime, int, Story, Step]] = []
    for index, story in enumerate(STORIES):
        if not Agency.objects.filter(code=story.agency).exists():
            continue
        for step in story.steps:
            day = working_day_before(calendar, zero, step.day)
            hour, minute = (int(part) for part in step.time.split(":"))
            at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=calendar.tz)
            moves.append((min(at, now), index, story, step))
    made: dict[str, Complaint] = {}
    for at, _index, story, step in sorted(moves, key=lambda move: (move[0], move[1])):
        run_sweeps_until(at)
        with clock_at(at):
            play(story, step, made, officer)
    run_sweeps_until(now)
    return len(made)
