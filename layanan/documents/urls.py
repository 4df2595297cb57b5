from django.urls import path

from layanan.documents import views

app_name = "documents"
urlpatterns = [
    path("verifikasi/", views.verify_home, name="verify_home"),
    path("verifikasi/sertifikat/", views.certificates, name="certificates"),
    path("verifikasi/sertifikat/<slug:slug>.pem", views.certificate_pem, name="certificate_pem"),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    path("dokumen/<str:code>/unduh/", views.download, name="download"),
    path("dokumen/<str:code>/cabut/", views.revoke, name="revoke"),
    path("dokumen/<str:code>/unggah/", views.upload, name="upload"),
    path("permohonan/<str:number>/produk/", views.product, name="product"),
]
