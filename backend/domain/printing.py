"""Documents the official sends to the printer of the booth in their call: held in memory until the booth takes them.

Pure (``now`` and the random source passed in). A job belongs to one call's
booth: the booth hears its id and one-time token over its own websocket and
fetches the document once; then the bytes are dropped here. A job nobody
fetched goes when the call ends or after ``FETCH_TTL_S``. Nothing is written
to disk and nothing of the document is logged.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

#: Largest document, bytes: a tax card PDF is tens of kilobytes; a scanned letter a few megabytes.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
FETCH_TTL_S = 120.0
PDF_MAGIC = b"%PDF-"


class DocumentRefused(Exception):
    """Not a document this booth may print (``code``: not_pdf, too_large, empty)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass
class Job:
    job_id: str
    session_id: str
    token: str = field(repr=False)
    data: bytes = field(repr=False)
    at: float


class PrintJobs:
    def __init__(self, token: Callable[[int], str] = secrets.token_urlsafe) -> None:
        self._token = token
        self._jobs: dict[str, Job] = {}

    def submit(self, session_id: str, data: bytes, now: float) -> Job:
        if not data:
            raise DocumentRefused("empty", "body: the document is empty")
        if not data.startswith(PDF_MAGIC):
            raise DocumentRefused("not_pdf", "body: must be a PDF document (application/pdf)")
        if len(data) > MAX_DOCUMENT_BYTES:
            raise DocumentRefused("too_large", f"body: over {MAX_DOCUMENT_BYTES} bytes")
        self._expire(now)
        job = Job("pj-" + self._token(12), session_id, self._token(24), data, now)
        self._jobs[job.job_id] = job
        return job

    def take(self, job_id: str, token: str, now: float) -> bytes | None:
        """The document, once, for the token the booth was given; None otherwise."""
        self._expire(now)
        job = self._jobs.get(job_id)
        if job is None or not hmac.compare_digest(job.token.encode(), token.encode()):
            return None
        del self._jobs[job_id]
        return job.data

    def forget_call(self, session_id: str) -> None:
        for job_id in [i for i, j in self._jobs.items() if j.session_id == session_id]:
            del self._jobs[job_id]

    def held_bytes(self) -> int:
        return sum(len(j.data) for j in self._jobs.values())

    def _expire(self, now: float) -> None:
        for job_id in [i for i, j in self._jobs.items() if now > j.at + FETCH_TTL_S]:
            del self._jobs[job_id]
