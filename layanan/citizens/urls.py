from django.urls import path

from layanan.citizens import views, views_counter

app_name = "citizens"
urlpatterns = [
    path("daftar/", views.sign_up, name="sign_up"),
    path("daftar/terkirim/", views.sign_up_done, name="sign_up_done"),
    path("profil/", views.profile, name="profile"),
    path("profil/akses/", views.access_log, name="access_log"),
    path("profil/akses/unduh/", views.access_log_csv, name="access_log_csv"),
    path("akun/kode/", views.setup_code, name="setup_code"),
    path("kantor/loket/", views_counter.counter, name="counter"),
    path(
        "kantor/loket/<str:number>/tanda-terima/",
        views_counter.counter_receipt,
        name="counter_receipt",
    ),
]
