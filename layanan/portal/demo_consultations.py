"""Sample public consultations for the demo (issue 13), so that the consultation pages, the API
and the agency's side have content from the first minute and answering and adopting can be
tried at once:

- the family card (kartu-keluarga): a draft that drops the F-1.01 form from the requirements
  and shortens the time limit from 1 working day to 6 working hours, its forum recorded with
  minutes, published three working days ago and OPEN for comments; warga and warga2 have
  commented, and the agency has answered warga;
- the death certificate (akta-kematian): a draft that makes the family card of the deceased
  optional and shortens the time limit from 3 to 2 working days, whose comment period has
  ENDED with exactly two comments, neither answered: `admin` answers both and adopts it.

warga follows the family card service. Like the other samples, each act is told in working days
before day zero and played through the real actions with the demo clock set back.

Made once: nothing is added to a database that has consultations already.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.calendars import calendar_for
from layanan.charters import components, consultations
from layanan.charters.actions import charter_in_force, save_draft
from layanan.charters.models import Comment, Consultation, Service
from layanan.portal.demo_applications import PDF, day_zero, working_day_before
from layanan.portal.demo_clock import clock_at

FOLLOWED = ("warga", "kartu-keluarga")
PARTICIPANTS = {
    "service_users": 18,
    "community_figures": 4,
    "academics": 2,
    "ngos": 3,
}


def family_card_draft(content: dict[str, Any]) -> dict[str, str]:
    """The family card: the F-1.01 form is no longer asked for, and 6 working hours."""
    content["requirements"] = [r for r in content["requirements"] if r["key"] != "formulir_biodata"]
    limits = {"verifikasi": 1, "entri": 3, "tte": 2}
    for stage in content["procedure"]["stages"]:
        for step in stage["steps"]:
            if step["key"] in limits:
                step["time_limit"] = {"amount": limits[step["key"]], "unit": "working_hours"}
    content["time_limit"] = {"amount": 6, "unit": "working_hours"}
    content["guarantee"]["statement"] = {
        "id": "KK terbit paling lama 6 jam kerja setelah berkas lengkap. Bila terlambat, pemohon "
        "menerima kompensasi Rp25.000 sebagai pengganti biaya transportasi.",
        "en": "The card is issued within 6 working hours after the file is complete. If it is "
        "late, the applicant receives Rp25.000 towards transport costs.",
    }
    return {
        "requirements": "Data biodata keluarga sudah diisi pada formulir daring dan diperiksa "
        "di SIAK, sehingga formulir F-1.01 tidak perlu diserahkan lagi.",
        "procedure": "Tanpa formulir kertas, verifikasi berkas cukup 1 jam kerja dan perekaman "
        "data 3 jam kerja.",
        "time_limit": "Waktu penyelesaian dipersingkat dari 1 hari kerja menjadi 6 jam kerja, "
        "sesuai waktu langkah-langkah yang baru.",
        "guarantee": "Jaminan pelayanan menyebut waktu penyelesaian yang baru.",
    }


def death_certificate_draft(content: dict[str, Any]) -> dict[str, str]:
    """The death certificate: the family card of the deceased optional, 2 working days."""
    for requirement in content["requirements"]:
        if requirement["key"] == "kk_almarhum":
            requirement["required"] = False
            requirement["note"] = {
                "id": "Tidak wajib: data KK diambil dari SIAK berdasarkan NIK almarhum.",
                "en": "Optional: the family card's data are taken from SIAK by the NIK of the "
                "deceased.",
            }
    limits = {"pencatatan": 4, "tte": 4}
    for stage in content["procedure"]["stages"]:
        for step in stage["steps"]:
            if step["key"] in limits:
                step["time_limit"] = {"amount": limits[step["key"]], "unit": "working_hours"}
    content["time_limit"] = {"amount": 2, "unit": "working_days"}
    content["guarantee"]["statement"] = {
        "id": "Akta kematian dan KK terbaru terbit paling lama 2 hari kerja setelah laporan "
        "diterima.",
        "en": "The death certificate and updated card are issued within 2 working days of the "
        "report.",
    }
    return {
        "requirements": "Data KK almarhum dapat dibaca petugas di SIAK, sehingga KK tidak wajib "
        "dilampirkan.",
        "procedure": "Pencatatan dan tanda tangan elektronik masing-masing cukup 4 jam kerja.",
        "time_limit": "Waktu penyelesaian dipersingkat dari 3 menjadi 2 hari kerja.",
        "guarantee": "Jaminan pelayanan menyebut waktu penyelesaian yang baru.",
    }


@dataclass(frozen=True)
class Act:
    day: int  # working days before day zero
    time: str  # "HH:MM", the lead agency's zone
    action: str  # draft | publish | comment | answer | stance | follow
    args: dict[str, Any]


@dataclass(frozen=True)
class Story:
    service: str
    draft: Callable[[dict[str, Any]], dict[str, str]]
    forum_place: str
    acts: tuple[Act, ...]


STORIES = (
    Story(
        "kartu-keluarga",
        family_card_draft,
        "Aula Disdukcapil Kabupaten Contoh",
        (
            Act(5, "09:00", "follow", {"citizen": "warga"}),
            Act(4, "10:00", "draft", {}),
            Act(3, "09:00", "publish", {}),
            Act(
                2,
                "10:15",
                "comment",
                {
                    "author": "warga",
                    "target": "requirements.formulir_biodata",
                    "stance": "support",
                    "text": "Setuju formulir F-1.01 dihapus. Selama ini saya harus mencetak dan "
                    "mengisinya dua kali karena salah tulis.",
                },
            ),
            Act(
                2,
                "13:40",
                "comment",
                {
                    "author": "warga2",
                    "target": "time_limit",
                    "stance": "oppose",
                    "text": "6 jam kerja terlalu singkat pada hari Senin yang ramai; lebih baik "
                    "tetap 1 hari kerja tetapi benar-benar ditepati.",
                },
            ),
            Act(1, "09:30", "stance", {"citizen": "warga", "component": "time_limit"}),
            Act(
                1,
                "10:00",
                "answer",
                {
                    "comment": 0,
                    "decision": Comment.Decision.ACCEPTED,
                    "text": "Terima kasih. Formulir F-1.01 tidak lagi diminta; data keluarga "
                    "diisi sekali pada formulir daring.",
                },
            ),
        ),
    ),
    Story(
        "akta-kematian",
        death_certificate_draft,
        "Pendopo Kecamatan Kota Contoh",
        (
            Act(14, "14:00", "draft", {}),
            Act(13, "09:00", "publish", {}),
            Act(
                11,
                "10:00",
                "comment",
                {
                    "author": "warga",
                    "target": "requirements.kk_almarhum",
                    "text": "Bagaimana bila KK almarhum ternyata belum diperbarui di SIAK? "
                    "Mohon dijelaskan siapa yang memperbaikinya.",
                },
            ),
            Act(
                9,
                "11:00",
                "comment",
                {
                    "author": "warga2",
                    "target": "time_limit",
                    "stance": "support",
                    "text": "Dua hari kerja sangat membantu keluarga yang harus mengurus "
                    "santunan kematian.",
                },
            ),
        ),
    ),
)


def play(
    story: Story,
    act: Act,
    service: Service,
    made: dict[str, Any],
    admin: User,
    people: dict[str, User],
) -> None:
    match act.action:
        case "follow":
            consultations.follow(service=service, citizen=people[act.args["citizen"]])
        case "draft":
            charter = consultations.start_draft(
                service=service, by=admin, change_note="Hasil evaluasi dan forum konsultasi."
            )
            content = copy.deepcopy(charter.content)
            reasons = story.draft(content)
            charter, problems = save_draft(
                service=service, content=content, by=admin, charter=charter
            )
            if problems:
                raise ValueError(f"the demo draft of {service.code} is invalid: {problems}")
            in_force = charter_in_force(service)
            assert in_force is not None
            changed = components.changed(charter.content, in_force.content)
            made["consultation"] = consultations.record_forum(
                consultation=consultations.consultation_for(charter, by=admin),
                by=admin,
                forum_date=service.day_of_filing(),
                forum_place=story.forum_place,
                participants=PARTICIPANTS,
                reasons={key: {"id": reasons[key], "en": ""} for key in changed},
                minutes=SimpleUploadedFile("berita-acara.pdf", PDF),
            )
        case "publish":
            made["consultation"] = consultations.publish_consultation(
                consultation=made["consultation"], by=admin
            )
        case "comment":
            made.setdefault("comments", []).append(
                consultations.write_comment(
                    consultation=made["consultation"],
                    author=people[act.args["author"]],
                    target=act.args["target"],
                    text=act.args["text"],
                    stance=act.args.get("stance", ""),
                )
            )
        case "stance":
            consultations.take_stance(
                consultation=made["consultation"],
                citizen=people[act.args["citizen"]],
                component=act.args["component"],
                stance=act.args.get("stance", Comment.Stance.SUPPORT),
            )
        case "answer":
            consultations.answer_comment(
                comment=made["comments"][act.args["comment"]],
                by=admin,
                decision=act.args["decision"],
                text=act.args["text"],
            )
        case _:
            raise ValueError(f"unknown demo act {act.action!r} of {service.code}")


def ensure_sample_consultations() -> int:
    """The sample consultations when there are none; return how many were made."""
    if Consultation.objects.exists():
        return 0
    admin = User.objects.filter(username="admin").first()
    people = {u.username: u for u in User.objects.filter(username__in=("warga", "warga2"))}
    if admin is None or len(people) != 2:
        return 0
    now = timezone.now()
    made = 0
    for story in STORIES:
        service = Service.objects.filter(code=story.service).select_related("lead_agency").first()
        if service is None or charter_in_force(service) is None:
            continue
        calendar = calendar_for(service.lead_agency)
        zero = day_zero(calendar, now)
        state: dict[str, Any] = {}
        for act in story.acts:
            day = working_day_before(calendar, zero, act.day)
            hour, minute = (int(part) for part in act.time.split(":"))
            at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=calendar.tz)
            with clock_at(min(at, now)):
                play(story, act, service, state, admin, people)
        made += 1
    return made
