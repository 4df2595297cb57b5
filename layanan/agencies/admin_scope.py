"""Who administers what in the Django admin: the one place that scopes it.

- An active **superuser** sees and changes everything.
- An **agency administrator** — an active staff account with the `agency_admin` role in a unit
  of an agency — sees and changes only what belongs to the agencies where they hold that
  role: the agency itself, its units, service hours and calendar days, the officer roles in
  its units and the accounts that hold roles only there, the services it leads and their
  charters. Every choice of agency, unit or service in their forms is limited to those, and
  a row is checked again before it is saved.
- Any **other staff account** sees none of the scoped models, whatever Django permissions it
  was given: scope comes from the role, not from permission checkboxes.

A row outside the administrator's agencies answers 404 (it is unseen, not forbidden), as in
`cases.access`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from layanan.agencies.models import Agency, OfficerRole, Role, Unit

if TYPE_CHECKING:
    _Base = admin.ModelAdmin[Any]
    _InlineBase = admin.options.InlineModelAdmin[Any, Any]
else:
    _Base = object
    _InlineBase = object

EVERYTHING = None
CACHE_ATTRIBUTE = "_administered_agency_ids"


def administered_agency_ids(user: Any) -> set[int] | None:
    """None for an active superuser (everything); else the ids of the agencies the user
    administers (empty for anybody who is not an active staff agency administrator).
    Computed once per request (kept on the user object)."""
    if not getattr(user, "is_active", False):
        return set()
    if user.is_superuser:
        return EVERYTHING
    if not user.is_staff:
        return set()
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = set(
            OfficerRole.objects.filter(user=user, role=Role.AGENCY_ADMIN).values_list(
                "unit__agency_id", flat=True
            )
        )
        setattr(user, CACHE_ATTRIBUTE, cached)
    return set(cached)


def agency_id_of(obj: Model, path: str) -> int | None:
    """Follow `path` ("unit__agency", "lead_agency", "pk") from an instance, saved or not, to
    the id of its agency."""
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    target: Any = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    value = getattr(target, f"{last}_id", None)
    return int(value) if value is not None else None


class AgencyScopedAdmin(_Base):
    """Mixed into a ModelAdmin: `agency_path` leads from the model to its agency;
    `agency_admin_may` names what an agency administrator may do with their own rows."""

    agency_path = "agency"
    agency_admin_may: frozenset[str] = frozenset({"view", "add", "change", "delete"})

    # -- which rows --------------------------------------------------------------------------

    def scope(self, queryset: QuerySet[Any], agencies: set[int]) -> QuerySet[Any]:
        field = "pk" if self.agency_path == "pk" else self.agency_path
        return queryset.filter(**{f"{field}__in": agencies})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        agencies = administered_agency_ids(request.user)
        return queryset if agencies is EVERYTHING else self.scope(queryset, agencies)

    def in_scope(self, request: HttpRequest, obj: Model) -> bool:
        agencies = administered_agency_ids(request.user)
        if agencies is EVERYTHING:
            return True
        if obj.pk is None:
            return agency_id_of(obj, self.agency_path) in agencies
        return self.scope(self.model._default_manager.filter(pk=obj.pk), agencies).exists()

    # -- what may be done -------------------------------------------------------------------

    def may(self, request: HttpRequest, what: str, obj: Model | None = None) -> bool | None:
        """None: a superuser, whom Django's own checks answer. Else the agency rule."""
        agencies = administered_agency_ids(request.user)
        if agencies is EVERYTHING:
            return None
        if not agencies or what not in self.agency_admin_may:
            return False
        return obj is None or self.in_scope(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        allowed = self.may(request, "view")
        return super().has_module_permission(request) if allowed is None else allowed

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self.may(request, "view", obj)
        return super().has_view_permission(request, obj) if allowed is None else allowed

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        allowed = self.may(request, "add")
        return super().has_add_permission(request, *args) if allowed is None else allowed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self.may(request, "change", obj)
        return super().has_change_permission(request, obj) if allowed is None else allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self.may(request, "delete", obj)
        return super().has_delete_permission(request, obj) if allowed is None else allowed

    # -- a row of another agency is unseen ------------------------------------------------

    def ensure_visible(self, request: HttpRequest, object_id: str | None) -> None:
        if object_id is None or administered_agency_ids(request.user) is EVERYTHING:
            return
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError):
            found = False
        if not found:
            raise Http404("not administered here")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self.ensure_visible(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self.ensure_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self.ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    # -- choices and saving -----------------------------------------------------------------

    def choices_for(self, model: type[Model], agencies: set[int]) -> QuerySet[Any] | None:
        """The rows of `model` an administrator of `agencies` may pick, or None for a model
        not scoped by agency. A ModelAdmin of a higher app adds its own (services)."""
        if model is Agency:
            return Agency.objects.filter(pk__in=agencies)
        if model is Unit:
            return Unit.objects.filter(agency_id__in=agencies)
        return None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        agencies = administered_agency_ids(request.user)
        if agencies is not EVERYTHING:
            limited = self.choices_for(db_field.related_model, agencies)
            if limited is not None:
                kwargs["queryset"] = limited
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if agencies is not EVERYTHING and db_field.related_model is Agency and field is not None:
            # An agency administrator's rows always belong to an agency (no national rows).
            field.required = True
            field.empty_label = None
        return field

    def ensure_may_save(self, request: HttpRequest, obj: Any) -> None:
        """The row as it was and as it will be both belong to the administrator's agencies.
        The form's choices already keep other agencies out; this holds for any form."""
        agencies = administered_agency_ids(request.user)
        if agencies is EVERYTHING:
            return
        if (
            obj.pk is not None
            and not self.scope(self.model._default_manager.filter(pk=obj.pk), agencies).exists()
        ):
            raise PermissionDenied
        if agency_id_of(obj, self.agency_path) not in agencies:
            raise PermissionDenied

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.ensure_may_save(request, obj)
        super().save_model(request, obj, form, change)


class AgencyScopedInline(_InlineBase):
    """An inline of a scoped parent: its rows belong to the parent's agency, so an agency
    administrator who may change the parent may work the inline (`agency_admin_may`)."""

    agency_admin_may: frozenset[str] = frozenset({"view", "add", "change", "delete"})

    def may(self, request: HttpRequest, what: str) -> bool | None:
        agencies = administered_agency_ids(request.user)
        if agencies is EVERYTHING:
            return None
        return bool(agencies) and what in self.agency_admin_may

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self.may(request, "view")
        return super().has_view_permission(request, obj) if allowed is None else allowed

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self.may(request, "add")
        return super().has_add_permission(request, obj) if allowed is None else allowed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self.may(request, "change")
        return super().has_change_permission(request, obj) if allowed is None else allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self.may(request, "delete")
        return super().has_delete_permission(request, obj) if allowed is None else allowed
