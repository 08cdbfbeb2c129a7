"""The backend process's settings: one model, read once at start from the environment and the command line.

Every setting has an environment variable named after its place in the model:
``ETAPISTE_<FIELD>`` at the top (``ETAPISTE_DATABASE_URL``) and
``ETAPISTE_<GROUP>_<FIELD>`` in a group (``ETAPISTE_NOTIFY_SMTP_PORT``,
``ETAPISTE_JOBS_NO_SHOW_GRACE_MIN``). ``etapiste backend``'s flags override
the environment. ``load_settings`` turns every mistake into one line naming
the variable (or flag) and the rule, so a server that cannot work refuses to
start with a message an operator can act on — never a traceback, and never a
silently ignored typo inside a group. docs/CONFIG.md lists every setting.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import pydantic_settings
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from backend.domain.escalation import AlarmSettings
from backend.domain.limits import LimitSettings
from backend.domain.turn import TurnSettings
from backend.jobs import JobSettings
from backend.notify import NotifyConfig

WEB_ROOT = Path(__file__).with_name("web")

ENV_PREFIX = "ETAPISTE_"
#: The command-line flag of each top-level setting that has one (``etapiste backend --help``).
FLAGS = {
    "database_url": "--database-url",
    "host": "--host",
    "port": "--port",
    "seed_demo": "--seed-demo",
    "clock_start": "--clock-start",
}
#: Variables that were renamed: refused by name, so a retention period is never silently back to its default.
RENAMED = {
    "ETAPISTE_NO_SHOW_GRACE_MIN": "ETAPISTE_JOBS_NO_SHOW_GRACE_MIN",
    "ETAPISTE_CONTACT_RETENTION_DAYS": "ETAPISTE_JOBS_CONTACT_RETENTION_DAYS",
}
#: Settings whose values are never echoed in an error (passwords; a database URL may hold one).
SECRET_WORDS = ("password", "token", "database_url", "secret")


def _pem_file(value: str) -> str:
    if value and not Path(value).is_file():
        raise ValueError("must name a readable PEM file (or be empty)")
    return value


#: A certificate or key file: empty (not configured) or a file that is there.
PemFile = Annotated[str, AfterValidator(_pem_file)]


def _both_or_neither(model: Any, first: str, second: str) -> Any:
    """A certificate and its key come together: one without the other cannot work."""
    if bool(getattr(model, first)) != bool(getattr(model, second)):
        raise ValueError(f"give both {first} and {second}, or neither")
    return model


class TlsSettings(BaseModel):
    """``ETAPISTE_TLS_CERT_FILE`` and ``_KEY_FILE``: both set, the backend serves HTTPS and WSS itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: PEM: the server certificate, then its intermediates.
    cert_file: PemFile = ""
    #: PEM: the certificate's private key (unencrypted; readable by the backend's user only).
    key_file: PemFile = ""

    @model_validator(mode="after")
    def _both(self) -> TlsSettings:
        return _both_or_neither(self, "cert_file", "key_file")

    @property
    def enabled(self) -> bool:
        return bool(self.cert_file)


