"""Third parties in a call (interpreters, support persons): the invitation's rules, as pure code.

An official (in a live call, or on a booking) or the point's advisor (on a
booking) invites a third party by name and phone or e-mail. The invited person
gets a one-time link through the outbox. The link:

- is valid only around the appointment (from ``OPENS_BEFORE_S`` before its
  start to ``CLOSES_AFTER_S`` after its end), or, for a live call, from the
  invitation for ``LIVE_CALL_S`` (and only while that call lasts: the hub
  checks the session);
- proves who holds it by a one-time code sent to the invited phone or e-mail
  (``CODE_DIGITS`` digits, ``CODE_TRIES`` tries per code, at most
  ``CODES_PER_LINK`` codes, ``CODE_RESEND_S`` between two): guessing or
  flooding locks the link, and the inviter sends a new one;
- is for one device: the code, once right, binds the link to the device that
  entered it (a device token kept in that browser); opening it anywhere else
  afterwards shows "this link is no longer valid", so a link forwarded after
  use leaks nothing;
- stops when revoked, when its guest is removed from the call, or when it
  expires.

No clock reads and no randomness: ``now``, codes and tokens are passed in;
the store keeps only hashes of the link token, the code and the device token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, replace
from enum import StrEnum

from backend.domain.notify import NoticeError, normalize_phone, validate_email

#: The link opens this long before the appointment starts (device check, code, lobby)...
OPENS_BEFORE_S = 30 * 60
#: ... and closes this long after its booked end (a meeting that overruns).
CLOSES_AFTER_S = 60 * 60
#: A live call's invitation is valid this long from the invitation (and only while the call lasts).
LIVE_CALL_S = 2 * 3600
CODE_DIGITS = 6
#: Wrong codes tolerated per code; the next wrong one locks the link.
CODE_TRIES = 3
#: Codes sent per link at most (each one an SMS that costs money and wakes a phone).
CODES_PER_LINK = 5
#: Seconds between two codes for one link.
CODE_RESEND_S = 30
#: A code is good this long after it was sent.
CODE_VALID_S = 10 * 60

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class GuestRole(StrEnum):
    """What the third party is there for; the booth and the official show it under their picture."""

    SPOKEN_INTERPRETER = "spoken_interpreter"  # with the language they interpret
    SIGN_INTERPRETER = "sign_interpreter"  # sign-language video needs >= 15 fps
    SUPPORT_PERSON = "support_person"


class LinkState(StrEnum):
    """What opening the link shows. Everything but VALID is one page: "this link is no longer
    valid" (or "not open yet"), saying nothing about the call, the citizen or the guest."""

    NOT_YET = "not_yet"
    VALID = "valid"
    NO_LONGER_VALID = "no_longer_valid"


class GuestError(ValueError):
    """An invitation or a code the rules refuse; the text names the field and the rule, never the value."""


class CodeRefused(GuestError):
    """A wrong or stale code. ``link`` is the link to store (a wrong code counts a try and may lock
    it); ``tries_left`` says how many more before it locks."""

    def __init__(self, reason: str, link: Link) -> None:
        super().__init__(reason)
        self.link = link
        self.tries_left = max(0, CODE_TRIES - link.tries)


class TooSoon(GuestError):
    """A code asked for again too soon; ``wait_s`` says when the next one may be sent."""

    def __init__(self, reason: str, wait_s: int) -> None:
        super().__init__(reason)
        self.wait_s = wait_s


@dataclass(frozen=True)
class GuestContact:
    """The invited person, validated: a name, and a phone (E.164) or an e-mail address or both."""

    role: GuestRole
    name: str
    language: str | None = None  # the language a spoken-language interpreter interprets
    phone: str | None = None
    email: str | None = None


