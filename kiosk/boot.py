"""Preparing Kivy before it is imported: window, headless rendering, input.

Kivy reads its environment and configuration at import time, so this runs
first. Without a display (tests, CI, a booth whose compositor died) the app
renders offscreen with SDL, which still produces real pixels to screenshot.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from drivers.touch import apply_kivy_config, kivy_input_config
from kiosk.config import KioskConfig

#: The private KIVY_HOME this process made (None if the environment named one): removed on the way
#: out by ``forget_kivy_home``, since the booth ends with ``os._exit`` and no atexit handler runs.
_private_home: str | None = None


def forget_kivy_home() -> None:
    """Remove the private Kivy home this process made; without it one folder per start piles up in /tmp."""
    global _private_home
    home, _private_home = _private_home, None
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


def prepare_kivy(config: KioskConfig) -> None:
    global _private_home
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_WINDOW", "sdl2")
    # A private KIVY_HOME: the booth never reads a stray ~/.kivy/config.ini.
    if "KIVY_HOME" not in os.environ:
        _private_home = os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="etapiste-kivy-")
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")  # the citizen must not close the booth
    Config.set("graphics", "width", str(config.width))
    Config.set("graphics", "height", str(config.height))
    Config.set("graphics", "fullscreen", "auto" if config.fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if config.fullscreen else "1")
    # The panel from the booth config and nothing else: no probesysfs duplicate of
    # it, no mouse (a developer's machine without a panel keeps the mouse, with no
    # multitouch emulation, so a right click leaves no red dot).
    apply_kivy_config(kivy_input_config(config.touch), Config)
    if config.tuio:
        Config.set("input", "tuio", f"tuio,{config.tuio}")
