"""Messages to citizens: the outbox, the SMS gateway adapter, e-mail over SMTP, the delivery worker.

``backend.domain.notify`` decides *what* to send; this package stores it and
gets it delivered exactly once. :class:`NotifyConfig` is what the backend
process needs to know about the operator's SMS gateway and mail server.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlparse

ENV_PREFIX = "ETAPISTE_NOTIFY_"


class NotifyConfigError(ValueError):
    """A configuration value that cannot work; the text names the key and what is accepted."""


@dataclass(frozen=True)
class NotifyConfig:
    """Where and how messages go out. A channel without its URL/host is switched off.

    A switched-off channel keeps its messages pending rather than dropping
    them, so turning it on later still delivers them.
    """

    sms_url: str | None = None
    sms_username: str | None = None
    sms_password: str | None = None
    sms_token: str | None = None
    sms_sender: str = "Etapiste"
    sms_timeout: float = 10.0
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Etäpiste <noreply@etapiste.invalid>"
    smtp_starttls: bool = True
    smtp_timeout: float = 20.0
    #: Domain part of the Message-ID of e-mails.
    message_id_domain: str = "etapiste.invalid"
    retry_base_seconds: float = 30.0
    retry_cap_seconds: float = 900.0
    #: How long a worker holds a claimed row; longer than any send can take.
    lease_seconds: float = 120.0
    poll_seconds: float = 2.0

    def __post_init__(self) -> None:
        if self.sms_url is not None:
            url = urlparse(self.sms_url)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise NotifyConfigError("sms_url: must be an http:// or https:// URL of the SMS gateway")
        if (self.sms_username is None) != (self.sms_password is None):
            raise NotifyConfigError("sms_username/sms_password: give both for basic auth, or neither")
        if self.sms_token is not None and self.sms_username is not None:
            raise NotifyConfigError("sms_token: give either a bearer token or sms_username/sms_password, not both")
        # An alphanumeric sender id is at most 11 characters; a numeric one is a phone number.
        if not (re.fullmatch(r"[A-Za-z0-9 ]{1,11}", self.sms_sender) or re.fullmatch(r"\+?\d{3,15}", self.sms_sender)):
            raise NotifyConfigError("sms_sender: 1-11 letters/digits (A-Z, 0-9) or a phone number")
        if not 1 <= self.smtp_port <= 65535:
            raise NotifyConfigError("smtp_port: must be 1-65535 (587 for STARTTLS, 25 for plain)")
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise NotifyConfigError("smtp_username/smtp_password: give both to log in, or neither")
        if "@" not in self.smtp_from:
            raise NotifyConfigError("smtp_from: must contain an e-mail address, e.g. Etäpiste <noreply@example.fi>")
        for key in ("sms_timeout", "smtp_timeout", "retry_base_seconds", "retry_cap_seconds", "lease_seconds"):
            if getattr(self, key) <= 0:
                raise NotifyConfigError(f"{key}: must be a positive number of seconds")
        if self.poll_seconds <= 0:
            raise NotifyConfigError("poll_seconds: must be a positive number of seconds")
        if self.retry_cap_seconds < self.retry_base_seconds:
            raise NotifyConfigError("retry_cap_seconds: must not be below retry_base_seconds")
        if self.lease_seconds <= max(self.sms_timeout, self.smtp_timeout):
            raise NotifyConfigError("lease_seconds: must be longer than sms_timeout and smtp_timeout")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NotifyConfig:
        """Build from a mapping (a TOML table, say); unknown keys and wrong types are named."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if key not in known:
                raise NotifyConfigError(f"{key}: unknown setting; known are {', '.join(sorted(known))}")
            values[key] = _convert(key, str(known[key].type), raw)
        return cls(**values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> NotifyConfig:
        """Build from ``ETAPISTE_NOTIFY_<KEY>`` variables (e.g. ``ETAPISTE_NOTIFY_SMS_URL``)."""
        env = os.environ if environ is None else environ
        data = {k[len(ENV_PREFIX) :].lower(): v for k, v in env.items() if k.startswith(ENV_PREFIX)}
        try:
            return cls.from_dict(data)
        except NotifyConfigError as exc:
            raise NotifyConfigError(
                f"{ENV_PREFIX}{str(exc).upper().split(':', 1)[0]}:{str(exc).split(':', 1)[1]}"
            ) from None


def _convert(key: str, type_name: str, raw: Any) -> Any:
    try:
        if type_name.startswith("bool"):
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if type_name.startswith("int"):
            if isinstance(raw, bool):
                raise ValueError
            return int(raw)
        if type_name.startswith("float"):
            if isinstance(raw, bool):
                raise ValueError
            return float(raw)
        if raw is None or isinstance(raw, str):
            return raw if raw != "" or "None" not in type_name else None
        raise ValueError
    except ValueError:
        kind = type_name.split(" ")[0]
        raise NotifyConfigError(f"{key}: {raw!r} is not a valid {kind}") from None


class TemporaryFailure(Exception):
    """The gateway or mail server could not take the message now; try again later (the row stays pending)."""


class PermanentFailure(Exception):
    """The gateway or mail server refused this message for good; the reason is recorded on the row."""
