"""The booth's touchscreen: Kivy input configuration, presence health, and self-test arithmetic.

Kivy's defaults on Linux are ``mouse = mouse`` plus ``%(name)s = probesysfs``.
On a touchscreen both fire for one finger (the X server or compositor turns
the touch into pointer events for the mouse provider, and probesysfs reads the
same panel's evdev node): every press arrives twice (kivy/kivy#1903, #3801).
The booth therefore names its one panel explicitly by a stable
``/dev/input/by-id/...-event-if00`` (or ``by-path``) link, reads it with the
``hidinput`` (or ``mtdev``) provider, and drops both the mouse provider and the
probesysfs auto-detection. Without a configured panel (a developer's desk) the
mouse stays and probesysfs still goes.

``kivy_input_config`` returns ``{section: {key: value}}``; a value of None
means "remove this option" (Kivy's ``Config.remove_option``), applied by
``apply_kivy_config`` before the window opens (``kiosk/boot.py``).

``diagnose`` is the pure half of the technician's touch self-test
(``kiosk/screens/touchtest.py``): from (target, where the touch landed)
pairs it tells whether the panel is mirrored, rotated or offset.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from drivers.health import Health
from protocol.messages import DeviceState

#: Links that stay the same across boots (``/dev/input/eventN`` does not); the booth config insists on one.
STABLE_DIRS = ("/dev/input/by-id/", "/dev/input/by-path/")
#: The name of the booth's input entry in Kivy's ``[input]`` section.
KIVY_INPUT_NAME = "booth_touchscreen"
#: Kivy's own Linux default entry (probesysfs auto-detection) and the mouse provider.
KIVY_PROBESYSFS_KEY = "%(name)s"


@dataclass(frozen=True)
class TouchConfig:
    """The panel the booth reads, from the ``[touch]`` table (validated in ``kiosk/config.py``)."""

    device: str
    provider: str = "hidinput"
    rotation: int = 0
    invert_x: bool = False
    invert_y: bool = False  # as the technician sees it: True = touches land mirrored top-bottom without it
    max_position_x: int | None = None
    max_position_y: int | None = None


def kivy_input_line(touch: TouchConfig) -> str:
    """The provider line, e.g. ``hidinput,/dev/input/by-id/...,rotation=90,invert_x=1,invert_y=1``.

    Kivy's ``hidinput`` flips Y by default (``invert_y`` defaults to 1: the
    kernel's Y grows downwards, Kivy's upwards) while ``mtdev`` does not; the
    line always spells both flags out so the booth's ``invert_y = false``
    means "not mirrored" for either provider.
    """
    kivy_invert_y = (not touch.invert_y) if touch.provider == "hidinput" else touch.invert_y
    parts = [touch.provider, touch.device, f"rotation={touch.rotation}"]
    parts += [f"invert_x={int(touch.invert_x)}", f"invert_y={int(kivy_invert_y)}"]
    if touch.max_position_x is not None:
        parts.append(f"max_position_x={touch.max_position_x}")
    if touch.max_position_y is not None:
        parts.append(f"max_position_y={touch.max_position_y}")
    return ",".join(parts)


def kivy_input_config(touch: TouchConfig | None) -> dict[str, dict[str, str | None]]:
    """Kivy ``[input]`` settings: None values are options to remove."""
    if touch is None:  # a developer's machine: the mouse is the input
        return {"input": {KIVY_PROBESYSFS_KEY: None, KIVY_INPUT_NAME: None, "mouse": "mouse,disable_multitouch"}}
    return {"input": {KIVY_PROBESYSFS_KEY: None, "mouse": None, KIVY_INPUT_NAME: kivy_input_line(touch)}}


class KivyConfigLike(Protocol):
    def set(self, section: str, option: str, value: str) -> object: ...
    def remove_option(self, section: str, option: str) -> object: ...
    def has_section(self, section: str) -> bool: ...
    def add_section(self, section: str) -> object: ...


def apply_kivy_config(settings: Mapping[str, Mapping[str, str | None]], config: KivyConfigLike) -> None:
    """Apply ``kivy_input_config``'s result to ``kivy.config.Config`` (before the window opens)."""
    for section, options in settings.items():
        if not config.has_section(section):
            config.add_section(section)
        for key, value in options.items():
            if value is None:
                config.remove_option(section, key)
            else:
                config.set(section, key, value)


