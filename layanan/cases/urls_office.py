from django.urls import path

from layanan.cases import views_office, views_supervisor

app_name = "office"
urlpatterns = [
    path("", views_office.queue, name="queue"),
    path("ringkasan/", views_supervisor.overview, name="overview"),
    path("tugaskan/", views_office.bulk_assign, name="bulk_assign"),
    path("langkah/<str:number>/<slug:key>/", views_office.step_page, name="step"),
    path("langkah/<str:number>/<slug:key>/tindakan/", views_office.step_action, name="action"),
    path("langkah/<str:number>/<slug:key>/komentar/", views_office.step_comment, name="comment"),
    path("langkah/<str:number>/<slug:key>/tugaskan/", views_office.step_assign, name="assign"),
]
