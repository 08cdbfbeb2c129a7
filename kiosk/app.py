"""The booth's Kivy app, running in one asyncio loop with aiortc and the websocket.

Import only after ``kiosk.boot.prepare_kivy``: Kivy configures itself on import.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.uix.widget import Widget

from drivers.touch import kivy_input_line, restart_kivy_provider, stop_tuio_listeners
from kiosk import sdnotify
from kiosk import session as sm
from kiosk.config import KioskConfig
from kiosk.controller import Controller
from kiosk.devices import open_devices
from kiosk.i18n import TEXTS, all_languages
from kiosk.media import CallMedia
from kiosk.screens.assist import AssistBanner
from kiosk.screens.attract import AttractScreen
from kiosk.screens.call import CallScreen
from kiosk.screens.checkin import CheckinScreen
from kiosk.screens.choose import ChooseScreen
from kiosk.screens.ended import EndedScreen
from kiosk.screens.lobby import LobbyScreen
from kiosk.screens.offline import OfflineScreen
from kiosk.watchdog import SHUTDOWN_LIMIT_S, shutdown_watchdog
from protocol.messages import AssistState, ServiceChoice

log = logging.getLogger("etapiste.kiosk")

#: Debug screenshots are taken this long after a screen appears.
SCREENSHOT_DELAY_S = 1.0
#: ... and on the call screen every time this many more remote frames were shown
#: (a picture of the call as it is now, not only as it began),
SCREENSHOT_CALL_FRAMES = 60
#: ... once the self-view has shown this many of this call's frames.
SELF_VIEW_FRAMES = 10


class KioskApp(App):
    title = "Etäpiste"

    def __init__(self, config: KioskConfig, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.booth_config = config
        devices = open_devices(config, on_touch_return=self._touch_returned)
        self.controller = Controller(config, devices, self)
        #: The call screen's frame counters at which the next call screenshot is due.
        self._next_call_shot: tuple[int, int] = (SCREENSHOT_CALL_FRAMES, SELF_VIEW_FRAMES)
        self._watchdog: threading.Timer | None = None

    def build(self) -> FloatLayout:
        self.screens = ScreenManager(transition=NoTransition())
        c = self.controller
        self.attract = AttractScreen(on_start=c.press_start, on_booking=c.press_booking)
        self.choose = ChooseScreen(on_choose=c.choose_service, on_back=c.press_back, on_touch=c.touched)
        self.checkin = CheckinScreen(on_submit=c.submit_code, on_back=c.press_back, on_touch=c.touched)
        self.lobby = LobbyScreen(on_cancel=c.press_cancel)
        self.call = CallScreen()
        self.ended = EndedScreen()
        self.offline = OfflineScreen()
        for screen in (self.offline, self.attract, self.choose, self.checkin, self.lobby, self.call, self.ended):
            self.screens.add_widget(screen)
        self.screens.current = "offline"
        if self.booth_config.screenshot_dir:
            Clock.schedule_interval(self._watch_call_frames, 0.2)
        root = FloatLayout()
        root.add_widget(self.screens)
        self.assist_banner = AssistBanner(size_hint=(1, 0.09), pos_hint={"x": 0, "top": 1})
        root.add_widget(self.assist_banner)
        self._notify_systemd()
        return root

    def _notify_systemd(self) -> None:
        """READY=1 with the first frame, then watchdog pings from the UI loop (see ``kiosk.sdnotify``)."""
        Clock.schedule_once(lambda _dt: sdnotify.notify("READY=1"), 0)
        interval = sdnotify.watchdog_interval()
        if interval:
            Clock.schedule_interval(lambda _dt: sdnotify.notify("WATCHDOG=1"), interval)

    def _touch_returned(self) -> None:
        """From the supervisor's thread: Kivy's panel reader died with the panel; start a new one."""
        touch = self.booth_config.touch
        if touch is not None:
            Clock.schedule_once(lambda _dt: restart_kivy_provider(kivy_input_line(touch)))

    # -- Ui protocol for the controller --

    def show(self, command: sm.Show) -> None:
        screen = self.screens.get_screen(command.screen.value)
        lines = [all_languages(command.notice.value)] if command.notice.value in TEXTS else []
        if command.text is not None:
            lines.extend(command.text.lines())  # the backend's own words; never logged
        screen.set_notice("\n".join(lines))
        if screen is self.checkin:
            self.checkin.set_busy(command.busy)
        if command.screen is sm.Screen.CALL:
            self.call.set_official(command.official_name)
        self.screens.current = command.screen.value
        if self.booth_config.screenshot_dir:
            name = command.screen.value + (f"-{command.notice.value}" if command.notice.value else "")
            if command.text is not None:
                name += "-answer"  # the backend's reply on the screen (e.g. why a check-in failed)
            shown = command.screen.value

            def shoot(_dt: float) -> None:
                if self.screens.current == shown:  # a picture named after a screen shows that screen
                    self._screenshot(name)

            Clock.schedule_once(shoot, SCREENSHOT_DELAY_S)

    def set_media(self, media: CallMedia | None) -> None:
        self.call.set_media(media)
        remote, local = self.call.remote.frames_shown, self.call.local.frames_shown  # counted over all calls
        self._next_call_shot = (remote + SCREENSHOT_CALL_FRAMES, local + SELF_VIEW_FRAMES)

    def set_catalogue(self, services: tuple[ServiceChoice, ...]) -> None:
        self.choose.set_services(services)

    def show_queue(self, position: int, wait_min: int | None) -> None:
        self.lobby.set_queue(position, wait_min)

    def targets(self) -> dict[str, tuple[float, float]]:
        """Centres of the current screen's buttons, as fractions of the window from the top left.

        For the end-to-end tests, which tap over TUIO (same convention). Taken
        from where Kivy actually laid the widgets out, so a layout change never
        silently breaks a test that hard-coded a position.
        """
        named: dict[str, Widget] = getattr(self.screens.current_screen, "targets", dict)()
        width, height = Window.size
        if not width or not height:
            return {}
        out: dict[str, tuple[float, float]] = {}
        for name, widget in named.items():
            x, y = widget.to_window(*widget.center)
            out[name] = (round(x / width, 4), round(1 - y / height, 4))  # Kivy's y grows upwards
        return out

    def show_assist(self, state: AssistState) -> None:
        self.assist_banner.show(state)
        if self.booth_config.screenshot_dir and state is not AssistState.NONE:
            Clock.schedule_once(lambda _dt: self._screenshot(f"assist-{state.value}"), SCREENSHOT_DELAY_S)

    # -- debug screenshots (tests and development only: they show the call) --

    def _watch_call_frames(self, _dt: float) -> None:
        # Both pictures on the screen: the official's, and enough of the citizen's self-view
        # (it starts when the encoder first pulls a frame, which a loaded machine delays).
        # Retaken as the call goes on: the first seconds of a call on a loaded machine are
        # not what the citizen sees for the rest of it.
        call = self.call
        remote_due, local_due = self._next_call_shot
        shown = call.remote.frames_shown >= remote_due and call.local.frames_shown >= local_due
        if shown and self.screens.current == "call":
            self._screenshot("call-video")
            self._next_call_shot = (call.remote.frames_shown + SCREENSHOT_CALL_FRAMES, local_due)

    def _screenshot(self, name: str) -> None:
        target = Path(self.booth_config.screenshot_dir) / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        taken = Window.screenshot(name=str(target))
        if taken:
            os.replace(taken, target)  # whole pictures only: a reader never sees half a file

    def arm_shutdown_watchdog(self) -> None:
        """From here on the process exits within ``SHUTDOWN_LIMIT_S`` (see ``kiosk.watchdog``)."""
        if self._watchdog is None:
            self._watchdog = shutdown_watchdog(SHUTDOWN_LIMIT_S)

    def on_stop(self) -> None:
        """Before Kivy stops its input providers (it closes their sockets)."""
        stop_tuio_listeners()

    async def run_with_controller(self) -> None:
        """Kivy and the controller until the app stops; then the controller's loops end
        (the websocket says goodbye) before the call and the devices are released."""
        controller = asyncio.ensure_future(self.controller.run())
        try:
            await self.async_run(async_lib="asyncio")
        finally:
            self.arm_shutdown_watchdog()  # however the app came to stop
            controller.cancel()
            try:
                await controller
            except asyncio.CancelledError:
                pass
            except Exception:  # the loops failed before the stop: still release everything
                log.exception("the booth's loops failed")
            await self.controller.shutdown()


def run_kiosk(config: KioskConfig) -> NoReturn:
    """Run the booth until SIGTERM or SIGINT; the process then exits within ``SHUTDOWN_LIMIT_S``.

    Once everything the booth holds is released (``run_with_controller``: the
    call, the websocket, the devices; asyncio's worker threads joined), the
    process ends with ``os._exit``: the interpreter's own teardown would only
    free memory, and its final garbage collection over Kivy's object graph
    took 2-10 s on a loaded 2-core machine (measured with gdb during e2e runs),
    time in which a stopping booth is neither running nor restartable.
    A thread still alive at that point is a leak: it is waited for and named,
    and the watchdog ends a wait that does not end.
    """
    app = KioskApp(config)

    def stop() -> None:
        log.info("stopping")
        app.arm_shutdown_watchdog()
        app.stop()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
        await app.run_with_controller()

    asyncio.run(main())
    app.arm_shutdown_watchdog()  # (armed already, unless the app failed before Kivy ran)
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon and thread.is_alive():
            log.warning("waiting for thread %s to end", thread.name)
            thread.join()
    log.info("stopped")
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
