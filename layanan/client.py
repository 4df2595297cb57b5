"""Who is asking: the client's network address, for limits counted per client.

Behind a reverse proxy every request comes from the proxy's address; the proxy passes the
client's own address in a header (LAYANAN_CLIENT_ADDRESS_HEADER, e.g. X-Forwarded-For or
X-Real-IP). Only set it when such a proxy is in front: a client can write that header itself,
so it is trusted only because the proxy overwrites or appends to it. Of a list, the last
entry is taken: the one the nearest proxy (ours) added.

An IPv6 client usually holds a whole /64 network, so IPv6 addresses count per /64.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    header = getattr(settings, "LAYANAN_CLIENT_ADDRESS_HEADER", "")
    candidates = []
    if header:
        value = request.headers.get(header, "")
        candidates.append(value.split(",")[-1].strip())
    candidates.append(str(request.META.get("REMOTE_ADDR") or ""))
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        return str(address.ipv4_mapped or address) if address.version == 6 else str(address)
    return "unknown"
