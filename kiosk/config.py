"""The booth's configuration file (TOML), validated with errors that name the key.

A technician edits this file on an image or at enrollment; a typo must be
reported as "cameras.face.kind: must be one of opencv, simulated" rather
than a traceback on a booth nobody is watching.

Example::

    [backend]
    url = "ws://127.0.0.1:8000/ws"
    booth_id = "imatra-1"
    secret = "..."            # or secret_file = "/etc/etapiste/booth.secret"

    [ice]
    servers = []              # e.g. ["turns:turn.example.fi:443?transport=tcp"]

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
    kind = "opencv"           # or "simulated"
    device = "/dev/v4l/by-id/usb-Logitech_BRIO_1234-video-index0"   # or "usb:046d:085e:SERIAL"

    [cameras.document]        # optional; the official can switch to it in a call
    kind = "opencv"
    device = "usb:2a1f:0001"
    width = 1280
    height = 720
    still_width = 0           # 0: the largest the camera offers, for stills

    [microphone]
    kind = "simulated"

    [call_button]             # optional
    kind = "serial"           # or "hid" with device = "vid:pid[:serial]" (hex)
    path = "/dev/serial/by-id/usb-Etapiste_CallButton_01-if00"

    [printer]                 # optional
    kind = "network"          # or "serial" (path) or "usb" (device = "vid:pid[:serial]")
    host = "192.0.2.50"

    [card_reader]             # optional
    reader = "Gemalto*"       # PC/SC reader name pattern

    [id_card]                 # optional
    pkcs11_module = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"

    [diagnostics]
    status_file = ""          # JSON counters for the technician and tests
    screenshot_dir = ""       # test/dev only: screenshots contain the call picture
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers import button as button_driver
from drivers import printer as printer_driver
from drivers.camera_identity import CameraIdentityError, parse_identity
from drivers.touch import TouchConfig, parse_touch_config


class ConfigError(ValueError):
    """A problem in the booth config; the message names the key and the fix."""


@dataclass(frozen=True)
class CameraConfig:
    kind: str = "simulated"
    device: str = ""
    video_file: str = ""
    width: int = 640
    height: int = 480
    still_width: int = 0  # 0: the largest the camera offers
    still_height: int = 0


@dataclass(frozen=True)
class IdCardConfig:
    """The PKCS#11 module of the ID card middleware (DVV's, or OpenSC's)."""

    pkcs11_module: str
    token_label: str | None = None
    rsa_padding: str = "pkcs1"


@dataclass(frozen=True)
class KioskConfig:
    backend_url: str
    booth_id: str
    secret: str
    ice_servers: tuple[str, ...] = ()
    fullscreen: bool = True
    width: int = 1920
    height: int = 1080
    tuio: str = ""
    face_camera: CameraConfig = field(default_factory=CameraConfig)
    document_camera: CameraConfig | None = None
    call_button: button_driver.ButtonConfig | None = None
    printer: printer_driver.PrinterConfig | None = None
    card_reader: str | None = None  # reader name pattern, e.g. "Gemalto*"
    id_card: IdCardConfig | None = None
    touch: TouchConfig | None = None
    microphone: str = "simulated"
    status_file: str = ""
    screenshot_dir: str = ""


def load_config(path: str | Path) -> KioskConfig:
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: booth config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from None
    return parse_config(raw, base=p.parent)


