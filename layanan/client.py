"""Who is asking: the client's network address, for every limit counted per client (attempts
to sign in, failed look-ups of tracking numbers).

Behind a reverse proxy every request comes from the proxy's address; the proxy passes the
client's own address in a header (`LAYANAN_TRUSTED_PROXY_HEADER`, e.g. X-Forwarded-For or
X-Real-IP). Set it only when such a proxy is in front: a client can write that header itself,
so it is trusted only because our proxies append to it. Of a list, the entry
`LAYANAN_TRUSTED_PROXY_COUNT` places from the right is taken: the address the outermost of our
proxies saw.

An IPv6 client usually holds a whole /64 network, so IPv6 addresses count per /64.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """The client's address as a counting subject ("" without a request)."""
    if request is None:
        return ""
    text = str(request.META.get("REMOTE_ADDR") or "")
    header = getattr(settings, "LAYANAN_TRUSTED_PROXY_HEADER", "")
    if header:
        meta_name = "HTTP_" + header.upper().replace("-", "_")
        hops = [hop.strip() for hop in request.META.get(meta_name, "").split(",") if hop.strip()]
        count = max(1, int(getattr(settings, "LAYANAN_TRUSTED_PROXY_COUNT", 1)))
        if len(hops) >= count:
            text = hops[-count]
    return address_subject(text)


def address_subject(text: str) -> str:
    """One address as counted: IPv4 as it is, an IPv4-mapped IPv6 as IPv4, IPv6 by its /64;
    text that is no address, cut short ("unknown" when empty)."""
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return text.strip()[:64] or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
