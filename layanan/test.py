"""Shared test scaffolding: named people and a small catalogue built in code.

The people (STYLE.md): siti and agus are citizens; budi processes and approves in the
Disdukcapil counter unit; charlie is an officer of DPMPTSP (elsewhere); ani supervises the
Disdukcapil units; root is a superuser. Tests say who acts, so a reader sees why a result
is allowed or refused.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import importlib
import os
import tempfile
import time
from contextlib import nullcontext
from typing import Any
from urllib.parse import quote

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase, TransactionTestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts.models import User
from layanan.accounts.second_factor import DEMO_SECRET, second_factor_required
from layanan.agencies.models import Agency, OfficerRole, Role, Unit
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.charters.actions import adopt_charter, save_draft
from layanan.charters.models import Charter, Consultation, Service
from layanan.portal.demo_applications import PDF  # a real one-page PDF: uploads are parsed

PASSWORD = "correct horse battery"  # noqa: S105
# Valid answers to the birth-certificate form below, and a one-page PDF that pypdf reads.
ANSWERS = {"nama_anak": "Putri", "nik_ibu": "3374015508900001", "jenis_kelamin": "p"}

CHARTER_CONTENT: dict[str, Any] = {
    "legal_basis": ["UU 24/2013 tentang Administrasi Kependudukan"],
    "requirements": [
        {"key": "surat_lahir", "name": "Surat keterangan lahir", "kind": "document"},
        {"key": "nik_ibu", "name": "NIK ibu", "kind": "field", "field": "nik_ibu"},
    ],
    "form": [
        {"key": "nama_anak", "label": {"id": "Nama anak", "en": "Child's name"}, "type": "text"},
        {"key": "nik_ibu", "label": "NIK ibu", "type": "nik"},
        {
            "key": "jenis_kelamin",
            "label": "Jenis kelamin",
            "type": "select",
            "choices": [
                {"value": "l", "label": "Laki-laki"},
                {"value": "p", "label": "Perempuan"},
            ],
        },
    ],
    "procedure": {
        "stages": [
            {
                "name": "Verifikasi",
                "steps": [
                    {
                        "key": "verifikasi",
                        "name": "Verifikasi berkas",
                        "unit": "disdukcapil-loket",
                        "time_limit": {"amount": 1, "unit": "working_days"},
                    }
                ],
            },
            {
                "name": "Penerbitan",
                "steps": [
                    {
                        "key": "terbit",
                        "name": "Penerbitan akta",
                        "unit": "disdukcapil-capil",
                        "role": "approver",
                        "time_limit": {"amount": 2, "unit": "working_days"},
                    }
                ],
            },
        ]
    },
    "time_limit": {"amount": 3, "unit": "working_days"},
    "clock_starts": "file_complete",
    "fee": 0,
    "product": {"name": {"id": "Kutipan akta kelahiran", "en": "Birth certificate"}},
    "complaints": {"channel": "Loket pengaduan Disdukcapil", "handling_days": 5},
    "executors": 4,
    "guarantee": {
        "escalation": [{"at_percent": 100, "to": "supervisor"}],
        "apology": "Mohon maaf atas keterlambatan.",
    },
    "facilities": "Ruang tunggu, loket prioritas.",
}


def charter_content(**changes: Any) -> dict[str, Any]:
    """A valid set of components, with top-level keys replaced by `changes`."""
    content = copy.deepcopy(CHARTER_CONTENT)
    content.update(changes)
    return content


def published_consultation(
    service: Service,
    *,
    by: User | None = None,
    changes: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Consultation:
    """A draft of `service` copied from the version in force, changed by `changes` (by
    default its facilities), its forum recorded, published for comments at `now`."""
    from layanan.charters import consultations

    charter = consultations.start_draft(service=service, by=by)
    content = copy.deepcopy(charter.content)
    content.update(
        changes
        if changes is not None
        else {"facilities": "Ruang tunggu, kursi roda dan pojok laktasi."}
    )
    save_draft(service=service, content=content, by=by, charter=charter)
    consultation = consultations.consultation_for(charter, by=by)
    changed = consultations.components.changed(
        content, service.charters.get(status=Charter.Status.ADOPTED).content
    )
    consultations.record_forum(
        consultation=consultation,
        by=by,
        forum_date=(now or dt.datetime.now(dt.UTC)).date() - dt.timedelta(days=1),
        forum_place="Aula kantor",
        participants={"service_users": 12, "academics": 2, "ngos": 1},
        reasons={key: {"id": "Menyesuaikan peraturan daerah baru.", "en": ""} for key in changed},
        minutes=SimpleUploadedFile("berita-acara.pdf", PDF),
    )
    return consultations.publish_consultation(consultation=consultation, by=by, now=now)


def totp_code(key_hex: str, *, at: float | None = None) -> str:
    """The 6 digits an authenticator app set up with `key_hex` shows (now, or at `at`)."""
    generator = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    generator.time = time.time() if at is None else at
    return f"{generator.token():06d}"


# The demo officers' published secret (portal.demo_data); the browser tests type its codes.
DEMO_OFFICERS = ("petugas", "atasan", "admin")
_demo_steps_used: dict[tuple[str, str], int] = {}


def demo_officer_code(site: str, username: str) -> str:
    """The code a demo officer's app shows now (demo secret `LAYANANDEMOTOTPA`), never one
    the service at `site` already accepted for them: a code works once, so a second sign-in
    within the same 30 s types the next step's code (the service accepts one step ahead), and
    a third waits for the clock."""
    key = base64.b32decode(DEMO_SECRET).hex()
    while True:
        now_step = int(time.time()) // 30
        step = max(now_step, _demo_steps_used.get((site, username), -1) + 1)
        if step <= now_step + 1:
            break
        time.sleep(1)
    _demo_steps_used[(site, username)] = step
    return totp_code(key, at=step * 30)


def second_factor_device(user: User) -> TOTPDevice:
    """The user's authenticator app (made, with a random key, if they have none), ready to
    accept the current code again: the library refuses a code twice in one 30 s window, and
    tests sign in several times within one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, drift=0, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return device