def parse_config(raw: dict[str, Any], base: Path = Path(".")) -> KioskConfig:
    r = _Reader(raw)
    url = r.str("backend.url")
    if not url.startswith(("ws://", "wss://")):
        raise ConfigError("backend.url: must start with ws:// or wss:// (e.g. wss://backend.example.fi/ws)")
    secret = r.str("backend.secret", "")
    secret_file = r.str("backend.secret_file", "")
    if bool(secret) == bool(secret_file):
        raise ConfigError("backend: give exactly one of secret or secret_file")
    if secret_file:
        try:
            secret = (base / secret_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"backend.secret_file: cannot read {secret_file}: {exc.strerror}") from None
    camera = _camera(r, "face", base)
    document = _camera(r, "document", base) if r.get("cameras.document", None) is not None else None
    servers = r.get("ice.servers", [])
    if not isinstance(servers, list) or not all(
        isinstance(s, str) and s.startswith(("stun:", "turn:", "turns:")) for s in servers
    ):
        raise ConfigError("ice.servers: must be a list of stun:, turn: or turns: URLs")
    return KioskConfig(
        backend_url=url,
        booth_id=r.str("backend.booth_id"),
        secret=secret,
        ice_servers=tuple(servers),
        fullscreen=r.bool("display.fullscreen", True),
        width=r.int("display.width", 1920, 320, 7680),
        height=r.int("display.height", 1080, 240, 4320),
        tuio=r.str("touch.tuio", ""),
        face_camera=camera,
        document_camera=document,
        call_button=_section(raw, "call_button", button_driver.from_config),
        printer=_section(raw, "printer", printer_driver.from_config),
        card_reader=r.str("card_reader.reader", "") or None,
        id_card=_id_card(r) if r.get("id_card", None) is not None else None,
        touch=_section(raw, "touch", parse_touch_config, always=True),
        microphone=r.choice("microphone.kind", ("simulated",), "simulated"),
        status_file=r.str("diagnostics.status_file", ""),
        screenshot_dir=r.str("diagnostics.screenshot_dir", ""),
    )


def _camera(r: _Reader, name: str, base: Path) -> CameraConfig:
    key = f"cameras.{name}"
    kind = r.choice(f"{key}.kind", ("opencv", "simulated"), "simulated")
    device = r.str(f"{key}.device", "")
    if kind == "opencv":
        try:
            parse_identity(device, f"{key}.device")
        except CameraIdentityError as exc:
            raise ConfigError(str(exc)) from None
    video_file = r.str(f"{key}.video_file", "")
    return CameraConfig(
        kind=kind,
        device=device,
        video_file=str(base / video_file) if video_file else "",
        width=r.int(f"{key}.width", 640, 16, 7680),
        height=r.int(f"{key}.height", 480, 16, 4320),
        still_width=r.int(f"{key}.still_width", 0, 0, 16384),
        still_height=r.int(f"{key}.still_height", 0, 0, 16384),
    )


def _section(raw: dict[str, Any], name: str, parse: Any, always: bool = False) -> Any:
    """A device table parsed by its driver's own validator (errors name the key)."""
    section = raw.get(name)
    if section is None and not always:
        return None
    if section is not None and not isinstance(section, dict):
        raise ConfigError(f"{name}: must be a table ([{name}])")
    try:
        return parse(section or {})
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _id_card(r: _Reader) -> IdCardConfig:
    module = r.str("id_card.pkcs11_module")
    if not module.startswith("/"):
        raise ConfigError("id_card.pkcs11_module: give the absolute path of the PKCS#11 module (.so)")
    label = r.str("id_card.token_label", "") or None
    return IdCardConfig(module, label, r.choice("id_card.rsa_padding", ("pkcs1", "pss"), "pkcs1"))


_MISSING = object()


class _Reader:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def get(self, key: str, default: Any = _MISSING) -> Any:
        node: Any = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is _MISSING:
                    raise ConfigError(f"{key}: missing; this key is required")
                return default
            node = node[part]
        return node

    def str(self, key: str, default: Any = _MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str):
            raise ConfigError(f"{key}: must be a string, got {type(value).__name__}")
        if default is _MISSING and not value:
            raise ConfigError(f"{key}: must not be empty")
        return value

    def bool(self, key: str, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: must be true or false")
        return value

    def int(self, key: str, default: int, lo: int, hi: int) -> int:
        value = self.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise ConfigError(f"{key}: must be a whole number from {lo} to {hi}")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.get(key, default)
        if value not in options:
            raise ConfigError(f"{key}: must be one of {', '.join(options)}; got {value!r}")
        return value
