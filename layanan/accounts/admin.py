"""Admin for accounts, their audit trail and the access log.

Accounts are scoped like the agencies' models (`agencies.admin_scope`): an agency
administrator sees only the accounts that hold roles in their agency and nowhere else, can
change their contact details and whether they are active and staff, and never makes a
superuser, gives Django permissions or sets a password (the officer resets their own). Every
page that shows an account records the read in the person's access log."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts.actions import remove_second_factor
from layanan.accounts.admin_reads import RecordsReads
from layanan.accounts.fields import PhoneField
from layanan.accounts.models import AccessDeferral, AccountEvent, DataAccess, User
from layanan.agencies.admin_scope import EVERYTHING, AgencyScopedAdmin, administered_agency_ids
from layanan.agencies.models import OfficerRole
from layanan.lib.phone import national, try_normalise


@admin.register(User)
class UserAdmin(RecordsReads, AgencyScopedAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "phone_number", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "phone")
    actions = ("reset_second_factor",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Contact"), {"fields": ("full_name", "phone")}),
    )
    list_place = DataAccess.Place.ADMIN_USERS
    detail_place = DataAccess.Place.ADMIN_USER
    person_field = "pk"
    # New officers sign up themselves (or a superuser makes the account); the agency
    # administrator then gives the account a role by its user name, email or phone.
    agency_admin_may = frozenset({"view", "change"})

    def scope(self, queryset: QuerySet[Any], agencies: set[int]) -> QuerySet[Any]:
        """Accounts holding roles in these agencies and in no other; never a superuser."""
        inside = OfficerRole.objects.filter(unit__agency_id__in=agencies).values("user_id")
        outside = OfficerRole.objects.exclude(unit__agency_id__in=agencies).values("user_id")
        return queryset.filter(pk__in=inside, is_superuser=False).exclude(pk__in=outside)

    def ensure_may_save(self, request: HttpRequest, obj: Any) -> None:
        agencies = administered_agency_ids(request.user)
        if agencies is EVERYTHING:
            return
        in_scope = self.scope(User.objects.filter(pk=obj.pk), agencies).exists()
        if obj.pk is None or not in_scope or obj.is_superuser:
            raise PermissionDenied

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or administered_agency_ids(request.user) is EVERYTHING:
            return super().get_fieldsets(request, obj)
        return (
            (None, {"fields": ("username",)}),
            (_("Contact"), {"fields": ("full_name", "email", "phone")}),
            (_("Permissions"), {"fields": ("is_active", "is_staff")}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if administered_agency_ids(request.user) is EVERYTHING:
            return super().get_readonly_fields(request, obj)
        return ("username", "last_login", "date_joined")

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if administered_agency_ids(request.user) is not EVERYTHING:
            raise PermissionDenied  # an officer resets their own password
        return super().user_change_password(request, id, form_url)

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "phone":
            # The same reading of a number as everywhere else, stored in E.164 form.
            return PhoneField(label=_("Phone number"), required=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_fields(self, request: HttpRequest) -> Any:
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            # The admin's autocomplete answers with people's names outside any page that
            # records the read: accounts are never offered by it (it answers 404).
            return ()
        return super().get_search_fields(request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        phone = try_normalise(search_term)
        if phone is not None:
            # "0812 0000 0001" finds the account whose number is stored as +6281200000001.
            results |= queryset.filter(phone=phone)
        return results, may_have_duplicates

    @admin.action(description=_("Reset two-step verification (lost phone)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """The owner sets up a new app at their next sign-in; recorded as an account event
        with the administrator as actor."""
        actor = request.user
        assert isinstance(actor, User)
        reset = sum(
            bool(remove_second_factor(user=user, actor=actor, note="reset by an administrator"))
            for user in queryset
        )
        self.message_user(
            request,
            ngettext(
                "Two-step verification was reset for %(count)d account.",
                "Two-step verification was reset for %(count)d accounts.",
                reset,
            )
            % {"count": reset},
        )

    @admin.display(description=_("phone number"), ordering="phone")
    def phone_number(self, user: User) -> str:
        return national(user.phone)


class SuperuserOnly:
    """Models about citizens' accounts that no agency administers: superusers only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(AccountEvent)
class AccountEventAdmin(SuperuserOnly, RecordsReads, admin.ModelAdmin):
    """The account audit trail, read-only: rows are written by actions, never by hand."""

    list_display = ("at", "user", "kind", "fields", "actor")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__full_name")
    list_select_related = ("user", "actor")
    readonly_fields = ("user", "actor", "kind", "fields", "note", "at")
    list_place = detail_place = DataAccess.Place.ADMIN_ACCOUNT_EVENTS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DataAccess)
class DataAccessAdmin(SuperuserOnly, RecordsReads, admin.ModelAdmin):
    """The access log, read-only, for an audit of who read what. It names the people whose
    data was read, so reading it is recorded too."""

    list_display = ("at", "reader", "citizen", "place", "application_number")
    list_filter = ("place",)
    search_fields = ("reader__username", "application_number")
    list_select_related = ("reader", "citizen")
    date_hierarchy = "at"
    readonly_fields = (
        "citizen",
        "reader",
        "place",
        "what",
        "application_number",
        "at",
        "agency",
        "unit",
        "agency_name",
        "unit_name",
        "purpose",
        "purpose_detail",
        "hidden_until",
    )
    list_place = detail_place = DataAccess.Place.ADMIN_ACCESS_LOG
    person_field = "citizen"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AccessDeferral)
class AccessDeferralAdmin(SuperuserOnly, admin.ModelAdmin):
    """Every deferral of a read, for the auditors (an agency's administrators see their
    agency's on /kantor/akses/); written only by `access_log.defer_read`. It names no
    citizen, so reading it is not itself a read of personal data."""

    list_display = ("at", "agency", "by", "access", "until")
    list_filter = ("agency",)
    list_select_related = ("agency", "by")
    readonly_fields = ("access", "by", "agency", "reason", "until", "at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# Second-factor devices are made only by their owner's enrolment (and the demo loader) and
# removed by the reset action above, each recorded as an account event: django-otp's own
# device pages would let an administrator give an account a key of their choosing.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
