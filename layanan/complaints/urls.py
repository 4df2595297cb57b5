from django.urls import path

from layanan.complaints import views_public

app_name = "complaints"
urlpatterns = [
    path("pengaduan/", views_public.public_list, name="list"),
    path("pengaduan/baru/", views_public.file, name="file"),
    path("pengaduan/saya/", views_public.mine, name="mine"),
    path("pengaduan/<str:number>/", views_public.detail, name="detail"),
    path("pengaduan/<str:number>/tanda-terima/", views_public.receipt, name="receipt"),
    path("pengaduan/<str:number>/lengkapi/", views_public.complete, name="complete"),
    path(
        "pengaduan/<str:number>/lampiran/<int:attachment_id>/",
        views_public.attachment,
        name="attachment",
    ),
    path("pengaduan/<str:number>/tanggapan/", views_public.feedback, name="feedback"),
]
