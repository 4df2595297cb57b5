"""Where the signing certificates live, and which one signs for which agency.

`settings.LAYANAN_SIGNING_DIR` (the data directory's `signing/` unless LAYANAN_SIGNING_DIR names
another) holds:

- `roots.pem`: the trust anchors published at /verifikasi/sertifikat/ (the demo root CA, or
  the real CA's root and intermediate certificates, e.g. BSrE's);
- `<agency code>.p12`: an agency's certificate and private key (PKCS#12), mode 0600;
- `<agency code>.passphrase`: its passphrase, mode 0600 (the demo writes one);
- `<agency code>.crt.pem`: its certificate alone (public), written when the key is made or
  first loaded by the worker or `layanan documents certificates`; the public pages publish
  these files and never open a private key.

The folder is kept at mode 0700; a key or passphrase file readable by group or others is
refused (the document waits, and the worker's log and `layanan documents certificates` say
why).

For an agency, the environment variables LAYANAN_SIGNING_P12_<CODE> (a path) and
LAYANAN_SIGNING_PASSPHRASE_<CODE> (the passphrase itself) take precedence, with <CODE> the
agency code in capitals and every other character as "_" (dinas-pu → DINAS_PU). Nothing here
ever copies a private key anywhere else.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from django.conf import settings
from pyhanko.sign import signers

from layanan.agencies.models import Agency
from layanan.documents import signing

logger = logging.getLogger("layanan.documents")
ROOTS_FILE = "roots.pem"
DEMO_PASSPHRASE_BYTES = 24


class NoCertificate(Exception):
    """The agency has no signing certificate configured, or it cannot be read."""


def signing_dir() -> Path:
    return Path(settings.LAYANAN_SIGNING_DIR)


def env_name(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", code.upper())


def pkcs12_path(agency: Agency) -> Path:
    configured = os.environ.get(f"LAYANAN_SIGNING_P12_{env_name(agency.code)}")
    return Path(configured) if configured else signing_dir() / f"{agency.code}.p12"


def passphrase_of(agency: Agency) -> bytes:
    configured = os.environ.get(f"LAYANAN_SIGNING_PASSPHRASE_{env_name(agency.code)}")
    if configured is not None:
        return configured.encode()
    path = signing_dir() / f"{agency.code}.passphrase"
    try:
        return path.read_bytes().strip()
    except OSError:
        raise NoCertificate(
            f"no passphrase for {agency.code}: set LAYANAN_SIGNING_PASSPHRASE_"
            f"{env_name(agency.code)} or write {path}"
        ) from None


def certificate_path(agency: Agency) -> Path:
    return signing_dir() / f"{agency.code}.crt.pem"


def refuse_if_readable_by_others(path: Path) -> None:
    if path.stat().st_mode & 0o077:
        raise NoCertificate(
            f"{path} is readable by group or others: chmod 600 {path} (and rotate the key if "
            "others may have read it)"
        )


def publish_certificate(agency: Agency, signer: signers.SimpleSigner) -> None:
    """Write the agency's certificate (public) for the verification pages, when it changed."""
    if signer.signing_cert is None:
        return
    content = signing.pem(x509.load_der_x509_certificate(signer.signing_cert.dump()))
    path = certificate_path(agency)
    try:
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)
    except OSError:
        logger.warning("cannot write %s: the certificate of %s is not published", path, agency)


def stamp(path: Path) -> tuple[str, float, int]:
    info = path.stat()
    return str(path), info.st_mtime, info.st_size


def signer_for(agency: Agency) -> signers.SimpleSigner:
    """The agency's signer; raises NoCertificate with the reason when there is none."""
    path = pkcs12_path(agency)
    if not path.is_file():
        raise NoCertificate(f"no signing certificate for {agency.code}: {path} does not exist")
    refuse_if_readable_by_others(path)
    passphrase_file = signing_dir() / f"{agency.code}.passphrase"
    if passphrase_file.is_file():
        refuse_if_readable_by_others(passphrase_file)
    try:
        signer = cached_signer(stamp(path), passphrase_of(agency))
    except ValueError as error:
        raise NoCertificate(str(error)) from None
    publish_certificate(agency, signer)
    return signer