class EnrollSettings(BaseModel):
    """``ETAPISTE_ENROLL_*``: the booth CA that signs booths' client certificates (docs/SECURITY.md).

    Both files set: booths enroll with a one-time token, and with TLS on the
    backend asks every client for a certificate of this CA (optional: browsers
    have none); a booth that shows one signs in by it. Unset: enrollment is off.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: PEM: the booth CA's certificate (also what the TLS listener verifies client certificates with).
    ca_cert_file: PemFile = ""
    #: PEM: its private key (unencrypted; readable by the backend's user only).
    ca_key_file: PemFile = ""
    #: Days a booth certificate is valid; the booth renews it when a third of that is left.
    cert_days: int = Field(7, ge=1, le=90)
    #: Minutes a one-time enrollment token from the admin app stays valid.
    token_minutes: int = Field(60, ge=5, le=7 * 24 * 60)

    @model_validator(mode="after")
    def _both(self) -> EnrollSettings:
        return _both_or_neither(self, "ca_cert_file", "ca_key_file")

    @property
    def enabled(self) -> bool:
        return bool(self.ca_cert_file)


class SettingsError(ValueError):
    """The settings cannot work; ``str()`` has one line per problem, each naming its variable or flag."""


class BackendSettings(BaseSettings):
    """Everything the backend process is told; tests build it directly with keywords."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="_",
        env_nested_max_split=1,  # ETAPISTE_NOTIFY_SMS_URL -> notify.sms_url
        env_ignore_empty=True,  # VAR= is "not set", as a shell user means it
        frozen=True,
        extra="forbid",
    )

    #: Any SQLAlchemy URL; SQLite file by default, PostgreSQL in production.
    database_url: str = "sqlite:///etapiste.db"
    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(8000, ge=1, le=65535)
    #: Insert the demo point, booth and official at start-up.
    seed_demo: bool = False
    #: Start the backend's clock at this time and let it run at real speed (demos and
    #: end-to-end tests that need "a Tuesday at 9.55"); None: real time. Given as an
    #: ISO time with UTC offset (``2026-11-24T09:55+02:00``); held as unix seconds.
    clock_start: float | None = None
    #: Where people reach the backend: set-password links in invitation e-mails start with it.
    public_url: str = Field("http://127.0.0.1:8000", pattern=r"^https?://[^\s/]+(/[^\s]*[^\s/])?$", max_length=200)
    #: Hours a set-password link (invitation or reset) stays valid.
    password_link_hours: int = Field(72, ge=1, le=720)
    #: SMS gateway and SMTP; unset channels keep messages waiting.
    notify: NotifyConfig = NotifyConfig()
    #: Official no-show grace and contact-data retention.
    jobs: JobSettings = JobSettings()
    #: Message and body sizes, connections, message rates, sign-in and check-in throttling.
    limits: LimitSettings = LimitSettings()
    #: The advisors' phone alarms: escalation time, VAPID subject, push TTL.
    alarms: AlarmSettings = AlarmSettings()
    #: PEM file of the CAs whose ID card certificates identify a citizen in a call (DVV's
    #: citizen certificate CAs in production); empty: identification with the ID card is
    #: refused with ``not_configured`` and only in-person identification is possible.
    identity_trusted_cas: str = ""
    #: HTTPS/WSS served by the backend itself; unset: plain HTTP (behind a TLS-terminating proxy).
    tls: TlsSettings = TlsSettings()
    #: Addresses of reverse proxies whose X-Forwarded-For/-Proto headers are believed (comma-separated
    #: IPs or networks, uvicorn's ``forwarded_allow_ips``); empty: headers ignored, the peer is the client.
    trusted_proxies: str = Field("", max_length=1000, pattern=r"^[0-9A-Fa-f.:/, ]*$")
    #: The TURN server whose time-limited credentials every participant of a call is given.
    turn: TurnSettings = TurnSettings()
    #: Seconds a booth's or an official's session (lobby place, offer, call) is kept after its
    #: socket drops, waiting for a ``hello`` with the resume token; 0 ends it at once (docs/RESILIENCE.md).
    resume_grace_s: float = Field(30.0, ge=0, le=600)
    #: Booth enrollment: the booth CA, certificate lifetime, token lifetime.
    enroll: EnrollSettings = EnrollSettings()

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError:
            raise ValueError(
                "must be a SQLAlchemy URL, e.g. sqlite:///etapiste.db or postgresql+psycopg://user@host/db"
            ) from None
        return value

    @field_validator("identity_trusted_cas")
    @classmethod
    def _pem_file(cls, value: str) -> str:
        if value and not Path(value).is_file():
            raise ValueError("must name a readable PEM file of CA certificates (or be empty)")
        return value

    @field_validator("clock_start", mode="before")
    @classmethod
    def _instant(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("must be an ISO date and time, e.g. 2026-11-24T09:55+02:00") from None
        if at.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-11-24T09:55+02:00")
        return at.timestamp()


def load_settings(flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> BackendSettings:
    """The settings from the environment, with ``flags`` (given command-line values) on top.

    ``environ`` is checked for renamed variables (``os.environ`` by default;
    the model itself reads ``os.environ``). Raises ``SettingsError``.
    """
    flags = dict(flags or {})
    env = os.environ if environ is None else environ
    renamed = [f"{old}: renamed to {new}" for old, new in RENAMED.items() if old in env]
    try:
        settings = BackendSettings(**flags)
    except ValidationError as exc:
        raise SettingsError("\n".join(renamed + [_line(e, flags) for e in exc.errors()])) from None
    except pydantic_settings.SettingsError as exc:  # e.g. ETAPISTE_NOTIFY set to something that is not JSON
        raise SettingsError("\n".join([*renamed, str(exc)])) from None
    if renamed:
        raise SettingsError("\n".join(renamed))
    return settings


def env_name(loc: tuple[str | int, ...]) -> str:
    """``("notify", "smtp_port")`` -> ``ETAPISTE_NOTIFY_SMTP_PORT``."""
    return ENV_PREFIX + "_".join(str(part) for part in loc).upper()


def env_names() -> list[str]:
    """Every variable the backend reads, in the model's order (the docs list them all)."""
    names = []
    for name, info in BackendSettings.model_fields.items():
        group = info.annotation
        if isinstance(group, type) and issubclass(
            group,
            NotifyConfig | JobSettings | LimitSettings | AlarmSettings | TlsSettings | TurnSettings | EnrollSettings,
        ):
            names += [env_name((name, sub)) for sub in group.model_fields]
        else:
            names.append(env_name((name,)))
    return names


def _line(error: Any, flags: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    key = FLAGS[str(loc[0])] if len(loc) == 1 and loc[0] in flags else env_name(loc)
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown setting (a typo?); see docs/CONFIG.md for the known ones"
    rule = str(error["msg"]).removeprefix("Value error, ")
    secret = any(word in "_".join(map(str, loc)) for word in SECRET_WORDS)
    given = error.get("input")
    if secret or not isinstance(given, str | int | float):
        return f"{key}: {rule}"
    return f"{key}: {rule} (got {given!r})"


def running_clock(start: float | None, real: Callable[[], float] = time.time) -> Callable[[], float]:
    """The backend's one clock: real time, or real time shifted to begin at ``start``."""
    if start is None:
        return real
    offset = start - real()
    return lambda: real() + offset
