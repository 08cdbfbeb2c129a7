"""The kiosk's own log, the last lines kept in memory for the support provider's logs bundle.

The kiosk never logs personal data (no names, codes, PINs, call content), so
its own log is what a bundle holds; the backend also blanks anything that looks
like a phone number or an e-mail address before keeping it. In memory only:
nothing of it is written to the booth's disk beyond what journald keeps.
"""

from __future__ import annotations

import logging
from collections import deque

#: Lines kept; a bundle is cut to ``MAX_BUNDLE_BYTES`` (the protocol's frame limit is 128 KiB).
RING_LINES = 2000
MAX_BUNDLE_BYTES = 100_000


class LogRing(logging.Handler):
    def __init__(self, lines: int = RING_LINES) -> None:
        super().__init__(level=logging.INFO)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self._lines: deque[str] = deque(maxlen=lines)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(self.format(record))
        except Exception:  # a log line must never break the booth
            self.handleError(record)

    def bundle(self, max_bytes: int = MAX_BUNDLE_BYTES) -> str:
        """The newest lines that fit in ``max_bytes`` of UTF-8, oldest first."""
        out: list[str] = []
        size = 0
        for line in reversed(self._lines):
            size += len(line.encode("utf-8")) + 1
            if size > max_bytes:
                break
            out.append(line)
        return "\n".join(reversed(out))


RING = LogRing()


def install() -> None:
    """Keep the kiosk process's log lines (called once at start, by ``etapiste kiosk``)."""
    root = logging.getLogger()
    if RING not in root.handlers:
        root.addHandler(RING)
