"""The access policy itself (pure), and the broker asking it: the leaks of issue #8 and #15 stay fixed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.domain import access
from backend.domain.access import (
    Action,
    AlertRef,
    BookingRef,
    BoothRef,
    Citizen,
    HelpRequest,
    ReportRef,
    Standing,
    allows,
)
from backend.domain.bookings import BookedVia
from backend.domain.calls import BoothInfo, BrokerError, CallBroker, Deliver, DeskWalkIn, Party, QueueChanged, WalkIn
from backend.domain.catalogue import OfficialSkills, Service
from protocol.messages import AssistState, ErrorCode, Presence, Role, SessionOffer

IMATRA, LPR = "imatra", "lappeenranta"

VERO_OFFICIAL = Standing.of_grants("veera", "vero", [("official", "")], serves_at={IMATRA, LPR})
KELA_OFFICIAL = Standing.of_grants("kalle", "kela", [("official", "")], serves_at={IMATRA, LPR})
IDLE_OFFICIAL = Standing.of_grants("ilona", "dvv", [("official", "")])  # an organisation that serves nowhere
ADVISOR = Standing.of_grants("niko", "imatra-city", [("advisor", IMATRA)])
VERO_ADMIN = Standing.of_grants("vilma", "vero", [("authority_admin", "vero")], serves_at={IMATRA, LPR})
VERO_REPORTER = Standing.of_grants("raili", "vero", [("reporter", "vero")])
MASTER = Standing.of_grants("pekka", "imatra-city", [("master_admin", "")])
BOOTH = Standing.of_booth("imatra-1", IMATRA)
GUEST = Standing.of_guest("tulkki", "s-call")

TAX_CITIZEN = Citizen("s-tax", "imatra-1", IMATRA, organisation_id="vero")
ANYONE_CITIZEN = Citizen("s-any", "imatra-1", IMATRA)
BOOKED_CITIZEN = Citizen("s-book", "imatra-1", IMATRA, organisation_id="vero", booked_for="veera")
KELA_CALL = Citizen("s-call", "imatra-1", IMATRA, organisation_id="kela", in_call_with=frozenset({"kalle"}))


def test_grants_become_a_standing_and_unknown_roles_are_refused():
    both = Standing.of_grants("x", "vero", [("official", ""), ("advisor", IMATRA), ("authority_admin", "vero")])
    assert (both.official_of, both.advises, both.admin_of, both.master) == (
        frozenset({"vero"}),
        frozenset({IMATRA}),
        frozenset({"vero"}),
        False,
    )
    with pytest.raises(ValueError, match=r"unknown role.*superuser"):
        Standing.of_grants("x", "vero", [("superuser", "")])


@pytest.mark.parametrize(
    ("standing", "imatra_booth"),
    [
        (VERO_OFFICIAL, True),  # Tax serves at Imatra
        (VERO_ADMIN, True),
        (IDLE_OFFICIAL, False),  # serves nowhere: no booth of anyone's
        (VERO_REPORTER, False),  # reports, not booths
        (ADVISOR, True),
        (MASTER, True),
        (BOOTH, True),  # itself
        (GUEST, False),
    ],
)
def test_booths_are_shared_with_those_who_serve_at_the_point(standing, imatra_booth):
    assert access.sees_booth(standing, BoothRef("imatra-1", IMATRA)) is imatra_booth
    assert access.sees_booth(ADVISOR, BoothRef("lpr-1", LPR)) is False  # another point's desk


def test_lobby_visibility_keeps_todays_rules():
    assert access.sees_citizen(VERO_OFFICIAL, TAX_CITIZEN)  # own organisation's citizen
    assert not access.sees_citizen(KELA_OFFICIAL, TAX_CITIZEN)
    assert access.sees_citizen(KELA_OFFICIAL, ANYONE_CITIZEN)  # chose no matter
    assert access.sees_citizen(ADVISOR, TAX_CITIZEN)  # everyone at their points' booths
    assert not access.sees_citizen(Standing.of_grants("n2", "c", [("advisor", LPR)]), TAX_CITIZEN)
    booked_elsewhere = Citizen("s", "b", IMATRA, organisation_id="kela", booked_for="veera")
    assert access.sees_citizen(VERO_OFFICIAL, booked_elsewhere)  # one's own booking
    assert access.sees_citizen(MASTER, TAX_CITIZEN)
    assert not access.sees_citizen(VERO_REPORTER, TAX_CITIZEN) and not access.sees_citizen(
        VERO_REPORTER, ANYONE_CITIZEN
    )


def test_only_an_official_who_may_serve_the_citizen_admits_them():
    assert access.may_admit(VERO_OFFICIAL, TAX_CITIZEN)
    assert access.may_admit(VERO_OFFICIAL, BOOKED_CITIZEN)
    assert access.may_admit(KELA_OFFICIAL, ANYONE_CITIZEN)
    assert not access.may_admit(KELA_OFFICIAL, TAX_CITIZEN)
    # Seeing is not admitting (issue #15): the advisor, an admin, the master admin.
    for onlooker in (ADVISOR, VERO_ADMIN, MASTER):
        assert not access.may_admit(onlooker, TAX_CITIZEN) and not access.may_admit(onlooker, ANYONE_CITIZEN)
    assert not allows(ADVISOR, Action.ADMIT, TAX_CITIZEN) and allows(ADVISOR, Action.SEE, TAX_CITIZEN)


def test_the_call_button_reaches_the_advisors_and_the_official_in_the_call_only():
    alone = HelpRequest("imatra-1", IMATRA)
    in_call = HelpRequest("imatra-1", IMATRA, frozenset({"kalle"}))
    assert access.sees_help_request(ADVISOR, alone) and access.may_answer_help_request(ADVISOR, alone)
    assert access.sees_help_request(MASTER, alone)
    assert not access.sees_help_request(VERO_OFFICIAL, alone)  # serving at the point is not serving the citizen
    assert not access.may_answer_help_request(VERO_OFFICIAL, alone)
    assert access.may_answer_help_request(KELA_OFFICIAL, in_call) and not access.may_answer_help_request(
        KELA_OFFICIAL, alone
    )
    assert access.sees_help_request(BOOTH, alone) and not access.may_answer_help_request(BOOTH, alone)


def test_alerts_bookings_reports_and_the_catalogue():
    assert access.sees_alert(ADVISOR, AlertRef(IMATRA)) and not access.sees_alert(ADVISOR, AlertRef(LPR))
    assert not access.sees_alert(VERO_OFFICIAL, AlertRef(IMATRA))
    assert access.alert_points(MASTER) is None and access.alert_points(ADVISOR) == {IMATRA}
    booking = BookingRef(IMATRA, "vero", "veera")
    assert [access.sees_booking(s, booking) for s in (VERO_OFFICIAL, VERO_ADMIN, ADVISOR, MASTER)] == [True] * 4
    colleague = Standing.of_grants("ville", "vero", [("official", "")])
    assert not access.sees_booking(colleague, booking)  # an official sees their own bookings
    assert not access.sees_booking(KELA_OFFICIAL, booking) and not access.sees_booking(VERO_REPORTER, booking)
    assert access.booking_channels(ADVISOR, IMATRA, "vero") == {BookedVia.ADVISOR, BookedVia.PHONE}
    assert access.booking_channels(VERO_OFFICIAL, IMATRA, "vero") == {BookedVia.OFFICIAL, BookedVia.PHONE}
    assert access.booking_channels(KELA_OFFICIAL, IMATRA, "vero") == frozenset()
    assert access.booking_channels(MASTER, IMATRA, "vero") == frozenset(BookedVia)
    assert access.sees_report(VERO_REPORTER, ReportRef("vero")) and not access.sees_report(
        VERO_OFFICIAL, ReportRef("vero")
    )
    assert access.may_edit_catalogue(VERO_ADMIN, "vero") and not access.may_edit_catalogue(VERO_ADMIN, "kela")
    assert access.may_edit_point(ADVISOR, IMATRA) and not access.may_edit_point(VERO_ADMIN, IMATRA)
    assert access.sees_citizen(GUEST, KELA_CALL) and not access.sees_citizen(GUEST, TAX_CITIZEN)


# -- the broker asks the policy --

PERSONAL = Service("vero-personal", "vero", {"fi": "Henkilöverotus"}, 30)
HOUSING = Service("kela-housing", "kela", {"fi": "Asumistuki"}, 20)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC).timestamp()


def connect(b: CallBroker, st: Standing, services: set[str] = frozenset()):
    org = st.organisation_id or ""
    skills = OfficialSkills(st.person_id, org, frozenset(services), frozenset({"fi"}), {})
    return b.official_online(st.person_id, st.person_id, NOW, standing=st, skills=skills)


@pytest.fixture
def broker() -> CallBroker:
    b = CallBroker()
    b.know_services([PERSONAL, HOUSING])
    b.booth_online(BoothInfo("imatra-1", "Imatra 1", "Suomi-piste Imatra", IMATRA))
    b.booth_online(BoothInfo("lpr-1", "Lappeenranta 1", "Suomi-piste Lappeenranta", LPR))
    return b


def last_presence(effects, who: str) -> Presence:
    return [
        e.message for e in effects if isinstance(e, Deliver) and e.to.id == who and isinstance(e.message, Presence)
    ][-1]


def test_presence_goes_only_to_those_who_serve_at_the_point(broker):
    """Leak (1): booths, their health and the call button went to every official of every organisation."""
    connect(broker, VERO_OFFICIAL, {PERSONAL.id})
    connect(broker, IDLE_OFFICIAL)
    connect(broker, ADVISOR)
    effects = broker.assist_request("imatra-1", NOW)
    assert [b.booth_id for b in last_presence(effects, "ilona").booths] == []
    vero = {b.booth_id: b for b in last_presence(effects, "veera").booths}
    assert set(vero) == {"imatra-1", "lpr-1"} and vero["imatra-1"].assist is AssistState.NONE  # no help request
    advisor = {b.booth_id: b for b in last_presence(effects, "niko").booths}
    assert set(advisor) == {"imatra-1"} and advisor["imatra-1"].assist is AssistState.REQUESTED


def test_only_those_who_serve_the_booth_answer_its_call_button(broker):
    """Leak (2): any signed-in official could acknowledge or clear any booth's call-button alert."""
    connect(broker, VERO_OFFICIAL, {PERSONAL.id})
    connect(broker, ADVISOR)
    broker.assist_request("imatra-1", NOW)
    for state in (AssistState.ACKNOWLEDGED, AssistState.NONE):
        with pytest.raises(BrokerError) as err:
            broker.assist_update("veera", "imatra-1", state)
        assert err.value.code is ErrorCode.NO_SUCH_SESSION
    assert broker.booths["imatra-1"].assist is AssistState.REQUESTED
    broker.assist_update("niko", "imatra-1", AssistState.ACKNOWLEDGED)
    assert broker.booths["imatra-1"].assist is AssistState.ACKNOWLEDGED
    # The official in a call at the booth answers it too.
    broker.request("lpr-1", "s1", NOW)
    broker.admit("veera", "s1", NOW)
    broker.assist_request("lpr-1", NOW)
    broker.assist_update("veera", "lpr-1", AssistState.NONE)
    assert broker.booths["lpr-1"].assist is AssistState.NONE


