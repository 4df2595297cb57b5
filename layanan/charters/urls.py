from django.urls import path

from layanan.charters import views, views_consultations

app_name = "charters"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:code>/", views.charter_page, name="charter"),
    path("<slug:code>/ikuti/", views_consultations.follow_service, name="follow"),
    path("<slug:code>/berhenti-mengikuti/", views_consultations.unfollow_service, name="unfollow"),
]
