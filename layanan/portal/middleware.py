from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layanan.accounts.second_factor import is_officer, second_factor_required


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the visitor chose another language with the switch.

    Django's LocaleMiddleware also follows the browser's Accept-Language header, which would
    show English to every citizen whose phone is set to English. A public service of an
    Indonesian government speaks Indonesian first; English is one click away and remembered
    in the language cookie.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionIdleTimeoutMiddleware:
    """Sign out a session that has been idle too long: an officer's after
    LAYANAN_OFFICER_IDLE_MINUTES (a counter screen left open is not left signed in), anyone
    else's after LAYANAN_CITIZEN_IDLE_DAYS.

    The time of the last request is kept in the session and written back at most once a
    minute, so that a busy page does not write its session on every request; each write also
    moves the session's own expiry (SESSION_COOKIE_AGE) forward.
    """

    LAST_SEEN = "layanan_last_seen"
    IS_OFFICER = "layanan_is_officer"
    NEEDS_CODE = "layanan_needs_second_factor"
    TOUCH_EVERY = 60  # seconds

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(timezone.now().timestamp())
            last_seen = session.get(self.LAST_SEEN)
            if not isinstance(last_seen, int):
                last_seen = now
                session[self.LAST_SEEN] = now
                self.note_account(session, user)
            limit = self.idle_limit(is_officer=bool(session.get(self.IS_OFFICER)))
            if now - last_seen > limit:
                logout(request)
                # Said on the sign-in page the next protected page sends them to.
                messages.info(request, _("You were signed out after a period of inactivity."))
            else:
                if now - last_seen >= self.TOUCH_EVERY:
                    session[self.LAST_SEEN] = now
                    self.note_account(session, user)
                if session.get(self.NEEDS_CODE) and not user.is_verified():
                    # A session signed in with a password alone (from before the second
                    # factor, or the account became an officer's since): sign in again.
                    logout(request)
                    messages.info(request, _("Sign in again: this account needs its second code."))
        return self.get_response(request)

    def note_account(self, session: Any, user: Any) -> None:
        """What the session keeps about its account, read again once a minute: whether it is an
        officer's (the short idle limit) and whether it must be verified by a second code."""
        session[self.IS_OFFICER] = is_officer(user)
        session[self.NEEDS_CODE] = second_factor_required(user)

    @staticmethod
    def idle_limit(*, is_officer: bool) -> int:
        if is_officer:
            return int(settings.LAYANAN_OFFICER_IDLE_MINUTES) * 60
        return int(settings.LAYANAN_CITIZEN_IDLE_DAYS) * 24 * 60 * 60
