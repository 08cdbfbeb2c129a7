"""Who may see and do what: the one access policy.

Every decision about visibility and permission is made here, from plain data:
the HTTP API (``backend.api``), the websocket hub (``backend.hub``) and the
call broker (``backend.domain.calls``) all ask these functions, and nothing
else decides. Pure: no database, no sockets; a ``Standing`` is loaded once
(``backend.store.catalogue.standing``) and passed in.

A person's *standing* is every grant they hold at once (``role_grant``):
master admin; authority admin, official or reporter of an organisation;
advisor of service points; a booth (its id and point); an invited guest of a
call. The rules, and why:

- **Booths and their device health** are shared with the point's advisors and
  with the officials and admins of the organisations that *serve at the
  point* — they need to know whether a booth there is up before they promise
  a citizen a meeting. Nothing about a citizen is in it.
- **"Serves at a point"** is derived from the catalogue
  (``backend.store.catalogue.points_served``): an organisation serves at a
  point when one of its services is on the menu of the point's booths and one
  of its officials offers that service. Today every booth's menu lists every
  service in the catalogue, so this is every point with a booth, for each
  organisation that has a service someone offers; an organisation with no
  offered service serves nowhere. When points get menus of their own, only
  that loader changes.
- **Citizens** (a lobby entry, a call), **help requests** (the call button),
  **advisor alerts** and **bookings** are shared only with those who serve
  them: the point's advisors, the official in the call, the booking's
  organisation (its admin; the booked official), and a master admin, who
  sees everything. In the lobby an official also sees their own
  organisation's citizens, the citizens who chose no matter (any official may
  serve them) and their own bookings — the lobby is how they pick up work.
- **Admitting** a citizen needs an *official* who may serve them: the booked
  official, or an official of the organisation whose matter the citizen chose,
  or any official for a citizen who chose no matter. Seeing is not enough: an
  advisor or admin who serves nothing must not appear to the citizen as
  their official.
- **Reports** (statistics) belong to an organisation: its admins and
  reporters, and the master admin.
- **The catalogue**: an organisation's services and officials are edited by its
  authority admin (or the master admin); a point's opening hours by its
  advisor (or the master admin).
- **Administration** (the admin app, issue #14): organisations, service points,
  booths and authority admins are the master admin's; an organisation's
  officials (invite, deactivate, reset) are its authority admin's (or the master
  admin's). The audit log is read by the master admin only — it names who
  changed what everywhere. An official sees their own counts in reports, and
  everyone who sees an organisation's report also sees the all-organisation
  totals it is compared with (never another organisation's own figures).
- **Remote diagnostics and maintenance** of booths (health, software, uptime,
  last faults; restarting the kiosk or rebooting the booth) are the support
  provider's (the ``support`` grant, scope empty: every booth — the provider
  maintains identical booths everywhere) and the master admin's. Nothing in
  them is about a citizen, and a restart is refused while a citizen is at the
  booth (``backend.api.diagnostics``). A picture of a booth's screen is theirs
  too; while a citizen is at the booth, the citizen allows it on the screen or
  it is not sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from backend.domain.bookings import BookedVia

#: The roles ``role_grant`` may hold; the scope of each is in ``Standing.of_grants``.
ROLES = ("advisor", "official", "authority_admin", "reporter", "master_admin", "support")


@dataclass(frozen=True)
class Standing:
    """Who is asking, as data: every grant a person holds, and the points they serve at.

    ``person_id`` is an official's id for accounts, the booth's id for a booth,
    a guest's id for a guest; grants are empty for those who hold none.
    """

    person_id: str
    organisation_id: str | None = None  # the account's own organisation
    master: bool = False
    official_of: frozenset[str] = frozenset()  # organisations whose citizens they serve as an official
    admin_of: frozenset[str] = frozenset()
    reporter_of: frozenset[str] = frozenset()
    advises: frozenset[str] = frozenset()  # point ids
    #: points where an organisation they work for (as official or admin) serves; see the module docstring
    serves_at: frozenset[str] = frozenset()
    booth: str | None = None  # a booth's own id
    booth_point: str | None = None
    guest_of: frozenset[str] = frozenset()  # call session ids they were invited to
    support: bool = False  # the support provider: diagnoses and restarts booths

    @classmethod
    def of_grants(
        cls,
        person_id: str,
        organisation_id: str,
        grants: Iterable[tuple[str, str]],
        serves_at: Iterable[str] = (),
    ) -> Standing:
        """An account's standing from its ``role_grant`` rows, as (role, scope) pairs.

        Scopes: advisor → a point id; authority_admin and reporter → an
        organisation id; official → the account's own organisation (the scope
        is ignored: officials serve their own organisation); master_admin → none.
        """
        grants = list(grants)
        unknown = sorted({r for r, _ in grants} - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(unknown)}; roles are {', '.join(ROLES)}")
        return cls(
            person_id=person_id,
            organisation_id=organisation_id,
            master=any(r == "master_admin" for r, _ in grants),
            official_of=frozenset({organisation_id}) if any(r == "official" for r, _ in grants) else frozenset(),
            admin_of=frozenset(s for r, s in grants if r == "authority_admin" and s),
            reporter_of=frozenset(s for r, s in grants if r == "reporter" and s),
            advises=frozenset(s for r, s in grants if r == "advisor" and s),
            serves_at=frozenset(serves_at),
            support=any(r == "support" for r, _ in grants),
        )

    @classmethod
    def of_booth(cls, booth_id: str, point_id: str) -> Standing:
        return cls(person_id=booth_id, booth=booth_id, booth_point=point_id)

    @classmethod
    def of_guest(cls, guest_id: str, session_id: str) -> Standing:
        """An invited guest (interpreter, support person) of one call; guests arrive in a later issue."""
        return cls(person_id=guest_id, guest_of=frozenset({session_id}))

    @property
    def works_for(self) -> frozenset[str]:
        """Organisations whose staff they are (official or admin): whose citizens they may see."""
        return self.official_of | self.admin_of

    @property
    def is_official(self) -> bool:
        return bool(self.official_of)


# -- resources, as the facts the rules need --


@dataclass(frozen=True)
class BoothRef:
    booth_id: str
    point_id: str


@dataclass(frozen=True)
class Citizen:
    """A citizen waiting in the lobby or in a call, at a booth."""

    session_id: str
    booth_id: str
    point_id: str
    organisation_id: str | None = None  # whose matter they chose or booked; None: chose no matter
    booked_for: str | None = None  # the official of their booking
    in_call_with: frozenset[str] = frozenset()  # the officials in the call with them


@dataclass(frozen=True)
class HelpRequest:
    """The booth's call button was pressed: the citizen needs a person."""

    booth_id: str
    point_id: str
    in_call_with: frozenset[str] = frozenset()  # officials in a call at that booth now