def test_an_advisor_or_admin_who_serves_nothing_cannot_admit(broker):
    """Issue #15: admitting made them the citizen's official."""
    connect(broker, ADVISOR)
    connect(broker, VERO_ADMIN)
    connect(broker, MASTER)
    broker.request("imatra-1", "s1", NOW)  # chose no matter
    for who, code in (("niko", ErrorCode.NOT_ALLOWED), ("pekka", ErrorCode.NOT_ALLOWED), ("vilma", None)):
        with pytest.raises(BrokerError) as err:
            broker.admit(who, "s1", NOW)
        # They see the citizen but may not serve them; an admin does not even see one who chose no matter.
        assert err.value.code is (code or ErrorCode.NO_SUCH_SESSION)
    connect(broker, KELA_OFFICIAL, {HOUSING.id})
    assert broker.admit("kalle", "s1", NOW)


def test_a_desk_walk_in_is_routed_by_the_broker_in_the_one_queue(broker):
    """POST /api/queue's walk-ins: ordered with the booths' citizens, offered, served when called in."""
    desk = DeskWalkIn("q1", IMATRA, "Suomi-piste Imatra", PERSONAL.id, "fi", NOW - 60)
    assert broker.enqueue_desk(desk, NOW) == []  # nobody to offer to yet
    broker.request("imatra-1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))  # arrived later: behind the desk walk-in
    effects = connect(broker, VERO_OFFICIAL, {PERSONAL.id})
    offers = [e.message for e in effects if isinstance(e, Deliver) and isinstance(e.message, SessionOffer)]
    assert [(o.session_id, o.booth_name, o.service_name) for o in offers] == [
        ("q1", "Suomi-piste Imatra", "Henkilöverotus")
    ]
    assert QueueChanged("q1", "offered", "veera") in effects
    connect(broker, KELA_OFFICIAL, {HOUSING.id})  # not offered another organisation's citizen
    assert broker.desk["q1"].offered_to == "veera" and broker.sessions["s1"].offered_to is None
    # The official calls the citizen in; they start at the booth and the official admits them: served.
    broker.request("lpr-1", "s2", NOW + 60)
    effects = broker.admit("veera", "s1", NOW + 120)
    assert QueueChanged("q1", "served", "veera") in effects and "q1" not in broker.desk


def test_a_desk_walk_in_waits_again_when_its_official_leaves(broker):
    connect(broker, VERO_OFFICIAL, {PERSONAL.id})
    broker.enqueue_desk(DeskWalkIn("q1", IMATRA, "Suomi-piste Imatra", PERSONAL.id, "fi", NOW), NOW)
    effects = broker.official_offline("veera", NOW + 5)
    assert QueueChanged("q1", "waiting") in effects and broker.desk["q1"].offered_to is None


def test_a_booth_citizen_is_never_offered_to_someone_who_may_not_admit_them(broker):
    helper = Standing.of_grants("apu", "vero", [("advisor", IMATRA)])  # Tax's employee, but no official grant
    connect(broker, helper, {PERSONAL.id})
    effects = broker.request("imatra-1", "s1", NOW, WalkIn(PERSONAL.id, "fi"))
    assert not any(isinstance(e, Deliver) and isinstance(e.message, SessionOffer) for e in effects)
    assert Party(Role.OFFICIAL, "apu") in {e.to for e in effects if isinstance(e, Deliver)}  # still sees it


def test_who_may_touch_a_session():
    assert access.may_touch_session(BOOTH, KELA_CALL, waiting=False)
    assert not access.may_touch_session(Standing.of_booth("imatra-2", IMATRA), KELA_CALL, waiting=False)
    assert access.may_touch_session(KELA_OFFICIAL, KELA_CALL, waiting=False)  # in the call
    assert access.may_touch_session(GUEST, KELA_CALL, waiting=False)
    # The advisor sees the call at their point but may not step into it; a waiting citizen they may.
    assert access.sees_citizen(ADVISOR, KELA_CALL) and not access.may_touch_session(ADVISOR, KELA_CALL, waiting=False)
    assert access.may_touch_session(ADVISOR, TAX_CITIZEN, waiting=True)
    assert not access.may_touch_session(KELA_OFFICIAL, TAX_CITIZEN, waiting=True)
    # A booth whose id happens to equal an official's is still only a booth.
    twin = Standing.of_booth("kalle", IMATRA)
    assert not access.may_touch_session(twin, KELA_CALL, waiting=False) and not access.sees_citizen(twin, KELA_CALL)


def test_only_an_official_in_the_call_steers_the_booths_audio():
    for role, allowed in (("official", True), ("guest", False), ("booth", False), (None, False)):
        assert access.may_set_booth_volume(role) is allowed, role
        assert access.hears_booth_audio_level(role) is allowed, role


def test_only_the_official_in_charge_shares_a_window_with_the_booth():
    assert access.may_share_screen("official", in_charge=True)
    for role, in_charge in (("official", False), ("guest", False), ("booth", False), (None, False), ("guest", True)):
        assert not access.may_share_screen(role, in_charge), (role, in_charge)


def test_only_the_official_in_charge_mutes_the_booth_or_a_guest():
    assert access.may_mute("official", True, "booth") and access.may_mute("official", True, "guest")
    for role, in_charge, target in (
        ("official", False, "booth"),  # another official in the call
        ("official", False, "guest"),
        ("guest", True, "booth"),
        ("booth", True, "guest"),
        (None, True, "guest"),
        ("official", True, "official"),  # a fellow official (or oneself) mutes themselves
    ):
        assert not access.may_mute(role, in_charge, target), (role, in_charge, target)


@pytest.mark.parametrize(
    ("standing", "in_call", "waiting"),
    [
        (Standing.of_grants("kalle", "kela", [("official", "")], serves_at={IMATRA}), True, False),  # in the call
        (VERO_OFFICIAL, False, False),  # could serve, but is not in this call
        (ADVISOR, True, True),  # the point's advisor: at the desk or called to the booth
        (Standing.of_grants("lassi", "lpr", [("advisor", LPR)]), False, False),  # another point's advisor
        (VERO_ADMIN, False, False),
        (MASTER, False, False),  # administration does not identify citizens
        (BOOTH, False, False),
        (GUEST, False, False),  # an interpreter in the call does not vouch for anyone
    ],
)
def test_in_person_identification_is_for_the_officials_in_the_call_and_the_points_advisors(standing, in_call, waiting):
    assert allows(standing, Action.IDENTIFY, KELA_CALL) is in_call
    assert allows(standing, Action.IDENTIFY, TAX_CITIZEN) is waiting


def test_what_the_citizen_shows_in_a_call_is_for_those_in_the_call_only():
    in_call = Standing.of_grants("kalle", "kela", [("official", "")], serves_at={IMATRA})
    assert allows(in_call, Action.SEE_CONTENT, KELA_CALL)
    for outsider in (VERO_OFFICIAL, ADVISOR, VERO_ADMIN, MASTER, BOOTH):
        assert not allows(outsider, Action.SEE_CONTENT, KELA_CALL)


def test_only_an_official_in_the_call_prints_at_its_booth():
    in_call = Standing.of_grants("kalle", "kela", [("official", "")], serves_at={IMATRA})
    assert allows(in_call, Action.PRINT, KELA_CALL)
    assert not allows(in_call, Action.PRINT, TAX_CITIZEN)  # another citizen's booth
    for outsider in (VERO_OFFICIAL, ADVISOR, MASTER, BOOTH, GUEST):
        assert not allows(outsider, Action.PRINT, KELA_CALL)


def test_a_calls_timeline_is_for_its_officials_admins_the_points_advisors_and_the_master_admin():
    vero_call = access.CallQualityRef("s-past", IMATRA, frozenset({"vero"}))
    seen = {
        name: allows(st, Action.SEE, vero_call)
        for name, st in {
            "vero official": VERO_OFFICIAL,
            "kela official": KELA_OFFICIAL,
            "advisor": ADVISOR,
            "vero admin": VERO_ADMIN,
            "vero reporter": VERO_REPORTER,
            "master": MASTER,
            "booth": BOOTH,
            "guest": GUEST,
        }.items()
    }
    assert {n for n, ok in seen.items() if ok} == {"advisor", "vero admin", "master"}
    assert access.sees_link_quality("official") and not access.sees_link_quality("guest")


def test_only_the_support_provider_and_the_master_admin_diagnose_restart_and_see_booth_screens():
    from backend.domain.access import Action, BoothRef, Standing, allows

    booth = BoothRef("imatra-1", "imatra")
    support = Standing.of_grants("s-1", "provider", [("support", "")])
    master = Standing.of_grants("m-1", "digi", [("master_admin", "")])
    advisor = Standing.of_grants("a-1", "imatra-city", [("advisor", "imatra")])
    admin = Standing.of_grants("v-1", "vero", [("authority_admin", "vero"), ("official", "vero")])
    for action in (Action.DIAGNOSE, Action.MAINTAIN, Action.SEE_SCREEN):
        assert allows(support, action, booth) and allows(master, action, booth)
        assert not allows(advisor, action, booth) and not allows(admin, action, booth)
        assert not allows(Standing.of_booth("imatra-1", "imatra"), action, booth)
    assert not allows(support, Action.SEE, booth)  # diagnostics are not the advisors' booth view
