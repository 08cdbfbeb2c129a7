"""A bound on the booth's shutdown: once asked to stop, the process exits, and says why if it hangs.

The clean path (``KioskApp.run_with_controller``) ends the loops, closes the
call and releases the devices, and normally takes well under a second even on
a loaded machine. Anything that still keeps the process alive after that, a
thread of a library or a driver stuck in a read, would otherwise hang it until
systemd (or a test) kills it with SIGKILL, leaving nothing in the log. The
watchdog gives the clean path ``SHUTDOWN_LIMIT_S``; then it writes which
threads are still running and every thread's stack to the log, and exits with
``EXIT_HUNG`` so that whoever stopped the booth sees it did not stop cleanly.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
from collections.abc import Callable

log = logging.getLogger("etapiste.kiosk")

#: How long a stopping booth may take before it is ended, hung.
SHUTDOWN_LIMIT_S = 10.0
#: The exit status of a booth that had to be ended (EX_SOFTWARE): not 0, not a signal.
EXIT_HUNG = 70


def shutdown_watchdog(limit: float = SHUTDOWN_LIMIT_S, exit: Callable[[int], object] = os._exit) -> threading.Timer:
    """Start the countdown; ``cancel()`` the returned timer if the process lives on on purpose.

    The timer is a daemon thread: a shutdown that finishes in time is not
    held up by it. ``os._exit`` because a hung shutdown is one whose threads
    cannot be joined; the usual exit would wait for them again.
    """

    def give_up() -> None:
        others = (threading.current_thread(), threading.main_thread())
        stuck = [t.name for t in threading.enumerate() if t not in others and not t.daemon and t.is_alive()]
        log.error(
            "shutdown did not finish within %.0f s; threads holding the process: %s",
            limit,
            ", ".join(stuck) or "none besides the main thread",
        )
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        exit(EXIT_HUNG)

    timer = threading.Timer(limit, give_up)
    timer.name = "shutdown-watchdog"
    timer.daemon = True
    timer.start()
    return timer
