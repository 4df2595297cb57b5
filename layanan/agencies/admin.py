"""Admin for agencies, units, officer roles, service hours and calendar days, scoped by
`agencies.admin_scope`: an agency administrator sees and changes only their own agency's."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from layanan.accounts.admin_reads import RecordsReads
from layanan.accounts.identifiers import find_user_by_identifier
from layanan.accounts.models import DataAccess
from layanan.agencies.admin_scope import (
    EVERYTHING,
    AgencyScopedAdmin,
    AgencyScopedInline,
    administered_agency_ids,
)
from layanan.agencies.models import Agency, CalendarDay, OfficerRole, ServiceHours, Unit


class UnitInline(AgencyScopedInline, admin.TabularInline):
    model = Unit
    extra = 0
    fields = ("code", "name", "active")
    agency_admin_may = frozenset({"view", "add", "change"})  # units are never deleted


class ServiceHoursInline(AgencyScopedInline, admin.TabularInline):
    model = ServiceHours
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin, admin.ModelAdmin):
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
    # An agency administrator keeps their own agency's details and maklumat up to date; only
    # a superuser makes an agency or moves it in the hierarchy (charters name it by code).
    agency_path = "pk"
    agency_admin_may = frozenset({"view", "change"})

    def get_readonly_fields(self, request: HttpRequest, obj: Agency | None = None) -> Any:
        # the maklumat is published at /kantor/maklumat/ (or by the import), where it is kept
        # in its history and does the duties owed; here it is shown only
        maklumat = ("maklumat", "maklumat_date")
        if administered_agency_ids(request.user) is EVERYTHING:
            return maklumat
        return ("code", "parent", *maklumat)


@admin.register(Unit)
class UnitAdmin(AgencyScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "code", "agency", "active")
    list_filter = ("active", "agency")
    search_fields = ("name", "code", "agency__name")
    list_select_related = ("agency",)
    agency_admin_may = frozenset({"view", "add", "change"})


class OfficerRoleByAccountForm(forms.ModelForm):
    """An agency administrator names the officer's account exactly (user name, email address
    or phone number): they are not shown a list of everybody's accounts to pick from."""

    account = forms.CharField(
        label=_("Officer's account"),
        max_length=254,
        help_text=_("The user name, email address or phone number the officer signs in with."),
        error_messages={"required": _("Enter the user name, email or phone of the officer")},
    )

    class Meta:
        model = OfficerRole
        fields = ("account", "unit", "role")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["account"].initial = self.instance.user.username
            self.fields["account"].disabled = True

    def clean_account(self) -> str:
        text = self.cleaned_data["account"]
        if self.instance.pk:
            return text
        user = find_user_by_identifier(text)
        if user is None:
            raise forms.ValidationError(
                _("No single account signs in with this name: check the officer's account")
            )
        self.instance.user = user
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user_id = self.instance.user_id
        unit, role = cleaned.get("unit"), cleaned.get("role")
        if user_id and unit and role:
            taken = OfficerRole.objects.filter(user_id=user_id, unit=unit, role=role)
            if taken.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("This officer already has this role in this unit."))
        return cleaned


@admin.register(OfficerRole)
class OfficerRoleAdmin(RecordsReads, AgencyScopedAdmin, admin.ModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__agency")
    search_fields = ("user__username", "user__full_name", "unit__code", "unit__name")
    list_select_related = ("user", "unit", "unit__agency")
    autocomplete_fields = ("unit",)
    # A superuser picks the account in the (recorded) list of accounts, not by autocomplete,
    # which would show people's names without recording it.
    raw_id_fields = ("user",)
    agency_path = "unit__agency"
    list_place = detail_place = DataAccess.Place.ADMIN_OFFICERS

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if administered_agency_ids(request.user) is not EVERYTHING:
            kwargs["form"] = OfficerRoleByAccountForm
            kwargs["fields"] = ("account", "unit", "role")
        return super().get_form(request, obj, change, **kwargs)

    def get_autocomplete_fields(self, request: HttpRequest) -> Any:
        if administered_agency_ids(request.user) is not EVERYTHING:
            return ()  # a plain list of their own few units
        return super().get_autocomplete_fields(request)


@admin.register(ServiceHours)
class ServiceHoursAdmin(AgencyScopedAdmin, admin.ModelAdmin):
    list_display = ("agency", "weekday", "opens", "closes")
    list_filter = ("agency",)
    list_select_related = ("agency",)


@admin.register(CalendarDay)
class CalendarDayAdmin(AgencyScopedAdmin, admin.ModelAdmin):
    """Calendar days move the due dates of open applications (the guarantee sweep reads
    their changes). So a day is never deleted and its date and agency never change: to undo
    a closure, set it to 'open'; for another date, add another day. National corrections (no
    agency) are a superuser's; an agency administrator keeps their own agency's days."""

    list_display = ("date", "name", "kind", "agency")
    list_filter = ("kind", "agency")
    date_hierarchy = "date"
    search_fields = ("name",)
    agency_admin_may = frozenset({"view", "add", "change"})

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarDay | None = None) -> Any:
        return ("date", "agency") if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        return False
