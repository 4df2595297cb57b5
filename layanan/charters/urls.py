from django.urls import path

from layanan.charters import views

app_name = "charters"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:code>/", views.charter_page, name="charter"),
]
