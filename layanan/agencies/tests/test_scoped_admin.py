"""Scoped administration, per model: an agency administrator sees and changes only their own
agency's rows; a superuser sees all.

adi administers Disdukcapil (agency A: units loket and capil, officers budi and ani); dpmptsp
is agency B (unit perizinan, officer charlie); root is a superuser; clerk is staff with no
role. For every scoped ModelAdmin: adi's list shows only A's rows, B's change page is 404, a
change posted to B's row is 404 and changes nothing, a new row in B is refused while the same
row in A is made; root's list shows both.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import Agency, CalendarDay, OfficerRole, Role, ServiceHours
from layanan.charters.models import Charter, Consultation, Service
from layanan.test import BaseTestCase, charter_content


@dataclass
class Case:
    """One scoped ModelAdmin: A's row, B's row, and a new row for B and for A (None where an
    agency administrator may not add)."""

    url: str
    mine: Model
    theirs: Model
    new_in_b: dict[str, Any] | None = None
    new_in_a: dict[str, Any] | None = None
    created: Any = None  # a queryset filter that finds the new row


class ScopedAdminTestCase(BaseTestCase):
    adi: User
    clerk: User
    izin: Service
    izin_v1: Charter

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.adi = cls.make_user("adi", "Adi Nugroho", is_staff=True)
        OfficerRole.objects.create(user=cls.adi, unit=cls.loket, role=Role.AGENCY_ADMIN)
        cls.clerk = cls.make_user("clerk", "Clerk", is_staff=True)
        cls.izin = Service.objects.create(
            code="izin-usaha",
            name="Izin Usaha",
            lead_agency=cls.dpmptsp,
            category=Service.Category.LICENSING,
            channels=["online"],
        )
        cls.izin_v1 = cls.adopt(cls.izin, only_in("dpmptsp-perizinan"))
        ServiceHours.objects.create(
            agency=cls.disdukcapil, weekday=0, opens="08:00", closes="15:00"
        )
        ServiceHours.objects.create(agency=cls.dpmptsp, weekday=0, opens="07:30", closes="14:00")
        CalendarDay.objects.create(
            agency=cls.disdukcapil, date="2026-12-01", kind="closed", name="Banjir"
        )
        CalendarDay.objects.create(
            agency=cls.dpmptsp, date="2026-12-02", kind="closed", name="Rapat kerja"
        )
        CalendarDay.objects.create(date="2026-12-03", kind="closed", name="Koreksi nasional")

    def cases(self) -> list[Case]:
        budi_role = OfficerRole.objects.filter(user=self.budi, unit=self.loket).first()
        charlie_role = OfficerRole.objects.get(user=self.charlie)
        assert budi_role is not None
        return [
            Case("agencies_agency", self.disdukcapil, self.dpmptsp),
            Case(
                "agencies_unit",
                self.loket,
                self.perizinan,
                new_in_b={"agency": self.dpmptsp.pk, "code": "x-baru", "name": "Baru"},
                new_in_a={"agency": self.disdukcapil.pk, "code": "x-baru", "name": "Baru"},
                created={"code": "x-baru"},
            ),
            Case(
                "agencies_officerrole",
                budi_role,
                charlie_role,
                new_in_b={"account": "agus", "unit": self.perizinan.pk, "role": "processor"},
                new_in_a={"account": "agus", "unit": self.capil.pk, "role": "processor"},
                created={"user": self.agus},
            ),
            Case("accounts_user", self.budi, self.charlie),
            Case(
                "charters_service",
                self.akta,
                self.izin,
                new_in_b=service_form("izin-baru", self.dpmptsp),
                new_in_a=service_form("izin-baru", self.disdukcapil),
                created={"code": "izin-baru"},
            ),
            Case(
                "charters_charter",
                self.akta_v1,
                self.izin_v1,
                new_in_b=charter_form(self.izin),
                new_in_a=charter_form(self.akta),
                created={"status": "draft"},
            ),
            Case(
                "agencies_servicehours",
                ServiceHours.objects.get(agency=self.disdukcapil),
                ServiceHours.objects.get(agency=self.dpmptsp),
                new_in_b={
                    "agency": self.dpmptsp.pk,
                    "weekday": 1,
                    "opens": "08:00",
                    "closes": "12:00",
                },
                new_in_a={
                    "agency": self.disdukcapil.pk,
                    "weekday": 1,
                    "opens": "08:00",
                    "closes": "12:00",
                },
                created={"weekday": 1},
            ),
            Case(
                "agencies_calendarday",
                CalendarDay.objects.get(agency=self.disdukcapil),
                CalendarDay.objects.get(agency=self.dpmptsp),
                new_in_b={
                    "agency": self.dpmptsp.pk,
                    "date": "2026-12-24",
                    "kind": "closed",
                    "name": "Libur",
                },
                new_in_a={
                    "agency": self.disdukcapil.pk,
                    "date": "2026-12-24",
                    "kind": "closed",
                    "name": "Libur",
                },
                created={"date": "2026-12-24"},
            ),
        ]

    def listed(self, case: Case) -> set[int]:
        response = self.client.get(reverse(f"admin:{case.url}_changelist"))
        self.assertEqual(response.status_code, 200, case.url)
        return {obj.pk for obj in response.context["cl"].result_list}


def only_in(unit: str) -> dict[str, Any]:
    """Charter components whose every step is in `unit`."""
    content = charter_content()
    for stage in content["procedure"]["stages"]:
        for step in stage["steps"]:
            step["unit"] = unit
    return content


def service_form(code: str, agency: Agency) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "lead_agency": agency.pk,
        "category": "perizinan",
        "channels": ["online"],
        "active": "on",
        "charters-TOTAL_FORMS": "0",
        "charters-INITIAL_FORMS": "0",
    }


def charter_form(service: Service) -> dict[str, Any]:
    return {
        "service": service.pk,
        "change_note": "baru",
        "components": yaml.safe_dump(copy.deepcopy(charter_content())),
    }


class AgencyAdministratorTests(ScopedAdminTestCase):
    def setUp(self) -> None:
        self.login(self.adi)

    def test_the_list_shows_only_the_own_agencys_rows(self) -> None:
        for case in self.cases():
            with self.subTest(case.url):
                listed = self.listed(case)
                self.assertIn(case.mine.pk, listed)
                self.assertNotIn(case.theirs.pk, listed)

    def test_another_agencys_row_is_404_to_see_change_or_delete(self) -> None:
        for case in self.cases():
            with self.subTest(case.url):
                change = reverse(f"admin:{case.url}_change", args=[case.theirs.pk])
                before = model_state(case.theirs)
                self.assertEqual(self.client.get(change).status_code, 404)
                self.assertEqual(self.client.post(change, {"name": "Diubah"}).status_code, 404)
                delete = reverse(f"admin:{case.url}_delete", args=[case.theirs.pk])
                self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 404)
                history = reverse(f"admin:{case.url}_history", args=[case.theirs.pk])
                self.assertEqual(self.client.get(history).status_code, 404)
                self.assertEqual(model_state(case.theirs), before)

    def test_the_own_agencys_row_opens(self) -> None:
        for case in self.cases():
            with self.subTest(case.url):
                change = reverse(f"admin:{case.url}_change", args=[case.mine.pk])
                self.assertEqual(self.client.get(change).status_code, 200)

    def test_a_new_row_in_another_agency_is_refused_and_in_the_own_agency_made(self) -> None:
        for case in self.cases():
            if case.new_in_b is None:
                continue
            with self.subTest(case.url):
                model = type(case.mine)
                add = reverse(f"admin:{case.url}_add")
                refused = self.client.post(add, case.new_in_b)
                self.assertEqual(refused.status_code, 200)  # the form again, with the error
                self.assertTrue(refused.context["adminform"].form.errors)
                self.assertFalse(model._default_manager.filter(**case.created).exists())
                made = self.client.post(add, case.new_in_a)
                self.assertEqual(made.status_code, 302, case.url)
                self.assertTrue(model._default_manager.filter(**case.created).exists())

    def test_no_new_agency_or_account_and_no_superuser(self) -> None:
        for url in ("admin:agencies_agency_add", "admin:accounts_user_add"):
            self.assertEqual(self.client.get(reverse(url)).status_code, 403, url)
        change = reverse("admin:accounts_user_change", args=[self.budi.pk])
        page = self.client.get(change)
        self.assertNotContains(page, "is_superuser")
        self.assertNotContains(page, "user_permissions")
        self.client.post(
            change,
            {
                "full_name": "Budi S.",
                "email": "budi@example.test",
                "phone": "",
                "is_active": "on",
                "is_staff": "on",
                "is_superuser": "on",
            },
        )
        self.budi.refresh_from_db()
        self.assertEqual(
            (self.budi.full_name, self.budi.is_staff, self.budi.is_superuser),
            ("Budi S.", True, False),
        )
        password = reverse("admin:auth_user_password_change", args=[self.budi.pk])
        self.assertEqual(self.client.get(password).status_code, 403)

    def test_accounts_with_roles_elsewhere_or_none_are_not_theirs(self) -> None:
        listed = self.listed(Case("accounts_user", self.budi, self.charlie))
        self.assertEqual(listed, {self.budi.pk, self.ani.pk, self.adi.pk})
        OfficerRole.objects.create(user=self.ani, unit=self.perizinan, role=Role.PROCESSOR)
        self.assertNotIn(self.ani.pk, self.listed(Case("accounts_user", self.budi, self.ani)))

    def test_a_role_is_not_given_in_another_agencys_unit(self) -> None:
        add = reverse("admin:agencies_officerrole_add")
        page = self.client.get(add)
        self.assertContains(page, "Loket Pelayanan")
        self.assertNotContains(page, "Bidang Perizinan")
        unknown = self.client.post(
            add, {"account": "nobody", "unit": self.loket.pk, "role": "processor"}
        )
        self.assertContains(
            unknown, "Tidak ada satu akun pun yang masuk dengan nama ini", status_code=200
        )

    def test_only_charters_whose_every_step_is_theirs_are_adopted(self) -> None:
        joint = Service.objects.create(
            code="izin-bersama",
            name="Izin Bersama",
            lead_agency=self.disdukcapil,
            category=Service.Category.LICENSING,
            channels=["online"],
        )
        cross = charter_content()
        cross["procedure"]["stages"][1]["steps"][0]["unit"] = "dpmptsp-perizinan"
        cross_draft = Charter.objects.create(
            service=joint, version=1, status="draft", content=cross
        )
        own_draft = Charter.objects.create(
            service=self.akta, version=2, status="draft", content=charter_content(executors=8)
        )
        # Consulted on, the comment period over: what the admin's action may set.
        past = timezone.now() - dt.timedelta(days=30)
        for draft in (cross_draft, own_draft):
            Consultation.objects.create(
                charter=draft, forum_date=past.date(), published_at=past, closes_at=past
            )
        changelist = reverse("admin:charters_charter_changelist")
        response = self.client.post(
            changelist,
            {"action": "adopt", "_selected_action": [cross_draft.pk, own_draft.pk]},
            follow=True,
        )
        self.assertContains(
            response, "hanya superuser yang dapat menetapkan prosedur lintas instansi"
        )
        cross_draft.refresh_from_db()
        own_draft.refresh_from_db()
        self.assertEqual((cross_draft.status, own_draft.status), ("draft", "adopted"))

        self.login(self.root)
        self.client.post(changelist, {"action": "adopt", "_selected_action": [cross_draft.pk]})
        cross_draft.refresh_from_db()
        self.assertEqual(cross_draft.status, "adopted")


class SuperuserAndOtherStaffTests(ScopedAdminTestCase):
    def test_a_superuser_sees_every_agencys_rows(self) -> None:
        self.login(self.root)
        for case in self.cases():
            with self.subTest(case.url):
                self.assertTrue({case.mine.pk, case.theirs.pk} <= self.listed(case))

    def test_staff_without_the_role_see_none_of_it(self) -> None:
        self.login(self.clerk)
        for case in self.cases():
            with self.subTest(case.url):
                response = self.client.get(reverse(f"admin:{case.url}_changelist"))
                self.assertEqual(response.status_code, 403)

    def test_an_agency_administrator_without_staff_status_is_not_let_in(self) -> None:
        self.adi.is_staff = False
        self.adi.save(update_fields=["is_staff"])
        self.login(self.adi)
        response = self.client.get(reverse("admin:agencies_unit_changelist"))
        self.assertEqual(response.status_code, 302)


def model_state(obj: Model) -> dict[str, Any]:
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


class OwnAgencyTests(ScopedAdminTestCase):
    def test_the_own_agencys_details_and_units_are_kept_but_not_its_code(self) -> None:
        self.login(self.adi)
        change = reverse("admin:agencies_agency_change", args=[self.disdukcapil.pk])
        units = list(self.disdukcapil.units.order_by("pk"))
        hours = ServiceHours.objects.get(agency=self.disdukcapil)
        data: dict[str, Any] = {
            "code": "diganti",
            "name": self.disdukcapil.name,
            "short_name": "Disdukcapil",
            "kind": "dinas",
            "region_code": "33.99",
            "time_zone": "Asia/Jakarta",
            "maklumat": "Kami melayani dengan sepenuh hati.",
            "units-TOTAL_FORMS": str(len(units) + 1),
            "units-INITIAL_FORMS": str(len(units)),
            "service_hours-TOTAL_FORMS": "1",
            "service_hours-INITIAL_FORMS": "1",
            "service_hours-0-id": str(hours.pk),
            "service_hours-0-agency": str(self.disdukcapil.pk),
            "service_hours-0-weekday": "0",
            "service_hours-0-opens": "07:00",
            "service_hours-0-closes": "15:00",
        }
        for index, unit in enumerate(units):
            data.update(
                {
                    f"units-{index}-id": str(unit.pk),
                    f"units-{index}-agency": str(self.disdukcapil.pk),
                    f"units-{index}-code": unit.code,
                    f"units-{index}-name": unit.name,
                    f"units-{index}-active": "on",
                }
            )
        data.update(
            {
                f"units-{len(units)}-agency": str(self.disdukcapil.pk),
                f"units-{len(units)}-code": "disdukcapil-arsip",
                f"units-{len(units)}-name": "Seksi Arsip",
                f"units-{len(units)}-active": "on",
            }
        )
        response = self.client.post(change, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        self.disdukcapil.refresh_from_db()
        # the maklumat is published at /kantor/maklumat/, kept in its history, not here
        self.assertEqual(
            (self.disdukcapil.code, self.disdukcapil.maklumat),
            ("disdukcapil", "Kami siap melayani sesuai standar pelayanan."),
        )
        self.assertTrue(self.disdukcapil.units.filter(code="disdukcapil-arsip").exists())
        hours.refresh_from_db()
        self.assertEqual(str(hours.opens), "07:00:00")
