from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse

from layanan.accounts.forms import SignInForm


class LoginView(auth_views.LoginView):
    """Django's login, answering a failed attempt with 400 as every invalid form here does.
    The attempt limit is kept by the authentication backend and answered (429) by
    `throttle.answer_refusals`, which wraps this view in the URLconf."""

    form_class = SignInForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
