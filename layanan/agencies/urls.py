from django.urls import path

from layanan.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("<slug:code>/", views.agency_detail, name="detail"),
]
