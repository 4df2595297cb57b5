from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from layanan.accounts import throttle
from layanan.accounts.forms import SignInForm


class LoginView(auth_views.LoginView):
    """Django's login, answering a failed attempt with 400 as every invalid form here does,
    and refusing further attempts for a while after five failures (429)."""

    form_class = SignInForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = request.POST.get("username", "")
        address = request.META.get("REMOTE_ADDR", "")
        if throttle.is_locked(name, address):
            form = self.get_form()
            form.add_error(None, _("Too many attempts; wait 5 minutes."))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        throttle.record_failure(
            self.request.POST.get("username", ""), self.request.META.get("REMOTE_ADDR", "")
        )
        response = super().form_invalid(form)
        response.status_code = 400
        return response
