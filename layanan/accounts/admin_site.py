"""The admin site: the same sign-in as everywhere else, never a password alone.

The admin's own login page would be a second door with its own rules; instead /admin/login/
is the sign-in of /masuk/ (password, then the second-factor code), and the admin admits only a
session that a code has verified (django-otp's OTPMiddleware sets `user.otp_device`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class VerifiedAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        verified = getattr(request.user, "otp_device", None) is not None
        return bool(super().has_permission(request) and verified)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        from layanan.accounts.views import LoginView

        index = reverse("admin:index", current_app=self.name)
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(index)
        response = LoginView.as_view(next_page=index)(request)
        assert isinstance(response, HttpResponse)
        return response
