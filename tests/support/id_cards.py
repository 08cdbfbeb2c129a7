"""A citizen's ID card in software, for tests above the driver: a test CA, a card key, its signature.

What ``drivers.idcard`` sends the backend, made without a token: the
authentication certificate (DER) issued by a test CA, and an ECDSA P-256
signature over the challenge in PKCS#11's ``r || s`` form. The HIL and e2e
tiers use a real PKCS#11 token (SoftHSM2) instead.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding

from tests.hil.softhsm_fixtures import COMMON_NAME, CaForTests, issue_leaf, make_ca

__all__ = ["COMMON_NAME", "SoftCard", "b64"]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass
class SoftCard:
    ca: CaForTests
    key: ec.EllipticCurvePrivateKey
    certificate_der: bytes

    @classmethod
    def issued(cls, ca: CaForTests | None = None, now: datetime | None = None) -> SoftCard:
        now = now or datetime.now(UTC)
        ca = ca or make_ca("Etäpiste Test CA", now)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = issue_leaf(ca, key.public_key(), now)
        return cls(ca, key, cert.public_bytes(Encoding.DER))

    def sign(self, challenge: bytes) -> bytes:
        r, s = decode_dss_signature(self.key.sign(challenge, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def response(self, session_id: str, challenge_b64: str) -> dict[str, str]:
        """The booth's ``ident.response`` for a challenge, as JSON."""
        challenge = base64.b64decode(challenge_b64)
        return {
            "type": "ident.response",
            "session_id": session_id,
            "challenge": challenge_b64,
            "certificate": b64(self.certificate_der),
            "signature": b64(self.sign(challenge)),
            "mechanism": "ecdsa-sha256",
        }
