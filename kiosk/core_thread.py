"""The booth's core thread: the controller's asyncio loop, apart from Kivy's.

On a 2-core booth PC with Kivy, aiortc's encoders and the websocket in one
loop, a busy UI frame delayed the audio: 3-10 video frames per second out and
audio at a fifth of its rate under load (issue 9). Here the controller, and
with it aiortc, the audio path and the websocket, runs its loops in a thread
of its own; the UI gets screens and frames through ``kiosk.ui_bridge``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future

from drivers.priority import raise_priority
from kiosk.controller import Controller

log = logging.getLogger("etapiste.kiosk")


class CoreThread:
    """Runs ``controller.run()`` in a new thread and loop; ``stop`` ends it and releases everything."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        self.loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task[None] | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="etapiste-core", daemon=False)
        self.finished: Future[None] = Future()

    def start(self) -> None:
        self._thread.start()
        self._started.wait()

    def _run(self) -> None:
        raise_priority()
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main_task())
            self.finished.set_result(None)
        except BaseException as exc:  # reported to whoever stops the thread
            self.finished.set_exception(exc)
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _main_task(self) -> None:
        self._main = asyncio.current_task()
        self._started.set()
        try:
            await self.controller.run()
        except asyncio.CancelledError:
            pass
        except Exception:  # the loops failed: still release everything
            log.exception("the booth's loops failed")
        finally:
            await self.controller.shutdown()

    def stop(self, timeout: float | None = None) -> None:
        """Cancel the loops, wait until the call and the devices are released and the thread ended."""
        loop, main = self.loop, self._main
        if loop is not None and main is not None and not loop.is_closed():
            loop.call_soon_threadsafe(main.cancel)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("the booth's core thread did not end within %s s", timeout)
