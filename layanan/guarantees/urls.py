from django.urls import path

from layanan.guarantees import views

app_name = "guarantees"
urlpatterns = [
    path("kantor/kompensasi/", views.compensations, name="compensations"),
    path(
        "kantor/kompensasi/permohonan/<str:number>/",
        views.treasurer_settle,
        name="treasurer_settle",
    ),
    path("kantor/kompensasi/<int:pk>/bayar/", views.mark_paid, name="mark_paid"),
]