@dataclass(frozen=True)
class AlertRef:
    """An advisor alert (a refused check-in, an official no-show) at a point."""

    point_id: str


@dataclass(frozen=True)
class BookingRef:
    point_id: str
    organisation_id: str
    official_id: str


@dataclass(frozen=True)
class ReportRef:
    organisation_id: str


@dataclass(frozen=True)
class AdminRef:
    """Something only administration changes: ``kind`` is organisation, point, booth, authority_admin,
    official, audit, message_text or closure_day; ``organisation_id`` is whose it is (None for the shared
    structure: points, booths)."""

    kind: str
    organisation_id: str | None = None


@dataclass(frozen=True)
class CallQualityRef:
    """A past or present call's figures and events (``call_stats``, ``call_event``): at a booth of
    ``point_id``, with officials of ``organisation_ids`` taking part."""

    call_id: str
    point_id: str
    organisation_ids: frozenset[str] = frozenset()


# -- the rules --


def sees_booth(st: Standing, b: BoothRef) -> bool:
    """Existence, online state and device health of a booth (never who is in it)."""
    return (
        st.master
        or st.booth == b.booth_id
        or b.point_id in st.advises
        or (bool(st.works_for) and b.point_id in st.serves_at)
    )


def sees_citizen(st: Standing, c: Citizen) -> bool:
    """A lobby entry or a call: those who serve this citizen, and the lobby rules of the module docstring."""
    if st.booth is not None or st.guest_of:  # a booth or a guest: only its own session
        return st.booth == c.booth_id or c.session_id in st.guest_of
    if st.master:
        return True
    if c.point_id in st.advises or st.person_id in c.in_call_with:
        return True
    if c.booked_for is not None and c.booked_for == st.person_id:
        return True
    if c.organisation_id is None:
        return c.booked_for is None and st.is_official  # chose no matter: any official may serve them
    return c.organisation_id in st.works_for


