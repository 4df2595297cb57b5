"""The admin of complaint categories, time limits and Open311 keys: an agency administrator
keeps only their own agency's; built-in categories keep their code and are never deleted;
an Open311 key is shown once and stored as its hash."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.complaints.models import Category, HandlingRules, Open311Key
from layanan.complaints.tests.office import OfficeTestCase


class AdminTestCase(OfficeTestCase):
    rina: User
    own: Category
    theirs: Category

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.rina = cls.make_user("rina", "Rina Marlina", is_staff=True)
        OfficerRole.objects.create(user=cls.rina, unit=cls.loket, role=Role.AGENCY_ADMIN)
        group = Group.objects.create(name="Admin instansi")
        for model in ("category", "handlingrules"):
            content_type = ContentType.objects.get(app_label="complaints", model=model)
            group.permissions.add(*Permission.objects.filter(content_type=content_type))
        cls.rina.groups.add(group)
        cls.own = Category.objects.create(
            agency=cls.disdukcapil, code="antrean", name="Antrean terlalu lama"
        )
        cls.theirs = Category.objects.get(agency=cls.dpmptsp, code="pungli")


class CategoryAdminTests(AdminTestCase):
    def test_an_agency_administrator_sees_only_her_agencys_categories(self) -> None:
        self.login(self.rina)
        listing = self.client.get("/admin/complaints/category/")
        self.assertEqual(listing.status_code, 200)
        self.assertContains(listing, "Antrean terlalu lama")
        self.assertContains(listing, "disdukcapil.pungli")
        self.assertNotContains(listing, "dpmptsp.")
        self.assertEqual(
            self.client.get(f"/admin/complaints/category/{self.theirs.pk}/change/").status_code,
            404,
        )

    def test_she_adds_one_for_her_agency_only(self) -> None:
        self.login(self.rina)
        form = self.client.get("/admin/complaints/category/add/").content.decode()
        self.assertNotIn(f'value="{self.dpmptsp.pk}"', form)
        response = self.client.post(
            "/admin/complaints/category/add/",
            {
                "agency": self.disdukcapil.pk,
                "code": "sikap-petugas",
                "name": "Sikap petugas",
                "subject": "conduct",
                "position": 5,
                "active": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        made = Category.objects.get(code="sikap-petugas")
        self.assertEqual(made.service_code, "disdukcapil.sikap-petugas")
        refused = self.client.post(
            "/admin/complaints/category/add/",
            {
                "agency": self.dpmptsp.pk,
                "code": "lain",
                "name": "Lain",
                "subject": "general",
                "position": 0,
            },
        )
        self.assertEqual(refused.status_code, 200)  # the form answers: not a valid choice
        self.assertFalse(Category.objects.filter(code="lain").exists())

    def test_a_builtin_category_keeps_its_code_and_is_never_deleted(self) -> None:
        self.login(self.root)
        builtin = Category.objects.get(agency=self.disdukcapil, code="pungli")
        change = self.client.get(f"/admin/complaints/category/{builtin.pk}/change/")
        self.assertEqual(change.status_code, 200)
        self.assertNotContains(change, 'name="code"')
        self.assertEqual(
            self.client.get(f"/admin/complaints/category/{builtin.pk}/delete/").status_code, 403
        )
        # the list's bulk delete refuses a selection with a built-in category in it
        for selected in ([builtin.pk, self.own.pk], [self.own.pk]):
            self.client.post(
                "/admin/complaints/category/",
                {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
            )
            self.assertTrue(Category.objects.filter(pk=builtin.pk).exists())
        self.assertFalse(Category.objects.filter(pk=self.own.pk).exists())

    def test_its_own_category_is_renamed_but_the_code_stays(self) -> None:
        self.login(self.rina)
        response = self.client.post(
            f"/admin/complaints/category/{self.own.pk}/change/",
            {
                "code": "baru",
                "name": "Antrean",
                "subject": "service",
                "position": 1,
                "active": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.own.refresh_from_db()
        self.assertEqual((self.own.name, self.own.code), ("Antrean", "antrean"))


class HandlingRulesAdminTests(AdminTestCase):
    def test_she_sets_her_agencys_limits(self) -> None:
        self.login(self.rina)
        response = self.client.post(
            "/admin/complaints/handlingrules/add/",
            {
                "agency": self.disdukcapil.pk,
                "filing_window_days": 30,
                "verify_working_days": 2,
                "plan_working_days": 5,
                "decision_days": 45,
                "completion_days": 30,
                "reopen_days": 14,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(HandlingRules.objects.get(agency=self.disdukcapil).decision_days, 45)
        theirs = HandlingRules.objects.create(agency=self.dpmptsp)
        self.assertEqual(
            self.client.get(f"/admin/complaints/handlingrules/{theirs.pk}/change/").status_code,
            404,
        )


class Open311KeyAdminTests(AdminTestCase):
    def test_a_new_key_is_shown_once_and_kept_as_its_hash(self) -> None:
        self.login(self.root)
        response = self.client.post(
            "/admin/complaints/open311key/add/",
            {"name": "Aplikasi Kota", "active": "on"},
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        key = re.search(r"Aplikasi Kota \S+ ([A-Za-z0-9_-]{40,})", text)
        assert key is not None, text[:3000]
        made = Open311Key.objects.get()
        self.assertEqual(made.key_hash, Open311Key.digest(key.group(1)))
        self.assertEqual(made.key_prefix, key.group(1)[:8])
        again = self.client.get(f"/admin/complaints/open311key/{made.pk}/change/")
        self.assertNotContains(again, key.group(1))

    def test_agency_administrators_cannot_manage_keys(self) -> None:
        self.login(self.rina)
        self.assertEqual(self.client.get("/admin/complaints/open311key/").status_code, 403)
