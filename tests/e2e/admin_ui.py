"""Driving the admin app (/admin/) as a person does: by labels, buttons and links; a mail box for its links."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class MailBox:
    """A real SMTP server (aiosmtpd) the backend's delivery worker sends invitations to."""

    received: list[email.message.EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def link_for(self, address: str, timeout: float = 30) -> str:
        """The set-password link in the newest e-mail to ``address``, as the person would click it."""

        def found() -> str | None:
            for msg in reversed(self.received):
                if msg["To"] == address:
                    m = re.search(r"(https?://\S+#set-password=\S+)", msg.get_content())
                    if m:
                        return m.group(1)
            return None

        return wait_for(f"an e-mail with a link to {address}", found, timeout=timeout)


def start_mailbox(port: int) -> tuple[MailBox, Controller]:
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    return box, controller


def set_password(page: Any, link: str, password: str) -> None:
    """Open the link, set the password, and land on the sign-in form with the username filled in."""
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("New password again").fill(password)
    page.get_by_role("button", name="Set password").click()
    page.get_by_role("status").filter(has_text="Your password is set").wait_for()


def sign_in(page: Any, password: str, username: str | None = None) -> None:
    if username is not None:
        page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.locator("body[data-view='app']").wait_for()


#: The menu's links and the sections they open (``body[data-section]`` once loaded).
SECTIONS = {
    "Organisations": "organisations",
    "Service points": "points",
    "Booths": "booths",
    "Accounts": "accounts",
    "Service menu": "services",
    "Officials' hours": "skills",
    "Reports": "reports",
    "My counts": "mine",
    "Audit log": "audit",
    "Message texts": "texts",
    "Closure days": "closures",
    "Calls": "calls",
    "Booth support": "support",
}


def open_section(page: Any, name: str) -> None:
    """Follow the menu link and wait until that section has loaded (not the one shown before)."""
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
    page.locator(f"body[data-section='{SECTIONS[name]}']").wait_for()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.locator("body[data-view='login']").wait_for()


def axe_violations(page: Any) -> list[str]:
    """axe-core (from npm) run in the page: each violation as "rule: how many nodes"."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations.map(v => `${v.id}: ${v.nodes.length}`)")
    return list(result)
