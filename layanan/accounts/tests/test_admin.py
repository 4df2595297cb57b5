"""The account admin: numbers shown as people write them, found in any writing; the account
events are read-only."""

from __future__ import annotations

from django.utils import timezone

from layanan.accounts.models import AccountEvent, User
from layanan.test import BaseTestCase


class AccountAdminTests(BaseTestCase):
    def setUp(self) -> None:
        User.objects.filter(pk=self.siti.pk).update(phone="+6281200000001")
        self.login(self.root)

    def test_a_number_in_any_writing_finds_the_account(self) -> None:
        for writing in ("0812 0000 0001", "+62 812-0000-0001"):
            with self.subTest(writing=writing):
                page = self.client.get("/admin/accounts/user/", {"q": writing})
                self.assertEqual(page.status_code, 200)
                self.assertEqual(list(page.context["cl"].result_list), [self.siti])
                self.assertContains(page, "0812-0000-0001")

    def test_a_number_typed_in_the_admin_is_stored_in_e164(self) -> None:
        page = self.client.get(f"/admin/accounts/user/{self.agus.pk}/change/")
        form = page.context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if name not in ("groups", "user_permissions", "last_login", "date_joined")
            and value is not None
        }
        data.update(
            {
                "phone": "0812-0000-0001",
                "date_joined_0": "2026-11-01",
                "date_joined_1": "08:00:00",
            }
        )
        taken = self.client.post(f"/admin/accounts/user/{self.agus.pk}/change/", data)
        self.assertEqual(taken.status_code, 200)  # the form again: the number is siti's
        self.assertContains(taken, "Nomor telepon ini sudah dipakai akun lain.")
        self.agus.refresh_from_db()
        self.assertEqual(self.agus.phone, "")
        data["phone"] = "0812 0000 0009"
        saved = self.client.post(f"/admin/accounts/user/{self.agus.pk}/change/", data)
        self.assertEqual(saved.status_code, 302)
        self.agus.refresh_from_db()
        self.assertEqual(self.agus.phone, "+6281200000009")

    def test_account_events_cannot_be_added_or_changed(self) -> None:
        event = AccountEvent.objects.create(
            user=self.siti,
            actor=self.siti,
            kind="profile_changed",
            fields=["phone"],
            at=timezone.now(),
        )
        self.assertEqual(self.client.get("/admin/accounts/accountevent/add/").status_code, 403)
        change = self.client.post(f"/admin/accounts/accountevent/{event.pk}/change/", {"note": "x"})
        self.assertEqual(change.status_code, 403)
        event.refresh_from_db()
        self.assertEqual(event.note, "")
        self.assertContains(self.client.get("/admin/accounts/accountevent/"), "profil diubah")
