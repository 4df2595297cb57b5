"""The providers' webhooks (notifications.webhooks), under /webhooks/."""

from django.urls import path

from layanan.notifications import webhooks

app_name = "webhooks"
urlpatterns = [
    path("whatsapp/", webhooks.whatsapp, name="whatsapp"),
    path("sms/", webhooks.sms, name="sms"),
    path("sms/status/", webhooks.sms_status, name="sms_status"),
]
