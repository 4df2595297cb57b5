"""The agency's pages for new standards, mounted at /kantor/standar/ (layanan/urls.py)."""

from django.urls import path

from layanan.charters import views_office

app_name = "charters_office"
urlpatterns = [
    path("", views_office.index, name="index"),
    path("layanan/<str:code>/susun/", views_office.start, name="start"),
    path("versi/<int:charter_id>/", views_office.draft, name="draft"),
    path("versi/<int:charter_id>/konsultasi/", views_office.prepare, name="prepare"),
    path("konsultasi/<int:pk>/", views_office.consultation, name="consultation"),
    path("konsultasi/<int:pk>/berita-acara/", views_office.minutes, name="minutes"),
    path("konsultasi/<int:pk>/umumkan/", views_office.publish, name="publish"),
    path("konsultasi/<int:pk>/tetapkan/", views_office.adopt, name="adopt"),
    path("konsultasi/<int:pk>/komentar/", views_office.comments, name="comments"),
    path(
        "konsultasi/<int:pk>/komentar/<int:comment_id>/jawab/",
        views_office.answer,
        name="answer",
    ),
    path(
        "konsultasi/<int:pk>/komentar/<int:comment_id>/sembunyikan/",
        views_office.hide,
        name="hide",
    ),
]
