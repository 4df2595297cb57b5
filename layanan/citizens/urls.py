from django.urls import path

from layanan.citizens import views

app_name = "citizens"
urlpatterns = [
    path("daftar/", views.sign_up, name="sign_up"),
    path("profil/", views.profile, name="profile"),
]
