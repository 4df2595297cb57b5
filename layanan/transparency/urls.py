from django.urls import path

from layanan.transparency import views

app_name = "transparency"
urlpatterns = [
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/layanan/<slug:code>/", views.service_dashboard, name="service"),
    path("dasbor/<slug:agency>/", views.agency_dashboard, name="agency"),
    path("jaminan/", views.register, name="register"),
    path("jaminan/data.csv", views.register_csv, name="register_csv"),
    path("jaminan/data.json", views.register_json, name="register_json"),
]