class Touchscreen:
    """Presence of the configured panel, as a ``SupervisedDevice``.

    Kivy owns the reading; this tells the technician whether the panel is
    there. Kivy's ``hidinput``/``mtdev`` reader thread dies when its device
    node vanishes (or is absent at start) and never reopens it, so when the
    panel comes back after being missing, ``on_return`` is called (from the
    supervisor's thread): the kiosk then calls ``restart_kivy_provider`` on
    Kivy's main thread. ``dev_root`` re-roots ``/dev`` so tests use a tmp tree.
    """

    def __init__(
        self,
        device: str,
        role: str = "touchscreen",
        dev_root: str = "/dev",
        on_return: Callable[[], None] | None = None,
    ) -> None:
        self.role, self.device, self.on_return = role, device, on_return
        self.path = os.path.join(dev_root, os.path.relpath(device, "/dev")) if device.startswith("/dev/") else device
        self._was_missing = False

    def probe(self) -> Health:
        health = self._check()
        if health.state is DeviceState.MISSING:
            self._was_missing = True
        elif health.state is DeviceState.OK and self._was_missing:
            self._was_missing = False
            if self.on_return is not None:
                self.on_return()
        return health

    def _check(self) -> Health:
        try:
            mode = os.stat(self.path).st_mode  # follows the by-id symlink
        except FileNotFoundError:
            return Health.missing(self.role, f"touchscreen {self.device} not present: is its USB cable plugged in?")
        except OSError as exc:
            return Health.degraded(self.role, f"touchscreen {self.device} cannot be checked: {exc.strerror}")
        if not stat.S_ISCHR(mode):
            return Health.degraded(self.role, f"touchscreen {self.device} is not an input device node")
        if not os.access(self.path, os.R_OK):
            why = "is not readable: add the booth user to the 'input' group"
            return Health.degraded(self.role, f"touchscreen {self.device} {why}")
        return Health.ok(self.role, self.device)

    def close(self) -> None:
        """Nothing to release: Kivy holds the device."""


def restart_kivy_provider(line: str, name: str = KIVY_INPUT_NAME) -> None:
    """Replace the booth panel's Kivy input provider with a fresh one reading ``line``'s device.

    Call on Kivy's main thread (``Clock.schedule_once``) after the panel came
    back. The old provider's reader thread died with the device; Kivy has no
    way to stop a live one, so call this only after the panel was missing.
    """
    from kivy.base import EventLoop
    from kivy.input import MotionEventFactory

    for provider in list(EventLoop.input_providers):
        if getattr(provider, "device", None) == name:
            EventLoop.remove_input_provider(provider)
    provider_id, args = line.split(",", 1)
    factory = MotionEventFactory.get(provider_id)
    if factory is None:
        raise ValueError(f"Kivy has no input provider {provider_id!r}")
    provider = factory(name, args)
    provider.start()
    EventLoop.add_input_provider(provider, True)


#: How long the booth waits for a TUIO listener thread to notice it should end (it wakes every 10 ms).
TUIO_STOP_S = 2.0


def stop_tuio_listeners(providers: Sequence[object] | None = None, wait_s: float = TUIO_STOP_S) -> int:
    """End the listener threads of Kivy's TUIO providers before Kivy stops the providers.

    Kivy stops a TUIO provider by closing the UDP socket its oscpy thread is
    reading, so the thread dies on EBADF with a traceback in the booth's log at
    every shutdown. Ending the thread's loop first and waiting for it makes the
    stop quiet. ``providers`` defaults to Kivy's running ones; returns how many
    listeners ended in time.
    """
    if providers is None:
        from kivy.base import EventLoop

        providers = list(EventLoop.input_providers)
    servers = [s for p in providers if (s := getattr(p, "oscid", None)) is not None]
    for server in servers:
        server.terminate_server()
    return sum(1 for server in servers if server.join_server(timeout=wait_s))