def may_admit(st: Standing, c: Citizen) -> bool:
    """Admit a waiting citizen: an official who may serve them (seeing them is not enough)."""
    if not st.is_official:
        return False
    if c.booked_for is not None and c.booked_for == st.person_id:
        return True
    if c.organisation_id is None:
        return c.booked_for is None
    return c.organisation_id in st.official_of


def may_touch_session(st: Standing, c: Citizen, waiting: bool) -> bool:
    """Act on a citizen's session (admit, step out, end, relay): the booth itself, a guest of the
    call, the officials in the call, and — while the citizen waits — whoever may see them."""
    if st.booth is not None or st.guest_of:
        return st.booth == c.booth_id or c.session_id in st.guest_of
    return st.person_id in c.in_call_with or (waiting and sees_citizen(st, c))


def sees_help_request(st: Standing, h: HelpRequest) -> bool:
    """The call button's alert: the point's advisors (they come to the booth), the official in
    the call there, the master admin, and the booth itself (its light)."""
    if st.booth is not None:
        return st.booth == h.booth_id
    return st.master or h.point_id in st.advises or st.person_id in h.in_call_with


def may_answer_help_request(st: Standing, h: HelpRequest) -> bool:
    """Acknowledge ("on my way") or clear the call button's alert: whoever it is shown to, but not the booth."""
    return st.booth is None and sees_help_request(st, h)


def sees_alert(st: Standing, a: AlertRef) -> bool:
    """Advisor alerts: the point's advisors and the master admin."""
    return st.master or a.point_id in st.advises


def may_ack_alert(st: Standing, a: AlertRef) -> bool:
    return sees_alert(st, a)


def alert_points(st: Standing) -> frozenset[str] | None:
    """The points whose alerts ``st`` gets; None means every point (a master admin)."""
    return None if st.master else st.advises


def may_receive_alarms(st: Standing) -> bool:
    """Register a phone for alarms (Web Push): those who get some point's alerts."""
    points = alert_points(st)
    return points is None or bool(points)


def sees_booking(st: Standing, b: BookingRef) -> bool:
    """The point's advisors, the booking organisation's admins, the booked official, the master admin."""
    return st.master or b.point_id in st.advises or b.organisation_id in st.admin_of or b.official_id == st.person_id


def may_list_bookings(st: Standing, point_id: str) -> bool:
    """A point's day list (filtered with ``sees_booking``): its advisors, officials, admins, the master admin.
    An advisor of another point is refused outright: that point's desk is none of theirs."""
    return st.master or point_id in st.advises or bool(st.admin_of or st.official_of)


def booking_channels(st: Standing, point_id: str, organisation_id: str) -> frozenset[BookedVia]:
    """The channels through which ``st`` may book (or move, or cancel) this organisation's service at this point."""
    if st.master:
        return frozenset(BookedVia)
    allowed: set[BookedVia] = set()
    if point_id in st.advises:
        allowed |= {BookedVia.ADVISOR, BookedVia.PHONE}
    if organisation_id in st.official_of:
        allowed |= {BookedVia.OFFICIAL, BookedVia.PHONE}
    return frozenset(allowed)


def may_change_booking_status(st: Standing, b: BookingRef) -> bool:
    """Move a booking along its lifecycle: the booked official or the point's advisor (or master)."""
    return st.master or b.official_id == st.person_id or b.point_id in st.advises


def may_queue_at(st: Standing, point_id: str) -> bool:
    """Put a walk-in citizen in a point's queue: its advisor (the desk)."""
    return st.master or point_id in st.advises


def sees_queue_of(st: Standing, point_id: str) -> bool:
    """A point's live queue view at all: its advisors, admins (their own citizens only), the master admin."""
    return st.master or point_id in st.advises or bool(st.admin_of)


def sees_queued(st: Standing, point_id: str, organisation_id: str) -> bool:
    """One citizen in a point's queue, waiting for ``organisation_id``'s service."""
    return st.master or point_id in st.advises or organisation_id in st.admin_of


