"""The booth's shell around the session machine: websocket, media, devices, status.

Runs in the booth's core thread (``kiosk.core_thread``) with its own asyncio
loop, together with aiortc and the audio path, apart from Kivy: the screens
are reached through ``kiosk.ui_bridge`` and the screens' inputs come in
through ``post``, safe from any thread. It turns the outside world
into ``kiosk.session`` events (with the time) and carries out the commands
the machine returns. It never lets an exception end the booth: a failure
becomes an event (disconnected, media failed) and the machine decides.

While the machine asks for it (``ScanQr``) the controller reads QR codes from
every camera a few times a second, one scan at a time in a worker thread,
and reports what it sees as ``QrSeen``. Booking codes and QR payloads
identify a person: they are never logged here, only that one was seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Protocol

import numpy as np
import websockets
from pydantic import ValidationError
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from drivers.button_logic import PressKind, led_for
from drivers.cardreader import CardEvent, CardInserted
from drivers.health import Health
from drivers.qr import read_qr
from drivers.supervisor import Supervisor
from kiosk import call_stats, guidance, log_ring
from kiosk import session as sm
from kiosk.audio_control import Volume, microphone_state
from kiosk.config import KioskConfig
from kiosk.devices import BoothDevices
from kiosk.enrollment import EnrollView
from kiosk.enrollment_run import EnrollmentRun
from kiosk.ice_path import selected_pair
from kiosk.identification import CardSigner
from kiosk.identity import CERTIFICATE_TOKEN, Identity
from kiosk.media import CallMedia, PreparedConnection, ice_servers_from
from kiosk.pin_entry import wipe
from kiosk.playout import Mixer
from kiosk.printing import fetch_job, print_summary
from kiosk.resume import ResumeKeeper
from kiosk.screenshot import Ask, Capture, CloseQuestion, Reply, ScreenshotConsent, encode_png
from kiosk.software import read_software
from kiosk.stills import http_base, take_and_upload
from kiosk.tls import client_context
from kiosk.tpm import resolve_tcti
from protocol.booking_code import QR_PREFIX
from protocol.codec import ProtocolError, decode, encode
from protocol.messages import (
    AssistState,
    BoothAudio,
    BoothLogs,
    BoothMaintenance,
    BoothSoftware,
    CallEvent,
    CallEventKind,
    CallStats,
    CameraSource,
    DeviceState,
    Error,
    ErrorCode,
    Hello,
    IceServer,
    Participant,
    Role,
    ScreenshotOutcome,
    ScreenshotRequest,
    ScreenshotResult,
    ServiceChoice,
    Welcome,
)

log = logging.getLogger("etapiste.kiosk")

RECONNECT_MIN_S, RECONNECT_MAX_S = 1.0, 10.0
#: Messages kept while the backend is unreachable, for a resume (a call's signalling is a few dozen).
OUTBOX_MAX = 500
TICK_S = 0.25
#: How long, when the booth stops, it waits for its calls' peer connections to close.
MEDIA_CLOSE_S = 5.0
#: The lobby's self-view: how often the face camera is read while the citizen waits.
PREVIEW_S = 0.1
#: How often, in a call, the officials are told how the booth's microphone sounds.
AUDIO_REPORT_S = 1.0
#: How often the cameras are searched for a QR code while the check-in screen is up.
QR_SCAN_INTERVAL_S = 0.3


class Ui(Protocol):
    """What the controller needs from the screens (Kivy in the booth)."""

    def show(self, command: sm.Show) -> None: ...

    def set_media(self, media: CallMedia | None) -> None: ...

    def show_assist(self, state: AssistState, confirmed: bool = True) -> None: ...

    def set_catalogue(self, services: tuple[ServiceChoice, ...]) -> None: ...

    def show_queue(self, position: int, wait_min: int | None) -> None: ...

    def show_people(self, people: tuple[Participant, ...]) -> None:
        """The remote parties on the call screen: the official in charge large, a guest beside."""
        ...

    def show_share(self, sharing: bool) -> None:
        """The official's shared window large on the call screen, or back to the faces."""
        ...

    def show_volume(self, volume: int) -> None:
        """The speaker's volume in %, for the call screen's louder/quieter control."""
        ...

    def show_muted(self, muted: bool) -> None:
        """The official muted the booth's microphone: the call screen says so, with "Unmute"."""
        ...

    def set_look(self, look: sm.Look) -> None:
        """Redraw the screens with large text / high contrast as the citizen toggled them."""
        ...

    def targets(self) -> dict[str, tuple[float, float]]:
        """Centre of each tappable widget on the current screen: fractions of the screen from the top left."""
        ...

    def show_enrollment(self, view: EnrollView) -> None:
        """The enrollment screen (first start without a certificate), in the state ``view`` says."""
        ...

    def ask_screenshot(self, language: str | None) -> None:
        """Ask the citizen whether support may see the screen, in ``language``; None: the question goes."""
        ...

    def capture_screen(self, done: Callable[[int, int, bytes | None], None]) -> None:
        """Read the window's pixels (RGB, bottom row first) and hand them to ``done(width, height, rgb)``."""
        ...


