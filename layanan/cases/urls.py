from django.urls import path

from layanan.cases import views_citizen, views_public

app_name = "cases"
urlpatterns = [
    path("lacak/", views_public.track_form, name="track_form"),
    path("lacak/<str:number>/", views_public.track, name="track"),
    path("layanan/<slug:code>/ajukan/", views_citizen.start, name="start"),
    path("permohonan/", views_citizen.my_applications, name="mine"),
    path("permohonan/<str:number>/", views_citizen.detail, name="detail"),
    path("permohonan/<str:number>/isian/", views_citizen.tasks, name="tasks"),
    path("permohonan/<str:number>/isian/<slug:page>/", views_citizen.answer_page, name="answers"),
    path("permohonan/<str:number>/dokumen/", views_citizen.documents, name="documents"),
    path(
        "permohonan/<str:number>/dokumen/<int:document_id>/",
        views_citizen.download,
        name="download",
    ),
    path(
        "permohonan/<str:number>/dokumen/<int:document_id>/hapus/",
        views_citizen.remove_document,
        name="remove_document",
    ),
    path("permohonan/<str:number>/barang/", views_citizen.receive_items, name="items"),
    path("permohonan/<str:number>/periksa/", views_citizen.check_answers, name="check"),
    path("permohonan/<str:number>/tanda-terima/", views_citizen.receipt, name="receipt"),
    path("permohonan/<str:number>/tarik/", views_citizen.withdraw, name="withdraw"),
]
