"""The booth config: good files load, every mistake names its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config, parse_config

GOOD = {"backend": {"url": "wss://backend.example.fi/ws", "booth_id": "imatra-1", "secret": "s"}}


def with_(**sections):
    raw = {k: dict(v) for k, v in GOOD.items()}
    for section, values in sections.items():
        raw.setdefault(section, {}).update(values)
    return raw


def error(raw) -> str:
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    return str(err.value)


def test_minimal_config_gets_safe_defaults():
    cfg = parse_config(GOOD)
    assert (cfg.backend_url, cfg.booth_id, cfg.secret) == ("wss://backend.example.fi/ws", "imatra-1", "s")
    assert cfg.fullscreen is True
    assert cfg.ca_file == ""  # the system's CAs
    assert cfg.face_camera.kind == "simulated"
    assert cfg.screenshot_dir == ""  # never on unless asked for


def test_missing_required_key_is_named():
    assert error({"backend": {"url": "ws://x/ws", "secret": "s"}}).startswith("backend: give booth_id")


def test_an_enrolling_booth_has_an_identity_folder_instead_of_id_and_secret():
    cfg = parse_config({"backend": {"url": "wss://b.example.fi/ws", "identity_dir": "/var/lib/etapiste/identity"}})
    assert (cfg.identity_dir, cfg.booth_id, cfg.secret) == ("/var/lib/etapiste/identity", "", "")
    both = {"url": "wss://b.example.fi/ws", "identity_dir": "id", "booth_id": "imatra-1", "secret": "s"}
    assert "an enrolled booth has no booth_id" in error({"backend": both})
    plain = {"url": "ws://b.example.fi/ws", "identity_dir": "id"}
    assert "needs a wss:// url" in error({"backend": plain})


def test_wrong_scheme_is_explained():
    assert "ws:// or wss://" in error(with_(backend={"url": "http://x/ws"}))


def test_secret_exactly_once():
    assert "exactly one of secret or secret_file" in error(with_(backend={"secret": ""}))


def test_secret_file_is_read(tmp_path: Path):
    (tmp_path / "booth.secret").write_text("from-file\n")
    (tmp_path / "booth.toml").write_text('[backend]\nurl = "ws://x/ws"\nbooth_id = "b"\nsecret_file = "booth.secret"\n')
    assert load_config(tmp_path / "booth.toml").secret == "from-file"


def test_unreadable_secret_file_is_named():
    raw = {"backend": {"url": "ws://x/ws", "booth_id": "b", "secret_file": "/nonexistent/secret"}}
    assert error(raw).startswith("backend.secret_file: cannot read")


def test_camera_must_be_bound_by_stable_identity():
    msg = error(with_(cameras={"face": {"kind": "opencv", "device": "/dev/video0"}}))
    assert msg.startswith("cameras.face.device") and "/dev/v4l/by-id/" in msg
    cfg = parse_config(with_(cameras={"face": {"kind": "opencv", "device": "/dev/v4l/by-id/usb-cam-video-index0"}}))
    assert cfg.face_camera.device.endswith("index0")


def test_unknown_camera_kind_lists_the_choices():
    assert "must be one of opencv, simulated" in error(with_(cameras={"face": {"kind": "webcam"}}))


def test_types_and_ranges():
    assert error(with_(display={"fullscreen": "yes"})).startswith("display.fullscreen: must be true or false")
    assert error(with_(display={"width": 10})).startswith("display.width: must be a whole number")
    assert error(with_(firewall={"turn": ["http://turn"]})).startswith("firewall.turn")


def test_fixed_ice_servers_are_refused_by_name_since_the_backend_gives_them_per_call():
    msg = error(with_(ice={"servers": ["turn:turn.example.fi"]}))
    assert msg.startswith("ice.servers: no longer read") and "ETAPISTE_TURN_" in msg
    assert parse_config(with_(ice={"servers": []})).backend_url.startswith("wss://")  # an empty table is harmless


def test_a_ca_file_is_relative_to_the_file_and_only_for_wss(tmp_path: Path):
    cfg = parse_config(with_(backend={**GOOD["backend"], "ca_file": "ca.pem"}), tmp_path)
    assert cfg.ca_file == str(tmp_path / "ca.pem")
    plain = {"url": "ws://10.0.2.2:8000/ws", "booth_id": "b", "secret": "s", "ca_file": "ca.pem"}
    assert error(with_(backend=plain)).startswith("backend.ca_file: only for a wss:// url")


def test_missing_file_and_bad_toml(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("[backend\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "bad.toml")


def test_camera_may_be_named_by_usb_identity():
    cfg = parse_config(with_(cameras={"document": {"kind": "opencv", "device": "usb:046d:0825:ABC"}}))
    assert cfg.document_camera is not None and cfg.document_camera.device == "usb:046d:0825:ABC"
    assert cfg.face_camera.kind == "simulated"


def test_device_tables_are_validated_with_the_rest_of_the_file():
    assert error(with_(call_button={"kind": "bluetooth"})).startswith("call_button.kind")
    assert error(with_(printer={"kind": "network"})).startswith("printer.host")
    assert error(with_(touch={"device": "/dev/input/by-id/x", "rotation": 45})).startswith("touch.rotation")
    assert error({**GOOD, "printer": "lp0"}).startswith("printer: must be a table")


def test_optional_devices_are_absent_unless_configured():
    cfg = parse_config(GOOD)
    assert (cfg.call_button, cfg.printer, cfg.card_reader, cfg.id_card, cfg.touch) == (None, None, None, None, None)
    cfg = parse_config(
        with_(
            call_button={"kind": "serial", "path": "/dev/serial/by-id/usb-box-if00"},
            printer={"kind": "network", "host": "192.0.2.50"},
            card_reader={"reader": "Gemalto*"},
            id_card={"pkcs11_module": "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"},
            touch={"device": "/dev/input/by-id/usb-panel-event-if00", "rotation": 90},
        )
    )
    assert cfg.call_button.path == "/dev/serial/by-id/usb-box-if00"
    assert cfg.printer.host == "192.0.2.50"
    assert cfg.card_reader == "Gemalto*"
    assert cfg.id_card.pkcs11_module.endswith("opensc-pkcs11.so")
    assert cfg.touch.rotation == 90


def test_id_card_module_must_be_an_absolute_path():
    assert error(with_(id_card={"pkcs11_module": "opensc-pkcs11.so"})).startswith("id_card.pkcs11_module")


def test_the_booth_refuses_a_bad_file_with_a_clear_message(tmp_path: Path):
    import subprocess
    import sys

    config = tmp_path / "booth.toml"
    config.write_text(
        '[backend]\nurl = "ws://x/ws"\nbooth_id = "b"\nsecret = "s"\n'
        '[cameras.document]\nkind = "opencv"\ndevise = "usb:2a1f:0001"\n'
        '[printer]\nkind = "network"\nhost = "192.0.2.50"\nport = 0\n'
    )
    run = subprocess.run(
        [sys.executable, "-m", "etapiste", "kiosk", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.splitlines() == [
        f"etapiste kiosk: not started; fix {config} (docs/CONFIG.md):",
        "  cameras.document.device: '' is not a stable camera identity; give /dev/v4l/by-id/..., "
        "/dev/v4l/by-path/... or usb:VENDOR:PRODUCT[:SERIAL] (e.g. usb:046d:0825:ABC)",
        "  cameras.document.devise: unknown key; known keys are kind, device, video_file, width, height, "
        "still_width, still_height",
        "  printer.port: must be a whole number from 1 to 65535",
    ]
