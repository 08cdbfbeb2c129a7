"""A Web Push service stand-in (RFC 8030): a real local HTTP server that checks what a push service checks.

Each push request must carry a VAPID ``Authorization: vapid t=<JWT>, k=<key>``
(RFC 8292) whose ES256 signature holds for that key, whose ``aud`` is this
service's origin and whose ``exp`` is in the future, plus a ``TTL`` header and
an ``aes128gcm`` body (RFC 8188) — which it decrypts with the subscription's
private key and auth secret (RFC 8291), as the phone would. What it answers is
set per subscription: 201 by default, or a scripted list (410 gone, 503 down).

A request that fails a check is answered 400/401 and recorded as refused, so a
test sees *why* it was refused, not just that nothing arrived.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    """One push the stand-in accepted: the decrypted payload, and when it arrived (``time.perf_counter``)."""

    subscription: str
    payload: dict
    at: float
    status: int
    headers: dict[str, str]  # names in lower case


@dataclass
class _Sub:
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    answers: deque[int] = field(default_factory=deque)


def check_vapid(header: str, origin: str, now: float) -> str | None:
    """None if the VAPID header holds; else why not."""
    if not header.startswith("vapid "):
        return "no vapid authorization"
    parts = dict(p.strip().split("=", 1) for p in header[6:].split(","))
    token, key = parts.get("t"), parts.get("k")
    if not token or not key:
        return "vapid needs t= and k="
    try:
        head_b64, claims_b64, sig_b64 = token.split(".")
        head, claims = json.loads(unb64url(head_b64)), json.loads(unb64url(claims_b64))
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        sig = unb64url(sig_b64)
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
        public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "vapid signature does not verify"
    except (ValueError, KeyError):
        return "vapid token malformed"
    if head.get("alg") != "ES256":
        return "vapid alg must be ES256"
    if claims.get("aud") != origin:
        return f"vapid aud must be {origin}"
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= now or claims["exp"] > now + 86400 + 60:
        return "vapid exp must be within 24 h from now"
    if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
        return "vapid sub must be mailto: or https:"
    return None


class PushServiceStandIn:
    def __init__(self) -> None:
        self._subs: dict[str, _Sub] = {}
        self.received: list[Received] = []
        self.refused: list[tuple[str, str]] = []  # (subscription, why)
        self.requests: dict[str, int] = defaultdict(int)
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PushServiceStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:
                status = stand_in._handle(self)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def new_subscription(self, answers: list[int] | None = None) -> dict:
        """A browser's subscription as ``PushSubscription.toJSON()`` gives it, with keys only we hold."""
        sub_id = b64url(os.urandom(12))
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self._subs[sub_id] = _Sub(private, auth, deque(answers or []))
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": f"{self.origin}/push/{sub_id}", "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}

    def answer(self, endpoint: str, *statuses: int) -> None:
        """Answer the next pushes to ``endpoint`` with ``statuses`` (then 201 again)."""
        self._subs[endpoint.rsplit("/", 1)[1]].answers.extend(statuses)

    def _handle(self, req: BaseHTTPRequestHandler) -> int:
        sub_id = req.path.rsplit("/", 1)[-1]
        body = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        sub = self._subs.get(sub_id)
        with self._cond:
            self.requests[sub_id] += 1
        if sub is None:
            return self._refuse(sub_id, "unknown subscription", 404)
        why = check_vapid(req.headers.get("Authorization", ""), self.origin, time.time())
        if why:
            return self._refuse(sub_id, why, 401)
        if req.headers.get("Content-Encoding") != "aes128gcm" or req.headers.get("TTL") is None:
            return self._refuse(sub_id, "needs Content-Encoding: aes128gcm and TTL", 400)
        try:
            plain = http_ece.decrypt(body, private_key=sub.private_key, auth_secret=sub.auth, version="aes128gcm")
            payload = json.loads(plain)
        except Exception as exc:
            return self._refuse(sub_id, f"payload does not decrypt: {type(exc).__name__}", 400)
        status = sub.answers.popleft() if sub.answers else 201
        with self._cond:
            headers = {k.lower(): v for k, v in req.headers.items()}
            self.received.append(Received(sub_id, payload, time.perf_counter(), status, headers))
            self._cond.notify_all()
        return status

    def _refuse(self, sub_id: str, why: str, status: int) -> int:
        with self._cond:
            self.refused.append((sub_id, why))
            self._cond.notify_all()
        return status

    def wait_for(self, predicate, timeout: float = 10.0) -> Received:
        """The first received push matching ``predicate``; raises AssertionError naming the refusals."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                for r in self.received:
                    if predicate(r):
                        return r
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching push within {timeout} s; refused: {self.refused[-5:]}")
                self._cond.wait(left)
