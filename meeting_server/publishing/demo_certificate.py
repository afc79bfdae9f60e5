"""A self-signed test certificate for the demo's digital signatures (made with ``cryptography``).

Real documents are signed with a certificate from a licensed certification authority (in the
state's system, the Government Cipher Committee's); this one only shows how signing works.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from meeting_server.datadir import atomic_write

TEST_MARK = " (THỬ NGHIỆM)"


def make_demo_certificate(path: Path, organisation: str, place: str) -> str:
    """Write a PKCS#12 file with a new key and a self-signed certificate of ``organisation``
    (its common name says it is a test) to ``path``; return its password."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, place[:128] or "Việt Nam"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME,
                           organisation[:64 - len(TEST_MARK)] + TEST_MARK),
    ])
    now = datetime.now(UTC)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False,
                          decipher_only=False)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    password = secrets.token_urlsafe(12)
    data = pkcs12.serialize_key_and_certificates(
        b"demo", key, cert, None, serialization.BestAvailableEncryption(password.encode()))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)
    return password
