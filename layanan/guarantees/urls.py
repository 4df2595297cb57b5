from django.urls import path

from layanan.guarantees import views

app_name = "guarantees"
urlpatterns = [
    path("jaminan/", views.register, name="register"),
    path("jaminan/data.csv", views.register_csv, name="register_csv"),
    path("jaminan/data.json", views.register_json, name="register_json"),
    path("kantor/kompensasi/", views.compensations, name="compensations"),
    path("kantor/kompensasi/<int:pk>/bayar/", views.mark_paid, name="mark_paid"),
]
