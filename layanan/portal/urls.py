from django.urls import path

from layanan.portal import health, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("aksesibilitas/", views.accessibility, name="accessibility"),
    path("lisensi/", views.licence, name="licence"),
    path("sehat/", health.health, name="health"),
]
