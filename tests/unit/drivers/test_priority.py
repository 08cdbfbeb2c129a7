"""The media threads' priority: raised where allowed, a logged no where not."""

from __future__ import annotations

import os
import threading

import pytest

from drivers import priority


def test_a_thread_raises_its_own_priority_only():
    results: dict[str, int] = {}
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def media() -> None:
        ok = priority.raise_priority(before + 1)  # a higher nice value is always allowed
        results["ok"] = int(ok)
        results["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=media)
    thread.start()
    thread.join()
    assert results == {"ok": 1, "nice": before + 1}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # this thread unchanged


def test_not_allowed_is_a_false_and_one_warning(monkeypatch: pytest.MonkeyPatch, caplog):
    def refuse(*_args: object) -> None:
        raise PermissionError("Operation not permitted")

    monkeypatch.setattr(os, "setpriority", refuse)
    monkeypatch.setattr(priority, "_warned", False)
    assert priority.raise_priority() is False
    assert priority.raise_priority() is False
    assert caplog.text.count("normal priority") == 1
