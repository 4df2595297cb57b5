from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency, CalendarDay, OfficerRole, ServiceHours, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ("code", "name", "active")


class ServiceHoursInline(admin.TabularInline):
    model = ServiceHours
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "region_code", "time_zone")
    list_filter = ("kind", "time_zone")
    search_fields = ("name", "short_name", "code")
    inlines = [UnitInline, ServiceHoursInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "parent", "region_code")}),
        (_("Contact"), {"fields": ("address", "phone", "email", "website", "complaint_contact")}),
        (
            _("Maklumat pelayanan"),
            {"fields": ("head_title", "maklumat", "maklumat_date", "time_zone")},
        ),
    )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "agency", "active")
    list_filter = ("active", "agency")
    search_fields = ("name", "code", "agency__name")
    list_select_related = ("agency",)


@admin.register(OfficerRole)
class OfficerRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__agency")
    search_fields = ("user__username", "user__full_name", "unit__code", "unit__name")
    list_select_related = ("user", "unit", "unit__agency")
    autocomplete_fields = ("user", "unit")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Calendar days move the due dates of open applications (the guarantee sweep reads
    their changes). So a day is never deleted and its date and agency never change: to undo
    a closure, set it to 'open'; for another date, add another day."""

    list_display = ("date", "name", "kind", "agency")
    list_filter = ("kind", "agency")
    date_hierarchy = "date"
    search_fields = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarDay | None = None) -> Any:
        return ("date", "agency") if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        return False
