from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Field, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts.actions import remove_second_factor
from layanan.accounts.fields import PhoneField
from layanan.accounts.models import AccountEvent, User
from layanan.lib.phone import national, try_normalise


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "phone_number", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "phone")
    actions = ("reset_second_factor",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Contact"), {"fields": ("full_name", "phone")}),
    )

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "phone":
            # The same reading of a number as everywhere else, stored in E.164 form.
            return PhoneField(label=_("Phone number"), required=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """The account audit trail, read-only: rows are written by actions, never by hand."""

    list_display = ("at", "user", "kind", "fields", "actor")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__full_name")
    list_select_related = ("user", "actor")
    readonly_fields = ("user", "actor", "kind", "fields", "note", "at")

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
