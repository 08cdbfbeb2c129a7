"""The booth's configuration file (TOML): one pydantic model, errors that name the key path and the rule.

A technician edits this file on an image or at enrollment; a typo must be
reported as "cameras.face.kind: must be one of opencv, simulated; got 'webcam'"
rather than a traceback on a booth nobody is watching, and a misspelt key
("cameras.face.devise: unknown key") must be refused rather than ignored.

``BoothFile`` is the file, table by table; every device table the drivers
need is validated here, once, and turned into the driver's own runtime config
(``drivers.button.ButtonConfig``, ``drivers.printer.PrinterConfig``,
``drivers.touch.TouchConfig``) by ``BoothFile.kiosk_config``. ``to_toml``
writes a model back as a file: the demo and the e2e tests build their booth
that way (``etapiste/sim_booth.py``). docs/CONFIG.md lists every key.

Example::

    [backend]
    url = "wss://etapiste.example.fi/ws"
    booth_id = "imatra-1"
    ca_file = "/etc/etapiste/ca.pem"   # optional: the backend's private CA
    secret = "..."            # or secret_file = "/etc/etapiste/booth.secret" (relative: to this file)
    resume_file = ""          # the resume token across restarts; empty: $RUNTIME_DIRECTORY/resume-token

    [display]
    fullscreen = true
    width = 1920
    height = 1080

    [touch]
    tuio = ""                 # "host:port" of a TUIO touch source, if any
    device = "/dev/input/by-id/usb-ILITEK_Multi-Touch-event-if00"   # the panel (optional)
    provider = "hidinput"     # or "mtdev"
    rotation = 0              # 0, 90, 180, 270
    invert_x = false
    invert_y = false

    [cameras.face]
    kind = "opencv"           # or "simulated" (video_file = "clip.avi" to play a file)
    device = "/dev/v4l/by-id/usb-Logitech_BRIO_1234-video-index0"   # or "usb:046d:085e:SERIAL"

    [cameras.document]        # optional; the official can switch to it in a call
    kind = "opencv"
    device = "usb:2a1f:0001"
    width = 1280
    height = 720
    still_width = 0           # 0: the largest the camera offers, for stills
    still_height = 0

    [microphone]
    kind = "simulated"

    [call_button]             # optional
    kind = "serial"           # or "hid" with device = "vid:pid[:serial]" (hex), report_byte,
    path = "/dev/serial/by-id/usb-Etapiste_CallButton_01-if00"   # report_mask, active_low
    baudrate = 115200
    long_press_s = 2.0        # both kinds
    debounce_s = 0.03

    [printer]                 # optional
    kind = "network"          # or "serial" (path, baudrate) or "usb" (device = "vid:pid[:serial]",
    host = "192.0.2.50"       # in_ep, out_ep)
    port = 9100
    profile = "default"       # python-escpos printer profile, e.g. "TM-T20II"
    width = 42                # text columns

    [card_reader]             # optional
    reader = "Gemalto*"       # PC/SC reader name pattern

    [id_card]                 # optional
    pkcs11_module = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
    token_label = ""          # optional: the token to use
    rsa_padding = "pkcs1"     # or "pss"

    [a4_printer]              # optional: documents the official sends (PDF), through CUPS
    uri = "ipp://localhost:631/printers/a4"

    [diagnostics]
    status_file = ""          # JSON counters for the technician and tests
    screenshot_dir = ""       # test/dev only: screenshots contain the call picture
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import serial
import tomli_w
from escpos.capabilities import get_profile
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from drivers.button import ButtonConfig, HidButtonConfig, SerialButtonConfig
from drivers.button_logic import DEFAULT_DEBOUNCE_S, DEFAULT_LONG_PRESS_S, HidReportMap
from drivers.camera_identity import CameraIdentityError, parse_identity
from drivers.printer import PrinterConfig
from drivers.slip import DEFAULT_WIDTH
from drivers.touch import STABLE_DIRS, TouchConfig


class ConfigError(ValueError):
    """A problem in the booth config; one line per problem, each naming the key path and the rule."""


# --- value rules, each stated once ----------------------------------------------------------------


def whole(lo: int, hi: int) -> Any:
    """A whole number in ``lo..hi`` (TOML integer; not a float, not a bool)."""

    def check(value: int) -> int:
        if not lo <= value <= hi:
            raise ValueError(f"must be a whole number from {lo} to {hi}")
        return value

    return Annotated[int, AfterValidator(check)]


def seconds(lo: float, hi: float) -> Any:
    """A duration in seconds within ``lo..hi`` (a TOML integer is fine too)."""

    def check(value: float) -> float:
        if not lo <= value <= hi:
            raise ValueError(f"must be a number of seconds between {lo:g} and {hi:g}")
        return value

    return Annotated[float, AfterValidator(check)]


def _device_path(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError("must be an absolute device path such as /dev/serial/by-id/usb-...")
    return value


def _baudrate(value: int) -> int:
    if value not in serial.Serial.BAUDRATES:
        raise ValueError("must be a standard baud rate such as 9600, 38400 or 115200")
    return value


def _usb_id(value: str) -> str:
    parse_usb_id(value)
    return value


def parse_usb_id(value: str) -> tuple[int, int, str | None]:
    """``"1a86:7523"`` or ``"1a86:7523:SERIAL"`` → (vendor, product, serial); the call button's and printer's syntax."""
    hint = "must be vendor:product[:serial] in hex, e.g. 0483:5750"
    parts = value.split(":", 2)
    if len(parts) < 2:
        raise ValueError(hint)
    try:
        vid, pid = int(parts[0], 16), int(parts[1], 16)
    except ValueError:
        raise ValueError(hint) from None
    if not (0 <= vid <= 0xFFFF and 0 <= pid <= 0xFFFF):
        raise ValueError(hint)
    return vid, pid, (parts[2] or None) if len(parts) == 3 else None


DevicePath = Annotated[str, AfterValidator(_device_path)]
Baudrate = Annotated[int, AfterValidator(_baudrate)]
UsbId = Annotated[str, AfterValidator(_usb_id)]
Text = Annotated[str, Field(min_length=1)]


class Section(BaseModel):
    """A table of the file: TOML types as written (strict), unknown keys refused."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# --- the tables ---------------------------------------------------------------------------------


