from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from layanan.accounts.admin import SuperuserOnly
from layanan.accounts.admin_reads import RecordsReads
from layanan.accounts.models import DataAccess
from layanan.citizens.models import PasswordSetupCode


@admin.register(PasswordSetupCode)
class PasswordSetupCodeAdmin(SuperuserOnly, RecordsReads, admin.ModelAdmin):
    """Read-only: who gave which citizen a code, when, and whether it was used. Codes are
    given only at the counter receipt; the hash is not shown."""

    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at", "replaced_at")
    list_select_related = ("user", "issued_by")
    search_fields = ("user__username", "user__full_name", "issued_by__username")
    date_hierarchy = "issued_at"
    exclude = ("code_hash",)
    list_place = detail_place = DataAccess.Place.ADMIN_SETUP_CODES
    readonly_fields = (
        "user",
        "issued_by",
        "application",
        "issued_at",
        "expires_at",
        "used_at",
        "replaced_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
