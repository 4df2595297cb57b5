"""Admin for services and charter versions.

A charter's components are edited as YAML, in the same format as charter files
(docs/charter-format.md), and checked by the same reader: an administrator sees the same
messages, with the same paths, as the import command prints.
"""

from typing import Any

import yaml
from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from layanan.agencies.admin_scope import (
    AgencyScopedAdmin,
    AgencyScopedInline,
    administered_agency_ids,
)
from layanan.charters.actions import (
    CharterBeyondAgency,
    CharterInvalid,
    CharterLocked,
    adopt_charter,
    check_charter,
    open_consultation,
    save_draft,
)
from layanan.charters.importer import strip_agency
from layanan.charters.models import Charter, Service


class CharterForm(forms.ModelForm):
    components = forms.CharField(
        label=_("Components (YAML)"),
        widget=forms.Textarea(attrs={"rows": 40, "cols": 100, "class": "lyn-code"}),
        help_text=_(
            "The fourteen components in the format of charter files (see "
            "docs/charter-format.md). Problems are listed with their path."
        ),
    )

    class Meta:
        model = Charter
        fields = ("service", "change_note")

    class Media:
        css = {"all": ("layanan/admin.css",)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "components" in self.fields:
            self.fields["components"].initial = yaml.safe_dump(
                strip_agency(self.instance.content), allow_unicode=True, sort_keys=False
            )
        if self.instance.pk and "service" in self.fields:
            self.fields["service"].disabled = True

    def clean_components(self) -> dict[str, Any]:
        text = self.cleaned_data["components"]
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise forms.ValidationError(_("Not valid YAML: %(e)s") % {"e": exc}) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The components must be a mapping of keys to values."))
        _content, problems = check_charter(data)
        self.problems = problems
        return data


class ServiceChoices:
    """Services are picked among those the administrator's agencies lead."""

    def choices_for(self, model: type[Model], agencies: set[int]) -> QuerySet[Any] | None:
        if model is Service:
            return Service.objects.filter(lead_agency_id__in=agencies)
        return super().choices_for(model, agencies)  # type: ignore[misc]


@admin.register(Charter)
class CharterAdmin(ServiceChoices, AgencyScopedAdmin, admin.ModelAdmin):
    form = CharterForm
    list_display = ("service", "version", "status", "effective_from", "adopted_at")
    list_filter = ("status", "service__lead_agency")
    search_fields = ("service__name", "service__code")
    list_select_related = ("service",)
    actions = ["adopt", "consult", "new_version"]
    readonly_fields = ("version", "status", "adopted_at", "adopted_by", "superseded_at")
    # The charters of the services an agency leads; only a superuser adopts a charter whose
    # procedure involves another agency (see `adopt`).
    agency_path = "service__lead_agency"

    def has_change_permission(self, request: HttpRequest, obj: Charter | None = None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Charter | None = None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Charter | None = None) -> Any:
        if obj is not None and not obj.is_editable:
            return ("service", "version", "status", "change_note", "adopted_at", "adopted_by")
        return ("service", "change_note", "components", *self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Charter, form: Any, change: bool) -> None:
        self.ensure_may_save(request, obj)
        charter, problems = save_draft(
            service=obj.service,
            content=form.cleaned_data["components"],
            by=request.user,  # type: ignore[arg-type]
            change_note=obj.change_note,
            charter=obj if change else None,
        )
        form.instance = charter
        obj.pk = charter.pk
        if problems:
            self.message_user(
                request,
                _("Saved as a draft. Before it can be adopted, fix: %(problems)s")
                % {"problems": "; ".join(str(p) for p in problems)},
                messages.WARNING,
            )

    @admin.action(description=_("Adopt the selected versions (put them in force)"))
    def adopt(self, request: HttpRequest, queryset: QuerySet[Charter]) -> None:
        adopted = 0
        agencies = administered_agency_ids(request.user)
        for charter in queryset.select_related("service"):
            try:
                adopt_charter(
                    charter=charter,
                    by=request.user,  # type: ignore[arg-type]
                    within_agencies=agencies,
                )
                adopted += 1
            except CharterInvalid as invalid:
                for problem in invalid.problems:
                    self.message_user(request, f"{charter}: {problem}", messages.ERROR)
            except (CharterLocked, CharterBeyondAgency) as refused:
                self.message_user(request, f"{charter}: {refused}", messages.ERROR)
        if adopted:
            self.message_user(
                request,
                ngettext("%(n)d version adopted.", "%(n)d versions adopted.", adopted)
                % {"n": adopted},
                messages.SUCCESS,
            )

    @admin.action(description=_("Open the selected drafts for public consultation"))
    def consult(self, request: HttpRequest, queryset: QuerySet[Charter]) -> None:
        for charter in queryset:
            try:
                open_consultation(charter=charter, by=request.user)  # type: ignore[arg-type]
            except CharterLocked as locked:
                self.message_user(request, f"{charter}: {locked}", messages.ERROR)

    @admin.action(description=_("Start a new draft version from the selected version"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[Charter]) -> None:
        for charter in queryset.select_related("service"):
            draft, _problems = save_draft(
                service=charter.service,
                content=strip_agency(charter.content),
                by=request.user,  # type: ignore[arg-type]
                change_note="",
            )
            self.message_user(
                request,
                _("Draft version %(v)d of %(service)s created.")
                % {"v": draft.version, "service": charter.service},
                messages.SUCCESS,
            )


class CharterInline(AgencyScopedInline, admin.TabularInline):
    model = Charter
    fields = ("version", "status", "effective_from", "change_note")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    agency_admin_may = frozenset({"view"})

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("channels"),
        choices=Service.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Service
        fields = (
            "code",
            "name",
            "name_en",
            "description",
            "description_en",
            "lead_agency",
            "category",
            "channels",
            "active",
        )


@admin.register(Service)
class ServiceAdmin(AgencyScopedAdmin, admin.ModelAdmin):
    form = ServiceForm
    list_display = ("name", "code", "lead_agency", "category", "active")
    list_filter = ("active", "category", "lead_agency")
    search_fields = ("name", "name_en", "code")
    list_select_related = ("lead_agency",)
    inlines = [CharterInline]
    agency_path = "lead_agency"
    agency_admin_may = frozenset({"view", "add", "change"})