def otp_code(user: User) -> str:
    """The current second-factor code of `user` (giving them an app first if needed)."""
    return totp_code(second_factor_device(user).key)


def otp_for(username: str) -> str | None:
    """For an API token request: the code if the account needs one, else None."""
    user = User.objects.get(username=username)
    return otp_code(user) if second_factor_required(user) else None


def sign_in_with_code(client: Client, user: User, password: str = PASSWORD) -> Any:
    """Sign in through /masuk/ as a person does: the password, then (for an officer, or a
    citizen who turned it on) the code from the app. Returns the last response."""
    response = client.post("/masuk/", {"username": user.username, "password": password})
    if response.status_code == 302 and response["Location"].startswith("/masuk/kode/"):
        response = client.post("/masuk/kode/", {"code": otp_code(user)})
    return response


class Scenario:
    """The people and the small catalogue; mixed into test cases of either kind."""

    disdukcapil: Agency
    dpmptsp: Agency
    loket: Unit
    capil: Unit
    perizinan: Unit
    siti: User
    agus: User
    budi: User
    charlie: User
    ani: User
    root: User
    akta: Service
    akta_v1: Charter

    @classmethod
    def create_scenario(cls) -> None:
        cls.disdukcapil = Agency.objects.create(
            code="disdukcapil",
            name="Dinas Kependudukan dan Pencatatan Sipil",
            short_name="Disdukcapil",
            region_code="33.99",
            phone="(0271) 123456",
            maklumat="Kami siap melayani sesuai standar pelayanan.",
        )
        cls.dpmptsp = Agency.objects.create(
            code="dpmptsp", name="Dinas Penanaman Modal dan PTSP", region_code="33.99"
        )
        cls.loket = Unit.objects.create(
            agency=cls.disdukcapil, code="disdukcapil-loket", name="Loket Pelayanan"
        )
        cls.capil = Unit.objects.create(
            agency=cls.disdukcapil, code="disdukcapil-capil", name="Bidang Pencatatan Sipil"
        )
        cls.perizinan = Unit.objects.create(
            agency=cls.dpmptsp, code="dpmptsp-perizinan", name="Bidang Perizinan"
        )
        cls.siti = cls.make_user("siti", "Siti Rahayu")
        cls.agus = cls.make_user("agus", "Agus Salim")
        cls.budi = cls.make_user("budi", "Budi Santoso")
        cls.charlie = cls.make_user("charlie", "Charlie Wijaya")
        cls.ani = cls.make_user("ani", "Ani Yudhoyono")
        cls.root = cls.make_user("root", "Root", is_staff=True, is_superuser=True)
        for unit in (cls.loket, cls.capil):
            OfficerRole.objects.create(user=cls.budi, unit=unit, role=Role.PROCESSOR)
            OfficerRole.objects.create(user=cls.budi, unit=unit, role=Role.APPROVER)
            OfficerRole.objects.create(user=cls.ani, unit=unit, role=Role.SUPERVISOR)
        OfficerRole.objects.create(user=cls.charlie, unit=cls.perizinan, role=Role.PROCESSOR)
        cls.akta = Service.objects.create(
            code="akta-kelahiran",
            name="Akta Kelahiran",
            name_en="Birth Certificate",
            lead_agency=cls.disdukcapil,
            category=Service.Category.CIVIL_REGISTRY,
            channels=["online", "loket"],
        )
        cls.akta_v1 = cls.adopt(cls.akta, charter_content())

    @classmethod
    def make_user(cls, username: str, name: str, **extra: Any) -> User:
        return User.objects.create_user(
            username=username,
            password=PASSWORD,
            full_name=name,
            email=f"{username}@example.test",
            **extra,
        )

    def submitted(
        self,
        citizen: User | None = None,
        *,
        service: Service | None = None,
        at: dt.datetime | None = None,
    ) -> Application:
        """An application as a citizen sends it: created (birth certificate unless `service`
        is given; its charter must ask what `CHARTER_CONTENT` asks), the birth letter
        attached, submitted; at `at` when given (the clock stands still meanwhile)."""
        citizen = citizen or self.siti
        with time_machine.travel(at, tick=False) if at else nullcontext():
            application, _created = actions.create_application(
                citizen=citizen, service=service or self.akta, answers=ANSWERS
            )
            actions.attach_document(
                application=application,
                user=citizen,
                requirement="surat_lahir",
                upload=SimpleUploadedFile("lahir.pdf", PDF),
            )
            return actions.submit_application(application=application, citizen=citizen)

    @classmethod
    def adopt(cls, service: Service, content: dict[str, Any], note: str = "") -> Charter:
        draft, problems = save_draft(service=service, content=content, by=None, change_note=note)
        assert not problems, problems
        return adopt_charter(charter=draft, by=None)


