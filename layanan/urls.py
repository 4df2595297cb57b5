from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from layanan.accounts import views as account_views
from layanan.accounts import views_access, views_phone_reset
from layanan.accounts.throttle import answer_refusals
from layanan.accounts.views import LoginView
from layanan.accounts.views_password import PasswordResetConfirmView, PasswordResetRequestView
from layanan.api import v1
from layanan.surveys.urls import office_patterns as survey_office_patterns

admin.site.site_header = settings.LAYANAN_ADMIN_TITLE
admin.site.site_title = settings.LAYANAN_ADMIN_TITLE

urlpatterns = [
    path("", include("layanan.portal.urls")),
    path("", include("layanan.cases.urls")),
    path("", include("layanan.guarantees.urls")),
    path("", include("layanan.payments.urls")),
    path("kantor/survei/", include(survey_office_patterns)),
    path("", include("layanan.complaints.urls")),
    path("kantor/pengaduan/", include("layanan.complaints.urls_office")),
    path("kantor/standar/", include("layanan.charters.urls_office")),
    path("", include("layanan.transparency.urls")),
    path("", include("layanan.transparency.urls_evaluation")),  # maklumat, evaluations
    path("kantor/akses/", views_access.reads, name="access_reads"),
    path("kantor/akses/<int:pk>/tunda/", views_access.defer, name="access_defer"),
    path("kantor/", include("layanan.cases.urls_office")),
    path("layanan/", include("layanan.charters.urls")),
    path("konsultasi/", include("layanan.charters.urls_consultations")),
    path("instansi/", include("layanan.agencies.urls")),
    path("masuk/", answer_refusals(LoginView.as_view()), name="login"),
    path("masuk/kode/", account_views.sign_in_code, name="sign_in_code"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "akun/verifikasi-dua-langkah/",
        account_views.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path(
        "akun/verifikasi-dua-langkah/matikan/",
        account_views.second_factor_disable,
        name="second_factor_disable",
    ),
    path("akun/kode-pemulihan/", account_views.recovery_codes, name="recovery_codes"),
    path("akun/token/<int:token_id>/cabut/", account_views.token_revoke, name="token_revoke"),
    path("", include("layanan.citizens.urls")),
    path("", include("layanan.surveys.urls")),
    path("", include("layanan.documents.urls")),
    path(
        "masuk/lupa-sandi/",
        PasswordResetRequestView.as_view(),
        name="password_reset",
    ),
    path("masuk/lupa-sandi/telepon/", views_phone_reset.ask, name="phone_reset"),
    path("masuk/lupa-sandi/telepon/kode/", views_phone_reset.confirm, name="phone_reset_confirm"),
    path(
        "masuk/lupa-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "masuk/sandi-baru/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "masuk/sandi-baru/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("bahasa/", set_language, name="set_language"),
    # The admin's own sign-in page, answered 429 when the attempt limit refuses (the limit is
    # kept by the authentication backend, whatever form the admin site uses).
    path("admin/login/", answer_refusals(admin.site.login), name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", v1.urls),
    path("open311/v2/", include("layanan.complaints.urls_open311")),
    # WhatsApp and SMS providers' calls: signed, not signed in (docs/messages-by-phone.md)
    path("webhooks/", include("layanan.notifications.urls")),
]

if settings.LAYANAN_BENCH_FLOOR:
    from layanan.portal.bench_floor import floor

    urlpatterns.append(path("_bench/floor/<int:size>/", floor, name="bench_floor"))
# An unhandled error answers 500, unless the database is unavailable: then 503, try again.
handler500 = "layanan.unavailable.server_error"