# --- self-test arithmetic -------------------------------------------------------------------

Point = tuple[float, float]

#: Where a touch on (x, y) lands for each way a panel can be mounted wrong,
#: in coordinates normalised to 0..1 with Kivy's orientation (y up).
TRANSFORMS: dict[str, Callable[[float, float], Point]] = {
    "correct": lambda x, y: (x, y),
    "mirrored left-right": lambda x, y: (1 - x, y),
    "mirrored top-bottom": lambda x, y: (x, 1 - y),
    "rotated 180°": lambda x, y: (1 - x, 1 - y),
    "rotated 90° clockwise": lambda x, y: (y, 1 - x),
    "rotated 90° counter-clockwise": lambda x, y: (1 - y, x),
    "axes swapped": lambda x, y: (y, x),
    "axes swapped and rotated 180°": lambda x, y: (1 - y, 1 - x),
}
_ADVICE = {
    "correct": "",
    "mirrored left-right": "touches are mirrored left-right: flip touch.invert_x",
    "mirrored top-bottom": "touches are mirrored top-bottom: flip touch.invert_y",
    "rotated 180°": "touches are rotated 180°: flip both touch.invert_x and touch.invert_y",
    "rotated 90° clockwise": "touches are rotated 90°: change touch.rotation (try 90 or 270) and test again",
    "rotated 90° counter-clockwise": "touches are rotated 90°: change touch.rotation (try 90 or 270) and test again",
    "axes swapped": "touch X and Y are swapped: change touch.rotation (try 90 or 270) and test again",
    "axes swapped and rotated 180°": "touch X and Y are swapped: change touch.rotation (try 90 or 270) and test again",
}
#: A finger is not a stylus: up to 3 % of the screen off is still a good touch.
TOLERANCE = 0.03


@dataclass(frozen=True)
class TouchDiagnosis:
    mounting: str  # a key of TRANSFORMS
    offset: Point  # mean (dx, dy) of touches from where they should land, in pixels
    worst: float  # largest distance of a touch from its expected point, in pixels
    ok: bool
    advice: str


def diagnose(pairs: Sequence[tuple[Point, Point]], size: Point) -> TouchDiagnosis:
    """From ``(target, touch)`` pixel pairs on a screen of ``size``, say how the panel is mounted.

    Needs at least three targets that are not on one line (the self-test
    uses the four corners and the centre). Chooses the mounting that explains
    the touches best, then reports the remaining mean offset and scatter.
    """
    width, height = size
    if width <= 0 or height <= 0:
        raise ValueError("size: width and height must be positive")
    if len(pairs) < 3:
        raise ValueError("pairs: need at least three touches (corners and centre) to tell mounting from offset")
    norm = [((tx / width, ty / height), (px / width, py / height)) for (tx, ty), (px, py) in pairs]

    def error(name: str) -> float:
        f = TRANSFORMS[name]
        return sum(abs(f(*t)[0] - p[0]) + abs(f(*t)[1] - p[1]) for t, p in norm)

    mounting = min(TRANSFORMS, key=error)
    f = TRANSFORMS[mounting]
    residuals = [(p[0] - f(*t)[0], p[1] - f(*t)[1]) for t, p in norm]
    dx = sum(r[0] for r in residuals) / len(residuals)
    dy = sum(r[1] for r in residuals) / len(residuals)
    worst = max((r[0] ** 2 + r[1] ** 2) ** 0.5 for r in residuals)
    advice = [_ADVICE[mounting]] if mounting != "correct" else []
    if abs(dx) > TOLERANCE or abs(dy) > TOLERANCE:
        shift = f"{dx * width:+.0f} px across, {dy * height:+.0f} px up"
        advice.append(f"touches land {shift} from the targets: recalibrate the panel")
    elif worst > 2 * TOLERANCE:
        advice.append("touches scatter far from the targets: check touch.max_position_x/_y or recalibrate the panel")
    return TouchDiagnosis(
        mounting=mounting,
        offset=(dx * width, dy * height),
        worst=worst * min(width, height),
        ok=not advice,
        advice="; ".join(advice) or "touchscreen is aligned",
    )
