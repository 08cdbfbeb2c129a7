"""The booth's resume token: kept on runtime storage across a restart, never anywhere else."""

from __future__ import annotations

import stat
from pathlib import Path

from kiosk.resume import RUNTIME_NAME, ResumeKeeper, resume_path

TOKEN = "A" * 43


def test_the_configured_file_wins_then_the_runtime_directory_then_nowhere(tmp_path: Path):
    assert resume_path("/x/token", {"RUNTIME_DIRECTORY": str(tmp_path)}) == Path("/x/token")
    assert resume_path("", {"RUNTIME_DIRECTORY": f"{tmp_path}:/other"}) == tmp_path / RUNTIME_NAME
    assert resume_path("", {}) is None


def test_a_restarted_kiosk_finds_the_token_of_its_last_welcome(tmp_path: Path):
    env = {"RUNTIME_DIRECTORY": str(tmp_path)}
    first = ResumeKeeper("", env)
    assert first.token() is None
    first.keep(TOKEN)
    assert stat.S_IMODE((tmp_path / RUNTIME_NAME).stat().st_mode) == 0o600
    assert ResumeKeeper("", env).token() == TOKEN
    first.keep(None)  # a backend that does not resume: nothing is kept
    assert ResumeKeeper("", env).token() is None


def test_a_damaged_file_is_ignored_not_sent(tmp_path: Path):
    (tmp_path / "t").write_text("not a token!")
    assert ResumeKeeper(str(tmp_path / "t")).token() is None


def test_without_a_place_the_token_lives_in_memory():
    keeper = ResumeKeeper("", {})
    keeper.keep(TOKEN)
    assert keeper.token() == TOKEN and keeper.path is None