class BaseTestCase(Scenario, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.create_scenario()

    def login(self, user: User) -> None:
        """Signed in as `user`; an officer's session counts as verified by their second
        factor, as after /masuk/ with the code (the admin admits only such sessions)."""
        self.client.force_login(user)
        mark_verified(self.client, user)


def mark_verified(client: Any, user: User) -> None:
    """After `force_login`: an officer's session counts as verified by their second factor,
    as after /masuk/ with the code."""
    if second_factor_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id
        session.save()


TRIGGER_MIGRATIONS = (
    "layanan.charters.migrations.0002_adopted_versions_are_immutable",
    "layanan.cases.migrations.0002_events_are_append_only",
    "layanan.complaints.migrations.0002_events_are_append_only",
)


class ConcurrentTestCase(Scenario, TransactionTestCase):
    """For tests that need several real connections at once (threads).

    TransactionTestCase empties every table after each test; the immutability triggers
    forbid exactly that on SQLite, so they are dropped for the flush and put back after.
    """

    def setUp(self) -> None:
        self.create_scenario()

    def _fixture_teardown(self) -> None:
        modules = [importlib.import_module(name) for name in TRIGGER_MIGRATIONS]
        with connection.schema_editor() as editor:
            for module in modules:
                module.drop_triggers(None, editor)
        super()._fixture_teardown()  # type: ignore[misc]
        with connection.schema_editor() as editor:
            for module in modules:
                module.create_triggers(None, editor)


# -- real processes (a server, a worker) on the test database ---------------------------------


def shared_database_url() -> str:
    """DATABASE_URL of the database these tests run on, for a process they start (use a
    TransactionTestCase: the process sees committed rows only)."""
    found = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{found['NAME']}"
    credentials = quote(found["USER"] or "", safe="")
    if found["PASSWORD"]:
        credentials += ":" + quote(found["PASSWORD"], safe="")
    host, port = found["HOST"] or "127.0.0.1", found["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{found['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a process started on the test database: a data dir of its own, the
    test process's NIK keyring (so both read the same sealed answers), and `extra`."""
    return {
        **os.environ,
        "DATABASE_URL": shared_database_url(),
        "LAYANAN_DATA_DIR": tempfile.mkdtemp(prefix="layanan-process-"),
        "LAYANAN_KEYS_DIR": str(settings.LAYANAN_KEYS_DIR),
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
