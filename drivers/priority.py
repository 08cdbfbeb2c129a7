"""Media before pixels: a higher scheduling priority for the threads that move sound and video.

On a busy booth PC the audio must not be the part that gives (issue 9).
Linux keeps a nice value per thread, and threads inherit it from the thread
that starts them: the kiosk's core thread (aiortc, its encoders, the
websocket) and the audio drivers' threads raise their own. Lowering nice
needs CAP_SYS_NICE or ``LimitNICE=`` in the kiosk's systemd unit; without it
the booth runs at normal priority and says so.
"""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger("etapiste.drivers")

MEDIA_NICE = -10
_warned = False


def raise_priority(nice: int = MEDIA_NICE) -> bool:
    """Give the calling thread ``nice``; False (logged once) if the system does not allow it."""
    global _warned
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError as exc:
        if not _warned:
            _warned = True
            log.warning("media threads run at normal priority (%s): a busy booth may delay its sound", exc)
        return False
    return True
