"""Enrollment's state: tokens issued and spent, certificates signed, and booths signing in by certificate.

Every token issued, enrollment and renewal is written with its audit entry in
one transaction (the caller commits). Tokens are stored hashed; a token is
spent by the first enrollment that presents it, and a newer token for the
same booth retires the older one.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from backend.domain import enrollment as rules
from backend.domain.calls import BoothInfo
from backend.store import audit
from backend.store.accounts import booth_by_credential
from backend.store.admin import ConflictError, NotFound
from backend.store.admin_models import BoothRetirement
from backend.store.enrollment_models import BoothCertificate, EnrollmentToken
from backend.store.models import Booth, ServicePoint


@dataclass(frozen=True)
class BoothCa:
    """The CA that signs booth certificates, and how long they last."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    days: int


def issue_token(s: Session, actor: str, booth_id: str, now: float, minutes: int) -> tuple[str, float]:
    """A new one-time token for ``booth_id`` (returned once, stored hashed) and when it expires."""
    if s.get(Booth, booth_id) is None:
        raise NotFound(f"no booth {booth_id!r}")
    if s.get(BoothRetirement, booth_id) is not None:
        raise ConflictError(f"booth {booth_id!r} is retired; a retired booth cannot enroll")
    s.execute(
        update(EnrollmentToken)
        .where(EnrollmentToken.booth_id == booth_id, EnrollmentToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = rules.new_token()
    expires = now + minutes * 60
    s.add(EnrollmentToken(token_hash=rules.token_hash(token), booth_id=booth_id, created_at=now, expires_at=expires))
    audit.record(s, actor, "booth.enrollment_token", "booth", booth_id, now, f"valid {minutes} min")
    return token, expires


def enroll(s: Session, token: str, csr_pem: str, ca: BoothCa, now: float) -> tuple[str, rules.Issued]:
    """Spend ``token`` and sign the request for its booth; return (booth id, certificate).

    Every refusal names the field and rule; an unknown, spent and expired token get
    one answer, so a guesser learns nothing.
    """
    csr = rules.check_csr(csr_pem)
    row = s.get(EnrollmentToken, rules.token_hash(token))
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise rules.EnrollmentError("token", "unknown, used or expired; ask the admin app for a new one")
    if s.get(BoothRetirement, row.booth_id) is not None:
        raise rules.EnrollmentError("token", "the booth is retired")
    row.used_at = now
    issued = _sign(s, csr, row.booth_id, ca, now)
    audit.record(s, row.booth_id, "booth.enroll", "booth", row.booth_id, now, f"certificate {issued.serial}")
    return row.booth_id, issued


def renew(s: Session, csr_pem: str, ca: BoothCa, now: float) -> tuple[str, rules.Issued]:
    """A new certificate for the key of a booth certificate that is still valid (the request's signature
    proves the booth holds that key); refused for an expired or retired booth."""
    csr = rules.check_csr(csr_pem)
    fingerprint = rules.key_fingerprint(csr.public_key())  # type: ignore[arg-type]  # check_csr: EC or RSA
    current = s.scalars(
        select(BoothCertificate)
        .where(BoothCertificate.key_fingerprint == fingerprint, BoothCertificate.not_after > now)
        .order_by(BoothCertificate.not_after.desc())
    ).first()
    if current is None:
        raise rules.EnrollmentError("csr", "no valid booth certificate has this key; enroll with a new token")
    if s.get(BoothRetirement, current.booth_id) is not None:
        raise rules.EnrollmentError("csr", "the booth is retired")
    issued = _sign(s, csr, current.booth_id, ca, now)
    audit.record(s, current.booth_id, "booth.renew", "booth", current.booth_id, now, f"certificate {issued.serial}")
    return current.booth_id, issued


def _sign(s: Session, csr: x509.CertificateSigningRequest, booth_id: str, ca: BoothCa, now: float) -> rules.Issued:
    issued = rules.sign_booth_cert(csr, booth_id, ca.cert, ca.key, now, ca.days)
    s.add(
        BoothCertificate(
            serial=issued.serial,
            booth_id=booth_id,
            key_fingerprint=issued.fingerprint,
            issued_at=now,
            not_after=issued.not_after,
        )
    )
    return issued


def enrolled(s: Session, booth_id: str) -> bool:
    """Whether the booth has had a certificate: then its per-booth secret is refused."""
    return bool(s.scalar(select(exists().where(BoothCertificate.booth_id == booth_id))))


def booth_login(s: Session, booth_id: str, secret: str, peer_cert: bytes | None, now: float) -> BoothInfo | None:
    """The booth that says hello as ``booth_id``: by its verified client certificate (DER) if the socket
    has one, else by its secret — which an enrolled booth no longer has. None: refused."""
    if peer_cert is None:
        info = booth_by_credential(s, booth_id, secret)
        return None if info is None or enrolled(s, booth_id) else info
    named = rules.booth_of(peer_cert)
    if named is None or named[0] != booth_id:
        return None
    cert = s.get(BoothCertificate, named[1])
    if cert is None or cert.booth_id != booth_id or cert.not_after <= now:
        return None
    if s.get(BoothRetirement, booth_id) is not None:
        return None
    row = s.execute(
        select(Booth, ServicePoint).join(ServicePoint, Booth.point_id == ServicePoint.id).where(Booth.id == booth_id)
    ).first()
    if row is None:
        return None
    return BoothInfo(booth_id=booth_id, name=row.Booth.name, point=row.ServicePoint.name, point_id=row.ServicePoint.id)


@dataclass(frozen=True)
class CertState:
    """What the admin app shows of a booth's identity."""

    enrolled: bool
    not_after: float | None


def cert_states(s: Session) -> dict[str, CertState]:
    """Each enrolled booth's latest certificate expiry."""
    out: dict[str, CertState] = {}
    for c in s.scalars(select(BoothCertificate).order_by(BoothCertificate.not_after)):
        out[c.booth_id] = CertState(True, c.not_after)
    return out
