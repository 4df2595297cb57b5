from django.urls import path

from layanan.charters import views_consultations as views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<int:consultation_id>/", views.consultation_page, name="detail"),
    path(
        "<int:consultation_id>/komentar/<slug:component>/",
        views.comment_write,
        name="comment",
    ),
    path("<int:consultation_id>/sikap/<slug:component>/", views.stance_take, name="stance"),
    path(
        "<int:consultation_id>/komentar/<int:comment_id>/laporkan/",
        views.comment_report,
        name="report_comment",
    ),
    path("<int:consultation_id>/laporan/", views.report_page, name="report"),
    path("<int:consultation_id>/berita-acara.pdf", views.minutes, name="minutes"),
]