def contact(
    role: str, name: str, language: str | None = None, phone: str | None = None, email: str | None = None
) -> GuestContact:
    """The invited person from what the inviter typed, or :class:`GuestError` naming the field and rule."""
    try:
        who = GuestRole(role)
    except ValueError:
        raise GuestError(f"role: not a third-party role; use one of {', '.join(r.value for r in GuestRole)}") from None
    name = " ".join(name.split())
    if not 1 <= len(name) <= 120:
        raise GuestError("name: give the person's name (1-120 characters)")
    if who is GuestRole.SPOKEN_INTERPRETER:
        if not language or not _LANGUAGE.fullmatch(language):
            raise GuestError("language: a spoken-language interpreter needs the language, as an ISO 639 code (ar, so)")
    elif language:
        raise GuestError("language: only a spoken-language interpreter has a language")
    phone = phone.strip() if phone else None
    email = email.strip() if email else None
    if not phone and not email:
        raise GuestError("phone: give a phone number or an e-mail address to send the link and the code to")
    try:
        phone = normalize_phone(phone) if phone else None
        email = validate_email(email) if email else None
    except NoticeError as exc:
        raise GuestError(str(exc)) from None
    return GuestContact(who, name, language if who is GuestRole.SPOKEN_INTERPRETER else None, phone, email)


def booking_window(starts_at: float, ends_at: float) -> tuple[float, float]:
    """When a link for a booked appointment is valid (epoch seconds)."""
    return starts_at - OPENS_BEFORE_S, ends_at + CLOSES_AFTER_S


def live_window(now: float) -> tuple[float, float]:
    """When a link for a call in progress is valid."""
    return now, now + LIVE_CALL_S


def digest(secret: str) -> str:
    """What the store keeps of a link token, a code or a device token."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """The state of one invitation link, as the rules need it (the store maps its row to this)."""

    valid_from: float
    valid_until: float
    revoked: bool = False
    removed: bool = False  # the official removed the guest from the call
    locked: bool = False  # too many wrong codes
    device_hash: str | None = None  # the device the code was entered on
    code_hash: str | None = None
    code_sent_at: float | None = None
    codes_sent: int = 0
    tries: int = 0  # wrong tries of the current code


def state(link: Link, now: float, device_token: str | None = None) -> LinkState:
    """What opening the link at ``now`` (from the device holding ``device_token``, if any) shows."""
    if link.revoked or link.removed or link.locked or now >= link.valid_until:
        return LinkState.NO_LONGER_VALID
    if link.device_hash is not None and (
        device_token is None or not hmac.compare_digest(link.device_hash, digest(device_token))
    ):
        return LinkState.NO_LONGER_VALID  # used on another device: a forwarded link shows nothing
    if now < link.valid_from:
        return LinkState.NOT_YET
    return LinkState.VALID


def _usable(link: Link, now: float) -> None:
    st = state(link, now)
    if st is LinkState.NO_LONGER_VALID:
        raise GuestError("link: this link is no longer valid")
    if st is LinkState.NOT_YET:
        raise GuestError("link: this link is not open yet; it opens 30 minutes before the appointment")


def send_code(link: Link, code: str, now: float) -> Link:
    """The link with a fresh code sent at ``now``, or :class:`GuestError`/:class:`TooSoon`."""
    _usable(link, now)
    if link.codes_sent >= CODES_PER_LINK:
        raise GuestError("code: no more codes for this link; ask the official for a new invitation")
    if link.code_sent_at is not None and now - link.code_sent_at < CODE_RESEND_S:
        wait = int(CODE_RESEND_S - (now - link.code_sent_at)) + 1
        raise TooSoon(f"code: a code was just sent; ask again in {wait} s", wait)
    return replace(link, code_hash=digest(code), code_sent_at=now, codes_sent=link.codes_sent + 1, tries=0)


def check_code(link: Link, code: str, device_token: str, now: float) -> Link:
    """The link bound to ``device_token`` if ``code`` is right; else :class:`CodeRefused` carrying
    the link to store, locked after ``CODE_TRIES`` wrong tries."""
    _usable(link, now)
    if link.code_hash is None or link.code_sent_at is None:
        raise CodeRefused("code: ask for a code first", link)
    if now - link.code_sent_at > CODE_VALID_S:
        raise CodeRefused("code: the code has expired; ask for a new one", link)
    if not hmac.compare_digest(link.code_hash, digest(code.strip())):
        tries = link.tries + 1
        raise CodeRefused(
            "code: that is not the code that was sent", replace(link, tries=tries, locked=tries >= CODE_TRIES)
        )
    return replace(link, device_hash=digest(device_token), code_hash=None, tries=0)
