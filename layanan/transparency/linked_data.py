"""The service catalogue in the CPSV-AP vocabulary and the DCAT catalogue of the open data,
as JSON-LD documents.

Each document carries its `@context` inline, as an object: a processor never has to fetch
a remote context (which would make expanding them depend on a third party's server).
Text in both languages is a language map (`{"id": …, "en": …}`).

CPSV-AP (`cpsv:PublicService` per service with a charter in force): `dct:identifier`,
`dct:title`, `dct:description`, `cv:hasCompetentAuthority` (the lead agency, a
`cv:PublicOrganisation`), `cv:processingTime` (`xsd:duration`: the charter's limit, e.g.
"P5D" for 5 working days or "PT8H" for 8 working hours: ISO 8601 has no working days,
so the duration is the count and the charter page, the service's `@id`, says it is counted
in working time), `cv:hasCost` (`cv:Cost` with `cv:value` in rupiah and
`cv:currency` IDR of the EU currency authority table), `cpsv:hasInput` (`cv:Evidence`, one
per requirement), `cpsv:produces` (`cv:Output`), `cv:hasChannel` (`cv:Channel`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, Prefetch
from django.urls import reverse
from django.utils import translation

from layanan.charters.models import Charter, Service
from layanan.transparency.opendata import METRICS, produced_on, published_months

IDR = "http://publications.europa.eu/resource/authority/currency/IDR"
MEDIA_TYPES = {
    "csv": "https://www.iana.org/assignments/media-types/text/csv",
    "json": "https://www.iana.org/assignments/media-types/application/json",
    "jsonld": "https://www.iana.org/assignments/media-types/application/ld+json",
}
FORMATS = {"csv": "text/csv", "json": "application/json", "jsonld": "application/ld+json"}

COMMON_CONTEXT: dict[str, Any] = {
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "identifier": "dct:identifier",
    "title": {"@id": "dct:title", "@container": "@language"},
    "description": {"@id": "dct:description", "@container": "@language"},
}
CPSV_CONTEXT: dict[str, Any] = {
    **COMMON_CONTEXT,
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "PublicService": "cpsv:PublicService",
    "PublicOrganisation": "cv:PublicOrganisation",
    "Cost": "cv:Cost",
    "Evidence": "cv:Evidence",
    "Output": "cv:Output",
    "Channel": "cv:Channel",
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "hasCompetentAuthority": "cv:hasCompetentAuthority",
    "processingTime": {"@id": "cv:processingTime", "@type": "xsd:duration"},
    "hasCost": "cv:hasCost",
    "value": {"@id": "cv:value", "@type": "xsd:decimal"},
    "currency": {"@id": "cv:currency", "@type": "@id"},
    "hasInput": "cpsv:hasInput",
    "produces": "cpsv:produces",
    "hasChannel": "cv:hasChannel",
    "channelType": {"@id": "dct:type", "@container": "@language"},
}
DCAT_CONTEXT: dict[str, Any] = {
    **COMMON_CONTEXT,
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "Catalog": "dcat:Catalog",
    "Dataset": "dcat:Dataset",
    "Distribution": "dcat:Distribution",
    "dataset": {"@id": "dcat:dataset", "@container": "@set"},
    "distribution": {"@id": "dcat:distribution", "@container": "@set"},
    "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
    "accessURL": {"@id": "dcat:accessURL", "@type": "@id"},
    "mediaType": {"@id": "dcat:mediaType", "@type": "@id"},
    "format": "dct:format",
    "license": {"@id": "dct:license", "@type": "@id"},
    "issued": {"@id": "dct:issued", "@type": "xsd:date"},
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "temporal": "dct:temporal",
    "publisher": "dct:publisher",
    "name": "foaf:name",
    "Agent": "foaf:Agent",
}

Absolute = Callable[[str], str]  # a site path to an absolute URL


def both(value: Any, *, fallback: str = "") -> dict[str, str]:
    """A language map from a charter's {"id", "en"} text (or a plain string)."""
    if isinstance(value, dict):
        return {lang: text for lang, text in value.items() if lang in ("id", "en") and text}
    text = str(value or fallback)
    return {"id": text} if text else {}


