"""The kiosk's READY=1 and watchdog pings reach systemd's socket, and do nothing outside systemd."""

from __future__ import annotations

import socket
import threading

from kiosk.sdnotify import notify, watchdog_interval


def test_notify_sends_one_datagram_to_the_socket(tmp_path):
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        assert notify("READY=1", {"NOTIFY_SOCKET": str(path)})
        assert server.recv(100) == b"READY=1"


def test_without_systemd_or_with_systemd_gone_nothing_fails(tmp_path):
    assert not notify("WATCHDOG=1", {})
    assert not notify("WATCHDOG=1", {"NOTIFY_SOCKET": str(tmp_path / "gone")})


def test_pings_come_three_times_per_watchdog_period_and_only_when_watched():
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) == 10.0
    assert watchdog_interval({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval({}) is None


def test_a_socket_nobody_reads_never_blocks_the_ui_loop(tmp_path):
    """systemd busy (its queue full): the ping is dropped, the caller (the UI loop) goes on."""
    path = tmp_path / "notify"
    results: list[bool] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))

        def ping_a_lot() -> None:
            for _ in range(5000):  # far more than a datagram queue holds
                results.append(notify("WATCHDOG=1", {"NOTIFY_SOCKET": str(path)}))

        pinger = threading.Thread(target=ping_a_lot, daemon=True)
        pinger.start()
        pinger.join(60)
        assert not pinger.is_alive(), f"notify blocked once the queue was full (after {len(results)} pings)"
        assert results[0] and not results[-1]
        assert server.recv(100) == b"WATCHDOG=1"
