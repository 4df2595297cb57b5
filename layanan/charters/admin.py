"""Admin for services and charter versions.

A charter's components are edited as YAML, in the same format as charter files
(docs/charter-format.md), and checked by the same reader: an administrator sees the same
messages, with the same paths, as the import command prints.

A draft becomes the standard only through a public consultation (UU 25/2009 Pasal 20(2)):
the forum, the publication and the answers are kept on the office pages (/kantor/standar/),
and the admin's "adopt" action sets only a draft whose consultation `adopt_consultation`
accepts (its period over, every comment answered), in force from today.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
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
    check_charter,
    save_draft,
)
from layanan.charters.consultations import (
    ConsultationConflict,
    ConsultationInvalid,
    adopt_consultation,
    start_draft,
)
from layanan.charters.editing import NotComponents, components_from_yaml, yaml_of
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
            self.fields["components"].initial = yaml_of(self.instance.content)
        if self.instance.pk and "service" in self.fields:
            self.fields["service"].disabled = True

    def clean_components(self) -> dict[str, Any]:
        try:
            data = components_from_yaml(self.cleaned_data["components"])
        except NotComponents as refused:
            raise forms.ValidationError(refused.message) from None
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
    list_display = (
        "service",
        "version",
        "status",
        "effective_from",
        "adopted_at",
        "consultation_link",
    )
    list_filter = ("status", "service__lead_agency")
    search_fields = ("service__name", "service__code")
    list_select_related = ("service",)
    actions = ["adopt", "new_version"]
    readonly_fields = ("version", "status", "adopted_at", "adopted_by", "superseded_at")
    # The charters of the services an agency leads; only a superuser adopts a charter whose
    # procedure involves another agency (see `adopt`).
    agency_path = "service__lead_agency"

    def has_change_permission(self, request: HttpRequest, obj: Charter | None = None) -> bool:
        if obj is not None and (not obj.is_editable or in_comment_period(obj)):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("public consultation"))
    def consultation_link(self, obj: Charter) -> str:
        if not obj.is_editable:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', office_page(obj), _("Consultation (office pages)")
        )

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

    @admin.action(
        description=_("Set the selected drafts as the standard after their public consultation")
    )
    def adopt(self, request: HttpRequest, queryset: QuerySet[Charter]) -> None:
        """Only what `adopt_consultation` allows: a draft whose comment period is over and
        whose every comment is answered, in force from today. Any other draft is refused
        with a link to its consultation on the office pages."""
        adopted = 0
        agencies = administered_agency_ids(request.user)
        for charter in queryset.select_related("service__lead_agency"):
            consultation = getattr(charter, "consultation", None)
            if not charter.is_editable or consultation is None:
                self.refuse(
                    request,
                    charter,
                    _(
                        "A draft becomes the standard only through a public consultation: "
                        "prepare and publish it on the office page."
                    )
                    if charter.is_editable
                    else _("Version %(v)d is already %(status)s.")
                    % {"v": charter.version, "status": charter.get_status_display()},
                )
                continue
            try:
                adopt_consultation(
                    consultation=consultation,
                    by=request.user,  # type: ignore[arg-type]
                    effective_date=charter.service.day_of_filing(),
                    within_agencies=agencies,
                )
                adopted += 1
            except CharterInvalid as invalid:
                for problem in invalid.problems:
                    self.message_user(request, f"{charter}: {problem}", messages.ERROR)
            except (CharterLocked, CharterBeyondAgency) as refused:
                self.message_user(request, f"{charter}: {refused}", messages.ERROR)
            except ConsultationConflict as conflict:
                self.refuse(request, charter, conflict.message)
            except ConsultationInvalid as invalid:
                self.refuse(request, charter, "; ".join(invalid.errors.values()))
        if adopted:
            self.message_user(
                request,
                ngettext("%(n)d version adopted.", "%(n)d versions adopted.", adopted)
                % {"n": adopted},
                messages.SUCCESS,
            )

    def refuse(self, request: HttpRequest, charter: Charter, message: Any) -> None:
        self.message_user(
            request,
            format_html(
                '{}: {} <a href="{}">{}</a>',
                charter,
                message,
                office_page(charter),
                _("Open the consultation page"),
            ),
            messages.ERROR,
        )

    @admin.action(description=_("Start a new draft version from the version in force"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[Charter]) -> None:
        """A draft copied from the version in force of each selected version's service, with
        its consultation (`start_draft`: one draft per service at a time)."""
        for service in {charter.service for charter in queryset.select_related("service")}:
            try:
                draft = start_draft(service=service, by=request.user)  # type: ignore[arg-type]
            except ConsultationConflict as conflict:
                self.message_user(request, f"{service}: {conflict.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                _("Draft version %(v)d of %(service)s created.")
                % {"v": draft.version, "service": service},
                messages.SUCCESS,
            )


def in_comment_period(charter: Charter) -> bool:
    """While its comment period is open a draft does not change (`save_draft` refuses)."""
    consultation = getattr(charter, "consultation", None)
    return consultation is not None and consultation.is_open()


def office_page(charter: Charter) -> str:
    """The office page of a draft: its editor and the consultation it goes through."""
    return reverse("charters_office:draft", args=[charter.pk])


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
