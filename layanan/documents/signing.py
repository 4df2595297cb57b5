"""PAdES signing and validation of issued documents (pyHanko), and the demo certificates.

No Django here: keys, certificates and PDF bytes in, PDF bytes and verdicts out. Where the keys
live and which agency uses which is `documents.keys`.

The demo makes one root CA and one signing certificate per agency (ECDSA P-256: quick to make
in tests, accepted by PDF readers). In production an agency's certificate comes from its CA
(BSrE in Indonesia) as a PKCS#12 file, loaded by `load_signer`; pyHanko can also sign through a
PKCS#11 token (`pyhanko.sign.pkcs11`), see docs/documents.md.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

ROOT_YEARS = 10
AGENCY_YEARS = 3


@dataclass(frozen=True)
class Identity:
    """A private key with its certificate and the chain up to (and with) the root."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


def name_of(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def make_root(*, common_name: str, now: dt.datetime) -> Identity:
    """A self-signed root CA, allowed to sign certificates only."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = name_of(common_name, common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Identity(key=key, certificate=certificate, chain=(certificate,))


def make_signing_certificate(
    *, root: Identity, common_name: str, organisation: str, now: dt.datetime
) -> Identity:
    """A document-signing certificate issued by `root` (digital signature, non-repudiation)."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name_of(common_name, organisation))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * AGENCY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()),
            critical=False,
        )
        .sign(root.key, hashes.SHA256())
    )
    return Identity(key=key, certificate=certificate, chain=(root.certificate,))


def write_private(path: Path, content: bytes) -> None:
    """Write a file only its owner can read (mode 0600 from the start, never wider)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.chmod(path, 0o600)


def pkcs12_bytes(identity: Identity, *, passphrase: bytes, friendly_name: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(),
        identity.key,
        identity.certificate,
        list(identity.chain),
        serialization.BestAvailableEncryption(passphrase),
    )


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def read_pem_bundle(content: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(content) if content.strip() else []


def certificate_of_pkcs12(content: bytes, passphrase: bytes) -> list[x509.Certificate]:
    """The signing certificate then the chain the PKCS#12 file carries (no key is kept)."""
    _key, certificate, chain = pkcs12.load_key_and_certificates(content, passphrase)
    return ([certificate] if certificate else []) + list(chain)


def load_signer(path: Path, passphrase: bytes) -> signers.SimpleSigner:
    """The signer of a PKCS#12 file; raises ValueError when it cannot be read."""
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(path), passphrase=passphrase)
    if signer is None:
        raise ValueError(f"{path}: not a PKCS#12 file, or the passphrase is wrong")
    return signer


def sign_pdf(
    content: bytes, *, signer: signers.Signer, reason: str, location: str, name: str
) -> bytes:
    """`content` signed as PAdES (an incremental update with one signature field)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    meta = signers.PdfSignatureMetadata(
        field_name="Tanda_Tangan",
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=name,
    )
    output = signers.sign_pdf(writer, meta, signer=signer)
    return bytes(output.getbuffer())


@dataclass(frozen=True)
class Verdict:
    """What a PAdES validator says about a PDF against the given trust anchors."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None
    problem: str = ""
    # one of the expected signers' certificates (true when none were given to compare with)
    known_signer: bool = True

    @property
    def valid(self) -> bool:
        return (
            self.signed
            and self.intact
            and self.trusted
            and self.covers_whole_file
            and self.known_signer
        )


def as_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def validate(
    content: bytes,
    *,
    trust_roots: list[x509.Certificate],
    signers: list[x509.Certificate] | None = None,
) -> Verdict:
    """Validate the last signature of `content` with `trust_roots` as the only anchors.

    Valid means: the signed bytes are unchanged (intact), the signer's certificate chains up
    to one of the roots (trusted), the signature covers the whole file (nothing added after
    signing) and, when `signers` is given (the agencies' published certificates), the signing
    certificate is one of them: a national CA's root admits every signer it certified."""
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # a file that is not a readable PDF
        return Verdict(signed=False, problem=f"not a readable PDF ({error.__class__.__name__})")
    if not signatures:
        return Verdict(signed=False, problem="no signature in the file")
    embedded = signatures[-1]
    context = ValidationContext(
        trust_roots=[as_asn1(root) for root in trust_roots], allow_fetching=False
    )
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
    except Exception as error:  # a damaged signature structure
        return Verdict(signed=True, problem=f"the signature cannot be read ({error})")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    known = True
    if signers is not None:
        expected = {certificate.public_bytes(serialization.Encoding.DER) for certificate in signers}
        known = status.signing_cert is not None and status.signing_cert.dump() in expected
    return Verdict(
        known_signer=known,
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=signer,
        signed_at=status.signer_reported_dt,
    )
