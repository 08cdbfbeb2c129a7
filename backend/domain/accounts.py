"""Rules for accounts the admin app creates: usernames, passwords, who may grant which role, the invitation text.

Pure: no database. ``backend.store.admin`` applies them; the HTTP schemas
(``backend.api.admin_schemas``) restate the same patterns so a bad value is a
422 naming the field before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import texts

_ = texts.Domain("backend").gettext

#: 3-60 characters: lower-case letters, digits, dot, dash, underscore (what people type on a phone, too).
USERNAME = r"^[a-z0-9._-]{3,60}$"
PASSWORD_MIN, PASSWORD_MAX = 10, 200
#: A work e-mail address (not validated further: the mail server is the judge).
EMAIL = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"

#: Roles an authority admin may give within their own organisation; the master admin may give every role.
ORGANISATION_ROLES = ("official", "reporter")
#: Roles whose scope is an organisation; an advisor's scope is a point, the master admin's none.
SCOPED_BY_ORGANISATION = ("authority_admin", "reporter")


class AccountRuleError(ValueError):
    """A request breaks an account rule; the message names the field and the rule."""


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountRuleError(f"password must be {PASSWORD_MIN}-{PASSWORD_MAX} characters long")
    if password.strip() != password or not password.strip():
        raise AccountRuleError("password must not begin or end with a space")
    return password


@dataclass(frozen=True)
class LinkMail:
    """The e-mail carrying a set-password link, in the recipient's language."""

    subject: str
    body: str


def link_mail(
    language: str, *, name: str, username: str, organisation: str, link: str, hours: int, reset: bool
) -> LinkMail:
    """An invitation (a new account) or a reset (an admin cleared the password): both carry a one-time link."""
    if reset:
        subject = _(language, "Set a new password for Etäpiste")
        body = _(
            language,
            "Hello {name},\n\nyour Etäpiste password was reset by your administrator. Your username is {username}. "
            "Set a new password within {hours} hours here:\n{link}\n\n"
            "If you did not ask for this, tell your administrator.",
            name=name,
            username=username,
            hours=hours,
            link=link,
        )
    else:
        subject = _(language, "Your Etäpiste account")
        body = _(
            language,
            "Hello {name},\n\nan Etäpiste account was made for you at {organisation}. Your username is {username}. "
            "Set your password within {hours} hours here:\n{link}\n\n"
            "If you did not expect this message, you can ignore it.",
            name=name,
            organisation=organisation,
            username=username,
            hours=hours,
            link=link,
        )
    return LinkMail(subject, body)
