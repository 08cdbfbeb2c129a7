"""The booth's Kivy app. Kivy has the main thread; the controller, aiortc, the
audio path and the websocket run in the core thread (``kiosk.core_thread``)
and reach the screens through ``kiosk.ui_bridge``.

Import only after ``kiosk.boot.prepare_kivy``: Kivy configures itself on import.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from kivy.app import App
from kivy.clock import Clock, ClockEvent
from kivy.core.window import Window
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.uix.widget import Widget

from drivers.touch import kivy_input_line, restart_kivy_provider, stop_tuio_listeners
from kiosk import guidance, sdnotify
from kiosk import session as sm
from kiosk.boot import forget_kivy_home
from kiosk.config import KioskConfig
from kiosk.controller import Controller
from kiosk.core_thread import CoreThread
from kiosk.devices import open_devices
from kiosk.enrollment import EnrollView
from kiosk.i18n import TEXTS
from kiosk.media import CallMedia
from kiosk.screens.access_bar import AccessBar
from kiosk.screens.assist import AssistBanner
from kiosk.screens.attract import AttractScreen
from kiosk.screens.call import CallScreen
from kiosk.screens.checkin import CheckinScreen
from kiosk.screens.choose import ChooseScreen
from kiosk.screens.dump import visible_texts
from kiosk.screens.ended import EndedScreen
from kiosk.screens.enroll import EnrollScreen
from kiosk.screens.feedback import FeedbackScreen
from kiosk.screens.idcard import IdCardScreen
from kiosk.screens.lobby import LobbyScreen
from kiosk.screens.offline import OfflineScreen
from kiosk.screens.pin import PinScreen
from kiosk.screens.screenshot_question import ScreenshotQuestion
from kiosk.screens.summary import SummaryScreen
from kiosk.screens.theme import THEME, Scale
from kiosk.screens.wording import WORDING
from kiosk.ui_bridge import UiBridge
from kiosk.watchdog import SHUTDOWN_LIMIT_S, shutdown_watchdog
from protocol.messages import AssistState, Participant, ServiceChoice

log = logging.getLogger("etapiste.kiosk")

#: Debug screenshots are taken this long after a screen appears.
SCREENSHOT_DELAY_S = 1.0
#: ... and on the call screen every time this many more remote frames were shown
#: (a picture of the call as it is now, not only as it began),
SCREENSHOT_CALL_FRAMES = 60
#: ... once the self-view has shown this many of this call's frames.
SELF_VIEW_FRAMES = 10
#: Share of the window height the large-text / contrast bar takes, at the bottom.
ACCESS_BAR = 0.1
#: How often the UI thread refreshes the tappable widgets' positions for the status file.
TARGETS_REFRESH_S = 0.1


class KioskApp(App):
    title = "Etäpiste"

    def __init__(self, config: KioskConfig, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.booth_config = config
        devices = open_devices(config, on_touch_return=self._touch_returned)
        self.bridge = UiBridge(
            self, lambda drain: Clock.schedule_once(lambda _dt: drain()), lambda: (self.screens.current, self.targets())
        )
        self.controller = Controller(config, devices, self.bridge)
        #: The call screen's frame counters at which the next call screenshot is due.
        self._next_call_shot: tuple[int, int] = (SCREENSHOT_CALL_FRAMES, SELF_VIEW_FRAMES)
        #: Retaken also as the guests' pictures advance: with three parties on a loaded machine the
        #: official's frames may come slowly while the guests' pictures change.
        self._next_guest_shot = SCREENSHOT_CALL_FRAMES
        self._watchdog: threading.Timer | None = None
        self._guide_event: ClockEvent | None = None

    def build(self) -> FloatLayout:
        cfg = self.booth_config
        THEME.configure(Scale.for_panel(cfg.width, cfg.height, cfg.diagonal_in, Window.size[1] or cfg.height))
        # The screens above, the large-text / contrast bar below them, reachable from a wheelchair.
        self.screens = ScreenManager(
            transition=NoTransition(), size_hint=(1, 1 - ACCESS_BAR), pos_hint={"x": 0, "top": 1}
        )
        c = self.controller
        self.attract = AttractScreen(on_start=c.press_start, on_booking=c.press_booking, on_language=c.choose_language)
        self.choose = ChooseScreen(on_choose=c.choose_service, on_back=c.press_back, on_touch=c.touched)
        self.checkin = CheckinScreen(on_submit=c.submit_code, on_back=c.press_back, on_touch=c.touched)
        self.lobby = LobbyScreen(on_cancel=c.press_cancel, level=c.microphone.level_dbfs, preview=lambda: c.preview)
        self.call = CallScreen(
            on_louder=c.press_louder, on_quieter=c.press_quieter, on_advisor=c.press_assist, on_unmute=c.press_unmute
        )
        self.ended = EndedScreen()
        self.offline = OfflineScreen()
        self.idcard = IdCardScreen(on_back=c.ident_back)
        self.pin = PinScreen(
            on_submit=c.submit_pin,
            on_cancel=c.ident_back,
        )
        WORDING.bind(self.pin.prompt, "pin_prompt")
        WORDING.bind(self.pin.cancel_button, "back_to_meeting", " · ")
        self.summary = SummaryScreen(on_print=c.print_summary, on_back=c.summary_back)
        self.enroll = EnrollScreen(on_submit=c.submit_enrollment_token)
        screens = (self.offline, self.attract, self.choose, self.checkin, self.lobby, self.call, self.ended)
        self.feedback = FeedbackScreen(on_answer=c.answer_feedback)
        for screen in (*screens, self.idcard, self.pin, self.summary, self.feedback, self.enroll):
            self.screens.add_widget(screen)
        self.screens.current = "offline"
        if self.booth_config.screenshot_dir:
            Clock.schedule_interval(self._watch_call_frames, 0.2)
        Clock.schedule_interval(lambda _dt: self.bridge.refresh(), TARGETS_REFRESH_S)
        root = FloatLayout()
        root.add_widget(self.screens)
        self.assist_banner = AssistBanner(size_hint=(1, 0.09), pos_hint={"x": 0, "top": 1})
        root.add_widget(self.assist_banner)
        self.access_bar = AccessBar(
            on_toggle=c.toggle_look, on_read=self.read_aloud, size_hint=(1, ACCESS_BAR), pos_hint={"x": 0, "y": 0}
        )
        Window.bind(on_touch_down=lambda *_: self._touched())
        root.add_widget(self.access_bar)
        # Over everything, the whole window: nothing under the question can be pressed while it is up.
        self.screenshot_question = ScreenshotQuestion(on_answer=c.answer_screenshot, size_hint=(1, 1))
        root.add_widget(self.screenshot_question)
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
        WORDING.set_language(command.language)  # every bound text re-said before the screen shows
        THEME.set_look(command.look)
        lines = [WORDING.say(command.notice.value)] if command.notice.value in TEXTS else []
        if screen is self.summary:  # the official's own words, in their own place on the screen
            self.summary.set_summary("\n".join(command.text.lines()) if command.text else "", command.busy)
        elif command.text is not None:
            lines.extend(command.text.lines())  # the backend's own words; never logged
        screen.set_notice("\n".join(lines))
        if screen is self.checkin:
            self.checkin.set_busy(command.busy)
        if command.screen is sm.Screen.CALL:
            self.call.set_official(command.official_name)
            self.call.set_connected(command.notice is not sm.Notice.CONNECTING)
        if self.screens.current != command.screen.value:
            self.controller.hush()  # the last screen's words are not this one's
        self.screens.current = command.screen.value
        self._guide_later()
        if self.booth_config.screenshot_dir:
            name = command.screen.value + (f"-{command.notice.value}" if command.notice.value else "")
            if command.text is not None:
                name += "-answer"  # the backend's reply on the screen (e.g. why a check-in failed)
            name = self._shot_name(name)
            shown = command.screen.value

            def shoot(_dt: float) -> None:
                if self.screens.current == shown:  # a picture named after a screen shows that screen
                    self._screenshot(name)

            Clock.schedule_once(shoot, SCREENSHOT_DELAY_S)

    def show_enrollment(self, view: EnrollView) -> None:
        """The enrollment screen for the technician (first start); screenshot named by its state."""
        self.enroll.set_view(view)
        self.screens.current = "enroll"
        if self.booth_config.screenshot_dir:
            name = self._shot_name(view.status.value.replace("_", "-"))
            Clock.schedule_once(lambda _dt: self._screenshot(name) if self.screens.current == "enroll" else None, 1.0)

    # -- spoken guidance --

    def read_aloud(self) -> None:
        """The speaker button: the screen's words, in the citizen's language (every language before a choice)."""
        language = WORDING.language
        if language is None:
            parts = guidance.welcome_text()
        else:
            lines = [t["text"] for t in visible_texts(self.screens.current_screen, self.assist_banner)]
            parts = [(language, guidance.speech_text(lines))]
        self.controller.speak(parts)

    def _touched(self) -> None:
        """A touch anywhere: the citizen is acting; the idle reading waits again."""
        self._guide_later()

    def _guide_later(self) -> None:
        """Read the screen aloud once it has been left untouched for ``audio.guidance_idle_s`` (not in a call)."""
        if self._guide_event is not None:
            self._guide_event.cancel()
            self._guide_event = None
        idle = self.booth_config.audio.guidance_idle_s
        if idle and self.screens.current not in ("call", "offline"):
            self._guide_event = Clock.schedule_once(lambda _dt: self.read_aloud(), idle)

    def set_media(self, media: CallMedia | None) -> None:
        self.call.set_media(media)
        remote, local = self.call.remote.frames_shown, self.call.local.frames_shown  # counted over all calls
        self._next_call_shot = (remote + SCREENSHOT_CALL_FRAMES, local + SELF_VIEW_FRAMES)
        self._next_guest_shot = self._guest_frames() + SCREENSHOT_CALL_FRAMES

    def _guest_frames(self) -> int:
        return self.call.guest.frames_shown + self.call.guest2.frames_shown

    def set_catalogue(self, services: tuple[ServiceChoice, ...]) -> None:
        self.choose.set_services(services)

    def show_queue(self, position: int, wait_min: int | None) -> None:
        self.lobby.set_queue(position, wait_min)

    def show_people(self, people: tuple[Participant, ...]) -> None:
        self.call.set_people(people)

    def show_share(self, sharing: bool) -> None:
        self.call.set_sharing(sharing)

    def show_volume(self, volume: int) -> None:
        self.call.set_volume(volume)

    def show_muted(self, muted: bool) -> None:
        self.call.set_muted(muted)

    def set_look(self, look: sm.Look) -> None:
        THEME.set_look(look)
        if self.booth_config.screenshot_dir:
            name = self._shot_name(self.screens.current)
            Clock.schedule_once(lambda _dt: self._screenshot(name), SCREENSHOT_DELAY_S)

    def targets(self) -> dict[str, tuple[float, float]]:
        """Centres of the current screen's buttons, as fractions of the window from the top left.

        For the end-to-end tests, which tap over TUIO (same convention). Taken
        from where Kivy actually laid the widgets out, so a layout change never
        silently breaks a test that hard-coded a position.
        """
        named: dict[str, Widget] = getattr(self.screens.current_screen, "targets", dict)()
        named.update(self.access_bar.targets())
        if self.screenshot_question.shown:
            named = self.screenshot_question.targets()  # the only buttons that can be pressed now
        width, height = Window.size
        if not width or not height:
            return {}
        out: dict[str, tuple[float, float]] = {}
        for name, widget in named.items():
            x, y = widget.to_window(*widget.center)
            out[name] = (round(x / width, 4), round(1 - y / height, 4))  # Kivy's y grows upwards
        return out

    def show_assist(self, state: AssistState, confirmed: bool = True) -> None:
        self.assist_banner.show(state, confirmed)
        if self.booth_config.screenshot_dir and state is not AssistState.NONE:
            name = self._shot_name(f"assist-{state.value if confirmed else 'calling'}")
            Clock.schedule_once(lambda _dt: self._screenshot(name), SCREENSHOT_DELAY_S)

    # -- the support provider's screenshot --

    def ask_screenshot(self, language: str | None) -> None:
        self.screenshot_question.show(language)
        if language is not None and self.booth_config.screenshot_dir:
            name = self._shot_name("screenshot-question")
            Clock.schedule_once(lambda _dt: self._screenshot(name) if self.screenshot_question.shown else None, 0.5)

    def capture_screen(self, done: Callable[[int, int, bytes | None], None]) -> None:
        """The window as it is drawn: read on the next frame (so a question just closed is gone from it);
        the pixels go to ``done`` and are never written anywhere."""

        def read(_dt: float) -> None:
            try:
                from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels

                width, height = Window.size
                rgb = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
            except Exception:  # a failed picture is reported, never the booth's end
                log.exception("could not read the screen")
                done(0, 0, None)
                return
            done(int(width), int(height), bytes(rgb))

        Clock.schedule_once(read, 0.2)

    # -- debug screenshots (tests and development only: they show the call) --

    def _watch_call_frames(self, _dt: float) -> None:
        # Both pictures on the screen: the official's, and enough of the citizen's self-view
        # (it starts when the encoder first pulls a frame, which a loaded machine delays).
        # Retaken as the call goes on: the first seconds of a call on a loaded machine are
        # not what the citizen sees for the rest of it.
        call = self.call
        remote_due, local_due = self._next_call_shot
        guests = self._guest_frames()
        guests_moved = call.remote.frames_shown > 0 and guests >= self._next_guest_shot
        advanced = call.remote.frames_shown >= remote_due or guests_moved
        shown = advanced and call.local.frames_shown >= local_due
        if shown and self.screens.current == "call":
            self._screenshot("call-video")
            self._next_call_shot = (call.remote.frames_shown + SCREENSHOT_CALL_FRAMES, local_due)
            self._next_guest_shot = guests + SCREENSHOT_CALL_FRAMES

    @staticmethod
    def _shot_name(name: str) -> str:
        """A debug screenshot's name: the screen (and notice), the look, the language."""
        look = THEME.look
        name += ("-large" if look.large_text else "") + ("-contrast" if look.high_contrast else "")
        return name + (f"-{WORDING.language}" if WORDING.language else "")

    def _screenshot(self, name: str) -> None:
        target = Path(self.booth_config.screenshot_dir) / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        taken = Window.screenshot(name=str(target))
        if taken:
            os.replace(taken, target)  # whole pictures only: a reader never sees half a file
        texts = {"screen": self.screens.current, "window": list(Window.size), "language": WORDING.language}
        texts["texts"] = visible_texts(
            self.screens.current_screen, self.assist_banner, self.access_bar, self.screenshot_question
        )
        texts["look"] = {"large_text": THEME.look.large_text, "high_contrast": THEME.look.high_contrast}
        texts["min_text_px"] = THEME.scale.font(0, THEME.look.large_text)
        texts["min_target_px"] = THEME.scale.min_target_px
        if self.screens.current == "call":
            texts["pictures"] = self.call.pictures()
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target.with_suffix(".json"))

    def arm_shutdown_watchdog(self) -> None:
        """From here on the process exits within ``SHUTDOWN_LIMIT_S`` (see ``kiosk.watchdog``)."""
        if self._watchdog is None:
            self._watchdog = shutdown_watchdog(SHUTDOWN_LIMIT_S)

    def on_stop(self) -> None:
        """Before Kivy stops its input providers (it closes their sockets)."""
        stop_tuio_listeners()

    async def run_with_controller(self) -> None:
        """Kivy here and the controller in its core thread until the app stops; then the
        controller's loops end (the websocket says goodbye) and the call and the devices are
        released before the core thread ends."""
        core = CoreThread(self.controller)
        core.start()
        try:
            await self.async_run(async_lib="asyncio")
        finally:
            self.arm_shutdown_watchdog()  # however the app came to stop
            await asyncio.to_thread(core.stop)


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
    forget_kivy_home()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
