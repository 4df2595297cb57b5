from django.urls import path

from layanan.citizens import views, views_counter, views_rights, views_vault

app_name = "citizens"
urlpatterns = [
    path("daftar/", views.sign_up, name="sign_up"),
    path("daftar/terkirim/", views.sign_up_done, name="sign_up_done"),
    path("profil/", views.profile, name="profile"),
    path("profil/akses/", views.access_log, name="access_log"),
    path("profil/data/", views_rights.data_rights, name="data_rights"),
    path("profil/data/salinan/", views_rights.export_request, name="export_request"),
    path(
        "profil/data/salinan/<int:export_id>.<str:fmt>",
        views_rights.export_download,
        name="export_download",
    ),
    path("profil/data/permintaan/", views_rights.rights_request_new, name="rights_request_new"),
    path("profil/data/tutup/", views_rights.account_close, name="account_close"),
    path("kantor/data-pribadi/", views_rights.office_requests, name="office_requests"),
    path(
        "kantor/data-pribadi/<int:request_id>/",
        views_rights.office_answer,
        name="office_answer",
    ),
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
    path("profil/akses/unduh/", views.access_log_csv, name="access_log_csv"),
    path("akun/kode/", views.setup_code, name="setup_code"),
    path("kantor/loket/", views_counter.counter, name="counter"),
    path(
        "kantor/loket/<str:number>/tanda-terima/",
        views_counter.counter_receipt,
        name="counter_receipt",
    ),
]