class Controller:
    def __init__(
        self,
        config: KioskConfig,
        devices: BoothDevices,
        ui: Ui,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config, self.devices, self.ui, self.clock = config, devices, ui, clock
        self.cameras, self.microphone = devices.cameras, devices.microphone
        self.camera = self.cameras[CameraSource.FACE]
        #: The remote voices' playout, for the whole life of the booth; reset for every call.
        audio = config.audio
        self.volume = Volume(audio.volume, audio.volume_min, audio.volume_max, audio.volume_step)
        self.mixer = Mixer(audio.playout_ms, self.volume.value)
        self._audio_reported = 0.0
        #: The face camera's last picture while the citizen waits in the lobby (their self-view
        #: beside the microphone meter); None elsewhere, so nothing of them stays for the next.
        self.preview: object = None
        if devices.speaker is not None:
            devices.speaker.source = self.mixer.pull
        self.supervisor = Supervisor(devices.supervised(), self._devices_changed)
        devices.events.on_press = lambda press: self.press_assist(press.kind is PressKind.LONG)
        devices.events.on_card = self._card_event
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self.machine = sm.BoothSession()
        #: The support provider's screenshot requests and the citizen's consent (``kiosk.screenshot``).
        self.shots = ScreenshotConsent()
        self.media: CallMedia | None = None
        self._ws: websockets.ClientConnection | None = None
        #: The token of the last welcome: the next hello resumes our session with it (``kiosk.resume``).
        self.resume = ResumeKeeper(config.resume_file)
        #: Messages the machine sent while the socket was down: sent after a resume, in order.
        self._outbox: list[object] = []
        self._tasks: set[asyncio.Task[None]] = set()
        #: Peer connections being closed: waited for at shutdown (see ``shutdown``).
        self._closing: set[asyncio.Task[None]] = set()
        self._health: tuple[Health, ...] = ()
        self._screen = sm.Screen.OFFLINE
        self.calls_completed = 0
        self.guidance_spoken = 0  # screens read aloud (for the tests; never what was said)
        self._scan_active = False
        #: Call quality (``kiosk.call_stats``): the last report's time and each link's running totals.
        self._quality_reported = 0.0
        self._link_totals: dict[str, call_stats.Snapshot] = {}
        #: The first peer connection, made and gathered while the citizen waits in the lobby
        #: (``kiosk.media.PreparedConnection``), and its gathering; taken by the first offer.
        self._prepared: PreparedConnection | None = None
        self._gathering: asyncio.Task[None] | None = None
        self._scan_generation = 0  # bumped by every ScanQr(True): a new check-in attempt
        self._scan_task: asyncio.Task[None] | None = None
        reader = devices.card_reader
        self.signer = CardSigner(config.id_card, reader.card_present if reader is not None else None)
        #: The PIN the keypad just handed over, until ``SignChallenge`` takes it (or it is wiped).
        self._pin: bytearray | None = None
        #: When the kiosk started: its uptime, in the booth's software report.
        self.started_at = clock()
        #: First-start enrollment and certificate renewal; None for a booth that signs in by its secret.
        self.enrollment = (
            EnrollmentRun(
                Identity(Path(config.identity_dir), resolve_tcti(config.tpm)), config, ui.show_enrollment, clock
            )
            if config.identity_dir
            else None
        )
        if reader is None:  # no reader to tell: the card counts as in (the PIN screen comes at once)
            self.machine.handle(sm.CardChanged(True, clock()))

    # -- inputs from the screens (any thread) --

    def press_start(self) -> None:
        self.post(sm.StartPressed(self.clock()))

    def press_cancel(self) -> None:
        self.post(sm.CancelPressed(self.clock()))

    def press_booking(self) -> None:
        self.post(sm.BookingPressed(self.clock()))

    def choose_language(self, language: str | None) -> None:
        """A language tapped on the attract screen (None: "change language", every language again)."""
        self.post(sm.LanguageChosen(language, self.clock()))

    def speak(self, parts: list[tuple[str, str]]) -> None:
        """Read ``parts`` ((language, text), in order) aloud on the booth's speaker; any thread.

        The speech is made in a worker thread (espeak-ng) and handed to the playout
        mixer; a failure is logged (never the text) and the booth goes on silent.
        """
        self._in_loop(lambda: self._spawn(self._speak(parts)))

    def hush(self) -> None:
        """Stop reading aloud (the screen changed)."""
        self.mixer.hush()

    async def _speak(self, parts: list[tuple[str, str]]) -> None:
        rate = self.config.audio.guidance_rate
        try:
            pcm = [await asyncio.to_thread(guidance.synthesize, text, lang, rate) for lang, text in parts if text]
        except guidance.GuidanceError as exc:
            log.warning("spoken guidance unavailable: %s", exc)
            return
        if pcm:
            self.mixer.say(np.concatenate(pcm))
            self.guidance_spoken += 1

    def toggle_look(self, what: str) -> None:
        """ "Large text" or "high contrast" tapped on the bar under every screen."""
        self.post(sm.LookToggled(what, self.clock()))

    def choose_service(self, service_id: str, language: str) -> None:
        self.post(sm.ServiceChosen(service_id, language, self.clock()))

    def submit_code(self, code: str) -> None:
        self.post(sm.CodeSubmitted(code, self.clock()))

    def press_back(self) -> None:
        self.post(sm.BackPressed(self.clock()))

    def touched(self) -> None:
        self.post(sm.Touched(self.clock()))

    def press_louder(self) -> None:
        """The citizen's big louder button on the call screen (any thread)."""
        self._in_loop(lambda: self._set_volume(self.volume.louder()))

    def press_quieter(self) -> None:
        self._in_loop(lambda: self._set_volume(self.volume.quieter()))

    def press_unmute(self) -> None:
        """The citizen's "Unmute" on the call screen, after the official muted the booth."""
        self.post(sm.UnmutePressed(self.clock()))

    def submit_pin(self, pin: bytearray) -> None:
        """OK on the PIN keypad (any thread): on the core loop the machine decides whether the
        card signs now (``SignChallenge`` takes the PIN); if not, the PIN is wiped there."""

        def enter() -> None:
            if self._pin is not None:
                wipe(self._pin)
            self._pin = pin
            self.feed(sm.PinEntered(self.clock()))
            if self._pin is not None:
                wipe(self._pin)
                self._pin = None

        self._in_loop(enter)

    def ident_back(self) -> None:
        self.post(sm.IdentBack(self.clock()))

    def print_summary(self) -> None:
        self.post(sm.SummaryPrintPressed(self.clock()))

    def summary_back(self) -> None:
        self.post(sm.SummaryClosed(self.clock()))

    def answer_feedback(self, score: int | None) -> None:
        self.post(sm.FeedbackAnswered(score, self.clock()))

    def press_assist(self, long_press: bool = False) -> None:
        """The call button; safe to call from a driver's thread."""
        self.post(sm.AssistPressed(long_press, self.clock()))

    def _in_loop(self, action: Callable[[], None]) -> None:
        loop = self._loop
        if loop is not None and loop.is_running() and threading.get_ident() != self._loop_thread:
            loop.call_soon_threadsafe(action)
        else:
            action()

    def post(self, event: sm.Event) -> None:
        """Feed ``event`` to the machine on the controller's loop, whichever thread calls.

        From the UI thread or a driver's thread the event is handed over to the
        core loop; on that loop itself (or before it runs) it is fed at once.
        """
        loop = self._loop
        if loop is not None and loop.is_running() and threading.get_ident() != self._loop_thread:
            loop.call_soon_threadsafe(self.feed, event)
        else:
            self.feed(event)

    # -- main loops --

    async def run(self) -> None:
        """The booth's loops, until cancelled; then ``shutdown`` releases the call and the devices."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        for camera in self.cameras.values():
            camera.open()
        self.ui.show(sm.Show(sm.Screen.OFFLINE))
        loops = [self._enrolled_then_connect(), self._tick_loop(), self.supervisor.run(), self._preview_loop()]
        await asyncio.gather(*loops)

    async def _enrolled_then_connect(self) -> None:
        """A booth with an identity folder enrolls first (``kiosk.enrollment_run``) and keeps its
        certificate renewed; then, and for a booth with a secret at once, the backend connection."""
        if self.enrollment is not None:
            await self.enrollment.until_enrolled()
            self.ui.show(sm.Show(sm.Screen.OFFLINE))
            self._spawn(self.enrollment.renew_loop())
        await self._connect_loop()

    def submit_enrollment_token(self, token: str) -> None:
        """OK on the enrollment screen (any thread)."""
        if self.enrollment is not None:
            self._in_loop(lambda: self.enrollment.submit(token) if self.enrollment else None)

    async def _connect_loop(self) -> None:
        delay = RECONNECT_MIN_S
        while True:
            try:
                async with websockets.connect(
                    self.config.backend_url, open_timeout=10, max_size=256 * 1024, **self._tls()
                ) as ws:
                    if await self._handshake(ws):
                        delay = RECONNECT_MIN_S
                        await self._read(ws)
            except (OSError, InvalidHandshake, InvalidURI, ConnectionClosed, TimeoutError) as exc:
                log.warning("backend unreachable (%s); retrying in %.0f s", type(exc).__name__, delay)
            except Exception:  # never let the booth die on a surprise
                log.exception("unexpected error in the backend connection")
            finally:
                self._ws = None
                if self.machine.state.phase is not sm.Phase.OFFLINE:
                    self.feed(sm.Disconnected(self.clock()))
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_S)

    def _tls(self) -> dict[str, ssl.SSLContext]:
        """``ssl=`` for the websocket when the booth file names the backend's CA (wss:// only); an enrolled
        booth's context also shows its client certificate (mTLS)."""
        if self.enrollment is not None:
            return {"ssl": self.enrollment.identity.client_context(self.config.ca_file)}
        context = client_context(self.config.ca_file)
        return {"ssl": context} if context is not None else {}

    def _credentials(self) -> tuple[str, str]:
        """(booth id, hello token): the certificate's booth id for an enrolled booth, else the booth file's."""
        if self.enrollment is not None:
            return self.enrollment.identity.booth_id() or "", CERTIFICATE_TOKEN
        return self.config.booth_id, self.config.secret

    async def _handshake(self, ws: websockets.ClientConnection) -> bool:
        booth_id, token = self._credentials()
        hello = Hello(
            role=Role.BOOTH,
            booth_id=booth_id,
            token=token,
            client="etapiste-kiosk",
            resume=self.resume.token(),
        )
        await ws.send(encode(hello))
        reply = decode(await asyncio.wait_for(ws.recv(), 10))
        if isinstance(reply, Error):
            level = logging.ERROR if reply.code is ErrorCode.AUTH_FAILED else logging.WARNING
            log.log(level, "backend refused this booth: %s (%s)", reply.reason, reply.code.value)
            return False
        if not isinstance(reply, Welcome):
            log.warning("backend answered hello with %s", reply.type)
            return False
        self._ws = ws
        self.resume.keep(reply.resume_token)
        held, self._outbox = self._outbox, []
        software = await asyncio.to_thread(read_software)
        await ws.send(encode(BoothSoftware(**asdict(software), started_at=self.started_at)))
        if reply.resumed:
            log.info("connected to backend as booth %s; session resumed", booth_id)
            for message in held:
                await self._send(message)
        else:
            log.info("connected to backend as booth %s", booth_id)
        self.feed(sm.Connected(self.clock(), resumed=reply.resumed))
        return True

    async def _read(self, ws: websockets.ClientConnection) -> None:
        async for frame in ws:
            try:
                message = decode(frame)
            except ProtocolError as exc:
                # The backend is ours, so this is a version skew or a bug: log, keep going.
                log.warning("ignored a message from the backend: %s", exc)
                continue
            if isinstance(message, ScreenshotRequest):
                log.info("support asks to see the screen")
                self._run_shots(self.shots.requested(message.request_id, self.machine.state, self.clock()))
                continue
            if isinstance(message, BoothMaintenance):
                if message.action == "send_logs":
                    await ws.send(encode(BoothLogs(text=log_ring.RING.bundle())))
                else:
                    self._maintenance(message.action)
                continue
            self.feed(sm.Received(message, self.clock()))

    def _maintenance(self, action: str) -> None:
        """The support provider's restart (a clean stop: systemd's ``Restart=always`` starts the kiosk
        again) or reboot (``systemctl reboot``; the image lets the kiosk user do it). The backend sends
        neither while a citizen is at the booth."""
        log.warning("maintenance from the support provider: %s", action)
        if action == "restart_kiosk":
            os.kill(os.getpid(), signal.SIGTERM)
        elif action == "reboot":
            try:
                subprocess.Popen(["systemctl", "reboot"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except OSError as exc:
                log.error("cannot reboot: %s", exc)

    # -- the support provider's screenshot --

    def answer_screenshot(self, allow: bool) -> None:
        """Allow / Do not allow on the question (the UI thread)."""
        self._in_loop(lambda: self._run_shots(self.shots.answered(allow)))

    def _run_shots(self, commands: list[Capture | Ask | CloseQuestion | Reply]) -> None:
        for command in commands:
            match command:
                case Capture(request_id=rid):
                    self.ui.capture_screen(self._screenshot_taken(rid))
                case Ask(language=language):
                    self.ui.ask_screenshot(language)
                case CloseQuestion():
                    self.ui.ask_screenshot(None)
                case Reply(request_id=rid, outcome=outcome):
                    log.info("screenshot not sent: %s", outcome.value)
                    self._spawn(self._send(ScreenshotResult(request_id=rid, outcome=outcome)))

    def _screenshot_taken(self, request_id: str) -> Callable[[int, int, bytes | None], None]:
        """What the UI thread calls with the pixels: hands them back to the controller's loop."""

        def taken(width: int, height: int, rgb: bytes | None) -> None:
            self._in_loop(lambda: self._spawn(self._send_screenshot(request_id, width, height, rgb)))

        return taken

    async def _send_screenshot(self, request_id: str, width: int, height: int, rgb: bytes | None) -> None:
        """Encode off the loop (a PNG of a full-HD screen takes a moment) and send; the picture is not kept."""
        png = await asyncio.to_thread(encode_png, width, height, rgb) if rgb else None
        if png is None:
            log.warning("screenshot could not be taken")
            await self._send(ScreenshotResult(request_id=request_id, outcome=ScreenshotOutcome.FAILED))
            return
        log.info("screenshot sent (%d bytes)", len(png))
        await self._send(ScreenshotResult(request_id=request_id, outcome=ScreenshotOutcome.SENT, png=png))

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            self.feed(sm.Tick(self.clock()))
            self._run_shots(self.shots.tick(self.clock()))
            self._report_audio()
            self._report_quality()
            self._write_status()

    async def _preview_loop(self) -> None:
        """The lobby's self-view: the face camera read off the loop while the citizen waits."""
        while True:
            if self.machine.state.phase is not sm.Phase.LOBBY:
                self.preview = None
                await asyncio.sleep(TICK_S)
                continue
            try:
                frame = await asyncio.to_thread(self.camera.read)
            except Exception:  # a failing camera shows no picture; its health says why
                frame = None
            self.preview = frame if self.machine.state.phase is sm.Phase.LOBBY else None
            await asyncio.sleep(PREVIEW_S)

    def _devices_changed(self, health: tuple[Health, ...]) -> None:
        self._report_device_events(self._health, health)
        self._health = health
        self.feed(sm.DevicesChanged(tuple(h.to_status() for h in health), self.clock()))

    def _card_event(self, event: CardEvent) -> None:
        """From the card reader's thread: noted (without the card's ATR, which identifies
        the card) and fed to the machine on the loop."""
        present = isinstance(event, CardInserted)
        log.info("ID card %s", "inserted" if present else "removed")
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self.feed, sm.CardChanged(present, self.clock()))

    # -- carrying out commands --

    def feed(self, event: sm.Event) -> None:
        for command in self.machine.handle(event):
            self._execute(command)
        self._keep_prepared()

    def _keep_prepared(self) -> None:
        """In the lobby, have the first peer connection made and its candidates gathered; once
        the citizen is neither waiting nor being connected, let it go."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # fed outside the core thread's loop (a synchronous test): nothing to prepare on
            return
        phase = self.machine.state.phase
        if phase is sm.Phase.LOBBY and self._prepared is None and self.config.prepare_in_lobby:
            prepared = PreparedConnection(ice_servers_from(self.machine.state.lobby_ice))
            self._prepared = prepared
            self._gathering = asyncio.ensure_future(prepared.gather())
        elif phase not in (sm.Phase.LOBBY, sm.Phase.CONNECTING, sm.Phase.IN_CALL) and self._prepared is not None:
            self._release_prepared()

    def _release_prepared(self) -> None:
        prepared, gathering = self._prepared, self._gathering
        self._prepared = self._gathering = None
        if gathering is not None:
            gathering.cancel()
        if prepared is not None:
            task = asyncio.ensure_future(prepared.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def _take_prepared(self) -> PreparedConnection | None:
        """The lobby's connection with its offer made (waiting for its gathering if under way),
        once; None when there is none or its gathering failed."""
        prepared, gathering = self._prepared, self._gathering
        self._prepared = self._gathering = None
        if prepared is None or gathering is None:
            return None
        try:
            await gathering
        except Exception as exc:  # a fresh connection is made instead
            log.warning("the connection prepared in the lobby failed: %s", type(exc).__name__)
            task = asyncio.ensure_future(prepared.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
            return None
        return prepared

    def _execute(self, command: sm.Command) -> None:
        match command:
            case sm.Send(message=message):
                self._spawn(self._send(message))
            case sm.Show():
                if command.screen is sm.Screen.ENDED and self._screen is sm.Screen.CALL:
                    self.calls_completed += 1
                self._screen = command.screen
                self.ui.show(command)
            case sm.ScanQr(active=active):
                self._set_scanning(active)
            case sm.SetCatalogue(services=services):
                self.ui.set_catalogue(services)
            case sm.ShowQueue(position=position, wait_min=wait_min):
                self.ui.show_queue(position, wait_min)
            case sm.StartMedia(session_id=sid, ice_servers=ice):
                self._start_media(sid, ice)
            case sm.ShowPeople(people=people):
                self.ui.show_people(people)
            case sm.ShowShare(sharing=sharing):
                self.ui.show_share(sharing)
            case sm.ConnectPeer(session_id=sid, peer=peer):
                self._connect_peer(sid, peer)
            case sm.ApplyAnswer(session_id=sid, peer=peer, sdp=sdp):
                self._spawn(self._media_call(sid, peer, lambda m: m.apply_answer(peer, sdp)))
            case sm.AddIceCandidate(session_id=sid, peer=peer):
                c = command
                self._spawn(
                    self._media_call(sid, peer, lambda m: m.add_ice(peer, c.candidate, c.sdp_mid, c.sdp_mline_index))
                )
            case sm.DisconnectPeer(peer=peer):
                if self.media is not None:
                    self._spawn(self.media.drop(peer))
            case sm.StopMedia():
                self._stop_media()
            case sm.ShowAssist(state=state, confirmed=confirmed):
                self.ui.show_assist(state, confirmed)
                if self.devices.call_button is not None:
                    self.devices.call_button.set_led(led_for(state))
            case sm.SelectCamera(source=source):
                self._select_camera(source)
            case sm.Log(text=text):
                log.info("%s", text)
            case sm.SetMuted(muted=muted, by_official=by_official):
                if self.media is not None:
                    self.media.set_muted(muted)
                self.ui.show_muted(muted and by_official)
            case sm.SetVolume(volume=volume):
                self._set_volume(self.volume.set(volume))
            case sm.SetLook(look=look):
                self.ui.set_look(look)
            case sm.PrintDocument(job_id=job_id, token=token):
                self._spawn(self._print_document(job_id, token))
            case sm.PrintSummary(text=text, language=language):
                self._spawn(self._print_summary(text, language))
            case sm.TakeStill(still_id=still_id, token=token):
                self._spawn(self._take_still(still_id, token))
            case sm.SignChallenge(challenge=challenge):
                pin, self._pin = self._pin, None
                if pin is not None:
                    self._spawn(self._sign(pin, challenge))

    async def _print_summary(self, text: str, language: str) -> None:
        self.feed(await asyncio.to_thread(print_summary, self.devices.printer, text, language, self.clock()))

    async def _print_document(self, job_id: str, token: str) -> None:
        printer = self.devices.a4_printer
        if printer is None:
            self.feed(sm.Printed("document", job_id, False, "no_printer", "", "", self.clock()))
            return
        context = client_context(self.config.ca_file)
        data = await asyncio.to_thread(fetch_job, http_base(self.config.backend_url), job_id, token, context)
        if data is None:
            self.feed(sm.Printed("document", job_id, False, "fetch_failed", "", "", self.clock()))
            return
        self.feed(await asyncio.to_thread(printer.print_pdf, data, job_id, self.clock))
        del data  # the document leaves the booth's memory with this task

    async def _take_still(self, still_id: str, token: str) -> None:
        camera, base = self.cameras.get(CameraSource.DOCUMENT), http_base(self.config.backend_url)
        context = client_context(self.config.ca_file)
        failed = await asyncio.to_thread(take_and_upload, camera, base, still_id, token, context)
        if failed is not None:
            self.feed(sm.StillNotTaken(still_id, failed, self.clock()))

    async def _sign(self, pin: bytearray, challenge: bytes) -> None:
        self.feed(await self.signer.sign(pin, challenge, self.clock))

    async def _send(self, message: object) -> None:
        ws = self._ws
        if ws is None:
            if len(self._outbox) < OUTBOX_MAX:
                self._outbox.append(message)  # sent if the session is resumed; moot if not
            else:
                log.warning("not connected; dropped outgoing %s", getattr(message, "type", "?"))
            return
        with contextlib.suppress(ConnectionClosed):
            await ws.send(encode(message))

    def _start_media(self, session_id: str, ice: tuple[IceServer, ...] = ()) -> None:
        self._stop_media()

        def on_state(peer: str, state: str) -> None:
            self._spawn(self._send(CallEvent(session_id=session_id, kind=CallEventKind.CONNECTION_STATE, peer=peer,
                                             detail=state)))  # fmt: skip
            if state == "connected":
                self.feed(sm.MediaConnected(session_id, peer, self.clock()))
            elif state == "failed":
                self.feed(sm.MediaFailed(session_id, peer, "ICE/DTLS connection failed", self.clock()))

        self.mixer.reset(self.volume.reset())  # every citizen starts at the booth's volume
        self.ui.show_volume(self.volume.value)
        media = CallMedia(self.camera, self.microphone, ice_servers_from(ice), on_state, self.mixer)
        self.media = media
        self.ui.set_media(media)

    def _connect_peer(self, session_id: str, peer: str) -> None:
        """One more peer connection in this call's media, and its offer to the machine."""
        media = self.media
        if media is None:
            return

        async def make_offer() -> None:
            try:
                sdp = await media.offer(peer, await self._take_prepared())
            except Exception as exc:
                log.exception("could not create the offer for peer %s", peer)
                self.feed(sm.MediaFailed(session_id, peer, type(exc).__name__, self.clock()))
                return
            self.feed(sm.OfferReady(session_id, peer, sdp, self.clock()))

        self._spawn(make_offer())

    async def _media_call(self, session_id: str, peer: str, action: Callable[[CallMedia], object]) -> None:
        media = self.media
        if media is None:
            return
        try:
            await action(media)  # type: ignore[misc]
        except Exception as exc:
            log.warning("media step for peer %s failed: %s", peer, exc)
            self.feed(sm.MediaFailed(session_id, peer, type(exc).__name__, self.clock()))

    def _set_volume(self, volume: int) -> None:
        """The speaker's volume (already within the booth's limits), shown on the call screen
        and told to the officials at once rather than at the next report."""
        self.mixer.volume = volume
        self.ui.show_volume(volume)
        self._audio_reported = 0.0
        #: The face camera's last picture while the citizen waits in the lobby (their self-view
        #: beside the microphone meter); None elsewhere, so nothing of them stays for the next.
        self.preview: object = None

    def _report_audio(self) -> None:
        """Once a second in a call: how the citizen is heard, to the officials (levels, no sound)."""
        sid = self.machine.state.session_id
        now = time.monotonic()
        if self.media is None or sid is None or self.machine.state.phase is not sm.Phase.IN_CALL:
            return
        if now - self._audio_reported < AUDIO_REPORT_S:
            return
        self._audio_reported = now
        level = max(-120.0, min(0.0, self.microphone.level_dbfs()))
        state = microphone_state(self.microphone.health(), level)
        self._spawn(
            self._send(
                BoothAudio(session_id=sid, mic_level_dbfs=round(level, 1), mic_state=state, volume=self.volume.value)
            )
        )

    def _report_quality(self) -> None:
        """Every few seconds in a call: each peer connection's figures, to the backend (and, from
        there, the official's quality indicator). Figures only, never content."""
        sid, media = self.machine.state.session_id, self.media
        if media is None or sid is None or self.machine.state.phase is not sm.Phase.IN_CALL:
            self._link_totals.clear()
            return
        now = time.monotonic()
        if now - self._quality_reported < call_stats.REPORT_S:
            return
        self._quality_reported = now
        self._spawn(self._send_link_stats(sid, media, now))

    async def _send_link_stats(self, session_id: str, media: CallMedia, now: float) -> None:
        for peer in media.peers:
            try:
                link = media.link(peer)
                report = await link.pc.getStats()
            except Exception as exc:  # a link closing meanwhile: no figures this time
                log.debug("no statistics for peer %s: %s", peer, type(exc).__name__)
                continue
            previous = self._link_totals.get(peer)
            figures, self._link_totals[peer] = call_stats.figures(
                report.values(), link.remote_video.serial, link.remote_video.size, previous, now
            )
            if previous is None:
                continue  # totals since the start: the next interval gives rates
            pair = call_stats.selected_pair(link.pc)
            await self._send(CallStats(session_id=session_id, peer=peer, pair=pair, **figures))  # type: ignore[arg-type]

    def _report_device_events(self, before: tuple[Health, ...], after: tuple[Health, ...]) -> None:
        """In a call, a device that stops working or works again is an event of the call's timeline
        (one that was already missing before, like a booth without a document camera, is not)."""
        sid = self.machine.state.session_id
        if sid is None or self.machine.state.phase is not sm.Phase.IN_CALL:
            return
        was = {h.role: h.state for h in before}
        for h in after:
            if h.role not in was or (was[h.role] is DeviceState.OK) == (h.state is DeviceState.OK):
                continue
            kind = CallEventKind.DEVICE_OK if h.state is DeviceState.OK else CallEventKind.DEVICE_FAULT
            try:
                event = CallEvent(session_id=sid, kind=kind, detail=h.role)
            except ValidationError:  # a role the wire cannot name: its health report still goes
                continue
            self._spawn(self._send(event))

    def _select_camera(self, source: CameraSource) -> None:
        camera = self.cameras.get(source)
        if camera is None:
            log.warning("the official asked for the %s camera, which this booth does not have", source.value)
            return
        if self.media is not None:
            self.media.camera_track.camera = camera  # same track, new source: no renegotiation

    def _stop_media(self) -> None:
        media, self.media = self.media, None
        self.mixer.reset(self.volume.reset())  # nothing of this call is played to the next citizen
        if media is not None:
            self.ui.set_media(None)
            task = asyncio.ensure_future(media.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    # -- QR codes --

    def _set_scanning(self, active: bool) -> None:
        self._scan_active = active
        if not active:
            return  # the loop ends after the scan under way; its result is dropped
        self._scan_generation += 1
        if self._scan_task is None or self._scan_task.done():
            self._scan_task = asyncio.ensure_future(self._scan_loop())

    async def _scan_loop(self) -> None:
        """Scan until told to stop. One loop, one scan at a time: the next starts after the last returned.

        A payload is reported once per attempt (``ScanQr(True)``), not three
        times a second while the citizen holds it up; a new attempt (after a
        refusal or no answer) reports what is in view again.
        """
        generation, reported = -1, None
        failed: set[str] = set()
        while self._scan_active:
            if generation != self._scan_generation:
                generation, reported = self._scan_generation, None
                failed = set()
            started = time.monotonic()
            try:
                payload = await asyncio.to_thread(self._scan_cameras, failed)
            except Exception:  # never let a scan take the booth down
                log.exception("QR scan failed")
                payload = None
            current = self._scan_active and generation == self._scan_generation  # not stopped meanwhile
            if current and payload is not None and payload != reported:
                reported = payload
                log.info("a QR code was seen")
                try:
                    self.feed(sm.QrSeen(payload, self.clock()))
                except Exception:
                    log.exception("handling a QR code failed")
            await asyncio.sleep(max(0.0, QR_SCAN_INTERVAL_S - (time.monotonic() - started)))

    def _scan_cameras(self, failed: set[str]) -> str | None:
        """In a worker thread: a QR payload one of the cameras sees now, a booking's first.

        ``failed`` names the cameras whose failure was already logged in this
        attempt, so a broken camera is one log line, not three a second.
        """
        seen: list[str] = []
        for source, camera in self.cameras.items():
            try:
                frame = camera.read()
                if frame is not None:
                    seen.extend(read_qr(frame))
            except Exception as exc:
                if source.value not in failed:
                    failed.add(source.value)
                    log.warning("reading QR codes from the %s camera failed: %s", source.value, type(exc).__name__)
        return next((p for p in seen if p.upper().startswith(QR_PREFIX)), seen[0] if seen else None)

    async def shutdown(self) -> None:
        """Release the call and the devices, once ``run`` has ended; the booth is stopping.

        Every peer connection is closed to the end, including one whose close
        began earlier (the official left): aiortc stops its decoder threads,
        which are not daemon threads, only in ``close``, and a close cut short
        leaves the process unable to exit. Sends and offers under way are
        dropped: nobody is left to receive them.
        """
        self._set_scanning(False)
        self._stop_media()
        self._release_prepared()
        pending = [t for t in (*self._tasks, self._scan_task) if t is not None and not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._closing:
            _done, hung = await asyncio.wait(set(self._closing), timeout=MEDIA_CLOSE_S)
            if hung:
                log.error("%d peer connection(s) did not close within %.0f s", len(hung), MEDIA_CLOSE_S)
        self.supervisor.close()

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- diagnostics --

    def status(self) -> dict[str, object]:
        """Counters for the technician and the tests. No personal data, no content."""
        stats = self.media.stats if self.media else None
        return {
            "time": self.clock(),
            "phase": self.machine.state.phase.value,
            "screen": self._screen.value,
            "session_id": self.machine.state.session_id,
            "connected": self._ws is not None,
            "calls_completed": self.calls_completed,
            "guidance": {
                "spoken": self.guidance_spoken,
                "samples_played": self.mixer.prompt_samples_played,
                "speaking": self.mixer.speaking(),
            },
            "targets": self._targets(),
            "checkin_result": self.machine.state.checkin_result,
            "ident_step": self.machine.state.ident_step,
            "devices": [{"role": h.role, "state": h.state.value, "reason": h.reason} for h in self._health],
            "media": None
            if stats is None
            else {
                "video_frames_sent": stats.video_frames_sent,
                "video_frames_received": stats.video_frames_received,
                "audio_frames_received": stats.audio_frames_received,
                "audio_frames_sent": stats.audio_frames_sent,
                "audio_level_dbfs": round(stats.audio_level_dbfs, 1),
                "first_remote_video_at": stats.first_remote_video_at,
                "remote_video_size": stats.remote_video_size,
                "playout_buffered_ms": round(self.mixer.buffered_ms(), 1),
                "playout_underruns": self.mixer.underruns,
                # The selected ICE pair of each peer (types and relay transport only, no addresses).
                "ice_paths": {peer: selected_pair(self.media.link(peer).pc) for peer in self.media.peers}
                if self.media
                else {},
                "volume": self.mixer.volume,
                # Frames decoded from each peer so far (with ``time``: each remote picture's frame rate).
                "video_frames_from": {peer: self.media.link(peer).remote_video.serial for peer in self.media.peers}
                if self.media
                else {},
                "microphone_muted": self.media.muted if self.media else False,
                # The bitrate the camera's one stream is encoded at: the lowest any peer's browser estimated.
                "video_target_kbps": self.media.video_target_bitrate // 1000 if self.media else None,
            },
        }

    def _targets(self) -> dict[str, tuple[float, float]]:
        try:
            return self.ui.targets()
        except Exception:  # diagnostics must never stop the status file
            log.exception("cannot compute the screen's targets")
            return {}

    def _write_status(self) -> None:
        path = self.config.status_file
        if not path:
            return
        tmp = Path(path + ".tmp")
        try:
            tmp.write_text(json.dumps(self.status()), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot write status file: %s", exc)
