from django.urls import path

from layanan.transparency import views_evaluation as views

app_name = "evaluation"
urlpatterns = [
    path("kantor/maklumat/", views.maklumat_home, name="maklumat_home"),
    path("kantor/maklumat/<slug:agency>/", views.maklumat, name="maklumat"),
    path("kantor/standar/evaluasi/<slug:code>/", views.evaluate, name="evaluate"),
    path(
        "kantor/standar/evaluasi/<slug:code>/<int:pk>/draf/",
        views.start_draft,
        name="start_draft",
    ),
    path("layanan/<slug:code>/evaluasi/", views.evaluations_page, name="public_list"),
    path("layanan/<slug:code>/evaluasi/<int:pk>/", views.evaluation_page, name="public_detail"),
]
