"""The survey invitation of an application, for the applicant's own page.

The citizen's application page belongs to `cases`, which knows nothing of surveys; its template
loads this library, so that an applicant without an email address (who gets no invitation
message) still finds the link where they follow the application."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone

from layanan.cases.models import Application
from layanan.surveys.actions import key_for
from layanan.surveys.models import Invitation

register = template.Library()


@register.simple_tag
def survey_link(application: Application) -> str:
    """The survey's address while it can be answered, else ""."""
    invitation = Invitation.objects.filter(application=application).first()
    if invitation is None or not invitation.is_open(timezone.now()):
        return ""
    return reverse("surveys:answer", args=[key_for(invitation)])
