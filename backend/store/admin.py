"""Administration's writes: organisations, points, booths, accounts — each with its audit entry.

Every function works in the caller's session and transaction and appends the
audit entry there (``backend.store.audit.record``), so a change and its record
land together or not at all; the caller commits. Who may call which is
``backend.domain.access``'s to answer, in the HTTP layer
(``backend.api.admin``). Nothing here logs or audits personal data: accounts
appear by id, never by e-mail address.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backend.auth import hash_secret, new_token, token_hash
from backend.domain.accounts import AccountRuleError, check_password, link_mail
from backend.domain.bookings import BookingRuleError, ConflictError
from backend.domain.catalogue import Interval
from backend.notify.outbox import PENDING, OutboxMessage
from backend.store import audit, catalogue
from backend.store.admin_models import AccountState, BoothRetirement, PasswordSetup
from backend.store.booking_models import RoleGrant
from backend.store.catalogue import NotFound
from backend.store.models import Booth, LoginSession, Official, Organisation, ServicePoint

#: Kinds of outbox rows administration writes (the worker sends any kind; retention blanks them alike).
INVITE_KIND, RESET_KIND = "account_invite", "account_reset"


def put_organisation(s: Session, actor: str, org_id: str, name: str, now: float) -> bool:
    """Create or rename an organisation; True when it was created."""
    row = s.get(Organisation, org_id)
    created = row is None
    if row is None:
        row = Organisation(id=org_id, name=name)
    row.name = name
    s.add(row)
    s.flush()
    audit.record(s, actor, "organisation.create" if created else "organisation.rename", "organisation", org_id, now)
    return created


def put_point(
    s: Session,
    actor: str,
    point_id: str,
    name: str,
    address: str,
    hours: dict[int, Interval],
    closures: frozenset[date],
    now: float,
) -> bool:
    """Create or change a service point with its weekly hours and closure days; True when created."""
    row = s.get(ServicePoint, point_id)
    created = row is None
    if row is None:
        row = ServicePoint(id=point_id, name=name, address=address)
    row.name, row.address = name, address
    s.add(row)
    s.flush()
    catalogue.set_point_hours(s, point_id, hours, closures)
    detail = "hours " + ", ".join(f"{wd} {iv.start:%H:%M}-{iv.end:%H:%M}" for wd, iv in sorted(hours.items()))
    detail += f"; {len(closures)} closure days"
    audit.record(s, actor, "point.create" if created else "point.change", "point", point_id, now, detail[:500])
    return created


@dataclass(frozen=True)
class BoothRow:
    booth_id: str
    name: str
    point_id: str
    retired: bool


def booths(s: Session) -> list[BoothRow]:
    retired = set(s.scalars(select(BoothRetirement.booth_id)))
    return [
        BoothRow(b.id, b.name, b.point_id, b.id in retired)
        for b in s.scalars(select(Booth).order_by(Booth.point_id, Booth.id))
    ]


def register_booth(s: Session, actor: str, booth_id: str, name: str, point_id: str, now: float) -> str:
    """Register a booth at a point; return its new secret (shown once, stored only hashed).

    The secret is what the booth's config (``booth.toml``: ``[backend] booth_id``
    and ``secret``) needs until enrollment (issue 16) replaces it.
    """
    if s.get(ServicePoint, point_id) is None:
        raise NotFound(f"no service point {point_id!r}; create it first")
    if s.get(Booth, booth_id) is not None:
        raise ConflictError(f"a booth {booth_id!r} exists already (ids are never reused); choose another id")
    secret = secrets.token_urlsafe(24)
    s.add(Booth(id=booth_id, name=name, point_id=point_id, secret_hash=hash_secret(secret)))
    s.flush()
    audit.record(s, actor, "booth.register", "booth", booth_id, now, f"point {point_id}")
    return secret


def retire_booth(s: Session, actor: str, booth_id: str, now: float) -> None:
    """A retired booth cannot connect again; its call records and bookings stay for the statistics."""
    if s.get(Booth, booth_id) is None:
        raise NotFound(f"no booth {booth_id!r}")
    if s.get(BoothRetirement, booth_id) is not None:
        raise ConflictError(f"booth {booth_id!r} is retired already")
    s.add(BoothRetirement(booth_id=booth_id, retired_at=now))
    audit.record(s, actor, "booth.retire", "booth", booth_id, now)


@dataclass(frozen=True)
class Account:
    official_id: str
    username: str
    display_name: str
    organisation_id: str
    roles: list[tuple[str, str]]
    active: bool
    invited: bool  # has a set-password link not used yet


def accounts(s: Session, organisation_id: str | None, actor: str, now: float) -> list[Account]:
    """The accounts of one organisation (None: all), without e-mail addresses; the listing is audited
    because it names staff."""
    q = select(Official).order_by(Official.organisation_id, Official.username)
    if organisation_id is not None:
        q = q.where(Official.organisation_id == organisation_id)
    out = []
    off = set(s.scalars(select(AccountState.official_id).where(AccountState.deactivated_at.is_not(None))))
    for o in s.scalars(q):
        roles = [(r.role, r.scope) for r in s.scalars(select(RoleGrant).where(RoleGrant.official_id == o.id))]
        pending = s.scalar(
            select(PasswordSetup.token_hash).where(
                PasswordSetup.official_id == o.id, PasswordSetup.used_at.is_(None), PasswordSetup.expires_at > now
            )
        )
        out.append(
            Account(
                o.id,
                o.username,
                o.display_name,
                o.organisation_id,
                sorted(roles),
                o.id not in off,
                bool(pending),
            )
        )
    audit.record(s, actor, "accounts.list", "organisation", organisation_id or "*", now, f"{len(out)} accounts")
    return out


@dataclass(frozen=True)
class LinkSettings:
    public_url: str
    hours: int


def _send_link(s: Session, o: Official, language: str, links: LinkSettings, now: float, reset: bool) -> str:
    """Store a one-time link and stage its e-mail in the outbox (sent by the delivery worker); return the token."""
    state = s.get(AccountState, o.id)
    if state is None or not state.email:
        raise AccountRuleError("the account has no e-mail address to send the link to; invite it again with one")
    token = new_token()
    s.add(
        PasswordSetup(
            token_hash=token_hash(token), official_id=o.id, created_at=now, expires_at=now + links.hours * 3600
        )
    )
    org = s.get(Organisation, o.organisation_id)
    mail = link_mail(
        language,
        name=o.display_name,
        username=o.username,
        organisation=org.name if org else o.organisation_id,
        link=f"{links.public_url}/admin/#set-password={token}",
        hours=links.hours,
        reset=reset,
    )
    s.add(
        OutboxMessage(
            id=uuid.uuid4().hex,
            dedupe_key="account:" + token_hash(token)[:56],
            booking_code="",
            kind=RESET_KIND if reset else INVITE_KIND,
            channel="email",
            language=language,
            recipient=state.email,
            subject=mail.subject,
            body=mail.body,
            state=PENDING,
            due_at=now,
            expires_at=now + links.hours * 3600,
            attempts=0,
            created_at=now,
        )
    )
    return token


def _unusable_password() -> str:
    """A hash no password matches: an invited or reset account signs in only after the link sets one."""
    return hash_secret(secrets.token_urlsafe(32))


def invite(
    s: Session,
    actor: str,
    *,
    organisation_id: str,
    username: str,
    display_name: str,
    email: str,
    role: str,
    scope: str,
    language: str,
    links: LinkSettings,
    now: float,
) -> tuple[str, str]:
    """Create an account with one role and e-mail it a set-password link; return (official id, token)."""
    if s.get(Organisation, organisation_id) is None:
        raise NotFound(f"no organisation {organisation_id!r}")
    if s.scalar(select(Official.id).where(Official.username == username)) is not None:
        raise ConflictError("username is taken; choose another")
    if role == "advisor" and s.get(ServicePoint, scope) is None:
        raise NotFound(f"no service point {scope!r} for the advisor")
    official_id = "acct-" + uuid.uuid4().hex[:16]
    o = Official(
        id=official_id,
        username=username,
        display_name=display_name,
        organisation_id=organisation_id,
        password_hash=_unusable_password(),
    )
    s.add(o)
    s.flush()
    s.add(AccountState(official_id=official_id, email=email))
    catalogue.grant(s, official_id, role, scope)
    token = _send_link(s, o, language, links, now, reset=False)
    audit.record(s, actor, "account.invite", "account", official_id, now, f"role {role} {scope}".strip())
    return official_id, token


def _account(s: Session, official_id: str) -> Official:
    o = s.get(Official, official_id)
    if o is None:
        raise NotFound(f"no account {official_id!r}")
    return o


def _state(s: Session, official_id: str) -> AccountState:
    state = s.get(AccountState, official_id)
    if state is None:  # an account made before administration (the demo seed): no e-mail known
        state = AccountState(official_id=official_id)
        s.add(state)
    return state


def deactivate(s: Session, actor: str, official_id: str, now: float) -> None:
    """The account cannot sign in any more and its sign-ins end; its history (calls, bookings) stays."""
    _account(s, official_id)
    if official_id == actor:
        raise BookingRuleError("you cannot deactivate your own account; ask another admin")
    _state(s, official_id).deactivated_at = now
    s.execute(delete(LoginSession).where(LoginSession.official_id == official_id))
    s.execute(update(PasswordSetup).where(PasswordSetup.official_id == official_id).values(used_at=now))
    audit.record(s, actor, "account.deactivate", "account", official_id, now)


def reset(s: Session, actor: str, official_id: str, language: str, links: LinkSettings, now: float) -> str:
    """Clear the password, end the sign-ins, reactivate, and e-mail a new set-password link; return the token."""
    o = _account(s, official_id)
    o.password_hash = _unusable_password()
    _state(s, official_id).deactivated_at = None
    s.execute(delete(LoginSession).where(LoginSession.official_id == official_id))
    s.execute(update(PasswordSetup).where(PasswordSetup.official_id == official_id).values(used_at=now))
    token = _send_link(s, o, language, links, now, reset=True)
    audit.record(s, actor, "account.reset", "account", official_id, now)
    return token


def bootstrap_master(
    s: Session,
    *,
    organisation_id: str,
    organisation_name: str,
    username: str,
    display_name: str,
    links: LinkSettings,
    now: float,
) -> str:
    """The first master admin of an empty installation; return the set-password link (for the operator's terminal).

    Refused when a master admin exists: after that, accounts are made in the admin app.
    """
    if s.scalar(select(RoleGrant.official_id).where(RoleGrant.role == "master_admin").limit(1)) is not None:
        raise ConflictError("a master admin exists already; invite further accounts in the admin app (/admin/)")
    if s.get(Organisation, organisation_id) is None:
        s.add(Organisation(id=organisation_id, name=organisation_name))
        s.flush()
    if s.scalar(select(Official.id).where(Official.username == username)) is not None:
        raise ConflictError("username is taken; choose another")
    official_id = "acct-" + uuid.uuid4().hex[:16]
    s.add(
        Official(
            id=official_id,
            username=username,
            display_name=display_name,
            organisation_id=organisation_id,
            password_hash=_unusable_password(),
        )
    )
    s.flush()
    catalogue.grant(s, official_id, "master_admin")
    token = new_token()
    s.add(
        PasswordSetup(
            token_hash=token_hash(token), official_id=official_id, created_at=now, expires_at=now + links.hours * 3600
        )
    )
    audit.record(s, audit.SYSTEM, "account.bootstrap_master", "account", official_id, now)
    return f"{links.public_url}/admin/#set-password={token}"


def set_password(s: Session, token: str, password: str, now: float) -> str:
    """Use a one-time link: set the password; return the account's username (for the sign-in form)."""
    check_password(password)
    link = s.get(PasswordSetup, token_hash(token))
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise AccountRuleError("this link is not valid any more; ask your administrator for a new one")
    o = _account(s, link.official_id)
    if _state(s, o.id).deactivated_at is not None:
        raise AccountRuleError("this link is not valid any more; ask your administrator for a new one")
    link.used_at = now
    o.password_hash = hash_secret(password)
    audit.record(s, o.id, "account.set_password", "account", o.id, now)
    return o.username
