"""The card reader's pure decisions: which reader is ours, what changed, how healthy it is."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drivers.cardreader import CardInserted, CardRemoved, CardTracker, Observation, match_reader
from protocol.messages import DeviceState

READER = "Alcor Micro AU9540 00 00"
ATR = bytes.fromhex("3b7f96000080318065b0850300ef120fff829000")


def test_reader_is_bound_by_pattern_not_position():
    readers = ("Yubico YubiKey OTP+FIDO+CCID 00 00", READER)
    assert match_reader("Alcor Micro AU9540*", readers) == READER
    assert match_reader(READER, readers) == READER
    assert match_reader("Gemalto*", readers) is None
    assert match_reader("alcor*", readers) is None  # case-sensitive, like the names pcscd reports


def test_insert_and_remove_give_one_event_each():
    tracker = CardTracker("card_reader", "Alcor*")
    assert tracker.observe(Observation(True, (READER,), READER, None)) == []
    assert tracker.observe(Observation(True, (READER,), READER, ATR)) == [CardInserted(READER, ATR)]
    assert tracker.observe(Observation(True, (READER,), READER, ATR)) == []  # still there: no repeat
    assert tracker.observe(Observation(True, (READER,), READER, None)) == [CardRemoved(READER)]
    assert tracker.observe(Observation(True, (READER,), READER, None)) == []


def test_a_different_card_swapped_in_between_polls_is_a_remove_then_an_insert():
    tracker = CardTracker("card_reader", "Alcor*")
    tracker.observe(Observation(True, (READER,), READER, ATR))
    other = bytes.fromhex("3b8f8001804f0ca000000306030001000000006a")
    assert tracker.observe(Observation(True, (READER,), READER, other)) == [
        CardRemoved(READER),
        CardInserted(READER, other),
    ]


def test_service_outage_with_a_card_in_reports_it_removed_and_missing():
    tracker = CardTracker("card_reader", "Alcor*")
    tracker.observe(Observation(True, (READER,), READER, ATR))
    assert tracker.observe(Observation(False)) == [CardRemoved(READER)]
    assert tracker.health.state is DeviceState.MISSING
    assert tracker.health.reason == "PC/SC service not running (pcscd): start or restart pcscd"
    assert tracker.observe(Observation(False)) == []
    assert tracker.observe(Observation(True, (READER,), READER, ATR)) == [CardInserted(READER, ATR)]
    assert tracker.health.state is DeviceState.OK


def test_unplugged_reader_reports_removal_and_a_clear_reason():
    tracker = CardTracker("card_reader", "Alcor*")
    tracker.observe(Observation(True, (READER,), READER, ATR))
    assert tracker.observe(Observation(True, ())) == [CardRemoved(READER)]
    assert tracker.health.state is DeviceState.MISSING
    assert tracker.health.reason == "no card reader: is the reader plugged in?"


def test_wrong_reader_names_the_pattern_and_what_is_there():
    tracker = CardTracker("card_reader", "Alcor*")
    tracker.observe(Observation(True, ("Gemalto PC Twin Reader 00 00",)))
    assert tracker.health.state is DeviceState.MISSING
    assert tracker.health.reason == "no card reader matching 'Alcor*' (found: Gemalto PC Twin Reader 00 00)"


def test_ok_health_names_reader_and_card_state():
    tracker = CardTracker("card_reader", "Alcor*")
    assert tracker.health.state is DeviceState.DEGRADED  # before the first look
    tracker.observe(Observation(True, (READER,), READER, None))
    assert (tracker.health.state, tracker.health.reason) == (DeviceState.OK, f"reader {READER}, card absent")
    tracker.observe(Observation(True, (READER,), READER, ATR))
    assert tracker.health.reason == f"reader {READER}, card present"


def test_the_simulated_reader_reports_like_the_real_one():
    from drivers.sim.cardreader import DEMO_ATR, SimCardReader

    events: list = []
    sim = SimCardReader(events.append, reader_name="Sim 00 00")
    assert sim.probe().reason == "reader Sim 00 00, card absent"
    sim.insert()
    assert events == [CardInserted("Sim 00 00", DEMO_ATR)] and sim.card_present()
    sim.unplug()
    assert events[-1] == CardRemoved("Sim 00 00")
    assert sim.probe().reason == "no card reader: is the reader plugged in?"
    sim.plug()
    assert events[-1] == CardInserted("Sim 00 00", DEMO_ATR)  # the card was still in it
    sim.stop_service()
    assert sim.probe().state is DeviceState.MISSING and not sim.card_present()
    sim.start_service()
    sim.remove()
    assert events[-1] == CardRemoved("Sim 00 00") and sim.probe().state is DeviceState.OK


_OBSERVATIONS = st.builds(
    Observation,
    service_up=st.booleans(),
    readers=st.lists(st.sampled_from(["ACS ACR39U 00 00", "Virtual PCD 00 00", ""]), max_size=3).map(tuple),
    reader=st.one_of(st.none(), st.sampled_from(["ACS ACR39U 00 00", "Virtual PCD 00 00"])),
    atr=st.one_of(st.none(), st.binary(max_size=40)),
)


@given(st.lists(_OBSERVATIONS, max_size=40))
def test_any_sequence_of_polls_gives_paired_events_and_a_health(observations):
    """Garbage from pcscd or the card (any ATR bytes, readers coming and going) never breaks the
    tracker: a card is reported inserted once, removed once, and health always says something."""
    tracker = CardTracker("id_card", "ACS*")
    inserted = None
    for obs in observations:
        for event in tracker.observe(obs):
            if isinstance(event, CardInserted):
                assert inserted is None, "two inserts without a removal"
                inserted = event
            else:
                assert isinstance(event, CardRemoved) and inserted is not None, "a removal without an insert"
                assert event.reader == inserted.reader
                inserted = None
        assert tracker.health.reason
