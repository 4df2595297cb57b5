"""`layanan documents`: issued documents from the command line (see docs/documents.md).

layanan documents verify FILE.pdf [--roots PEM]   check a PDF's signature offline against the
                                                   published root certificates; exit 0 valid
layanan documents certificates                     each agency's signing certificate, or why none
layanan documents issue                            prepare and sign what is due now (the worker
                                                   does this every 15 seconds)
layanan documents demo-certificates               make the demo root CA and agency certificates
"""

import logging
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from cryptography import x509
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from layanan.agencies.models import Agency
from layanan.documents import issuing, keys, signing
from layanan.documents.actions import issue_pending_documents


class Command(BaseCommand):
    help = "Issued documents: verify a PDF offline, list certificates, issue what is due."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        verify = sub.add_parser("verify", help="check a PDF's signature against the roots")
        verify.add_argument("file", type=Path)
        verify.add_argument(
            "--roots",
            type=Path,
            help="PEM file of trusted roots (default: the published roots of this site, "
            "as downloaded from /verifikasi/sertifikat/)",
        )
        verify.add_argument(
            "--signers",
            type=Path,
            help="PEM file of the agencies' signing certificates the signer must be one of "
            "(default without --roots: this site's published agency certificates)",
        )
        sub.add_parser("certificates", help="each agency's signing certificate")
        sub.add_parser("issue", help="prepare and sign the documents due now")
        sub.add_parser("demo-certificates", help="make the demo root CA and agency certificates")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, options["operation"].replace("-", "_"))(**options)

    def verify(self, **options: Any) -> None:
        path: Path = options["file"]
        roots_path: Path | None = options["roots"]
        try:
            content = path.read_bytes()
        except OSError as error:
            self.stderr.write(f"{path}: cannot be read ({error.strerror})")
            sys.exit(2)
        if roots_path is not None:
            try:
                roots = signing.read_pem_bundle(roots_path.read_bytes())
            except (OSError, ValueError) as error:
                self.stderr.write(f"{roots_path}: not a PEM file of certificates ({error})")
                sys.exit(2)
        else:
            roots = keys.trust_roots()
        signers_path: Path | None = options["signers"]
        signers: list[x509.Certificate] | None = None
        if signers_path is not None:
            try:
                signers = signing.read_pem_bundle(signers_path.read_bytes())
            except (OSError, ValueError) as error:
                self.stderr.write(f"{signers_path}: not a PEM file of certificates ({error})")
                sys.exit(2)
        elif roots_path is None:
            signers = keys.agency_certificates()
        if not roots:
            self.stderr.write(
                "No root certificate to trust: give --roots with the PEM file published at "
                "/verifikasi/sertifikat/"
            )
            sys.exit(2)
        # pyHanko logs each failed path search as an error with a traceback; the verdict
        # below says the same in one line.
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
        verdict = signing.validate(content, trust_roots=roots, signers=signers)
        if verdict.valid:
            signed_at = verdict.signed_at.isoformat() if verdict.signed_at else "unknown time"
            self.stdout.write(f"VALID: {path}")
            self.stdout.write("  the signature is intact and covers the whole file")
            self.stdout.write(f"  signed by: {verdict.signer}")
            self.stdout.write(f"  signed at: {signed_at}")
            self.stdout.write("  the certificate chains to a trusted root")
            if signers is not None:
                self.stdout.write("  the certificate is one of the agencies' published ones")
            self.stdout.write(
                "  (whether the agency revoked it since: see the verification page in its QR code)"
            )
            return
        self.stdout.write(f"NOT VALID: {path}")
        if not verdict.signed:
            self.stdout.write(f"  {verdict.problem}")
        else:
            if verdict.problem:
                self.stdout.write(f"  {verdict.problem}")
            if not verdict.intact:
                self.stdout.write("  the signed content was changed after signing")
            if not verdict.covers_whole_file:
                self.stdout.write("  something was added to the file after it was signed")
            if not verdict.trusted:
                self.stdout.write(
                    f"  the signer ({verdict.signer or 'unknown'}) does not chain to a trusted root"
                )
            if not verdict.known_signer:
                self.stdout.write(
                    f"  the signer ({verdict.signer or 'unknown'}) is not one of the agencies' "
                    "published signing certificates"
                )
        sys.exit(1)

    def certificates(self, **options: Any) -> None:
        self.stdout.write(f"signing directory: {keys.signing_dir()}")
        roots = keys.trust_roots()
        for root in roots:
            self.stdout.write(f"root: {root.subject.rfc4514_string()}")
        if not roots:
            self.stdout.write(f"root: none ({keys.signing_dir() / keys.ROOTS_FILE} is missing)")
        missing = 0
        for agency in Agency.objects.order_by("code"):
            try:
                signer = keys.signer_for(agency)
            except keys.NoCertificate as error:
                self.stdout.write(f"{agency.code}: NONE ({error})")
                missing += 1
                continue
            cert = signer.signing_cert
            if cert is None:
                self.stdout.write(f"{agency.code}: NONE (the PKCS#12 file holds no certificate)")
                missing += 1
                continue
            self.stdout.write(
                f"{agency.code}: {cert.subject.human_friendly}, valid until "
                f"{cert.not_valid_after.date().isoformat()}"
            )
        if missing:
            sys.exit(1)

    def issue(self, **options: Any) -> None:
        prepared = issuing.prepare_completed()
        issued = issue_pending_documents()
        self.stdout.write(f"{prepared} document(s) prepared, {issued} signed.")

    def demo_certificates(self, **options: Any) -> None:
        made = keys.ensure_demo_certificates(
            now=timezone.now(), region=settings.LAYANAN_REGION_NAME
        )
        self.stdout.write(f"made: {', '.join(made) or 'nothing (all present)'}")
