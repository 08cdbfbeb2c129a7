"""The booth config's device tables and its strictness: each driver's settings, each mistake named by key path."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from drivers.button import HidButtonConfig, SerialButtonConfig
from drivers.button_logic import HidReportMap
from drivers.printer import PrinterConfig
from drivers.touch import TouchConfig, kivy_input_line
from kiosk.config import BoothFile, ConfigError, parse_config, parse_file, parse_usb_id

GOOD = {"backend": {"url": "wss://backend.example.fi/ws", "booth_id": "imatra-1", "secret": "s"}}
PANEL = "/dev/input/by-id/usb-ILITEK_Multi-Touch-V5100-event-if00"


def error(**tables) -> str:
    with pytest.raises(ConfigError) as err:
        parse_config({**GOOD, **tables})
    return str(err.value)


# --- call button --------------------------------------------------------------------------------


def test_serial_call_button():
    cfg = parse_config(
        {**GOOD, "call_button": {"kind": "serial", "path": "/dev/serial/by-id/usb-x", "long_press_s": 3}}
    )
    assert cfg.call_button == SerialButtonConfig("/dev/serial/by-id/usb-x", 115200, long_press_s=3.0)


def test_hid_call_button():
    section = {"kind": "hid", "device": "0483:5750:ABC", "report_byte": 2, "report_mask": 0x10}
    cfg = parse_config({**GOOD, "call_button": section})
    assert cfg.call_button == HidButtonConfig(0x0483, 0x5750, "ABC", HidReportMap(byte=2, mask=0x10))


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({}, "call_button.kind: must be one of serial, hid"),
        ({"kind": "usb"}, "call_button.kind: must be one of serial, hid; got 'usb'"),
        ({"kind": "serial"}, "call_button.path: missing; this key is required"),
        ({"kind": "serial", "path": "ttyUSB0"}, "call_button.path: must be an absolute device path"),
        ({"kind": "serial", "path": "/dev/x", "baudrate": 1234}, "call_button.baudrate: must be a standard baud rate"),
        ({"kind": "serial", "path": "/dev/x", "long_press_s": "2"}, "call_button.long_press_s: must be a number"),
        ({"kind": "serial", "path": "/dev/x", "debounce_s": 1}, "call_button.debounce_s: must be a number of seconds"),
        ({"kind": "hid", "device": "zz:01"}, "call_button.device: must be vendor:product[:serial] in hex"),
        ({"kind": "hid", "device": "0483"}, "call_button.device: must be vendor:product[:serial] in hex"),
        ({"kind": "hid", "device": "0483:5750", "report_mask": 0}, "call_button.report_mask: must be a whole number"),
        ({"kind": "hid", "device": "0483:5750", "active_low": "yes"}, "call_button.active_low: must be true or false"),
        ({"kind": "hid", "device": "0483:5750", "path": "/dev/x"}, "call_button.path: unknown key; known keys are"),
    ],
)
def test_bad_call_button_names_the_key(section: dict, message: str):
    assert error(call_button=section).startswith(message)


def test_usb_id_range():
    assert parse_usb_id("1a86:7523") == (0x1A86, 0x7523, None)
    with pytest.raises(ValueError, match="must be vendor:product"):
        parse_usb_id("1a860:7523")


# --- printer ------------------------------------------------------------------------------------


def test_printers_of_each_kind():
    assert parse_config({**GOOD, "printer": {"kind": "network", "host": "10.0.0.7"}}).printer == PrinterConfig(
        kind="network", host="10.0.0.7"
    )
    serial = parse_config({**GOOD, "printer": {"kind": "serial", "path": "/dev/serial/by-id/usb-p", "baudrate": 9600}})
    assert serial.printer == PrinterConfig(kind="serial", path="/dev/serial/by-id/usb-p", baudrate=9600)
    usb = parse_config({**GOOD, "printer": {"kind": "usb", "device": "04b8:0e28", "profile": "TM-T20II"}}).printer
    assert (usb.kind, usb.vendor_id, usb.product_id, usb.serial, usb.profile) == (
        "usb",
        0x04B8,
        0x0E28,
        None,
        "TM-T20II",
    )


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"kind": "cups"}, "printer.kind: must be one of network, serial, usb; got 'cups'"),
        ({}, "printer.kind: must be one of network, serial, usb"),
        ({"kind": "network"}, "printer.host: missing"),
        ({"kind": "network", "host": "a b"}, "printer.host: must be the printer's host name or IP address"),
        ({"kind": "network", "host": "p", "port": 70000}, "printer.port: must be a whole number from 1 to 65535"),
        ({"kind": "serial", "path": "COM3"}, "printer.path: must be an absolute device path"),
        ({"kind": "serial", "path": "/dev/x", "baudrate": 12345}, "printer.baudrate: must be a standard baud rate"),
        ({"kind": "usb", "device": "epson"}, "printer.device: must be vendor:product[:serial] in hex"),
        ({"kind": "usb", "device": "04b8:0e28", "in_ep": 1}, "printer.in_ep: must be a whole number from 129 to 143"),
        ({"kind": "network", "host": "p", "profile": "no-such"}, "printer.profile: unknown printer profile 'no-such'"),
        ({"kind": "network", "host": "p", "width": 200}, "printer.width: must be a whole number from 24 to 64"),
        ({"kind": "network", "host": "p", "hots": "q"}, "printer.hots: unknown key; known keys are profile, width"),
    ],
)
def test_bad_printer_names_the_key(section: dict, message: str):
    assert error(printer=section).startswith(message)


# --- touch --------------------------------------------------------------------------------------


def test_a_full_touch_table_becomes_the_hidinput_line_kivy_documents():
    touch = {"device": PANEL, "rotation": 90, "invert_x": True, "max_position_x": 16384, "max_position_y": 9600}
    cfg = parse_config({**GOOD, "touch": touch})
    assert kivy_input_line(cfg.touch) == (
        f"hidinput,{PANEL},rotation=90,invert_x=1,invert_y=1,max_position_x=16384,max_position_y=9600"
    )


def test_no_panel_means_none_and_tuio_stays_with_the_kiosk():
    assert parse_config(GOOD).touch is None
    cfg = parse_config({**GOOD, "touch": {"tuio": "127.0.0.1:3333"}})
    assert (cfg.touch, cfg.tuio) == (None, "127.0.0.1:3333")
    assert parse_config({**GOOD, "touch": {"tuio": "", "device": PANEL}}).touch == TouchConfig(PANEL)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"rotation": 90}, "touch.device: required when touch.rotation is set"),
        ({"device": ""}, "touch.device: give the panel"),
        ({"device": "/dev/input/event3"}, "touch.device: '/dev/input/event3' is not a stable path"),
        ({"device": PANEL + ",rotation=90"}, "touch.device: must not contain"),
        ({"device": PANEL, "rotation": 45}, "touch.rotation: must be one of 0, 90, 180, 270; got 45"),
        ({"device": PANEL, "rotation": "90"}, "touch.rotation: must be one of 0, 90, 180, 270; got '90'"),
        ({"device": PANEL, "invert_x": "yes"}, "touch.invert_x: must be true or false"),
        ({"device": PANEL, "provider": "tuio"}, "touch.provider: must be one of hidinput, mtdev; got 'tuio'"),
        ({"device": PANEL, "max_position_y": 0}, "touch.max_position_y: must be a whole number from 1"),
        ({"device": PANEL, "rotate": 90}, "touch.rotate: unknown key; known keys are tuio, device, provider"),
    ],
)
def test_bad_touch_names_the_key(section: dict, message: str):
    assert error(touch=section).startswith(message)


# --- the file as a whole ------------------------------------------------------------------------


def test_a_typo_anywhere_is_refused_by_its_path():
    assert error(cameras={"document": {"kind": "opencv", "devise": "usb:2a1f:0001"}}).splitlines() == [
        "cameras.document.device: '' is not a stable camera identity; give /dev/v4l/by-id/..., /dev/v4l/by-path/... "
        "or usb:VENDOR:PRODUCT[:SERIAL] (e.g. usb:046d:0825:ABC)",
        "cameras.document.devise: unknown key; known keys are kind, device, video_file, width, height, still_width, "
        "still_height",
    ]
    assert error(dispaly={"fullscreen": False}).startswith("dispaly: unknown key; known keys are backend, ice, display")
    assert error(backend={**GOOD["backend"], "secrett": "x"}).startswith("backend.secrett: unknown key")


def test_every_problem_is_listed_once_per_line():
    lines = error(display={"width": 10, "fullscreen": 1}, microphone={"kind": "usb"}).splitlines()
    assert lines == [
        "display.fullscreen: must be true or false",
        "display.width: must be a whole number from 320 to 7680",
        "microphone.kind: must be one of simulated, pulse; got 'usb'",
    ]


def test_a_table_given_as_a_value_is_named():
    assert error(printer="lp0") == "printer: must be a table ([printer])"
    assert error(cameras={"face": "usb"}) == "cameras.face: must be a table ([cameras.face])"


def test_the_example_in_the_module_docstring_is_a_valid_file(tmp_path: Path):
    import kiosk.config

    doc = kiosk.config.__doc__ or ""
    example = "\n".join(line[4:] for line in doc.split("Example::", 1)[1].splitlines() if line.startswith("    "))
    parsed = parse_file(tomllib.loads(example))
    assert parsed.cameras.document is not None and parsed.call_button is not None and parsed.printer is not None


def test_a_model_written_as_toml_reads_back_the_same():
    full = {
        **GOOD,
        "touch": {"tuio": "127.0.0.1:3333", "device": PANEL, "rotation": 180},
        "cameras": {"document": {"kind": "opencv", "device": "usb:2a1f:0001", "width": 1280, "height": 720}},
        "call_button": {"kind": "hid", "device": "0483:5750", "active_low": True},
        "printer": {"kind": "usb", "device": "04b8:0e28:X1"},
        "id_card": {"pkcs11_module": "/usr/lib/opensc-pkcs11.so", "rsa_padding": "pss"},
    }
    booth = BoothFile.model_validate(full)
    text = booth.to_toml("written by a test")
    assert text.startswith("# written by a test\n")
    assert parse_file(tomllib.loads(text)) == booth


def test_sound_devices_are_named_by_their_stable_name_never_by_index():
    from kiosk.config import parse_config

    config = parse_config(
        {
            **GOOD,
            "microphone": {"kind": "pulse", "device": "alsa_input.usb-Jabra_SPEAK_510-00.mono-fallback"},
            "speaker": {"kind": "pulse", "device": "alsa_output.usb-Jabra_SPEAK_510-00.analog-stereo"},
            "audio": {"server": "unix:/run/user/1000/pulse/native", "volume": 60},
        }
    )
    assert config.microphone.device == "alsa_input.usb-Jabra_SPEAK_510-00.mono-fallback"
    assert config.speaker.kind == "pulse" and config.audio.volume == 60
    assert error(microphone={"kind": "pulse", "device": "3"}) == (
        "microphone.device: must be the device's stable name, not an index (indexes change on replug)"
    )
    assert error(speaker={"kind": "pulse"}).startswith("speaker.device: must name the sound server's device")
    assert error(audio={"volume": 20, "volume_min": 30}) == "audio.volume: must lie between volume_min and volume_max"
