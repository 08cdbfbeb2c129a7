"""A booth's screenshot waits for its reader once, briefly; stale, foreign and broken answers are dropped."""

from __future__ import annotations

import base64

from backend.domain.booth_screens import KEEP_S, BoothScreens, ShotState
from protocol.messages import ScreenshotOutcome, ScreenshotResult

PNG = b"\x89PNG\r\n\x1a\n" + b"pixels"


def _sent(rid: str, data: bytes = PNG) -> ScreenshotResult:
    return ScreenshotResult(request_id=rid, outcome=ScreenshotOutcome.SENT, png=base64.b64encode(data).decode())


def test_the_picture_is_handed_out_once_and_the_audit_learns_only_its_size():
    screens = BoothScreens()
    rid = screens.ask("b1", "support-1", 0)
    assert screens.take("b1", rid, 1) == (ShotState.WAITING, None)
    answered = screens.answer("b1", _sent(rid), 2)
    assert answered is not None and answered.official_id == "support-1" and answered.size == len(PNG)
    assert screens.take("b1", rid, 3) == (ShotState.SENT, PNG)
    assert screens.take("b1", rid, 4) == (ShotState.NONE, None)


def test_a_stale_or_other_booths_answer_is_dropped_and_a_non_png_is_a_failure():
    screens = BoothScreens()
    old = screens.ask("b1", "s", 0)
    rid = screens.ask("b1", "s", 1)  # a newer request replaces the older one
    assert screens.answer("b1", _sent(old), 2) is None
    assert screens.answer("b2", _sent(rid), 2) is None
    answered = screens.answer("b1", _sent(rid, b"<html>not a picture"), 3)
    assert answered is not None and answered.outcome is ScreenshotOutcome.FAILED
    assert screens.take("b1", rid, 4) == (ShotState.FAILED, None)


def test_declined_answers_and_unread_pictures_expire():
    screens = BoothScreens()
    rid = screens.ask("b1", "s", 0)
    screens.answer("b1", ScreenshotResult(request_id=rid, outcome=ScreenshotOutcome.DECLINED), 5)
    assert screens.take("b1", rid, 6) == (ShotState.DECLINED, None)
    rid = screens.ask("b1", "s", 10)
    screens.answer("b1", _sent(rid), 11)
    assert screens.take("b1", rid, 11 + KEEP_S + 1) == (ShotState.NONE, None)
