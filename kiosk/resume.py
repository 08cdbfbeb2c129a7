"""The booth's resume token, kept where a restarted kiosk finds it again.

The backend's ``welcome`` gives a token; the next ``hello`` presents it and, within
the backend's grace period, the booth's session (lobby place, call) is kept
(docs/RESILIENCE.md). A socket blip only needs it in memory; a kiosk that
crashed and was restarted by systemd needs it in a file. That file lives on
runtime storage (``$RUNTIME_DIRECTORY``, a tmpfs under /run, or the configured
``backend.resume_file``) so it never outlives a reboot, and it holds nothing
personal: a random string that only resumes this booth, once.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from protocol.messages import ResumeToken

log = logging.getLogger("etapiste.kiosk.resume")

#: The file's name under ``$RUNTIME_DIRECTORY`` when no ``backend.resume_file`` is configured.
RUNTIME_NAME = "resume-token"
_TOKEN = TypeAdapter(ResumeToken)


def resume_path(configured: str, environ: dict[str, str] | None = None) -> Path | None:
    """Where the token is kept: the configured file, else under systemd's runtime directory, else nowhere."""
    if configured:
        return Path(configured)
    runtime = (os.environ if environ is None else environ).get("RUNTIME_DIRECTORY", "")
    # systemd may give several, colon-separated: the first is ours.
    first = runtime.split(":")[0]
    return Path(first) / RUNTIME_NAME if first else None


class ResumeKeeper:
    """The last token, in memory and (when there is a place for it) in a file; never logged."""

    def __init__(self, configured: str = "", environ: dict[str, str] | None = None) -> None:
        self.path = resume_path(configured, environ)
        self._token: str | None = None
        if self.path is not None:
            try:
                self._token = _TOKEN.validate_python(self.path.read_text(encoding="ascii").strip())
            except FileNotFoundError:
                pass
            except (OSError, UnicodeError, ValidationError):
                log.warning("ignored an unreadable resume token file %s", self.path)

    def token(self) -> str | None:
        return self._token

    def keep(self, token: str | None) -> None:
        """The welcome's token (None: the backend does not resume; nothing is kept)."""
        self._token = token
        if self.path is None:
            return
        try:
            if token is None:
                self.path.unlink(missing_ok=True)
                return
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(token)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("cannot keep the resume token in %s: %s", self.path, exc.strerror)
