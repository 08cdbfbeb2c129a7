"""The kiosk's private Kivy home: made at start, gone at the end (the booth exits with os._exit)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk import boot
from kiosk.config import KioskConfig


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIVY_HOME", "KIVY_NO_ARGS", "KIVY_LOG_MODE", "KIVY_NO_FILELOG", "KIVY_WINDOW", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(boot, "_private_home", None)


def test_the_private_kivy_home_is_removed_on_the_way_out(clean_env: None) -> None:
    boot.prepare_kivy(KioskConfig(backend_url="ws://127.0.0.1:8000/ws", booth_id="b1", secret="s"))
    home = Path(os.environ["KIVY_HOME"])
    assert home.is_dir() and home.name.startswith("etapiste-kivy-")
    boot.forget_kivy_home()
    assert not home.exists()
    boot.forget_kivy_home()  # a second call (e.g. the watchdog after a clean stop) is harmless


def test_a_kivy_home_named_by_the_environment_is_left_alone(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KIVY_HOME", str(tmp_path))
    boot.prepare_kivy(KioskConfig(backend_url="ws://127.0.0.1:8000/ws", booth_id="b1", secret="s"))
    boot.forget_kivy_home()
    assert tmp_path.is_dir()
