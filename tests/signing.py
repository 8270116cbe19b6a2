"""Certificates and signed PDFs the tests make themselves (cryptography + pyHanko)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Đảng bộ xã Tân Lập")])


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


@dataclass
class Authority:
    ca_pem: bytes
    signer: signers.SimpleSigner

    def write_roots(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "ca-dang.pem").write_bytes(self.ca_pem)
        return folder


def authority(signer_name: str = "Nguyễn Văn Hùng") -> Authority:
    now = dt.datetime.now(dt.UTC)
    ca_key, key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    ca = (x509.CertificateBuilder().subject_name(_name("CA Thử nghiệm")).issuer_name(_name("CA Thử nghiệm"))
          .public_key(ca_key.public_key()).serial_number(1).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=365)).add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                                                          critical=True)
          .add_extension(_usage(ca=True), critical=True).sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(_name(signer_name)).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365)).add_extension(_usage(ca=False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    certificate = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    signer = signers.SimpleSigner(signing_cert=certificate, signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
                                  cert_registry=None)
    return Authority(ca.public_bytes(serialization.Encoding.PEM), signer)


def sign(pdf: bytes, who: Authority, field: str = "ChuKy1") -> bytes:
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), signers.PdfSignatureMetadata(field_name=field),
                           signer=who.signer)
    return out.getvalue()


def with_update(signed: bytes) -> bytes:
    """An incremental update after signing (a changed catalogue entry)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.pdf_string("vi")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_inside_signed_range(signed: bytes) -> bytes:
    """One byte changed in the signed content (not in the signature itself)."""
    data = bytearray(signed)
    position = signed.index(b"stream") + 20
    data[position] ^= 0x01
    return bytes(data)
