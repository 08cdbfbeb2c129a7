"""The hand-off between the core thread and the screens: in order, on the UI thread, never fatal."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from kiosk import session as sm
from kiosk.ui_bridge import UiBridge
from tests.unit.kiosk.test_controller_qr import FakeUi


class UiThread:
    """Stands in for Kivy's main loop: runs what is scheduled on its own thread."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run)
        self.ran_on: set[int] = set()
        self.scheduled = 0
        self.thread.start()

    def schedule(self, job: Callable[[], None]) -> None:
        self.scheduled += 1
        self.jobs.put(job)

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            self.ran_on.add(threading.get_ident())
            job()

    def finish(self) -> None:
        self.jobs.put(None)
        self.thread.join()


def test_calls_from_another_thread_run_in_order_on_the_ui_thread():
    ui, ui_thread = FakeUi(), UiThread()
    ran_on: list[int] = []
    real_show = ui.show
    ui.show = lambda command: (ran_on.append(threading.get_ident()), real_show(command))  # type: ignore[method-assign]
    bridge = UiBridge(ui, ui_thread.schedule, lambda: ("attract", {}))
    screens = [sm.Screen.ATTRACT, sm.Screen.CHOOSE, sm.Screen.LOBBY, sm.Screen.CALL, sm.Screen.ENDED] * 20

    def controller() -> None:
        for screen in screens:
            bridge.show(sm.Show(screen))
        bridge.show_queue(3, 12)

    worker = threading.Thread(target=controller)
    worker.start()
    worker.join()
    ui_thread.finish()
    assert [c.screen for c in ui.shown] == screens
    assert ui.queues == [(3, 12)]
    assert set(ran_on) == {ui_thread.thread.ident}
    assert ui_thread.scheduled < len(screens)  # one drain per burst, not one per call


def test_a_failing_screen_call_is_logged_and_the_next_still_runs(caplog):
    ui, ui_thread = FakeUi(), UiThread()
    bridge = UiBridge(ui, ui_thread.schedule, lambda: ("attract", {}))
    bridge.call("no_such_method")
    bridge.show(sm.Show(sm.Screen.ATTRACT))
    ui_thread.finish()
    assert [c.screen for c in ui.shown] == [sm.Screen.ATTRACT]
    assert "no_such_method" in caplog.text


def test_targets_are_given_only_for_the_screen_the_controller_asked_for():
    shown = ["attract"]
    bridge = UiBridge(FakeUi(), lambda job: job(), lambda: (shown[0], {"start": (0.5, 0.4)}))
    bridge.show(sm.Show(sm.Screen.ATTRACT))
    bridge.refresh()
    assert bridge.targets() == {}  # one look: Kivy may not have laid it out yet
    bridge.refresh()
    assert bridge.targets() == {"start": (0.5, 0.4)}
    bridge.show(sm.Show(sm.Screen.CHOOSE))  # asked for, not yet drawn: the old buttons are gone
    assert bridge.targets() == {}
    shown[0] = "choose"
    bridge.refresh()
    assert bridge.targets() == {}
    bridge.refresh()
    assert bridge.targets() == {"start": (0.5, 0.4)}


def test_a_failing_snapshot_gives_no_targets():
    def broken() -> tuple[str, dict]:
        raise RuntimeError("no window")

    bridge = UiBridge(FakeUi(), lambda job: job(), broken)
    bridge.show(sm.Show(sm.Screen.ATTRACT))
    bridge.refresh()
    assert bridge.targets() == {}
