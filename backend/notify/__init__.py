"""Messages to citizens: the outbox, the SMS gateway adapter, e-mail over SMTP, the delivery worker.

``backend.domain.notify`` decides *what* to send; this package stores it and
gets it delivered exactly once. :class:`NotifyConfig` is what the backend
process needs to know about the operator's SMS gateway and mail server; it is
the ``notify`` group of ``backend.config.BackendSettings`` (``ETAPISTE_NOTIFY_*``).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class NotifyConfig(BaseModel):
    """Where and how messages go out. A channel without its URL/host is switched off.

    A switched-off channel keeps its messages pending rather than dropping
    them, so turning it on later still delivers them. Every rule sits on one
    field, so an error names the setting (``ETAPISTE_NOTIFY_SMTP_PORT: ...``).
    Cross-field rules sit on the later field and set ``validate_default`` so
    they run when that field is left out too.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    sms_url: str | None = None
    sms_username: str | None = None
    sms_password: str | None = Field(None, validate_default=True)
    sms_token: str | None = None
    sms_sender: str = "Etapiste"
    sms_timeout: float = Field(10.0, gt=0)
    #: The secret the gateway sends (``Authorization: Bearer``) with a citizen's reply to
    #: ``POST /api/sms/inbound``; unset: replies are refused.
    sms_inbound_token: str | None = None
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = Field(None, validate_default=True)
    smtp_from: str = "Etäpiste <noreply@etapiste.invalid>"
    smtp_starttls: bool = True
    smtp_timeout: float = Field(20.0, gt=0)
    #: Domain part of the Message-ID of e-mails.
    message_id_domain: str = "etapiste.invalid"
    retry_base_seconds: float = Field(30.0, gt=0)
    retry_cap_seconds: float = Field(900.0, gt=0, validate_default=True)
    #: How long a worker holds a claimed row; longer than any send can take.
    lease_seconds: float = Field(120.0, gt=0, validate_default=True)
    poll_seconds: float = Field(2.0, gt=0)

    @field_validator("sms_url")
    @classmethod
    def _gateway_url(cls, value: str | None) -> str | None:
        if value is not None:
            url = urlparse(value)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise ValueError("must be an http:// or https:// URL of the SMS gateway")
        return value

    @field_validator("sms_password", "smtp_password")
    @classmethod
    def _both_or_neither(cls, value: str | None, info: ValidationInfo) -> str | None:
        user_key = info.field_name.replace("password", "username") if info.field_name else ""
        if (info.data.get(user_key) is None) != (value is None):
            raise ValueError(f"give both {user_key} and {info.field_name} to log in, or neither")
        return value

    @field_validator("sms_token")
    @classmethod
    def _token_or_basic(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("sms_username") is not None:
            raise ValueError("give either a bearer token or sms_username/sms_password, not both")
        return value

    @field_validator("sms_sender")
    @classmethod
    def _sender_id(cls, value: str) -> str:
        # An alphanumeric sender id is at most 11 characters; a numeric one is a phone number.
        if not (re.fullmatch(r"[A-Za-z0-9 ]{1,11}", value) or re.fullmatch(r"\+?\d{3,15}", value)):
            raise ValueError("must be 1-11 letters/digits (A-Z, 0-9) or a phone number")
        return value

    @field_validator("smtp_from")
    @classmethod
    def _from_address(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError("must contain an e-mail address, e.g. Etäpiste <noreply@example.fi>")
        return value

    @field_validator("retry_cap_seconds")
    @classmethod
    def _cap_above_base(cls, value: float, info: ValidationInfo) -> float:
        if value < info.data.get("retry_base_seconds", 0):
            raise ValueError("must not be below retry_base_seconds")
        return value

    @field_validator("lease_seconds")
    @classmethod
    def _lease_outlasts_sends(cls, value: float, info: ValidationInfo) -> float:
        if value <= max(info.data.get("sms_timeout", 0), info.data.get("smtp_timeout", 0)):
            raise ValueError("must be longer than sms_timeout and smtp_timeout")
        return value


class TemporaryFailure(Exception):
    """The gateway or mail server could not take the message now; try again later (the row stays pending)."""


class PermanentFailure(Exception):
    """The gateway or mail server refused this message for good; the reason is recorded on the row."""
