"""The adapter to the operator's HTTP SMS gateway.

The contract, kept deliberately plain so most commercial gateways fit behind a
small proxy or fit as-is: ``POST <sms_url>`` with JSON
``{"to": "+358...", "from": "<sender>", "text": "...", "reference": "<row id>"}``,
an ``Idempotency-Key: <row id>`` header (a gateway that honours it drops a
retried duplicate), basic auth or a bearer token. A 2xx answer is delivery to
the gateway; its JSON ``id`` (if any) is kept for support.

What counts as "try again": 5xx, 408, 429, timeouts, refused or reset
connections, and 401/403 — a wrong credential is the operator's mistake, not
the message's, and failing every message for it would lose them. Any other
4xx is permanent for that message, with the gateway's reason recorded.

Written with the standard library (urllib) so the backend needs no HTTP
client dependency.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from backend.notify import NotifyConfig, PermanentFailure, TemporaryFailure
from backend.notify.outbox import redact

log = logging.getLogger(__name__)

RETRYABLE_4XX = frozenset({401, 403, 408, 425, 429})


@dataclass(frozen=True)
class SmsGateway:
    url: str
    sender: str
    timeout: float
    username: str | None = None
    password: str | None = None
    token: str | None = None

    @classmethod
    def from_config(cls, config: NotifyConfig) -> SmsGateway | None:
        """The gateway of ``config``, or None when SMS is not configured."""
        if not config.sms_url:
            return None
        return cls(
            url=config.sms_url,
            sender=config.sms_sender,
            timeout=config.sms_timeout,
            username=config.sms_username,
            password=config.sms_password,
            token=config.sms_token,
        )

    def _headers(self, reference: str) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": reference}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.username is not None and self.password is not None:
            pair = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            headers["Authorization"] = f"Basic {pair}"
        return headers

    def send(self, to: str, text: str, reference: str) -> str | None:
        """Hand one SMS to the gateway; return the gateway's message id if it gave one.

        Raises :class:`TemporaryFailure` or :class:`PermanentFailure`; the
        exception text never contains the number or the text.
        """
        body = json.dumps({"to": to, "from": self.sender, "text": text, "reference": reference}).encode()
        request = urllib.request.Request(self.url, data=body, headers=self._headers(reference), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            reason = _reason(exc.read() if exc.fp else b"") or exc.reason
            message = f"SMS gateway answered {exc.code}: {reason}"
            if exc.code >= 500 or exc.code in RETRYABLE_4XX:
                raise TemporaryFailure(redact(message)) from None
            raise PermanentFailure(redact(message)) from None
        except TimeoutError:
            raise TemporaryFailure(f"SMS gateway did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            raise TemporaryFailure(f"SMS gateway unreachable: {exc.reason}") from None
        except (ConnectionError, OSError) as exc:
            raise TemporaryFailure(f"SMS gateway connection failed: {type(exc).__name__}") from None
        try:
            answer = json.loads(payload) if payload else {}
        except ValueError:
            return None
        gateway_id = answer.get("id") if isinstance(answer, dict) else None
        return str(gateway_id) if gateway_id is not None else None


def _reason(raw: bytes) -> str:
    """The gateway's explanation: its JSON ``error``/``message``/``detail``, else the start of its body."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(data, dict):
        for key in ("error", "message", "detail", "reason"):
            if data.get(key):
                return str(data[key])[:300]
    return text[:300]
