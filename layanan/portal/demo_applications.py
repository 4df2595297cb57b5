"""Sample applications for the demo citizens, in every status, so that queues, tracking pages
and the API have content from the first minute. Created through the same actions as real
ones; skipped when they already exist (keyed by an idempotency key per sample)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from layanan.accounts.models import User
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.charters import rules as field_rules
from layanan.charters.models import Charter, Service

DEMO_NIK = "3399015508900001"  # a well-formed NIK of the fictional Kabupaten Contoh (33.99)
PDF = b"%PDF-1.4\n% Layanan demo document\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass(frozen=True)
class Sample:
    key: str
    citizen: str
    service: str
    # What happens after submission, step by step: ("approve" | "return" | "reject", step key
    # or "" for the first active step, note). "withdraw" ends it from the citizen's side.
    script: tuple[tuple[str, str], ...]
    submit: bool = True


SAMPLES = (
    Sample("demo-1", "warga", "akta-kelahiran", (), submit=False),
    Sample("demo-2", "warga", "ktp-el", ()),
    Sample(
        "demo-3",
        "warga",
        "pbg-rumah-sederhana",
        (("approve", ""), ("return", "Mohon unggah ulang gambar denah: halaman 2 tidak terbaca.")),
    ),
    Sample(
        "demo-4",
        "warga",
        "kartu-keluarga",
        (("approve", ""), ("approve", ""), ("approve", ""), ("approve", "")),
    ),
    Sample(
        "demo-5",
        "warga",
        "skck",
        (("reject", "Sidik jari pada formulir tidak dapat dibaca; silakan datang ke loket."),),
    ),
    Sample("demo-6", "warga", "sktm", (("withdraw", ""),)),
    Sample("demo-7", "warga2", "slhs", (("approve", ""),)),
    Sample("demo-8", "warga2", "izin-reklame", ()),
    Sample("demo-9", "warga2", "pendaftaran-dtsen", (("approve", ""),)),
    # A licence whose charter grants it by law when the limit passes (fiktif positif).
    Sample("demo-10", "warga2", "sertifikat-standar-usaha", (("approve", ""),)),
)


def sample_answers(charter: Charter, citizen: User) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for spec in charter.content.get("form", []):
        kind = spec["type"]
        answers[spec["key"]] = {
            "text": citizen.full_name or "Contoh",
            "textarea": "Contoh isian untuk demo.",
            "number": "2",
            "date": "2024-05-17",
            "email": citizen.email or "warga@demo.layanan.invalid",
            "phone": "081234567890",
            "nik": DEMO_NIK,
            "select": spec["choices"][0]["value"] if spec["choices"] else "",
            "checkbox": True,
        }.get(kind, "Contoh")
        answers[spec["key"]] = within_rules(spec, answers[spec["key"]])
    return answers


def within_rules(spec: dict[str, Any], answer: Any) -> Any:
    """A sample answer moved inside the rules its charter declares (a number within min and
    max, a date within its window, digits for a "[0-9]{n}" pattern)."""
    rules = spec.get("rules") or {}
    if spec["type"] == "number":
        value = Decimal(answer)
        value = max(value, Decimal(str(rules.get("min", value))))
        value = min(value, Decimal(str(rules.get("max", value))))
        return format(value.to_integral_value() if rules.get("integer") else value, "f")
    if spec["type"] == "date":
        today = timezone.localdate()
        day = dt.date.fromisoformat(answer)
        if "min" in rules:
            day = max(day, field_rules.resolve_date(rules["min"], today))
        if "max" in rules:
            day = min(day, field_rules.resolve_date(rules["max"], today))
        return day.isoformat()
    digits = re.fullmatch(r"\[0-9\]\{(\d+)\}", rules.get("pattern", ""))
    if digits:
        return (DEMO_NIK * 2)[: int(digits.group(1))]
    return answer


def ensure_sample_applications() -> int:
    """Create the samples that do not exist yet; return how many were created."""
    officer = User.objects.get(username="petugas")
    created = 0
    for sample in SAMPLES:
        citizen = User.objects.get(username=sample.citizen)
        if Application.objects.filter(applicant=citizen, idempotency_key=sample.key).exists():
            continue
        service = Service.objects.filter(code=sample.service).first()
        if service is None:
            continue
        at_counter = not service.accepts_online
        application, _ = actions.create_application(
            citizen=citizen,
            service=service,
            answers=sample_answers(service.charters.get(status="adopted"), citizen),
            idempotency_key=sample.key,
            channel="loket" if at_counter else "online",
            filed_by=officer if at_counter else None,
        )
        created += 1
        if not sample.submit:
            continue
        for requirement in application.charter.content["requirements"]:
            if requirement["kind"] == "document":
                actions.attach_document(
                    application=application,
                    user=citizen,
                    requirement=requirement["key"],
                    upload=SimpleUploadedFile(f"{requirement['key']}.pdf", PDF),
                )
        application = actions.submit_application(application=application, citizen=citizen)
        for action, note in sample.script:
            if action == "withdraw":
                actions.withdraw_application(application=application, citizen=citizen)
                continue
            step = application.steps.filter(state="active").order_by("stage", "position").first()
            if step is None:
                break
            application = actions.act_on_step(
                application=application, step=step, officer=officer, action=action, note=note
            )
    return created
