"""The back office for complaints, mounted at /kantor/pengaduan/ (layanan/urls.py)."""

from django.urls import path

from layanan.complaints import views_office, views_office_filing

app_name = "complaints_office"
urlpatterns = [
    path("", views_office.queue, name="queue"),
    path("loket/", views_office_filing.file_for_citizen, name="file"),
    path("ekspor.csv", views_office_filing.export_csv, name="export_csv"),
    path("ekspor.json", views_office_filing.export_json, name="export_json"),
    path("<str:number>/", views_office.detail, name="detail"),
    path("<str:number>/tindakan/<slug:action>/", views_office.act, name="action"),
    path(
        "<str:number>/lampiran/<int:attachment_id>/",
        views_office.attachment,
        name="attachment",
    ),
    path("<str:number>/tanda-terima/", views_office_filing.receipt, name="receipt"),
]
