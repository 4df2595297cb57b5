from django.urls import path

from layanan.surveys import views_office, views_public

app_name = "surveys"
urlpatterns = [
    path("survei/<str:kunci>/", views_public.answer, name="answer"),
]

office_patterns = (
    [
        path("", views_office.index, name="index"),
        path("kertas/", views_office.paper, name="paper"),
        path("impor/", views_office.import_csv, name="import"),
        path("laporan/", views_office.report, name="report"),
        path("laporan.csv", views_office.report_csv, name="report_csv"),
    ],
    "surveys_office",
)
