"""Backend settings, from the command line or the environment."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backend.jobs import JobSettings
from backend.notify import NotifyConfig

WEB_ROOT = Path(__file__).with_name("web")


@dataclass(frozen=True)
class BackendSettings:
    #: Any SQLAlchemy URL; SQLite file by default, PostgreSQL in production.
    database_url: str = field(default_factory=lambda: os.environ.get("ETAPISTE_DATABASE_URL", "sqlite:///etapiste.db"))
    host: str = "127.0.0.1"
    port: int = 8000
    #: Insert the demo point, booth and official at start-up.
    seed_demo: bool = False
    #: SMS gateway and SMTP settings (``ETAPISTE_NOTIFY_*``); unset channels keep messages waiting.
    notify: NotifyConfig = field(default_factory=NotifyConfig.from_env)
    #: Official no-show grace and contact-data retention (``ETAPISTE_NO_SHOW_GRACE_MIN``, ...).
    jobs: JobSettings = field(default_factory=JobSettings.from_env)
    #: Start the backend's clock at this unix time and let it run at real speed
    #: (demos and end-to-end tests that need "a Tuesday at 9.55"); None: real time.
    clock_start: float | None = None


def running_clock(start: float | None, real: Callable[[], float] = time.time) -> Callable[[], float]:
    """The backend's one clock: real time, or real time shifted to begin at ``start``."""
    if start is None:
        return real
    offset = start - real()
    return lambda: real() + offset