def sees_report(st: Standing, r: ReportRef) -> bool:
    return st.master or r.organisation_id in st.admin_of or r.organisation_id in st.reporter_of


def may_edit_catalogue(st: Standing, organisation_id: str) -> bool:
    """An organisation's services and its officials' skills: its authority admin or the master admin."""
    return st.master or organisation_id in st.admin_of


def may_edit_point(st: Standing, point_id: str) -> bool:
    """A point's opening hours and closures: its advisor or the master admin."""
    return st.master or point_id in st.advises


def may_set_booth_volume(in_call_as: str | None) -> bool:
    """The booth speaker's volume in a call (``ParticipantRole`` value of the asker in that call):
    an official taking part, who hears whether the citizen struggles. Not a guest (an
    interpreter hears the citizen but does not run the booth), not anyone outside the call."""
    return in_call_as == "official"


def may_share_screen(in_call_as: str | None, in_charge: bool) -> bool:
    """Show a window of one's own on the booth's screen: the official in charge only, who answers
    for what the citizen sees; not another official in the call, not a guest."""
    return in_call_as == "official" and in_charge


def may_mute(in_call_as: str | None, in_charge: bool, target_role: str) -> bool:
    """Mute another participant's microphone (the booth's or a guest's): the official in charge,
    who runs the meeting. Not another official, not a guest; never oneself (that is one's own
    Mute button) and never a fellow official (they mute themselves)."""
    return in_call_as == "official" and in_charge and target_role in ("booth", "guest")


def hears_booth_audio_level(in_call_as: str | None) -> bool:
    """The booth's microphone level and warnings (silent, clipping): the officials in its call,
    who can ask the citizen to come closer. A level, never sound; guests need not see it."""
    return in_call_as == "official"


def may_administer(st: Standing, a: AdminRef) -> bool:
    """Create or change organisations, points, booths and authority admins (master admin); an organisation's
    officials, its message texts and its closure days (its authority admin or the master admin); read the
    audit log (master admin)."""
    if st.master:
        return True
    return a.kind in ORGANISATION_ADMIN_KINDS and a.organisation_id is not None and a.organisation_id in st.admin_of


#: What an organisation's authority admin administers for their own organisation only.
ORGANISATION_ADMIN_KINDS = frozenset({"official", "message_text", "closure_day"})


def sees_own_counts(st: Standing, official_id: str) -> bool:
    """An official's personal report (their own meetings and bookings): that official only, or the master admin."""
    return st.master or (st.is_official and st.person_id == official_id)


def report_organisations(st: Standing) -> frozenset[str] | None:
    """The organisations whose own figures ``st`` may see; None means all (the master admin)."""
    return None if st.master else st.admin_of | st.reporter_of


def may_identify(st: Standing, c: Citizen) -> bool:
    """Record that the citizen was identified in person (their ID seen): the officials in the call
    with them, and the advisors of the point they are at (at the desk, or called to the booth).
    Not the master admin: identifying is done by whoever sees the citizen, not by administration."""
    if st.booth is not None or st.guest_of:
        return False
    return st.person_id in c.in_call_with or c.point_id in st.advises


def sees_link_quality(in_call_as: str | None) -> bool:
    """The booth's figures for its connection to me in a call (round trip, loss, frame rate): an
    official taking part, whose quality indicator shows them. Figures only, never content."""
    return in_call_as == "official"


def sees_call_content(st: Standing, c: Citizen) -> bool:
    """What the citizen shows in a call (document stills): only those in the call with them —
    not the point's advisor, not an admin, not the master admin."""
    return st.booth is None and st.person_id in c.in_call_with


def may_print(st: Standing, c: Citizen) -> bool:
    """Send a document to the printer of the citizen's booth: an official in the call with them (this
    booth and no other: the call decides which booth)."""
    return st.booth is None and st.is_official and st.person_id in c.in_call_with


def sees_call_quality(st: Standing, q: CallQualityRef) -> bool:
    """A call's timeline and quality (figures and events, no content; the admin app): the admins of
    the organisations whose officials took part, the point's advisors (they look after its booths'
    devices) and the master admin. Not the officials: a colleague's calls are not theirs to review."""
    return st.master or bool(q.organisation_ids & st.admin_of) or q.point_id in st.advises


