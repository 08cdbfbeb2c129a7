"""Every device in the booth, opened from the booth config, in one place.

The kiosk never knows which implementation it has (real, or a simulator at
the hardware boundary): it gets cameras by role, a microphone, and optional
call button, printer, card reader and touchscreen, each a ``SupervisedDevice``
the ``Supervisor`` watches. Device threads report events through
``DeviceEvents``; the controller sets the handlers and marshals them onto
its event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from drivers.button import CallButton, open_call_button
from drivers.button_logic import Press
from drivers.camera import Camera, OpenCVCamera
from drivers.cardreader import CardEvent, PcscCardReader
from drivers.echo_cancel import SINK, SOURCE, EchoCanceller
from drivers.microphone import Microphone
from drivers.printer import ReceiptPrinter, open_printer
from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from drivers.sound import PulseMicrophone, PulseSpeaker
from drivers.supervisor import SupervisedDevice
from drivers.touch import Touchscreen
from kiosk.config import CameraConfig, KioskConfig
from kiosk.printing import IppA4Printer
from protocol.messages import CameraSource


class DeviceEvents:
    """Callbacks from device threads; no-ops until the controller connects them."""

    def __init__(self) -> None:
        self.on_press: Callable[[Press], None] = lambda _press: None
        self.on_card: Callable[[CardEvent], None] = lambda _event: None

    def press(self, press: Press) -> None:
        self.on_press(press)

    def card(self, event: CardEvent) -> None:
        self.on_card(event)


@dataclass
class BoothDevices:
    cameras: dict[CameraSource, Camera]
    microphone: Microphone
    events: DeviceEvents = field(default_factory=DeviceEvents)
    call_button: CallButton | None = None
    printer: ReceiptPrinter | None = None
    card_reader: PcscCardReader | None = None
    touchscreen: Touchscreen | None = None
    speaker: PulseSpeaker | None = None
    echo_canceller: EchoCanceller | None = None
    a4_printer: IppA4Printer | None = None

    def supervised(self) -> list[SupervisedDevice]:
        """In the order a technician reads them on the fleet view."""
        optional = (self.speaker, self.call_button, self.printer, self.a4_printer, self.card_reader, self.touchscreen)
        canceller = [self.echo_canceller] if self.echo_canceller is not None else []
        return [*self.cameras.values(), *canceller, self.microphone, *(d for d in optional if d is not None)]


def make_camera(role: str, cam: CameraConfig) -> Camera:
    if cam.kind == "opencv":
        return OpenCVCamera(
            role, cam.device, cam.width, cam.height, still_width=cam.still_width, still_height=cam.still_height
        )
    return SimulatedCamera(role, cam.width, cam.height, cam.video_file or None)


def open_devices(config: KioskConfig, on_touch_return: Callable[[], None] | None = None) -> BoothDevices:
    """Create every configured device. Opening failures show up as health, never as a crash."""
    cameras = {CameraSource.FACE: make_camera("face_camera", config.face_camera)}
    if config.document_camera is not None:
        cameras[CameraSource.DOCUMENT] = make_camera("document_camera", config.document_camera)
    audio, server = config.audio, config.audio.server or None
    mic, speaker = config.microphone, config.speaker
    canceller = None
    if audio.echo_cancel and mic.kind == "pulse" and speaker.kind == "pulse":
        canceller = EchoCanceller(mic.device, speaker.device, server, audio.noise_suppression, audio.gain_control)
        canceller.probe()  # started before the drivers open its devices; never raises (health says why)
    microphone: Microphone = ToneMicrophone()
    if mic.kind == "pulse":
        microphone = PulseMicrophone(mic.device, server, via=SOURCE if canceller else "")
    devices = BoothDevices(cameras=cameras, microphone=microphone, echo_canceller=canceller)
    if speaker.kind == "pulse":
        devices.speaker = PulseSpeaker(
            speaker.device, server, latency_ms=audio.playout_ms, via=SINK if canceller else ""
        )
    if config.call_button is not None:
        devices.call_button = open_call_button(config.call_button, devices.events.press)
    if config.printer is not None:
        devices.printer = open_printer(config.printer)
    if config.card_reader is not None:
        devices.card_reader = PcscCardReader(config.card_reader, devices.events.card)
    if config.a4_printer is not None:
        devices.a4_printer = IppA4Printer(config.a4_printer)
    if config.touch is not None:
        devices.touchscreen = Touchscreen(config.touch.device, on_return=on_touch_return)
    return devices
