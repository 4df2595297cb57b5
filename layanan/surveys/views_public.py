"""The survey page an applicant opens from the link in their message: no sign-in, no
JavaScript, one answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from layanan.surveys import access
from layanan.surveys.actions import Closed, SurveyError, answer_survey
from layanan.surveys.forms import QuestionnaireForm


@never_cache
def answer(request: HttpRequest, kunci: str) -> HttpResponse:
    invitation = access.get_invitation(kunci)
    context: dict[str, object] = {"invitation": invitation}
    if invitation.answered_at is not None:
        return render(request, "surveys/answered.html", context, status=200)
    if not invitation.is_open(timezone.now()):
        return render(request, "surveys/closed.html", context, status=410)
    form = QuestionnaireForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_survey(
                invitation=invitation,
                answers=form.answers(),
                profile=form.profile(),
                suggestion=form.cleaned_data["suggestion"],
            )
        except Closed:
            invitation.refresh_from_db()
            return render(request, "surveys/answered.html", context, status=409)
        except SurveyError as error:
            form.add_action_errors(error)
        else:
            return redirect("surveys:answer", kunci=kunci)
    context["form"] = form
    return render(request, "surveys/answer.html", context, status=400 if form.errors else 200)
