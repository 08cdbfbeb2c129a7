"""The thread-safe hand-off between the booth's core thread and its Kivy screens.

The controller (websocket, session machine, aiortc, audio) runs in its own
thread with its own asyncio loop (``kiosk.core_thread``), so Kivy's frame work
can never delay an encoder or the websocket. It talks to the screens only
through ``UiBridge``: each call is queued and run, in order, on the UI thread
by one scheduled drain. The screens' own reads the other way (the tappable
widgets' positions for the status file) come from a snapshot the UI thread
refreshes, never from Kivy objects touched off its thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk import session as sm
    from kiosk.controller import Ui
    from kiosk.enrollment import EnrollView
    from kiosk.media import CallMedia
    from protocol.messages import AssistState, Participant, ServiceChoice

log = logging.getLogger("etapiste.kiosk")

Targets = dict[str, tuple[float, float]]


class UiBridge:
    """Implements the controller's ``Ui`` by forwarding every call to ``target`` on the UI thread.

    ``schedule(drain)`` must run ``drain`` soon on the UI thread (Kivy's
    ``Clock.schedule_once``, which is thread-safe); it is asked once per burst
    of calls, not once per call. ``snapshot()`` runs on the UI thread (from
    ``refresh``) and returns the screen shown and its targets.
    """

    def __init__(
        self,
        target: Ui,
        schedule: Callable[[Callable[[], None]], None],
        snapshot: Callable[[], tuple[str, Targets]],
    ) -> None:
        self._target, self._schedule, self._snapshot = target, schedule, snapshot
        self._calls: queue.SimpleQueue[tuple[str, tuple[Any, ...]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._drain_pending = False
        self._requested: str | None = None  # the screen the controller last asked for
        self._shown: tuple[str, Targets] = ("", {})
        self._stable = False  # the last two refreshes agreed: Kivy has laid the screen out

    # -- the controller's side (any thread) --

    def show(self, command: sm.Show) -> None:
        self._requested = command.screen.value
        self._post("show", command)

    def set_media(self, media: CallMedia | None) -> None:
        self._post("set_media", media)

    def show_assist(self, state: AssistState, confirmed: bool = True) -> None:
        self._post("show_assist", state, confirmed)

    def set_catalogue(self, services: tuple[ServiceChoice, ...]) -> None:
        self._post("set_catalogue", services)

    def show_queue(self, position: int, wait_min: int | None) -> None:
        self._post("show_queue", position, wait_min)

    def show_people(self, people: tuple[Participant, ...]) -> None:
        self._post("show_people", people)

    def show_share(self, sharing: bool) -> None:
        self._post("show_share", sharing)

    def show_volume(self, volume: int) -> None:
        self._post("show_volume", volume)

    def show_muted(self, muted: bool) -> None:
        self._post("show_muted", muted)

    def set_look(self, look: sm.Look) -> None:
        self._post("set_look", look)

    def show_enrollment(self, view: EnrollView) -> None:
        self._requested = "enroll"
        self._post("show_enrollment", view)

    def ask_screenshot(self, language: str | None) -> None:
        self._post("ask_screenshot", language)

    def capture_screen(self, done: Callable[[int, int, bytes | None], None]) -> None:
        self._post("capture_screen", done)

    def call(self, method: str, *args: Any) -> None:
        """Any other method of the screens' side, by name (e.g. a level meter's update)."""
        self._post(method, *args)

    def targets(self) -> Targets:
        """The last snapshot's targets, if it shows the screen the controller asked for; else none.

        A snapshot of the previous screen would send a test's tap to a button
        that is no longer there.
        """
        screen, targets = self._shown
        return dict(targets) if self._stable and screen == self._requested else {}

    # -- the UI thread's side --

    def refresh(self) -> None:
        """On the UI thread, periodically: what the screen shows now, for ``targets``.

        Positions count only once two refreshes (UI frames apart) agree: a screen
        just switched to is laid out on a later frame, and on a loaded machine the
        status file may be written twice before that frame comes.
        """
        try:
            shown = self._snapshot()
        except Exception:  # diagnostics must never stop the screens
            log.exception("cannot compute the screen's targets")
            shown = ("", {})
        self._stable = shown == self._shown
        self._shown = shown

    def drain(self) -> None:
        """On the UI thread: every queued call, in the order the controller made them."""
        with self._lock:
            self._drain_pending = False
        while True:
            try:
                method, args = self._calls.get_nowait()
            except queue.Empty:
                return
            try:
                getattr(self._target, method)(*args)
            except Exception:  # a screen's failure must never end the booth
                log.exception("the screen failed to carry out %s", method)

    def _post(self, method: str, *args: Any) -> None:
        self._calls.put((method, args))
        with self._lock:
            if self._drain_pending:
                return
            self._drain_pending = True
        self._schedule(self.drain)
