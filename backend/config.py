"""Backend settings, from the command line or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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
