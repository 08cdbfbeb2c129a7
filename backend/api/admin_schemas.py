"""Bodies of the admin API: the domain's own rules restated, so a bad value is a 422 naming the field.

Ids and names are the protocol's types (``Id``, ``Name``); hours reuse the
catalogue schemas (``HoursIn``: whole minutes, no offset, opening before
closing; one interval per weekday); usernames, e-mail addresses and passwords
are ``backend.domain.accounts``' patterns. Values are never echoed in errors.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from backend.api.schemas import PointHoursIn
from backend.domain.accounts import EMAIL, PASSWORD_MAX, PASSWORD_MIN, USERNAME
from protocol.messages import Id, Language, Name

Address = Annotated[str, Field(max_length=200)]
Username = Annotated[str, Field(pattern=USERNAME, description="3-60 of a-z 0-9 . _ -")]
Email = Annotated[str, Field(max_length=254, pattern=EMAIL)]


class MeOut(BaseModel):
    """Who is signed in, and which parts of the admin app they may open."""

    official_id: str
    name: str
    organisation_id: str
    master: bool
    official: bool
    admin_of: list[str]
    reporter_of: list[str]
    #: the support provider: the booth support section (diagnostics, restart)
    support: bool = False


class OrganisationIn(BaseModel):
    name: Name


class OrganisationOut(BaseModel):
    id: str
    name: str


class PointIn(PointHoursIn):
    name: Name
    address: Address = ""


class BoothIn(BaseModel):
    name: Name
    point_id: Id


class BoothOut(BaseModel):
    booth_id: str
    name: str
    point_id: str
    retired: bool
    #: Has had a client certificate (signs in by it; its secret no longer works) and until when the latest is valid.
    enrolled: bool = False
    certificate_until: float | None = None
    #: The booth's last ``booth.software``: image version ("" off the image), booted slot, RAUC update state,
    #: and when its kiosk started (None: never reported).
    version: str = ""
    slot: str = ""
    update_state: str = ""
    started_at: float | None = None


class BoothRegistered(BoothOut):
    """The secret is shown once: the booth's config needs it (``[backend] booth_id`` and ``secret``)."""

    secret: str


class InviteIn(BaseModel):
    username: Username
    display_name: Name
    email: Email
    role: Literal["official", "reporter", "authority_admin", "advisor", "support"] = "official"
    #: the organisation of the account (the master admin may name any; an authority admin only their own)
    organisation_id: Id | None = None
    #: an advisor's point
    point_id: Id | None = None
    language: Language = Language.FI

    @model_validator(mode="after")
    def _advisor_point(self) -> InviteIn:
        if (self.role == "advisor") != (self.point_id is not None):
            raise ValueError("point_id is needed for an advisor and only for an advisor")
        return self


class InviteOut(BaseModel):
    official_id: str


class ResetIn(BaseModel):
    language: Language = Language.FI


class AccountOut(BaseModel):
    official_id: str
    username: str
    display_name: str
    organisation_id: str
    roles: list[tuple[str, str]]
    active: bool
    invited: bool


class SetPasswordIn(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class SetPasswordOut(BaseModel):
    username: str


class AuditEntryOut(BaseModel):
    seq: int
    at: float
    actor: str
    action: str
    resource_kind: str
    resource_id: str
    detail: str


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]
    ok: bool
    broken_at: int | None
    reason: str
    head_seq: int
    #: whether older / newer entries than this page's exist (under the same filters): the page's "older"/"newer"
    older: bool = False
    newer: bool = False