@lru_cache(maxsize=64)
def cached_signer(file: tuple[str, float, int], passphrase: bytes) -> signers.SimpleSigner:
    return signing.load_signer(Path(file[0]), passphrase)


def trust_roots() -> list[x509.Certificate]:
    """The published trust anchors (empty when none are configured)."""
    path = signing_dir() / ROOTS_FILE
    if not path.is_file():
        return []
    return cached_roots(stamp(path))


@lru_cache(maxsize=64)
def cached_roots(file: tuple[str, float, int]) -> list[x509.Certificate]:
    return signing.read_pem_bundle(Path(file[0]).read_bytes())


@dataclass(frozen=True)
class Published:
    """A certificate as the public page lists it."""

    slug: str
    label: str
    subject: str
    issuer: str
    not_after: dt.datetime
    fingerprint: str
    pem: bytes


def published_of(slug: str, label: str, certificate: x509.Certificate) -> Published:
    from cryptography.hazmat.primitives import hashes

    return Published(
        slug=slug,
        label=label,
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        not_after=certificate.not_valid_after_utc,
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
        pem=signing.pem(certificate),
    )


def published_certificates() -> list[Published]:
    """The roots, then each agency's signing certificate (public parts only)."""
    found = [
        published_of(f"root-{index}" if index else "root", "root", certificate)
        for index, certificate in enumerate(trust_roots())
    ]
    for agency in Agency.objects.order_by("code"):
        path = certificate_path(agency)
        if not path.is_file():
            continue
        try:
            bundle = cached_roots(stamp(path))
        except (OSError, ValueError):
            logger.warning("%s is not a PEM certificate: not published", path)
            continue
        if bundle:
            found.append(published_of(agency.code, agency.name, bundle[0]))
    return found


def agency_certificates() -> list[x509.Certificate]:
    """The agencies' published signing certificates (what a valid document is signed with)."""
    found = []
    for agency in Agency.objects.order_by("code"):
        path = certificate_path(agency)
        try:
            found.extend(cached_roots(stamp(path))[:1])
        except (OSError, ValueError):
            continue
    return found


def ensure_demo_certificates(*, now: dt.datetime, region: str) -> list[str]:
    """Make the demo root CA (once) and a certificate for each agency that has none; return
    what was made. The root's key is kept beside it (mode 0600) so agencies added later get
    certificates from the same root."""
    directory = signing_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)  # mkdir leaves an existing folder as it was
    made: list[str] = []
    root_key_path = directory / "demo-root.p12"
    root_pass_path = directory / "demo-root.passphrase"
    if root_key_path.is_file() and root_pass_path.is_file():
        key, certificate, _chain = signing.pkcs12.load_key_and_certificates(
            root_key_path.read_bytes(), root_pass_path.read_bytes().strip()
        )
        assert certificate is not None
        root = signing.Identity(key=key, certificate=certificate, chain=(certificate,))  # type: ignore[arg-type]
    else:
        root = signing.make_root(common_name=f"Demo Root CA Layanan {region}", now=now)
        passphrase = os.urandom(DEMO_PASSPHRASE_BYTES).hex().encode()
        signing.write_private(root_pass_path, passphrase)
        signing.write_private(
            root_key_path,
            signing.pkcs12_bytes(root, passphrase=passphrase, friendly_name="demo-root"),
        )
        signing.write_private(directory / ROOTS_FILE, signing.pem(root.certificate))
        made.append("root")
    for agency in Agency.objects.order_by("code"):
        if pkcs12_path(agency).is_file():
            continue
        identity = signing.make_signing_certificate(
            root=root, common_name=agency.name, organisation=f"Pemerintah {region}", now=now
        )
        passphrase = os.urandom(DEMO_PASSPHRASE_BYTES).hex().encode()
        signing.write_private(directory / f"{agency.code}.passphrase", passphrase)
        signing.write_private(
            pkcs12_path(agency),
            signing.pkcs12_bytes(identity, passphrase=passphrase, friendly_name=agency.code),
        )
        certificate_path(agency).write_bytes(signing.pem(identity.certificate))
        made.append(agency.code)
    return made