def in_both(text: Any) -> dict[str, str]:
    """A language map of a translatable (lazy) text: Indonesian and English."""
    result = {}
    for language in ("id", "en"):
        with translation.override(language):
            result[language] = str(text)
    return result


def iso_duration(limit: dict[str, Any]) -> str:
    amount = int(limit.get("amount", 0))
    return f"PT{amount}H" if limit.get("unit") == "working_hours" else f"P{amount}D"


def services_in_force() -> list[tuple[Service, Charter]]:
    adopted = Charter.objects.filter(status=Charter.Status.ADOPTED)
    services = (
        Service.objects.filter(active=True, charters__status=Charter.Status.ADOPTED)
        .select_related("lead_agency")
        .prefetch_related(Prefetch("charters", queryset=adopted, to_attr="in_force"))
        .order_by("code")
    )
    return [(s, s.in_force[0]) for s in services if s.in_force]


def description(service: Service, charter: Charter) -> dict[str, str]:
    """The service's own description, or one made from its charter when it has none."""
    given = {
        **({"id": service.description} if service.description else {}),
        **({"en": service.description_en} if service.description_en else {}),
    }
    if given:
        return given
    product = both(charter.content.get("product", {}).get("name"))
    agency = service.lead_agency.name
    return {
        "id": f"{service.name}: {product.get('id', '')}, oleh {agency}.",
        "en": f"{service.name_en or service.name}: {product.get('en') or product.get('id', '')}"
        f", by {agency}.",
    }


def public_service(service: Service, charter: Charter, absolute: Absolute) -> dict[str, Any]:
    url = absolute(reverse("charters:charter", args=[service.code]))
    content = charter.content
    agency = service.lead_agency
    channel_labels = dict(Service.Channel.choices)
    fee = content.get("fee", {})
    return {
        "@id": url,
        "@type": "PublicService",
        "identifier": service.code,
        "title": {"id": service.name, **({"en": service.name_en} if service.name_en else {})},
        "description": description(service, charter),
        "hasCompetentAuthority": {
            "@id": absolute(reverse("agencies:detail", args=[agency.code])),
            "@type": "PublicOrganisation",
            "identifier": agency.code,
            "prefLabel": {"id": agency.name},
        },
        "processingTime": iso_duration(content.get("time_limit", {})),
        "hasCost": {
            "@id": f"{url}#biaya",
            "@type": "Cost",
            "value": str(int(fee.get("amount", 0))),
            "currency": IDR,
            "description": both(fee.get("note")) or both(fee.get("legal_basis")),
        },
        "hasInput": [
            {
                "@id": f"{url}#syarat-{requirement['key']}",
                "@type": "Evidence",
                "identifier": requirement["key"],
                "title": both(requirement["name"]),
                "description": both(requirement.get("note")),
            }
            for requirement in content.get("requirements", [])
        ],
        "produces": {
            "@id": f"{url}#produk",
            "@type": "Output",
            "title": both(content.get("product", {}).get("name")),
            "description": both(content.get("product", {}).get("description")),
        },
        "hasChannel": [
            {
                "@id": f"{url}#kanal-{channel}",
                "@type": "Channel",
                "identifier": channel,
                "channelType": {"id": str(channel_labels.get(channel, channel))},
            }
            for channel in service.channels
        ],
    }


def services_document(absolute: Absolute) -> dict[str, Any]:
    return {
        "@context": CPSV_CONTEXT,
        "@graph": [public_service(s, c, absolute) for s, c in services_in_force()],
    }


def distribution(
    url: str, fmt: str, *, title: str, issued: dt.date, modified: dt.date, licence: str
) -> dict[str, Any]:
    return {
        "@id": url,
        "@type": "Distribution",
        "title": {"id": title},
        "downloadURL": url,
        "accessURL": url,
        "mediaType": MEDIA_TYPES[fmt],
        "format": FORMATS[fmt],
        "license": licence,
        "issued": issued.isoformat(),
        "modified": modified.isoformat(),
    }


