from django.urls import path

from layanan.citizens import views, views_counter, views_vault

app_name = "citizens"
urlpatterns = [
    path("daftar/", views.sign_up, name="sign_up"),
    path("daftar/terkirim/", views.sign_up_done, name="sign_up_done"),
    path("profil/", views.profile, name="profile"),
    path("profil/akses/", views.access_log, name="access_log"),
    path("profil/dokumen/", views_vault.documents, name="vault"),
    path("profil/dokumen/<int:pk>/unduh/", views_vault.download, name="vault_download"),
    path("profil/dokumen/<int:pk>/hapus/", views_vault.remove, name="vault_remove"),
    path("profil/persetujuan/", views_vault.consents, name="consents"),
    path("profil/persetujuan/<int:pk>/tarik/", views_vault.withdraw, name="consent_withdraw"),
    path(
        "permohonan/<str:number>/dari-brankas/",
        views_vault.attach,
        name="attach_from_vault",
    ),
    path("akun/kode/", views.setup_code, name="setup_code"),
    path("kantor/loket/", views_counter.counter, name="counter"),
    path(
        "kantor/loket/<str:number>/tanda-terima/",
        views_counter.counter_receipt,
        name="counter_receipt",
    ),
]
