"""Admin for complaint categories, time limits and Open311 API keys.

Categories and time limits belong to agencies and are scoped by `agencies.admin_scope`: an
agency administrator keeps their own agency's. The built-in categories ("pungli", "umum")
exist for every agency and are linked from every charter page: their code cannot change and
they cannot be deleted (an agency may deactivate or rename them for display). A category in
use by complaints cannot be deleted either (the database protects it): deactivate it.

Open311 keys are a superuser's: the key is shown once, when made, and only its SHA-256 is
kept. A key is never deleted (complaints name the client that sent them): deactivate it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from layanan.agencies.admin_scope import AgencyScopedAdmin
from layanan.complaints.models import Category, HandlingRules, Open311Key


@admin.register(Category)
class CategoryAdmin(AgencyScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "service_code", "agency", "subject", "group", "position", "active")
    list_filter = ("active", "builtin", "subject", "agency")
    search_fields = ("name", "code", "service_code", "keywords")
    list_select_related = ("agency",)
    ordering = ("agency__name", "position", "name")
    fields = (
        "agency",
        "code",
        "service_code",
        "name",
        "description",
        "subject",
        "group",
        "keywords",
        "position",
        "active",
        "builtin",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Category | None = None) -> Any:
        if obj is None:
            return ("service_code", "builtin")
        # The agency and code make the Open311 service_code clients already hold.
        return ("agency", "code", "service_code", "builtin")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.builtin:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Category]) -> None:
        # The list's bulk delete leaves the built-in categories alone.
        builtin = queryset.filter(builtin=True).count()
        if builtin:
            self.message_user(
                request,
                _("Built-in categories are never deleted; %(count)d were kept.")
                % {"count": builtin},
                messages.WARNING,
            )
        super().delete_queryset(request, queryset.filter(builtin=False))


@admin.register(HandlingRules)
class HandlingRulesAdmin(AgencyScopedAdmin, admin.ModelAdmin):
    list_display = (
        "agency",
        "verify_working_days",
        "plan_working_days",
        "decision_days",
        "completion_days",
        "reopen_days",
        "filing_window_days",
    )
    list_select_related = ("agency",)
    search_fields = ("agency__name", "agency__code")

    def get_readonly_fields(self, request: HttpRequest, obj: HandlingRules | None = None) -> Any:
        return ("agency",) if obj is not None else ()


def new_open311_key() -> str:
    """A key for a client: 32 random bytes, URL-safe; its first eight characters are kept to
    tell keys apart."""
    return secrets.token_urlsafe(32)


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "active", "created_at", "last_used_at")
    list_filter = ("active",)
    search_fields = ("name", "key_prefix")
    fields = ("name", "active", "key_prefix", "created_at", "last_used_at")
    readonly_fields = ("key_prefix", "created_at", "last_used_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Open311Key, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key = new_open311_key()
        obj.key_hash = Open311Key.digest(key)
        obj.key_prefix = key[:8]
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            _(
                "The API key for %(client)s is %(key)s — copy it now and give it to the client: "
                "it is shown only this once (only its hash is kept)."
            )
            % {"client": obj.name, "key": key},
            messages.WARNING,
        )