def catalogue_document(absolute: Absolute, *, now: dt.datetime) -> dict[str, Any]:
    licence = settings.LAYANAN_OPEN_DATA_LICENCE
    today = now.date()
    months = published_months(now)
    adoption = Charter.objects.filter(adopted_at__isnull=False).aggregate(
        first=Min("adopted_at"), last=Max("adopted_at")
    )
    first_adopted = adoption["first"].date() if adoption["first"] else today
    last_adopted = adoption["last"].date() if adoption["last"] else today
    services_url = absolute(reverse("transparency:services_jsonld"))
    datasets: list[dict[str, Any]] = [
        {
            "@id": absolute(reverse("transparency:index")) + "#layanan",
            "@type": "Dataset",
            "identifier": "layanan",
            "title": {"id": "Katalog layanan", "en": "Service catalogue"},
            "description": {
                "id": "Layanan yang berlaku dengan standar pelayanannya (CPSV-AP).",
                "en": "Services in force with their service standards (CPSV-AP).",
            },
            "license": licence,
            "issued": first_adopted.isoformat(),
            "modified": last_adopted.isoformat(),
            "distribution": [
                distribution(
                    services_url,
                    "jsonld",
                    title="layanan.jsonld",
                    issued=first_adopted,
                    modified=last_adopted,
                    licence=licence,
                )
            ],
        }
    ]
    for metric in METRICS.values():
        files = []
        for month in months:
            produced = produced_on(month, now)
            for fmt in ("csv", "json"):
                url = absolute(
                    reverse(f"transparency:metric_{fmt}", args=[metric.code, f"{month:%Y-%m}"])
                )
                files.append(
                    distribution(
                        url,
                        fmt,
                        title=f"{metric.code}-{month:%Y-%m}.{fmt}",
                        issued=produced,
                        modified=produced,
                        licence=licence,
                    )
                )
        datasets.append(
            {
                "@id": absolute(reverse("transparency:index")) + f"#{metric.code}",
                "@type": "Dataset",
                "identifier": metric.code,
                "title": in_both(metric.title),
                "description": in_both(metric.description),
                "license": licence,
                "issued": min(produced_on(m, now) for m in months).isoformat(),
                "modified": today.isoformat(),
                "distribution": files,
            }
        )
    register = [
        distribution(
            absolute(reverse(f"transparency:register_{fmt}")),
            fmt,
            title=f"register-jaminan.{fmt}",
            issued=today,
            modified=today,
            licence=licence,
        )
        for fmt in ("csv", "json")
    ]
    datasets.append(
        {
            "@id": absolute(reverse("transparency:index")) + "#register-jaminan",
            "@type": "Dataset",
            "identifier": "register-jaminan",
            "title": {"id": "Register jaminan pelayanan", "en": "Guarantee register"},
            "description": {
                "id": "Keterlambatan, kompensasi dan permohonan yang dikabulkan demi hukum.",
                "en": "Delays, compensation and applications granted by law.",
            },
            "license": licence,
            "issued": today.isoformat(),
            "modified": today.isoformat(),
            "distribution": register,
        }
    )
    return {
        "@context": DCAT_CONTEXT,
        "@id": absolute(reverse("transparency:catalogue_jsonld")),
        "@type": "Catalog",
        "title": {
            "id": f"Data terbuka layanan publik {settings.LAYANAN_REGION_NAME}",
            "en": f"Public service open data, {settings.LAYANAN_REGION_NAME}",
        },
        "description": {
            "id": "Statistik bulanan tanpa data pribadi; sel di bawah 5 kasus disamarkan.",
            "en": "Monthly statistics without personal data; cells below 5 cases suppressed.",
        },
        "publisher": {"@type": "Agent", "name": settings.LAYANAN_REGION_NAME},
        "license": licence,
        "issued": min(produced_on(m, now) for m in months).isoformat(),
        "modified": today.isoformat(),
        "dataset": datasets,
    }
