"""The simulated booth the demo and the e2e tests run: built as the model, written as TOML, read like any booth's."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.button import SerialButtonConfig
from etapiste.sim_booth import simulated_booth, write_booth_config
from kiosk.config import ConfigError, load_config


def test_the_written_file_is_read_back_as_the_booth_that_was_built(tmp_path: Path):
    booth = simulated_booth(
        backend_url="ws://127.0.0.1:8123/ws",
        booth_id="imatra-1",
        secret="demo-booth-secret",
        tuio="127.0.0.1:3333",
        status_file=str(tmp_path / "status.json"),
        screenshot_dir=str(tmp_path / "shots"),
        document_video=str(tmp_path / "document.avi"),
        extra={"call_button": {"kind": "serial", "path": "/dev/pts/7"}},
    )
    path = write_booth_config(booth, tmp_path / "booth.toml", "written by a test")
    assert path.read_text().startswith("# written by a test\n[backend]\n")
    cfg = load_config(path)
    assert (cfg.backend_url, cfg.booth_id, cfg.secret, cfg.tuio) == (
        "ws://127.0.0.1:8123/ws",
        "imatra-1",
        "demo-booth-secret",
        "127.0.0.1:3333",
    )
    assert (cfg.fullscreen, cfg.width, cfg.height) == (False, 1280, 720)
    assert cfg.face_camera.kind == "simulated" and cfg.face_camera.video_file == ""
    assert cfg.document_camera is not None and cfg.document_camera.video_file == str(tmp_path / "document.avi")
    assert cfg.call_button == SerialButtonConfig("/dev/pts/7")
    assert cfg.status_file == str(tmp_path / "status.json") and cfg.screenshot_dir == str(tmp_path / "shots")


def test_without_a_document_video_there_is_no_document_camera(tmp_path: Path):
    booth = simulated_booth("ws://h:1/ws", "b", "s", "127.0.0.1:1", str(tmp_path / "s.json"))
    cfg = load_config(write_booth_config(booth, tmp_path / "b.toml", "t"))
    assert cfg.document_camera is None and cfg.screenshot_dir == ""


def test_a_bad_extra_table_is_refused_like_in_a_file():
    with pytest.raises(ValueError, match="call_button"):
        simulated_booth("ws://h:1/ws", "b", "s", "", "", extra={"call_button": {"kind": "bluetooth"}})
    with pytest.raises(ConfigError):
        load_config("/nonexistent/booth.toml")
