"""Open311 GeoReport v2 at /open311/v2/ (layanan/complaints/open311.py): every resource in
both formats, `.json` or `.xml`. A service code holds a dot (`disdukcapil.pungli`): the
code's pattern backtracks to the last one, before the format."""

from django.urls import path, register_converter

from layanan.complaints import open311


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311format")

app_name = "open311"

urlpatterns = [
    path("discovery.<open311format:fmt>", open311.discovery, name="discovery"),
    path("services.<open311format:fmt>", open311.services, name="services"),
    path("services/<str:code>.<open311format:fmt>", open311.service_definition, name="service"),
    path("requests.<open311format:fmt>", open311.requests, name="requests"),
    path("requests/<str:number>.<open311format:fmt>", open311.request_detail, name="request"),
    path("tokens/<str:token>.<open311format:fmt>", open311.token, name="token"),
    # anything else, or another format: the specification's 404
    path("<path:rest>", open311.not_found, name="not_found"),
    path("", open311.not_found, name="root"),
]
