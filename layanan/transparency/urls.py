from django.urls import path

from layanan.transparency import views, views_office

app_name = "transparency"
urlpatterns = [
    path("data/", views.index, name="index"),
    path("data/layanan.jsonld", views.services_jsonld, name="services_jsonld"),
    path("data/katalog.jsonld", views.catalogue_jsonld, name="catalogue_jsonld"),
    path("data/<slug:metric>/<str:month>.csv", views.metric_csv, name="metric_csv"),
    path("data/<slug:metric>/<str:month>.json", views.metric_json, name="metric_json"),
    path("kantor/analitik/", views_office.analytics, name="analytics"),
]