def may_invite_to_booking(st: Standing, b: BookingRef) -> bool:
    """Invite a third party (an interpreter, a support person) to a booked appointment, see and revoke
    its invitations: the booked official and the point's advisor (who books at the desk). Not an admin:
    who joins a citizen's meeting is decided by those who serve them."""
    return st.booth is None and not st.guest_of and (b.official_id == st.person_id or b.point_id in st.advises)


def may_invite_to_call(st: Standing, c: Citizen) -> bool:
    """Invite a third party into a call in progress, see and revoke its invitations: an official in
    the call (the broker lets only the official in charge admit or remove them). A guest never invites."""
    return st.booth is None and not st.guest_of and st.is_official and st.person_id in c.in_call_with


def may_diagnose(st: Standing, b: BoothRef) -> bool:
    """A booth's diagnostics and maintenance (restart, reboot): the support provider and the master admin."""
    return st.master or st.support


def may_see_booth_screen(st: Standing, b: BoothRef) -> bool:
    """Ask for a picture of a booth's screen: the support provider and the master admin. While a citizen is
    at the booth the citizen decides on the booth's own screen (``kiosk/screenshot.py``); no one else can."""
    return st.booth is None and not st.guest_of and (st.master or st.support)


class Action(StrEnum):
    """Actions of the matrix: what ``allows`` answers for each kind of resource."""

    SEE = "see"
    ADMIT = "admit"
    ANSWER = "answer"  # acknowledge or clear (help requests, alerts)
    CHANGE = "change"  # a booking's status, a catalogue entry
    ADMINISTER = "administer"  # organisations, points, booths, accounts, the audit log
    IDENTIFY = "identify"  # record a citizen's in-person identification
    SEE_CONTENT = "see_content"  # what the citizen shows in the call (document stills)
    PRINT = "print"  # send a document to the printer of the citizen's booth
    INVITE = "invite"  # bring a third party (interpreter, support person) by one-time link
    DIAGNOSE = "diagnose"  # a booth's health, software, uptime and last faults
    MAINTAIN = "maintain"  # restart a booth's kiosk or reboot it
    SEE_SCREEN = "see_screen"  # a picture of a booth's screen (with the citizen's consent when one is there)


Resource = BoothRef | Citizen | HelpRequest | AlertRef | BookingRef | ReportRef | AdminRef | CallQualityRef


def allows(st: Standing, action: Action, resource: Resource) -> bool:
    """One question for every resource and action (table-driven tests ask this)."""
    match resource, action:
        case BoothRef(), Action.SEE:
            return sees_booth(st, resource)
        case Citizen(), Action.SEE:
            return sees_citizen(st, resource)
        case Citizen(), Action.ADMIT:
            return sees_citizen(st, resource) and may_admit(st, resource)
        case HelpRequest(), Action.SEE:
            return sees_help_request(st, resource)
        case HelpRequest(), Action.ANSWER:
            return may_answer_help_request(st, resource)
        case AlertRef(), Action.SEE:
            return sees_alert(st, resource)
        case AlertRef(), Action.ANSWER:
            return may_ack_alert(st, resource)
        case BookingRef(), Action.SEE:
            return sees_booking(st, resource)
        case BookingRef(), Action.CHANGE:
            return sees_booking(st, resource) and may_change_booking_status(st, resource)
        case ReportRef(), Action.SEE:
            return sees_report(st, resource)
        case AdminRef(), Action.ADMINISTER:
            return may_administer(st, resource)
        case Citizen(), Action.IDENTIFY:
            return may_identify(st, resource)
        case Citizen(), Action.SEE_CONTENT:
            return sees_call_content(st, resource)
        case Citizen(), Action.PRINT:
            return may_print(st, resource)
        case CallQualityRef(), Action.SEE:
            return sees_call_quality(st, resource)
        case BookingRef(), Action.INVITE:
            return may_invite_to_booking(st, resource)
        case Citizen(), Action.INVITE:
            return may_invite_to_call(st, resource)
        case BoothRef(), Action.DIAGNOSE | Action.MAINTAIN:
            return may_diagnose(st, resource)
        case BoothRef(), Action.SEE_SCREEN:
            return may_see_booth_screen(st, resource)
    return False
