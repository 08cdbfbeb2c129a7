"""The PC/SC card reader driver against a real pcscd with the vsmartcard virtual reader.

Card insert/remove are vicc starting and stopping; the outage test stops and
restarts the real pcscd under the running driver.
"""

from __future__ import annotations

import queue
import time

import pytest

from drivers.cardreader import CardEvent, CardInserted, CardRemoved, PcscCardReader
from protocol.messages import DeviceState
from tests.hil import pcsc_fixtures
from tests.hil.pcsc_fixtures import READER, PcscStandIn
from tests.support.waiting import wait_for

pcsc = pcsc_fixtures.pcsc

#: The booth promises device changes within 2 s; allow a generous margin for
#: this shared, noisy machine while still failing a driver that polls lazily.
EVENT_DEADLINE_S = 2.0 + 3.0


class Events:
    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[float, CardEvent]] = queue.Queue()

    def __call__(self, event: CardEvent) -> None:
        self.queue.put((time.monotonic(), event))

    def next(self, timeout: float = 20) -> tuple[float, CardEvent]:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no card event within {timeout} s") from None


@pytest.fixture
def reader_and_events():
    events = Events()
    reader = PcscCardReader(READER, events)
    reader.start()  # in the booth the Supervisor's first probe() does this
    yield reader, events
    reader.close()


def _state(reader: PcscCardReader, state: DeviceState) -> object:
    health = reader.probe()
    return health if health.state is state else None


def test_insert_and_remove_are_reported_within_two_seconds(pcsc: PcscStandIn, reader_and_events):
    reader, events = reader_and_events
    health = wait_for("reader ok", lambda: _state(reader, DeviceState.OK))
    assert health.reason == f"reader {READER}, card absent"

    inserted_at = time.monotonic()
    pcsc.insert_card()  # returns once vicc has stayed up for a second (so it is connected)
    at, event = events.next()
    assert isinstance(event, CardInserted) and event.reader == READER and len(event.atr) >= 2
    assert at - inserted_at < EVENT_DEADLINE_S + 1.0  # + vicc's own 1 s settle time in insert_card
    assert reader.card_present()
    assert reader.probe().reason == f"reader {READER}, card present"

    removed_at = time.monotonic()
    pcsc.remove_card()
    at, event = events.next()
    assert event == CardRemoved(READER)
    assert at - removed_at < EVENT_DEADLINE_S
    assert not reader.card_present()
    assert events.queue.empty()  # exactly one event per change


def test_pcscd_restart_is_survived_without_restarting_the_driver(pcsc: PcscStandIn, reader_and_events):
    reader, events = reader_and_events
    pcsc.insert_card()
    assert isinstance(events.next()[1], CardInserted)

    pcsc.stop_pcscd()
    stopped_at = time.monotonic()
    health = wait_for("outage reported", lambda: _state(reader, DeviceState.MISSING))
    assert time.monotonic() - stopped_at < EVENT_DEADLINE_S
    assert "PC/SC service not running" in health.reason
    # The card's session died with pcscd: the booth must hear the card is gone.
    assert events.next()[1] == CardRemoved(READER)

    pcsc.remove_card()  # vicc lost its vpcd connection; plug the card back in after the restart
    pcsc.start_pcscd()
    wait_for("reader ok again", lambda: _state(reader, DeviceState.OK))
    pcsc.insert_card()
    assert isinstance(events.next()[1], CardInserted)
    pcsc.remove_card()
    assert events.next()[1] == CardRemoved(READER)


def test_pcscd_down_is_a_clear_missing_reason(pcsc: PcscStandIn, reader_and_events):
    reader, _ = reader_and_events
    pcsc.stop_pcscd()
    health = wait_for("missing", lambda: _state(reader, DeviceState.MISSING))
    assert health.reason == "PC/SC service not running (pcscd): start or restart pcscd"


def test_reader_not_matching_the_config_is_named_with_what_was_found(pcsc: PcscStandIn):
    reader = PcscCardReader("Gemalto USB*", lambda e: None)
    try:
        health = wait_for("missing", lambda: _state(reader, DeviceState.MISSING))
        assert "no card reader matching 'Gemalto USB*'" in health.reason
        assert READER in health.reason  # the technician sees what *is* connected
    finally:
        reader.close()


def test_a_watcher_thread_that_died_is_restarted_by_probe(pcsc: PcscStandIn, reader_and_events):
    reader, events = reader_and_events
    wait_for("reader ok", lambda: _state(reader, DeviceState.OK))
    # Stop the watcher behind the driver's back (as an unexpected thread death would),
    # without marking the driver closed.
    reader._stop.set()
    reader._thread.join(timeout=5)
    reader._stop.clear()
    assert reader.probe().state is DeviceState.DEGRADED
    wait_for("reader ok", lambda: _state(reader, DeviceState.OK))
    pcsc.insert_card()
    assert isinstance(events.next()[1], CardInserted)


async def test_the_booth_supervisor_sees_the_outage_and_the_recovery(pcsc: PcscStandIn, reader_and_events):
    """The same driver under the kiosk's real Supervisor (probe every 0.5 s, off the event loop)."""
    import asyncio

    from drivers.supervisor import Supervisor

    reader, _ = reader_and_events
    reports: list[DeviceState] = []
    supervisor = Supervisor([reader], lambda health: reports.append(health[0].state))
    task = asyncio.create_task(supervisor.run())
    try:

        async def until(state: DeviceState) -> None:
            for _ in range(400):  # up to ~20 s of polling; the deadline below is the real check
                if reports and reports[-1] is state:
                    return
                await asyncio.sleep(0.05)
            raise AssertionError(f"supervisor never reported {state}; saw {reports}")

        await until(DeviceState.OK)
        await asyncio.to_thread(pcsc.stop_pcscd)
        stopped_at = time.monotonic()
        await until(DeviceState.MISSING)
        assert time.monotonic() - stopped_at < EVENT_DEADLINE_S
        await asyncio.to_thread(pcsc.start_pcscd)
        await until(DeviceState.OK)
    finally:
        task.cancel()
        supervisor.close()


def test_no_reader_connected_is_a_clear_missing_reason(pcsc: PcscStandIn, reader_and_events):
    reader, _ = reader_and_events
    wait_for("reader ok", lambda: _state(reader, DeviceState.OK))
    pcsc.stop_pcscd()
    pcsc.start_pcscd(with_reader=False)  # the service runs, but nothing is plugged in
    health = wait_for(
        "no reader", lambda: _state(reader, DeviceState.MISSING) if "plugged" in reader.probe().reason else None
    )
    assert health.reason == "no card reader: is the reader plugged in?"


def test_an_empty_reader_pattern_is_refused_at_construction():
    with pytest.raises(ValueError, match="reader_pattern"):
        PcscCardReader("", lambda e: None)
