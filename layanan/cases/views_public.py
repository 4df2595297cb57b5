"""The public tracking page: anyone with the number, no login, no personal data.

The form at /lacak/ answers 400 with an error summary for an empty or malformed number; a
well-formed number that no application has answers 404 on /lacak/<number>/, with the form
and the same kind of summary, so the visitor can correct it where they are. Too many of
either from one client answer 429 for a while (see lookup_limit); known numbers never do.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from layanan.cases import access, lookup_limit, snapshots
from layanan.cases.models import PublicSnapshot
from layanan.cases.presenters import public_view


class TrackForm(forms.Form):
    use_required_attribute = False
    nomor = forms.CharField(
        label=gettext_lazy("Tracking number"),
        help_text=gettext_lazy("For example 7KQ4-M9TX-4C"),
        max_length=40,
        strip=True,
        error_messages={
            "required": gettext_lazy("Enter the tracking number from your receipt"),
            "max_length": gettext_lazy(
                "The tracking number has 10 letters and digits, for example 7KQ4-M9TX-4C"
            ),
        },
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-20",
                "spellcheck": "false",
                "autocomplete": "off",
            }
        ),
    )

    def clean_nomor(self) -> str:
        number = access.canonical_number(self.cleaned_data["nomor"])
        if number is None:
            raise forms.ValidationError(
                _(
                    "Enter a tracking number as it is on your receipt, for example "
                    "7KQ4-M9TX-4C: check each letter and digit"
                )
            )
        return number


def render_form(request: HttpRequest, form: TrackForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "cases/track_form.html",
        {"form": form, "error_forms": [form] if form.errors else []},
        status=status,
    )


def refuse(request: HttpRequest, form: TrackForm, seconds: int) -> HttpResponse:
    """429: the form again, its error saying when the client may try new numbers."""
    form.errors.clear()
    form.add_error("nomor", lookup_limit.refusal_message(seconds))
    response = render_form(request, form, status=429)
    response["Retry-After"] = str(seconds)
    return response


def refuse_malformed(request: HttpRequest, form: TrackForm) -> HttpResponse:
    if seconds := lookup_limit.seconds_refused(request):
        return refuse(request, form, seconds)
    lookup_limit.record_failure(request)
    return render_form(request, form, status=400)


def track_form(request: HttpRequest) -> HttpResponse:
    if "nomor" not in request.GET:  # a first visit, not an empty submission
        return render_form(request, TrackForm(auto_id="%s"))
    form = TrackForm(request.GET, auto_id="%s")
    if not form.is_valid():
        return refuse_malformed(request, form)
    return redirect("cases:track", number=form.cleaned_data["nomor"])


def track(request: HttpRequest, number: str) -> HttpResponse:
    shareable = number == access.canonical_number(number) and snapshots.page_is_shareable(
        request, number
    )
    if shareable and not lookup_limit.may_look_up(request, number):
        # the common case: one indexed read (cases.snapshots)
        body = snapshots.read(number, get_language(), PublicSnapshot.Kind.PAGE)
        if body is not None:
            lookup_limit.record_shown(request, number)
            return snapshots.page_response(request, body)
    form = TrackForm({"nomor": number[:40]}, auto_id="%s")
    if not form.is_valid():
        return refuse_malformed(request, form)
    number = form.cleaned_data["nomor"]
    if seconds := lookup_limit.may_look_up(request, number):
        return refuse(request, form, seconds)
    try:
        application = access.get_application_for_public(number)
    except Http404:
        lookup_limit.record_failure(request)
        form.add_error(
            "nomor",
            _("No application has the number %(number)s: check it on your receipt")
            % {"number": number},
        )
        return render_form(request, form, status=404)
    lookup_limit.record_shown(request, number)
    response = render(request, "cases/track.html", {"view": public_view(application)})
    if shareable and (body := snapshots.page_body(response)) is not None:
        snapshots.keep(
            application,
            version=application.public_version,
            language=get_language(),
            kind=PublicSnapshot.Kind.PAGE,
            body=body,
        )
    return response
