"""Touchscreen: Kivy input settings for the configured panel, presence health, and the self-test verdict."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from kivy.config import ConfigParser
from oscpy.server import OSCThreadServer

from drivers.touch import (
    KIVY_INPUT_NAME,
    TRANSFORMS,
    TouchConfig,
    Touchscreen,
    apply_kivy_config,
    diagnose,
    kivy_input_config,
    kivy_input_line,
    stop_tuio_listeners,
)
from protocol.messages import DeviceState

PANEL = "/dev/input/by-id/usb-ILITEK_Multi-Touch-V5100-event-if00"


def test_invert_y_means_the_same_for_both_providers():
    # hidinput flips Y by default (kernel Y grows down), mtdev does not: "not mirrored" must stay not mirrored.
    assert kivy_input_line(TouchConfig(PANEL, "hidinput")).endswith("invert_x=0,invert_y=1")
    assert kivy_input_line(TouchConfig(PANEL, "hidinput", invert_y=True)).endswith("invert_y=0")
    assert kivy_input_line(TouchConfig(PANEL, "mtdev")) == f"mtdev,{PANEL},rotation=0,invert_x=0,invert_y=0"


def kivy_defaults() -> ConfigParser:
    """Kivy's own [input] defaults on Linux, in a real Kivy ConfigParser."""
    config = ConfigParser()  # unnamed: not registered globally, so each test gets a fresh one
    config.add_section("input")
    config.set("input", "mouse", "mouse")
    config.set("input", "%(name)s", "probesysfs")
    return config


def test_with_a_panel_only_the_panel_feeds_kivy_no_mouse_no_probesysfs():
    config = kivy_defaults()
    apply_kivy_config(kivy_input_config(TouchConfig(PANEL)), config)
    assert dict(config.items("input", raw=True)) == {KIVY_INPUT_NAME: kivy_input_line(TouchConfig(PANEL))}


def test_without_a_panel_the_mouse_stays_and_probesysfs_goes():
    config = kivy_defaults()
    apply_kivy_config(kivy_input_config(TouchConfig(PANEL)), config)  # a panel configured, then taken out
    apply_kivy_config(kivy_input_config(None), config)
    assert dict(config.items("input", raw=True)) == {"mouse": "mouse,disable_multitouch"}


def test_applying_twice_or_to_an_empty_config_is_fine():
    config = ConfigParser()
    settings = kivy_input_config(TouchConfig(PANEL))
    apply_kivy_config(settings, config)
    apply_kivy_config(settings, config)
    assert config.get("input", KIVY_INPUT_NAME).startswith("hidinput,")


def test_health_follows_the_panel_link(tmp_path: Path):
    link = tmp_path / "input" / "by-id" / "usb-ILITEK_Multi-Touch-V5100-event-if00"
    panel = Touchscreen(PANEL, dev_root=str(tmp_path))
    health = panel.probe()
    assert health.state is DeviceState.MISSING
    assert health.reason.startswith(f"touchscreen {PANEL} not present")

    link.parent.mkdir(parents=True)
    os.symlink("/dev/null", link)  # a real character device standing in for the evdev node
    assert panel.probe().state is DeviceState.OK

    link.unlink()
    os.symlink(str(tmp_path / "event7"), link)  # the link left behind, pointing at a vanished node
    assert panel.probe().state is DeviceState.MISSING

    (tmp_path / "event7").write_text("")  # a plain file is not an input device
    health = panel.probe()
    assert health.state is DeviceState.DEGRADED and "not an input device" in health.reason


def test_a_panel_coming_back_asks_for_kivy_to_reopen_it(tmp_path: Path):
    returns: list[str] = []
    link = tmp_path / "input" / "by-id" / "usb-ILITEK_Multi-Touch-V5100-event-if00"
    link.parent.mkdir(parents=True)
    os.symlink("/dev/null", link)
    panel = Touchscreen(PANEL, dev_root=str(tmp_path), on_return=lambda: returns.append("back"))
    assert panel.probe().state is DeviceState.OK
    assert returns == []  # present from the start: Kivy's reader is fine
    link.unlink()
    assert panel.probe().state is DeviceState.MISSING
    assert panel.probe().state is DeviceState.MISSING
    os.symlink("/dev/null", link)
    assert panel.probe().state is DeviceState.OK
    assert panel.probe().state is DeviceState.OK
    assert returns == ["back"]  # once per return, not on every probe


W, H = 1920, 1080
TARGETS = [(0.1 * W, 0.1 * H), (0.9 * W, 0.1 * H), (0.1 * W, 0.9 * H), (0.9 * W, 0.9 * H), (0.5 * W, 0.5 * H)]


def landed(mounting: str, jitter: float = 6.0, shift: tuple[float, float] = (0, 0)) -> list:
    """Where a careful technician's touches land on a panel mounted as ``mounting``."""
    wobble = [(jitter, -jitter), (-jitter, 0), (0, jitter), (jitter, jitter), (-jitter, -jitter)]
    pairs = []
    for (tx, ty), (jx, jy) in zip(TARGETS, wobble, strict=True):
        x, y = TRANSFORMS[mounting](tx / W, ty / H)
        pairs.append(((tx, ty), (x * W + jx + shift[0], y * H + jy + shift[1])))
    return pairs


def test_an_aligned_panel_passes():
    verdict = diagnose(landed("correct"), (W, H))
    assert verdict.ok and verdict.mounting == "correct" and verdict.advice == "touchscreen is aligned"


@pytest.mark.parametrize("mounting", [m for m in TRANSFORMS if m != "correct"])
def test_every_wrong_mounting_is_recognised(mounting: str):
    verdict = diagnose(landed(mounting), (W, H))
    assert verdict.mounting == mounting and not verdict.ok


def test_mirrored_left_right_says_which_setting_to_flip():
    assert "flip touch.invert_x" in diagnose(landed("mirrored left-right"), (W, H)).advice


def test_a_shifted_panel_reports_the_offset():
    verdict = diagnose(landed("correct", shift=(120, -80)), (W, H))
    assert verdict.mounting == "correct" and not verdict.ok
    assert verdict.offset == pytest.approx((120, -80), abs=5)
    assert "+120 px across, -80 px up" in verdict.advice


def test_too_few_touches_is_an_error():
    with pytest.raises(ValueError, match="at least three"):
        diagnose(landed("correct")[:2], (W, H))


@pytest.mark.hardware
def test_real_touchscreen_is_present():
    device = os.environ.get("ETAPISTE_HARDWARE_TOUCHSCREEN")
    if not device:
        pytest.skip("set ETAPISTE_HARDWARE_TOUCHSCREEN=/dev/input/by-id/...-event-if00 to check a real panel")
    health = Touchscreen(device).probe()
    assert health.state is DeviceState.OK, health.reason


def test_tuio_listeners_end_before_their_sockets_are_closed():
    """Kivy stops a TUIO provider by closing the socket under its oscpy thread; ended first, it dies quietly."""
    failures: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    try:
        server = OSCThreadServer()
        server.listen("127.0.0.1", 0, default=True)
        provider = SimpleNamespace(oscid=server)  # Kivy's TuioMotionEventProvider keeps it there
        assert stop_tuio_listeners([provider, SimpleNamespace()]) == 1
        server.stop_all()  # what Kivy's provider.stop() does next
    finally:
        threading.excepthook = previous
    assert failures == []
