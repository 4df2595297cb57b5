from django.urls import path

from layanan.transparency import views, views_dashboard, views_office

app_name = "transparency"
urlpatterns = [
    path("dasbor/", views_dashboard.dashboard, name="dashboard"),
    path("dasbor/layanan/<slug:code>/", views_dashboard.service_dashboard, name="service"),
    path("dasbor/<slug:agency>/", views_dashboard.agency_dashboard, name="agency"),
    path("jaminan/", views_dashboard.register, name="register"),
    path("jaminan/data.csv", views_dashboard.register_csv, name="register_csv"),
    path("jaminan/data.json", views_dashboard.register_json, name="register_json"),
    path("data/", views.index, name="index"),
    path("data/layanan.jsonld", views.services_jsonld, name="services_jsonld"),
    path("data/katalog.jsonld", views.catalogue_jsonld, name="catalogue_jsonld"),
    path("data/<slug:metric>/<str:month>.csv", views.metric_csv, name="metric_csv"),
    path("data/<slug:metric>/<str:month>.json", views.metric_json, name="metric_json"),
    path("kantor/analitik/", views_office.analytics, name="analytics"),
]
