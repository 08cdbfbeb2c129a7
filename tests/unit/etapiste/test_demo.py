"""The demo's first run as a new user meets it (found using the demo: ports, banner, old pictures)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from etapiste.demo import clear_earlier_run, free_port, wait_booth_connected


@pytest.mark.parametrize("kind", [socket.SOCK_STREAM, socket.SOCK_DGRAM])
def test_a_port_held_by_something_else_is_replaced_by_a_free_one(kind, capsys):
    with socket.socket(socket.AF_INET, kind) as other:
        other.bind(("127.0.0.1", 0))
        if kind == socket.SOCK_STREAM:
            other.listen()
        held = other.getsockname()[1]
        chosen = free_port(held, kind, "the SMS stand-in")
        assert chosen != held
        with socket.socket(socket.AF_INET, kind) as mine:
            mine.bind(("127.0.0.1", chosen))  # really free
    assert f"port {held} is in use; the SMS stand-in uses port {chosen}" in capsys.readouterr().err


def test_a_free_preferred_port_is_kept(capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert free_port(port, socket.SOCK_STREAM, "x") == port
    assert capsys.readouterr().err == ""


def test_an_earlier_runs_booth_screens_are_cleared(tmp_path: Path):
    shots = tmp_path / "booth-screens" / "kiosk"
    shots.mkdir(parents=True)
    (shots / "idle.png").write_bytes(b"old")
    (tmp_path / "booth-status.json").write_text('{"connected": true}')
    (tmp_path / "etapiste.db").write_text("kept")
    clear_earlier_run(tmp_path)
    assert not (tmp_path / "booth-screens").exists() and not (tmp_path / "booth-status.json").exists()
    assert (tmp_path / "etapiste.db").exists()
    clear_earlier_run(tmp_path)  # nothing to clear: fine


def test_the_banner_waits_for_the_booth_to_connect(tmp_path: Path):
    status = tmp_path / "booth-status.json"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        status.write_text(json.dumps({"connected": False}))
        assert not wait_booth_connected(status, sleeper, timeout=0.5)
        status.write_text(json.dumps({"connected": True}))
        assert wait_booth_connected(status, sleeper, timeout=10)
    finally:
        sleeper.kill()
        sleeper.wait()
    status.unlink()
    assert not wait_booth_connected(status, sleeper, timeout=10)  # the booth stopped: no waiting the full time