class BackendSection(Section):
    url: str
    #: The booth's id and secret from the admin app; an enrolled booth (``identity_dir``) has neither:
    #: its id is in its certificate.
    booth_id: Text | None = None
    secret: str | None = None
    secret_file: str | None = None
    #: PEM file of the CA that signed the backend's (and the TURN server's) certificate, for a
    #: wss:// URL under a private CA (relative: to this file); empty: the system's CAs.
    ca_file: str = ""
    #: Where the resume token is kept across a kiosk restart (runtime storage, e.g. a tmpfs);
    #: empty: ``$RUNTIME_DIRECTORY/resume-token`` when systemd gives one, else memory only.
    resume_file: str = ""
    #: Folder of the booth's own key and client certificate (enrollment; docs/TECHNICIAN.md). Set: the
    #: booth enrolls on first start with a one-time token and signs in by certificate (mTLS).
    identity_dir: str = ""
    #: Where a USB stick's enrollment token file appears (e.g. /media/usb/etapiste-token.txt); optional.
    token_file: str = ""
    #: The TPM 2.0 the enrollment key is sealed to: ``auto`` (``/dev/tpmrm0`` when present), ``off``
    #: (a file key readable only by the kiosk's user), or a TCTI such as ``swtpm:host=127.0.0.1,port=2321``.
    tpm: str = "auto"

    @field_validator("tpm")
    @classmethod
    def _tcti(cls, value: str) -> str:
        if value in ("auto", "off") or re.fullmatch(r"(device|swtpm|mssim|tabrmd):[A-Za-z0-9_=,./:-]*", value):
            return value
        raise ValueError("must be auto, off or a TCTI like device:/dev/tpmrm0 or swtpm:host=127.0.0.1,port=2321")

    @field_validator("url")
    @classmethod
    def _websocket(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("must start with ws:// or wss:// (e.g. wss://backend.example.fi/ws)")
        return value

    @model_validator(mode="after")
    def _one_secret(self) -> BackendSection:
        if self.identity_dir:
            if self.secret or self.secret_file or self.booth_id:
                raise ValueError("identity_dir: an enrolled booth has no booth_id, secret or secret_file here")
            if not self.url.startswith("wss://"):
                raise ValueError("identity_dir: enrollment needs a wss:// url (the certificate is shown over TLS)")
            return self
        if self.token_file:
            raise ValueError("token_file: only with identity_dir")
        if not self.booth_id:
            raise ValueError("give booth_id (or identity_dir to enroll the booth)")
        if bool(self.secret) == bool(self.secret_file):
            raise ValueError("give exactly one of secret or secret_file")
        return self

    @model_validator(mode="after")
    def _ca_for_tls(self) -> BackendSection:
        if self.ca_file and not self.url.startswith("wss://"):
            raise ValueError("ca_file: only for a wss:// url (a ws:// backend has no certificate to check)")
        return self


class IceSection(Section):
    """Retired: the backend gives every participant its ICE servers with each call (TURN with
    time-limited credentials); fixed servers here had no credentials and are refused by name."""

    servers: list[str] = []
    #: Make the first peer connection and gather its candidates while the citizen waits in the
    #: lobby (``kiosk.media.PreparedConnection``); off: at Admit, as before (for comparison).
    prepare_in_lobby: bool = True

    @field_validator("servers")
    @classmethod
    def _retired(cls, value: list[str]) -> list[str]:
        if value:
            raise ValueError(
                "no longer read; the backend gives the booth its TURN servers with each call"
                " (ETAPISTE_TURN_* on the backend, docs/NETWORK.md); remove the [ice] table (the booth"
                " image's firewall reads its TURN servers from firewall.turn)"
            )
        return value


class FirewallSection(Section):
    """What the booth image's egress firewall (images/firewall.py) lets out besides the backend:
    the TURN servers the backend hands out with each call. The kiosk itself does not read this."""

    turn: list[str] = []

    @field_validator("turn")
    @classmethod
    def _ice_urls(cls, value: list[str]) -> list[str]:
        if not all(s.startswith(("stun:", "turn:", "turns:")) for s in value):
            raise ValueError("must be a list of stun:, turn: or turns: URLs")
        return value


class DisplaySection(Section):
    fullscreen: bool = True
    width: whole(320, 7680) = 1920
    height: whole(240, 4320) = 1080
    #: The panel's diagonal in inches: text and touch targets are sized in mm on it (kiosk.screens.theme).
    diagonal_in: Annotated[float, Field(ge=7, le=100)] = 27.0


class TouchSection(Section):
    """``tuio`` (a TUIO source, tests and headless booths) and the panel; no ``device``: no panel (a mouse)."""

    tuio: str = ""
    device: str | None = None
    provider: Literal["hidinput", "mtdev"] = "hidinput"
    rotation: Literal[0, 90, 180, 270] = 0
    invert_x: bool = False
    invert_y: bool = False  # as the technician sees it: true = touches land mirrored top-bottom without it
    max_position_x: whole(1, 1 << 31) | None = None
    max_position_y: whole(1, 1 << 31) | None = None

    @field_validator("device")
    @classmethod
    def _stable_panel(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value:
            raise ValueError("give the panel's /dev/input/by-id/...-event-if00 link")
        if not value.startswith(STABLE_DIRS):
            raise ValueError(
                f"{value!r} is not a stable path (/dev/input/eventN changes between boots); "
                "use /dev/input/by-id/...-event-if00 or /dev/input/by-path/..."
            )
        if any(c in value for c in ",\n="):
            raise ValueError("must not contain ',', '=' or newlines (Kivy splits its input line on them)")
        return value

    @model_validator(mode="after")
    def _panel_keys_need_the_panel(self) -> TouchSection:
        given = [k for k in self.model_fields_set if k not in ("tuio", "device")]
        if self.device is None and given:
            raise ValueError(f"device: required when touch.{sorted(given)[0]} is set; give the panel's link")
        return self

    def panel(self) -> TouchConfig | None:
        if self.device is None:
            return None
        return TouchConfig(
            self.device,
            self.provider,
            self.rotation,
            self.invert_x,
            self.invert_y,
            self.max_position_x,
            self.max_position_y,
        )


class CameraConfig(Section):
    """A ``[cameras.<role>]`` table; also what ``kiosk.devices.make_camera`` opens."""

    kind: Literal["opencv", "simulated"] = "simulated"
    device: str = Field("", validate_default=True)
    video_file: str = ""  # simulated: play this file (relative: to the config file)
    width: whole(16, 7680) = 640
    height: whole(16, 4320) = 480
    still_width: whole(0, 16384) = 0  # 0: the largest the camera offers
    still_height: whole(0, 16384) = 0

    @field_validator("device")
    @classmethod
    def _stable_camera(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == "opencv":
            try:
                parse_identity(value, "")
            except CameraIdentityError as exc:
                raise ValueError(str(exc).removeprefix(": ")) from None
        return value


class CamerasSection(Section):
    face: CameraConfig = CameraConfig()
    document: CameraConfig | None = None  # optional; the official can switch to it in a call


def _sound_device_name(value: str, info: ValidationInfo) -> str:
    """A sound server device by its stable name: never an index, which changes with every replug."""
    if info.data.get("kind") == "pulse":
        if not value:
            raise ValueError("must name the sound server's device (pactl list short sources/sinks)")
        if value.isdigit():
            raise ValueError("must be the device's stable name, not an index (indexes change on replug)")
    return value


class MicrophoneSection(Section):
    """``[microphone]``: ``simulated`` (a tone) or ``pulse`` (a source on the booth's sound server)."""

    kind: Literal["simulated", "pulse"] = "simulated"
    device: str = Field("", validate_default=True)  # pulse: the source's name, e.g. "alsa_input.usb-..."

    @field_validator("device")
    @classmethod
    def _stable_name(cls, value: str, info: ValidationInfo) -> str:
        return _sound_device_name(value, info)


class SpeakerSection(Section):
    """``[speaker]``: ``none`` (the call's sound is only measured) or ``pulse`` (a sink on the sound server)."""

    kind: Literal["none", "pulse"] = "none"
    device: str = Field("", validate_default=True)  # pulse: the sink's name, e.g. "alsa_output.usb-..."

    @field_validator("device")
    @classmethod
    def _stable_name(cls, value: str, info: ValidationInfo) -> str:
        return _sound_device_name(value, info)


class AudioSection(Section):
    """``[audio]``: the sound server, the playout buffer and the booth's volume limits."""

    server: str = ""  # the sound server's address (e.g. "unix:/run/user/1000/pulse/native"); "": the default
    playout_ms: whole(20, 500) = 60
    volume: whole(0, 100) = 70  # the speaker's volume at the start of every call, in %
    volume_min: whole(0, 100) = 30  # the citizen's quieter button stops here
    volume_max: whole(0, 100) = 100  # ... and the louder button here
    volume_step: whole(1, 50) = 10
    # Spoken guidance (kiosk/guidance.py, espeak-ng): a screen left untouched this long is read
    # aloud in the citizen's language (0: only when the speaker button is tapped); words per minute.
    guidance_idle_s: whole(0, 600) = 20
    guidance_rate: whole(80, 300) = 140
    # The sound server's WebRTC echo canceller between a pulse microphone and a pulse speaker
    # (drivers/echo_cancel.py), with its noise suppression and digital gain control.
    echo_cancel: bool = True
    noise_suppression: bool = True
    gain_control: bool = True

    @model_validator(mode="after")
    def _limits_in_order(self) -> AudioSection:
        if not self.volume_min <= self.volume <= self.volume_max:
            raise ValueError("volume: must lie between volume_min and volume_max")
        return self


class _ButtonTiming(Section):
    long_press_s: seconds(0.2, 30.0) = DEFAULT_LONG_PRESS_S
    debounce_s: seconds(0.0, 0.2) = DEFAULT_DEBOUNCE_S


class SerialButtonSection(_ButtonTiming):
    """A USB-serial button box (``drivers/button.py`` has its line protocol)."""

    kind: Literal["serial"]
    path: DevicePath
    baudrate: Baudrate = 115200

    def driver_config(self) -> ButtonConfig:
        return SerialButtonConfig(self.path, self.baudrate, self.long_press_s, self.debounce_s)


class HidButtonSection(_ButtonTiming):
    """A USB HID button; ``report_byte``/``report_mask`` say where the contact is in its report."""

    kind: Literal["hid"]
    device: UsbId
    report_byte: whole(0, 63) = 0
    report_mask: whole(1, 255) = 0x01
    active_low: bool = False

    def driver_config(self) -> ButtonConfig:
        vid, pid, serial_no = parse_usb_id(self.device)
        report = HidReportMap(byte=self.report_byte, mask=self.report_mask, active_low=self.active_low)
        return HidButtonConfig(vid, pid, serial_no, report, self.long_press_s, self.debounce_s)


class _PrinterCommon(Section):
    profile: str = "default"  # python-escpos capability profile, e.g. TM-T20II
    width: whole(24, 64) = DEFAULT_WIDTH  # text columns on the paper

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        try:
            get_profile(value)
        except (KeyError, TypeError):
            raise ValueError(f"unknown printer profile {value!r} (e.g. default, TM-T20II)") from None
        return value


class NetworkPrinterSection(_PrinterCommon):
    kind: Literal["network"]
    host: str
    port: whole(1, 65535) = 9100

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not value.strip() or any(c.isspace() for c in value):
            raise ValueError("must be the printer's host name or IP address")
        return value

    def driver_config(self) -> PrinterConfig:
        return PrinterConfig(kind="network", host=self.host, port=self.port, profile=self.profile, width=self.width)


class SerialPrinterSection(_PrinterCommon):
    kind: Literal["serial"]
    path: DevicePath
    baudrate: Baudrate = 38400

    def driver_config(self) -> PrinterConfig:
        return PrinterConfig(
            kind="serial", path=self.path, baudrate=self.baudrate, profile=self.profile, width=self.width
        )


class UsbPrinterSection(_PrinterCommon):
    kind: Literal["usb"]
    device: UsbId
    in_ep: whole(0x81, 0x8F) = 0x82
    out_ep: whole(0x01, 0x0F) = 0x01

    def driver_config(self) -> PrinterConfig:
        vid, pid, serial_no = parse_usb_id(self.device)
        return PrinterConfig(
            kind="usb",
            vendor_id=vid,
            product_id=pid,
            serial=serial_no,
            in_ep=self.in_ep,
            out_ep=self.out_ep,
            profile=self.profile,
            width=self.width,
        )


CallButtonSection = Annotated[SerialButtonSection | HidButtonSection, Field(discriminator="kind")]
PrinterSection = Annotated[
    NetworkPrinterSection | SerialPrinterSection | UsbPrinterSection, Field(discriminator="kind")
]


class CardReaderSection(Section):
    reader: str = ""  # PC/SC reader name pattern, e.g. "Gemalto*"


class IdCardConfig(Section):
    """The PKCS#11 module of the ID card middleware (DVV's, or OpenSC's)."""

    pkcs11_module: str
    token_label: str | None = None
    rsa_padding: Literal["pkcs1", "pss"] = "pkcs1"

    @field_validator("pkcs11_module")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("give the absolute path of the PKCS#11 module (.so)")
        return value

    @field_validator("token_label")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None


class A4PrinterSection(Section):
    """The booth's A4 printer: its CUPS queue's IPP address (IPP Everywhere)."""

    uri: str

    @field_validator("uri")
    @classmethod
    def _ipp(cls, value: str) -> str:
        if not value.startswith(("ipp://", "ipps://")):
            raise ValueError("must be the queue's IPP address, e.g. ipp://localhost:631/printers/a4")
        return value


class DiagnosticsSection(Section):
    status_file: str = ""  # JSON counters for the technician and tests
    screenshot_dir: str = ""  # test/dev only: screenshots contain the call picture


class BoothFile(Section):
    """The whole booth config file; tables left out get their defaults, optional devices stay off."""

    backend: BackendSection
    ice: IceSection = IceSection()  # retired: refused when it lists servers
    display: DisplaySection = DisplaySection()
    touch: TouchSection = TouchSection()
    cameras: CamerasSection = CamerasSection()
    microphone: MicrophoneSection = MicrophoneSection()
    speaker: SpeakerSection = SpeakerSection()
    audio: AudioSection = AudioSection()
    call_button: CallButtonSection | None = None
    printer: PrinterSection | None = None
    card_reader: CardReaderSection | None = None
    id_card: IdCardConfig | None = None
    a4_printer: A4PrinterSection | None = None
    diagnostics: DiagnosticsSection = DiagnosticsSection()
    firewall: FirewallSection = FirewallSection()

    def kiosk_config(self, base: Path = Path(".")) -> KioskConfig:
        """What the kiosk runs with; ``base`` is the file's folder (relative ``secret_file``, ``video_file``)."""
        secret = self.backend.secret or ""
        if self.backend.secret_file:
            try:
                secret = (base / self.backend.secret_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"backend.secret_file: cannot read {self.backend.secret_file}: {exc.strerror}"
                ) from None

        def camera(cam: CameraConfig) -> CameraConfig:
            return cam.model_copy(update={"video_file": str(base / cam.video_file)}) if cam.video_file else cam

        return KioskConfig(
            backend_url=self.backend.url,
            booth_id=self.backend.booth_id or "",
            secret=secret,
            ca_file=str(base / self.backend.ca_file) if self.backend.ca_file else "",
            prepare_in_lobby=self.ice.prepare_in_lobby,
            identity_dir=str(base / self.backend.identity_dir) if self.backend.identity_dir else "",
            token_file=self.backend.token_file,
            tpm=self.backend.tpm,
            fullscreen=self.display.fullscreen,
            width=self.display.width,
            height=self.display.height,
            diagonal_in=self.display.diagonal_in,
            tuio=self.touch.tuio,
            face_camera=camera(self.cameras.face),
            document_camera=camera(self.cameras.document) if self.cameras.document else None,
            call_button=self.call_button.driver_config() if self.call_button else None,
            printer=self.printer.driver_config() if self.printer else None,
            card_reader=(self.card_reader.reader or None) if self.card_reader else None,
            id_card=self.id_card,
            a4_printer=self.a4_printer.uri if self.a4_printer else None,
            touch=self.touch.panel(),
            microphone=self.microphone,
            speaker=self.speaker,
            audio=self.audio,
            status_file=self.diagnostics.status_file,
            screenshot_dir=self.diagnostics.screenshot_dir,
            resume_file=self.backend.resume_file,
        )

    def to_toml(self, comment: str = "") -> str:
        """The file for this model: the keys that were given, defaults left to the reader.

        ``comment``: a first ``#`` line saying who wrote it.
        """
        head = f"# {comment}\n" if comment else ""
        return head + tomli_w.dumps(self.model_dump(exclude_unset=True, exclude_none=True))


@dataclass(frozen=True)
class KioskConfig:
    """The booth's settings as the kiosk uses them, built once at start from the file."""

    backend_url: str
    booth_id: str
    secret: str
    ca_file: str = ""  # the backend's CA (PEM path) for wss:// and https://; "" = the system's CAs
    prepare_in_lobby: bool = True
    identity_dir: str = ""  # the booth's key and certificate (enrollment); "" = signs in by its secret
    token_file: str = ""  # a USB stick's enrollment token file
    tpm: str = "auto"  # the TPM the enrollment key is sealed to (``kiosk.tpm.resolve_tcti``)
    fullscreen: bool = True
    width: int = 1920
    height: int = 1080
    diagonal_in: float = 27.0
    tuio: str = ""
    face_camera: CameraConfig = field(default_factory=CameraConfig)
    document_camera: CameraConfig | None = None
    call_button: ButtonConfig | None = None
    printer: PrinterConfig | None = None
    card_reader: str | None = None  # reader name pattern, e.g. "Gemalto*"
    id_card: IdCardConfig | None = None
    a4_printer: str | None = None  # the A4 queue's IPP address
    touch: TouchConfig | None = None
    microphone: MicrophoneSection = field(default_factory=MicrophoneSection)
    speaker: SpeakerSection = field(default_factory=SpeakerSection)
    audio: AudioSection = field(default_factory=AudioSection)
    status_file: str = ""
    screenshot_dir: str = ""
    resume_file: str = ""


# --- reading ------------------------------------------------------------------------------------


def load_config(path: str | Path) -> KioskConfig:
    return load_booth_file(path).kiosk_config(Path(path).parent)


def load_booth_file(path: str | Path) -> BoothFile:
    """The file's model; the booth image's firewall reads the same file as the kiosk."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: booth config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from None
    return parse_file(raw)


def parse_config(raw: dict[str, Any], base: Path = Path(".")) -> KioskConfig:
    return parse_file(raw).kiosk_config(base)


def parse_file(raw: dict[str, Any]) -> BoothFile:
    """The file's model; ``ConfigError`` lists every problem, one line each."""
    try:
        return BoothFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError("\n".join(_problem(e) for e in exc.errors())) from None


#: The tables chosen by their ``kind`` (pydantic puts the kind into the error's path; the file has no such level).
_KINDS: dict[str, dict[str, type[Section]]] = {
    "call_button": {"serial": SerialButtonSection, "hid": HidButtonSection},
    "printer": {"network": NetworkPrinterSection, "serial": SerialPrinterSection, "usb": UsbPrinterSection},
}
_TABLES: dict[tuple[str, ...], type[Section]] = {
    (): BoothFile,
    ("backend",): BackendSection,
    ("ice",): IceSection,
    ("firewall",): FirewallSection,
    ("display",): DisplaySection,
    ("touch",): TouchSection,
    ("cameras",): CamerasSection,
    ("cameras", "face"): CameraConfig,
    ("cameras", "document"): CameraConfig,
    ("microphone",): MicrophoneSection,
    ("speaker",): SpeakerSection,
    ("audio",): AudioSection,
    ("card_reader",): CardReaderSection,
    ("id_card",): IdCardConfig,
    ("a4_printer",): A4PrinterSection,
    ("diagnostics",): DiagnosticsSection,
}


def _problem(error: Any) -> str:
    """One pydantic error as ``key.path: rule``, in the file's words (tables, true or false, whole numbers)."""
    loc = [str(part) for part in error["loc"]]
    table: type[Section] | None = None
    if len(loc) >= 2 and loc[0] in _KINDS and loc[1] in _KINDS[loc[0]]:
        table = _KINDS[loc[0]][loc.pop(1)]
    kind, msg, ctx = error["type"], str(error["msg"]), error.get("ctx") or {}
    given = error.get("input")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        choices = ", ".join(_KINDS[loc[0]])
        got = f"; got {ctx['tag']!r}" if "tag" in ctx else ""
        return f"{'.'.join([*loc, 'kind'])}: must be one of {choices}{got}"
    if kind == "extra_forbidden":
        parent = table or _TABLES.get(tuple(loc[:-1]))
        known = f"; known keys are {', '.join(parent.model_fields)}" if parent else ""
        return f"{'.'.join(loc)}: unknown key{known}"
    if kind == "missing":
        rule = "missing; this key is required"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        rule = f"must be a table ([{'.'.join(loc)}])"
    elif kind == "literal_error":
        rule = f"must be one of {ctx['expected'].replace(chr(39), '').replace(' or ', ', ')}; got {given!r}"
    elif kind == "bool_type":
        rule = "must be true or false"
    elif kind == "int_type":
        rule = "must be a whole number"
    elif kind == "float_type":
        rule = "must be a number"
    elif kind in ("string_type", "string_too_short"):
        rule = "must be a string" if kind == "string_type" else "must not be empty"
    elif kind == "list_type":
        rule = "must be a list"
    else:
        rule = msg.removeprefix("Value error, ")
    path = ".".join(loc)
    within = table or _TABLES.get(tuple(loc))
    if within is not None and rule.split(":", 1)[0] in within.model_fields:  # a table's rule about one of its keys
        return f"{path}.{rule}"
    return f"{path}: {rule}" if path else rule
