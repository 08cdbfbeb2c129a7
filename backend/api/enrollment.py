"""Enrollment over HTTP: the admin app's one-time token, a booth's first certificate, and its renewals.

The token endpoint is the master admin's (``access.may_administer`` on booths).
``/api/booths/enroll`` has no sign-in: the token is the credential, and failed
attempts are throttled per address like sign-ins. ``/api/booths/renew`` has no
sign-in either: the request must carry the key of a certificate still valid,
and its signature proves the booth holds it (``backend.domain.enrollment``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller, forbidden
from backend.config import EnrollSettings
from backend.domain import access
from backend.domain.access import AdminRef
from backend.domain.enrollment import EnrollmentError
from backend.domain.limits import FailureWindow, LimitSettings
from backend.store import enrollment as store
from protocol.messages import Id


class EnrollmentTokenOut(BaseModel):
    """Shown once in the admin app; the booth's technician types it on the booth."""

    booth_id: str
    token: str
    expires_at: float


class EnrollIn(BaseModel):
    token: str = Field(min_length=1, max_length=64)
    csr: str = Field(min_length=1, max_length=16_000)


class RenewIn(BaseModel):
    csr: str = Field(min_length=1, max_length=16_000)


class CertificateOut(BaseModel):
    """The booth's certificate (PEM) and the booth CA's, and until when the booth's is valid."""

    booth_id: str
    certificate: str
    ca_certificate: str
    not_after: float


def load_ca(settings: EnrollSettings) -> store.BoothCa | None:
    """The booth CA of the settings; None when enrollment is not configured."""
    if not settings.enabled:
        return None
    cert = x509.load_pem_x509_certificate(Path(settings.ca_cert_file).read_bytes())
    key = serialization.load_pem_private_key(Path(settings.ca_key_file).read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValueError(f"{settings.ca_key_file}: the booth CA's key must be EC or RSA")
    return store.BoothCa(cert, key, settings.cert_days)


def router(
    db: sessionmaker[Session],
    clock: Callable[[], float],
    caller: Callable[..., Caller],
    settings: EnrollSettings,
    limits: LimitSettings,
) -> APIRouter:
    r = APIRouter(tags=["enrollment"])
    ca = load_ca(settings)
    failed = FailureWindow(limits.login_failures_per_address, limits.login_window_s)

    def configured() -> store.BoothCa:
        if ca is None:
            raise HTTPException(503, "enrollment is not configured (ETAPISTE_ENROLL_CA_CERT_FILE and _KEY_FILE)")
        return ca

    def answer(booth_id: str, issued_pem: str, not_after: float, c: store.BoothCa) -> CertificateOut:
        return CertificateOut(
            booth_id=booth_id,
            certificate=issued_pem,
            ca_certificate=c.cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            not_after=not_after,
        )

    @r.post("/api/admin/booths/{booth_id}/enrollment", response_model=EnrollmentTokenOut, status_code=201)
    def issue_token(booth_id: Id, who: Caller = Depends(caller)) -> EnrollmentTokenOut:
        """A new one-time enrollment token for the booth; an older unused one stops working."""
        if not access.may_administer(who.standing, AdminRef("booth")):
            raise forbidden("only the master admin enrolls booths")
        configured()
        with db() as s:
            token, expires = store.issue_token(s, who.official_id, booth_id, clock(), settings.token_minutes)
            s.commit()
        return EnrollmentTokenOut(booth_id=booth_id, token=token, expires_at=expires)

    @r.post("/api/booths/enroll", response_model=CertificateOut)
    async def enroll(body: EnrollIn, request: Request) -> CertificateOut:
        c = configured()
        address = request.client.host if request.client else ""
        now = clock()
        wait = failed.wait(address, now)
        if wait:
            raise HTTPException(429, f"too many failed enrollments; try again in {wait} s", {"Retry-After": str(wait)})

        def run() -> tuple[str, str, float]:
            with db() as s:
                booth_id, issued = store.enroll(s, body.token, body.csr, c, now)
                s.commit()
                return booth_id, issued.pem, issued.not_after

        try:
            booth_id, pem, not_after = await asyncio.to_thread(run)
        except EnrollmentError as exc:
            if exc.field == "token":
                failed.fail(address, now)
            raise HTTPException(400, str(exc)) from None
        return answer(booth_id, pem, not_after, c)

    @r.post("/api/booths/renew", response_model=CertificateOut)
    async def renew(body: RenewIn) -> CertificateOut:
        c = configured()
        now = clock()

        def run() -> tuple[str, str, float]:
            with db() as s:
                booth_id, issued = store.renew(s, body.csr, c, now)
                s.commit()
                return booth_id, issued.pem, issued.not_after

        try:
            booth_id, pem, not_after = await asyncio.to_thread(run)
        except EnrollmentError as exc:
            raise HTTPException(400, str(exc)) from None
        return answer(booth_id, pem, not_after, c)

    return r
