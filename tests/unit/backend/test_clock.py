"""The backend's one clock, and ``--clock-start`` for demos and tests that need office hours."""

from __future__ import annotations

from datetime import datetime

import pytest

from backend.config import SettingsError, load_settings, running_clock
from etapiste.cli import build_parser


class FakeTime:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_without_a_start_the_clock_is_real_time():
    real = FakeTime(1000.0)
    assert running_clock(None, real) is real


def test_a_started_clock_begins_at_the_start_and_runs_at_real_speed():
    real = FakeTime(1000.0)
    clock = running_clock(5_000_000.0, real)
    assert clock() == 5_000_000.0
    real.t += 42.5
    assert clock() == 5_000_042.5


def test_clock_start_takes_an_iso_time_with_offset():
    settings = load_settings({"clock_start": "2026-11-24T09:55+02:00"}, environ={})
    assert settings.clock_start == datetime.fromisoformat("2026-11-24T07:55+00:00").timestamp()


@pytest.mark.parametrize(
    ("text", "says"), [("tuesday", "must be an ISO date"), ("2026-11-24T09:55", "needs a UTC offset")]
)
def test_a_bad_clock_start_says_what_to_write(text, says):
    with pytest.raises(SettingsError, match=says) as refused:
        load_settings({"clock_start": text}, environ={})
    assert "--clock-start" in str(refused.value)


def test_the_backend_command_accepts_clock_start():
    args = build_parser().parse_args(["backend", "--clock-start", "2026-11-24T09:55+02:00"])
    assert args.clock_start == "2026-11-24T09:55+02:00"
