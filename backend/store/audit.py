"""The audit log: who did what to which resource, and when — append-only and hash-chained.

Why a chain: the database refuses UPDATE and DELETE on ``audit_entry``
(triggers, migration ``0008_admin``), but whoever can drop a trigger can edit a
row. Each entry's ``hash`` is SHA-256 over the previous entry's hash and the
entry's own fields, and ``seq`` counts 1, 2, 3, ... without gaps, so
``verify`` finds an edited entry (its hash no longer matches), a deleted one (a
gap, and the next entry's ``prev_hash`` points at nothing) and a reordered one.
Deleting the newest entries leaves a shorter but consistent chain; ``verify``
reports the head (``seq`` and hash) so an operator can compare it with one
written down or exported earlier.

What goes in: the account (its id), the action, the resource's kind and id,
and a short detail naming fields and catalogue values. Never call content,
never a citizen's name, phone or e-mail: callers pass ids, and ``record``
redacts whatever in a detail looks like a phone number or an e-mail address.

``record`` adds the entry to the caller's own session and transaction, so a
change and its entry land together or not at all. Two writers taking the same
``seq`` collide on the primary key; the loser retries inside a savepoint.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.store.admin_models import AuditEntry

GENESIS = "0" * 64
SYSTEM = "system"  # the actor of the backend's own jobs (retention)


#: What a phone number or an e-mail address looks like (dates and times such as 2026-11-24 09:00 do not).
_CONTACT = re.compile(r"[^\s@<>\"']*@[^\s@<>\"']*|(?:\+|\b0)\d[\d ]{5,}\d")


def redact(text: str) -> str:
    """``text`` with whatever looks like a phone number or an e-mail address blanked (as in details)."""
    return _CONTACT.sub("[redacted]", text)


def entry_hash(prev_hash: str, seq: int, at: float, actor: str, action: str, kind: str, rid: str, detail: str) -> str:
    """The chain's link: canonical JSON of the fields after the previous hash (stable on every engine)."""
    body = json.dumps(
        [seq, repr(float(at)), actor, action, kind, rid, detail], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def record(
    session: Session,
    actor: str,
    action: str,
    resource_kind: str,
    resource_id: str,
    now: float,
    detail: str = "",
) -> int:
    """Append one entry in ``session``'s transaction (the caller commits); return its ``seq``.

    ``detail`` names what changed (fields, catalogue values); anything in it that
    looks like a phone number or an e-mail address is redacted, and it is cut to
    500 characters — a change is never refused for its audit text.
    """
    detail = _CONTACT.sub("[redacted]", detail)[:500]
    for _attempt in range(20):
        last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = AuditEntry(
            seq=seq,
            at=now,
            actor=actor[:64],
            action=action[:60],
            resource_kind=resource_kind[:40],
            resource_id=resource_id[:64],
            detail=detail,
            prev_hash=prev,
        )
        row.hash = entry_hash(prev, seq, now, row.actor, row.action, row.resource_kind, row.resource_id, detail)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # another writer took this seq first: link to theirs
            continue
        return seq
    raise RuntimeError("could not append to the audit log: too many concurrent writers")


@dataclass(frozen=True)
class Verdict:
    """The outcome of ``verify``: ``broken_at`` is the first entry (``seq``) that does not fit, or None."""

    entries: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session) -> Verdict:
    """Walk the chain from the first entry; name the first one that was edited, deleted or moved."""
    prev, expected, count = GENESIS, 1, 0
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(500):
        if e.seq != expected:
            return Verdict(count, expected - 1, prev, expected, f"entry {expected} is missing (deleted)")
        if e.prev_hash != prev:
            return Verdict(count, expected - 1, prev, e.seq, f"entry {e.seq} does not link to entry {e.seq - 1}")
        h = entry_hash(prev, e.seq, e.at, e.actor, e.action, e.resource_kind, e.resource_id, e.detail)
        if h != e.hash:
            return Verdict(count, expected - 1, prev, e.seq, f"entry {e.seq} was changed after it was written")
        prev, expected, count = h, expected + 1, count + 1
    return Verdict(count, expected - 1, prev)


@dataclass(frozen=True)
class Entry:
    seq: int
    at: float
    actor: str
    action: str
    resource_kind: str
    resource_id: str
    detail: str


@dataclass(frozen=True)
class Page:
    """One page of entries, newest first, and whether there are older and newer ones beyond it (same filters)."""

    entries: list[Entry]
    older: bool
    newer: bool


def entries(
    session: Session,
    limit: int = 200,
    before: int | None = None,
    after: int | None = None,
    action: str = "",
    resource_kind: str = "",
    actor: str = "",
) -> list[Entry]:
    """The newest entries first (for the admin app's audit view); see ``page``."""
    return page(session, limit, before, after, action, resource_kind, actor).entries


def page(
    session: Session,
    limit: int = 200,
    before: int | None = None,
    after: int | None = None,
    action: str = "",
    resource_kind: str = "",
    actor: str = "",
) -> Page:
    """A page of entries by keyset on ``seq`` (never OFFSET: a page stays put while new entries arrive).

    ``before`` pages to older entries (``seq < before``), ``after`` to newer ones
    (``seq > after``; the ``limit`` oldest of those, shown newest first). The
    filters — an action or its prefix (``booking.``), a resource kind, an actor
    — hold for the page and for ``older``/``newer``.
    """
    cond = []
    if action:
        cond.append(AuditEntry.action.startswith(action, autoescape=True))
    if resource_kind:
        cond.append(AuditEntry.resource_kind == resource_kind)
    if actor:
        cond.append(AuditEntry.actor == actor)
    q = select(AuditEntry).where(*cond)
    if after is not None:
        rows = list(session.scalars(q.where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)))[::-1]
    else:
        if before is not None:
            q = q.where(AuditEntry.seq < before)
        rows = list(session.scalars(q.order_by(AuditEntry.seq.desc()).limit(limit)))
    out = [Entry(e.seq, e.at, e.actor, e.action, e.resource_kind, e.resource_id, e.detail) for e in rows]

    def exists(extra: object) -> bool:
        return session.scalar(select(AuditEntry.seq).where(*cond, extra).limit(1)) is not None

    if out:
        older, newer = exists(AuditEntry.seq < out[-1].seq), exists(AuditEntry.seq > out[0].seq)
    else:  # an empty page: whatever lies on either side of where it was asked for
        older = after is not None and exists(AuditEntry.seq <= after)
        newer = before is not None and exists(AuditEntry.seq >= before)
    return Page(out, older, newer)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
