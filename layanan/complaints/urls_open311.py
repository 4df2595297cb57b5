"""Open311 GeoReport v2 at /open311/v2/ (layanan/complaints/open311.py): every resource in
both formats, `.json` or `.xml`."""

from django.urls import re_path

from layanan.complaints import open311

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, open311.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, open311.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+)" + FORMAT, open311.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, open311.requests, name="requests"),
    re_path(r"^requests/(?P<number>[^/]+)" + FORMAT, open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+)" + FORMAT, open311.token, name="token"),
    re_path(r"^(?P<rest>.*)$", open311.not_found, name="not_found"),
]
