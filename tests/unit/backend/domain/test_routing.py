"""Walk-in routing and who sees whom, in the broker (pure: no sockets, no clock)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.domain.access import Standing
from backend.domain.calls import Arrival, BoothInfo, BrokerError, CallBroker, Deliver, Party, WalkIn
from backend.domain.catalogue import OfficialSkills, Service
from protocol.messages import BookingArrived, ErrorCode, Presence, QueueStatus, Role, SessionOffer

TAX, KELA = "tax", "kela"
PERSONAL = Service("vero-henkilo", TAX, {"fi": "Henkilöverotus", "sv": "Personbeskattning", "en": "Personal tax"}, 20)
PERSONAL = Service(PERSONAL.id, TAX, PERSONAL.names, 20, languages=frozenset({"fi", "sv"}))
HOUSING = Service("kela-asumis", KELA, {"fi": "Asumistuki", "sv": "Bostadsbidrag", "en": "Housing"}, 30)
B1, B2 = Party(Role.BOOTH, "b1"), Party(Role.BOOTH, "b2")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC).timestamp()


def skills(official_id: str, org: str, services: set[str], languages: set[str]) -> OfficialSkills:
    return OfficialSkills(official_id, org, frozenset(services), frozenset(languages), {})


def official(
    b: CallBroker,
    oid: str,
    org: str,
    services: set[str],
    languages=("fi",),
    at: float = NOW,
    advises: frozenset[str] = frozenset(),
):
    """An official of ``org`` (an advisor when they serve no services)."""
    standing = Standing(oid, org, official_of=frozenset({org}) if services else frozenset(), advises=advises)
    return b.official_online(oid, oid.title(), at, standing=standing, skills=skills(oid, org, services, set(languages)))


def to(effects, party: Party, kind: type) -> list:
    return [e.message for e in effects if isinstance(e, Deliver) and e.to == party and isinstance(e.message, kind)]


def offers(effects) -> dict[str, str]:
    """official id -> offered session id."""
    return {
        e.to.id: e.message.session_id for e in effects if isinstance(e, Deliver) and isinstance(e.message, SessionOffer)
    }


@pytest.fixture
def broker() -> CallBroker:
    b = CallBroker()
    b.know_services([PERSONAL, HOUSING])
    b.booth_online(BoothInfo("b1", "Imatra 1", "Imatra", "p-imatra"))
    b.booth_online(BoothInfo("b2", "Imatra 2", "Imatra", "p-imatra"))
    return b


def test_a_walk_in_is_offered_to_the_free_official_who_serves_that_matter(broker):
    official(broker, "veera", TAX, {PERSONAL.id})
    official(broker, "kalle", KELA, {HOUSING.id})
    effects = broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))
    assert offers(effects) == {"veera": "s1"}
    offer = to(effects, Party(Role.OFFICIAL, "veera"), SessionOffer)[0]
    assert (offer.service_name, offer.language, offer.booth_name) == ("Henkilöverotus", "fi", "Imatra 1")
    assert to(effects, B1, QueueStatus) == [QueueStatus(session_id="s1", position=1, wait_min=0)]


def test_the_matter_is_named_in_every_language_for_the_officials_page(broker):
    official(broker, "veera", TAX, {PERSONAL.id}, languages=("fi", "sv"))
    effects = broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "sv"))
    names = {"fi": "Henkilöverotus", "sv": "Personbeskattning", "en": "Personal tax"}
    offer = to(effects, Party(Role.OFFICIAL, "veera"), SessionOffer)[0]
    assert offer.service_names == names
    [entry] = broker.presence("veera").lobby
    assert entry.service_names == names


def test_language_matters(broker):
    official(broker, "veera", TAX, {PERSONAL.id}, languages=("fi",))
    effects = broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "sv"))
    assert offers(effects) == {}
    assert to(effects, B1, QueueStatus) == [QueueStatus(session_id="s1", position=1, wait_min=None)]
    effects = official(broker, "sara", TAX, {PERSONAL.id}, languages=("fi", "sv"))
    assert offers(effects) == {"sara": "s1"}
    assert to(effects, B1, QueueStatus) == [QueueStatus(session_id="s1", position=1, wait_min=0)]


def test_with_nobody_qualified_present_the_booth_is_told_there_is_no_estimate_and_nobody_is_offered(broker):
    official(broker, "kalle", KELA, {HOUSING.id})
    effects = broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))
    assert offers(effects) == {}
    assert to(effects, B1, QueueStatus)[0].wait_min is None


def test_a_busy_official_gets_the_next_citizen_when_their_call_ends(broker):
    official(broker, "veera", TAX, {PERSONAL.id})
    broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))
    broker.admit("veera", "s1", NOW + 10)
    effects = broker.request("b2", "s2", NOW + 20, WalkIn(PERSONAL.id, "fi"))
    assert offers(effects) == {}  # in a call
    assert to(effects, B2, QueueStatus) == [QueueStatus(session_id="s2", position=1, wait_min=0)]
    effects = broker.end(Party(Role.OFFICIAL, "veera"), "s1", NOW + 600)
    assert offers(effects) == {"veera": "s2"}


def test_the_second_walk_in_waits_behind_the_first_with_an_honest_estimate(broker):
    official(broker, "veera", TAX, {PERSONAL.id})
    broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))
    effects = broker.request("b2", "s2", NOW + 5, WalkIn(PERSONAL.id, "fi"))
    assert offers(effects) == {}  # veera holds the offer of s1
    assert to(effects, B2, QueueStatus) == [QueueStatus(session_id="s2", position=2, wait_min=20)]
    effects = broker.admit("veera", "s1", NOW + 30)
    assert to(effects, B2, QueueStatus) == [QueueStatus(session_id="s2", position=1, wait_min=0)]


def test_an_unchanged_place_is_not_resent(broker):
    official(broker, "veera", TAX, {PERSONAL.id})
    broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))
    effects = official(broker, "kalle", KELA, {HOUSING.id})
    assert to(effects, B1, QueueStatus) == []


def test_an_appointment_on_time_goes_before_an_earlier_walk_in_but_only_to_its_official(broker):
    official(broker, "veera", TAX, {PERSONAL.id})
    official(broker, "ville", TAX, {PERSONAL.id})
    veera = Party(Role.OFFICIAL, "veera")
    broker.request("b2", "s0", NOW, WalkIn(PERSONAL.id, "fi"))
    broker.admit("veera", "s0", NOW)
    broker.request("b1", "walk", NOW + 1, WalkIn(PERSONAL.id, "fi"))  # offered to ville
    arrival = Arrival("K7M2QX", "veera", "Henkilöverotus", NOW + 300, "bk1", PERSONAL.id, "fi")
    broker.end(veera, "s0", NOW + 2)
    effects = broker.checked_in("b2", "appt", NOW + 3, arrival)
    assert offers(effects) == {"veera": "appt"}
    [told] = to(effects, veera, BookingArrived)
    assert told.service_names == {"fi": "Henkilöverotus", "sv": "Personbeskattning", "en": "Personal tax"}


def test_an_appointment_is_not_offered_to_another_official(broker):
    official(broker, "ville", TAX, {PERSONAL.id})
    arrival = Arrival("K7M2QX", "veera", "Henkilöverotus", NOW, "bk1", PERSONAL.id, "fi")
    effects = broker.checked_in("b1", "appt", NOW, arrival)
    assert offers(effects) == {}
    effects = official(broker, "veera", TAX, {PERSONAL.id})
    assert offers(effects) == {"veera": "appt"}


def test_an_offer_moves_on_when_the_official_goes_away(broker):
    official(broker, "veera", TAX, {PERSONAL.id}, at=NOW - 100)
    broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))
    official(broker, "ville", TAX, {PERSONAL.id})
    effects = broker.official_offline("veera", NOW + 10)
    assert offers(effects) == {"ville": "s1"}


def test_the_official_free_longest_is_offered_first(broker):
    official(broker, "aino", TAX, {PERSONAL.id}, at=NOW - 10)  # first by name, but free for less time
    official(broker, "veera", TAX, {PERSONAL.id}, at=NOW - 500)
    effects = broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))
    assert offers(effects) == {"veera": "s1"}


def test_an_official_in_a_call_cannot_admit_a_second_citizen(broker):
    official(broker, "veera", TAX, {PERSONAL.id})
    broker.request("b1", "s1", NOW)
    broker.request("b2", "s2", NOW)
    broker.admit("veera", "s1", NOW)
    with pytest.raises(BrokerError) as err:
        broker.admit("veera", "s2", NOW)
    assert err.value.code is ErrorCode.BUSY


def test_a_choice_the_booth_could_not_offer_is_refused(broker):
    with pytest.raises(BrokerError, match="no service"):
        broker.request("b1", "s1", NOW, WalkIn("nope", "fi"))
    with pytest.raises(BrokerError, match="not 'en'"):
        broker.request("b1", "s1", NOW, WalkIn(PERSONAL.id, "en"))
    assert broker.sessions == {}


# -- who sees whom --


def lobby_of(effects, official_id: str) -> list[str]:
    snaps = to(effects, Party(Role.OFFICIAL, official_id), Presence)
    return [e.session_id for e in snaps[-1].lobby]


def test_officials_see_their_own_organisations_citizens_and_those_who_chose_no_matter(broker):
    official(broker, "veera", TAX, {PERSONAL.id})
    official(broker, "kalle", KELA, {HOUSING.id})
    broker.request("b1", "tax-walk-in", NOW, WalkIn(PERSONAL.id, "fi"))
    effects = broker.request("b2", "anyone", NOW + 1)
    assert lobby_of(effects, "veera") == ["tax-walk-in", "anyone"]
    assert lobby_of(effects, "kalle") == ["anyone"]
    with pytest.raises(BrokerError) as err:
        broker.admit("kalle", "tax-walk-in", NOW + 2)
    assert err.value.code is ErrorCode.NO_SUCH_SESSION


def test_a_booking_code_reaches_only_the_booked_officials_organisation(broker):
    official(broker, "kalle", KELA, {HOUSING.id})
    arrival = Arrival("K7M2QX", "veera", "Henkilöverotus", NOW, "bk1", PERSONAL.id, "fi")
    effects = broker.checked_in("b1", "appt", NOW, arrival)
    assert lobby_of(effects, "kalle") == []
    assert all("K7M2QX" not in repr(m) for m in to(effects, Party(Role.OFFICIAL, "kalle"), Presence))


def test_an_advisor_sees_everyone_at_their_points_booths_and_a_master_admin_everyone(broker):
    official(broker, "neuvoja", "municipality", set(), advises=frozenset({"p-imatra"}))
    official(broker, "muualla", "municipality", set(), advises=frozenset({"p-nurmes"}))
    broker.official_online("master", "Master", NOW, standing=Standing("master", "city", master=True))
    effects = broker.request("b1", "s1", NOW, WalkIn(HOUSING.id, "fi"))
    assert lobby_of(effects, "neuvoja") == ["s1"]
    assert lobby_of(effects, "muualla") == []
    assert lobby_of(effects, "master") == ["s1"]
