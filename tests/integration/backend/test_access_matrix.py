"""The access matrix: every standing × resource × action, through the real HTTP API and the real websocket.

Each cell asks ``backend.domain.access`` what the policy allows, then does the
thing for real (FastAPI app, SQLite, the hub over a websocket) and records what
happened. A *leak* is a cell where the two differ: something seen or done that
the policy forbids, or something the policy allows that was refused. The
count is printed and must be 0. Standings come from the database through the
same loader the app uses (``catalogue.standing``); ``test_access.py`` pins the
policy's own answers, so a wrong policy cannot hide here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from backend.domain import access
from backend.domain.access import (
    Action,
    AdminRef,
    AlertRef,
    BookingRef,
    BoothRef,
    CallQualityRef,
    Citizen,
    HelpRequest,
    ReportRef,
)
from backend.domain.catalogue import HELSINKI
from backend.domain.events import CheckinRefused
from backend.store import alerts, catalogue
from backend.store.models import CallParticipantRow, CallRecord
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import add_account, add_lappeenranta_advisor, bearer, next_weekday

DAY = next_weekday(2)
IMATRA, LPR = "imatra", "lappeenranta"
IMATRA_HOURS = {
    "hours": [{"weekday": d, "opens": "09:00", "closes": "15:00"} for d in (1, 2, 3, 4)]
    + [{"weekday": 5, "opens": "09:00", "closes": "14:00"}]
}

#: username, password, official id: one account per standing (organisation in brackets)
ACCOUNTS = [
    ("virkailija", "demo-password", "official-1"),  # official (vero)
    ("vero-admin", "demo-admin", "vero-admin-1"),  # authority admin (vero)
    ("vero-reporter", "pw", "vero-reporter-1"),  # reporter (vero)
    ("kela", "pw", "kela-1"),  # official (kela: serves nowhere)
    ("kela-admin", "pw", "kela-admin-1"),  # authority admin (kela)
    ("neuvoja", "demo-advisor", "advisor-1"),  # advisor (Imatra)
    ("lpr", "x", "advisor-lpr"),  # advisor (Lappeenranta)
    ("paakayttaja", "demo-master", "master-1"),  # master admin
    ("tuki", "pw", "support-1"),  # the support provider (every booth's diagnostics)
]


@dataclass
class Matrix:
    rows: list[tuple[str, str, str, bool, bool]] = field(default_factory=list)

    def check(self, who: str, resource: str, action: str, allowed: bool, happened: bool) -> None:
        self.rows.append((who, resource, action, allowed, happened))

    @property
    def leaks(self) -> list[tuple[str, str, str, bool, bool]]:
        return [r for r in self.rows if r[3] != r[4]]


def until(ws: Any, done: Callable[[dict[str, Any]], bool], limit: int = 60) -> dict[str, Any]:
    for _ in range(limit):
        msg = ws.receive_json()
        if done(msg):
            return msg
    raise AssertionError("the expected message did not come")


def refused(ws: Any, message: dict[str, Any]) -> bool:
    """Send ``message``, then a probe the hub always refuses; the hub answers in order, so an
    error naming ``message``'s type before the probe's means it was refused."""
    ws.send_json(message)
    ws.send_json({"type": "session.end", "session_id": "probe"})
    first = until(ws, lambda m: m["type"] == "error")
    if first.get("ref") == message["type"]:
        until(ws, lambda m: m["type"] == "error" and m.get("ref") == "session.end")
        return True
    assert first.get("ref") == "session.end", first
    return False


def admin_cells(api, m: Matrix, st: access.Standing, username: str, headers: dict[str, str], i: int) -> None:
    """The admin app's endpoints (issue #14): organisations, points, booths, accounts, audit, reports."""

    def cell(resource: str, action: str, allowed: bool, r) -> None:
        assert r.status_code in (200, 201, 204, 403), (resource, r.text)
        m.check(username, resource, action, allowed, r.status_code in (200, 201, 204))

    def may(ref: AdminRef) -> bool:
        return access.allows(st, Action.ADMINISTER, ref)

    cell(
        "organisation",
        "create",
        may(AdminRef("organisation")),
        api.put(f"/api/admin/organisations/m-org-{i}", json={"name": "M"}, headers=headers),
    )
    cell(
        "point",
        "create",
        may(AdminRef("point")),
        api.put(f"/api/admin/points/m-pt-{i}", json={"name": "P", "hours": []}, headers=headers),
    )
    cell(
        "booth",
        "register",
        may(AdminRef("booth")),
        api.put(f"/api/admin/booths/m-booth-{i}", json={"name": "B", "point_id": IMATRA}, headers=headers),
    )
    cell("booths", "see", may(AdminRef("booth")), api.get("/api/admin/booths", headers=headers))
    for org in ("vero", "kela"):
        cell(
            f"accounts of {org}",
            "see",
            may(AdminRef("official", org)),
            api.get(f"/api/admin/accounts?organisation={org}", headers=headers),
        )
        invite = {"username": f"m-{org}-{i}", "display_name": "M", "email": "m@example.fi", "organisation_id": org}
        cell(
            f"official of {org}",
            "invite",
            may(AdminRef("official", org)),
            api.post("/api/admin/accounts", json=invite, headers=headers),
        )
    invite = {
        "username": f"m-adm-{i}",
        "display_name": "M",
        "email": "m@example.fi",
        "organisation_id": "kela",
        "role": "authority_admin",
    }
    cell(
        "authority admin of kela",
        "invite",
        may(AdminRef("authority_admin")),
        api.post("/api/admin/accounts", json=invite, headers=headers),
    )
    cell("official of vero", "deactivate", may(AdminRef("official", "vero")), _deactivate_probe(api, headers, i))
    cell("audit log", "see", may(AdminRef("audit")), api.get("/api/admin/audit", headers=headers))
    for org in ("vero", "kela"):
        texts = f"/api/admin/organisations/{org}/texts"
        cell(f"message texts of {org}", "see", may(AdminRef("message_text", org)), api.get(texts, headers=headers))
        text = {"text": "Aika {when}, koodi {code}."}
        cell(
            f"message texts of {org}",
            "change",
            may(AdminRef("message_text", org)),
            api.put(f"{texts}/cancellation.sms/sv", json=text, headers=headers),
        )
        cell(
            f"message texts of {org}",
            "default",
            may(AdminRef("message_text", org)),
            api.delete(f"{texts}/cancellation.sms/sv", headers=headers),
        )
        closures = f"/api/admin/organisations/{org}/closures"
        cell(f"closure days of {org}", "see", may(AdminRef("closure_day", org)), api.get(closures, headers=headers))
        cell(
            f"closure days of {org}",
            "change",
            may(AdminRef("closure_day", org)),
            api.put(closures, json={"closures": [{"day": "2027-01-04", "reason": "R"}]}, headers=headers),
        )
    q = f"start={DAY}&end={DAY}"
    for org in ("vero", "kela"):
        cell(
            f"report of {org}",
            "see",
            access.allows(st, Action.SEE, ReportRef(org)),
            api.get(f"/api/reports?{q}&organisation={org}", headers=headers),
        )
    cell("own counts", "see", access.sees_own_counts(st, st.person_id) and not st.master,
         api.get(f"/api/reports/mine?{q}", headers=headers))  # fmt: skip
    imatra_booth = BoothRef("imatra-1", IMATRA)
    cell("booth diagnostics", "see", access.allows(st, Action.DIAGNOSE, imatra_booth),
         api.get("/api/support/booths", headers=headers))  # fmt: skip
    # A citizen is at imatra-1 in this test: an allowed restart is refused for that (409), never for access.
    restart = api.post("/api/support/booths/imatra-1/maintenance", json={"action": "restart_kiosk"}, headers=headers)
    assert restart.status_code in (403, 409), restart.text
    m.check(username, "booth imatra-1", "restart", access.allows(st, Action.MAINTAIN, imatra_booth),
            restart.status_code == 409)  # fmt: skip
    # The booth is connected: an allowed request is sent to it (202); the citizen there would decide.
    shot = api.post("/api/support/booths/imatra-1/screenshot", headers=headers)
    assert shot.status_code in (202, 403), shot.text
    m.check(username, "booth imatra-1", "see screen", access.allows(st, Action.SEE_SCREEN, imatra_booth),
            shot.status_code == 202)  # fmt: skip


def _deactivate_probe(api, headers: dict[str, str], i: int):
    """Deactivate a throw-away Vero official made for this standing (so no real account is lost)."""
    add_account(api.app.state.hub.db, f"m-throwaway-{i}", f"m-throwaway-{i}", "vero", "official", "", "pw")
    return api.post(f"/api/admin/accounts/m-throwaway-{i}/deactivate", headers=headers)


#: Two past calls for the call-quality cells: at Imatra with a Vero official, at Lappeenranta with nobody.
PAST_CALLS = {
    "m-call-vero": CallQualityRef("m-call-vero", IMATRA, frozenset({"vero"})),
    "m-call-lpr": CallQualityRef("m-call-lpr", LPR),
}


def add_past_calls(api) -> None:
    with api.app.state.hub.db() as db:
        at = datetime.now(UTC).timestamp() - 3600
        for call_id, booth_id, official in (("m-call-vero", "imatra-1", "official-1"), ("m-call-lpr", "lpr-1", None)):
            db.add(CallRecord(id=call_id, booth_id=booth_id, phase="ended", requested_at=at, ended_at=at + 60))
            db.flush()  # the record before its participants (no ORM relationship orders them)
            db.add(CallParticipantRow(call_id=call_id, peer="booth", role="booth", booth_id=booth_id, joined_at=at))
            if official:
                db.add(CallParticipantRow(call_id=call_id, peer="o1", role="official", official_id=official,
                                          joined_at=at + 5))  # fmt: skip
        db.commit()


def call_quality_cells(api, m: Matrix, st: access.Standing, username: str, headers: dict[str, str]) -> None:
    """The admin app's call timeline (issue #10): the list of calls and one call's timeline."""
    # Yesterday and today: the past calls were an hour ago, which is yesterday in Helsinki from 00 to 01.
    today = datetime.now(HELSINKI).date()
    listed = api.get(f"/api/call-quality?start={today - timedelta(days=1)}&end={today}", headers=headers)
    assert listed.status_code == 200, listed.text
    ids = {c["call_id"] for c in listed.json()}
    for call_id, ref in PAST_CALLS.items():
        allowed = access.allows(st, Action.SEE, ref)
        m.check(username, f"call quality {call_id} (list)", "see", allowed, call_id in ids)
        one = api.get(f"/api/call-quality/{call_id}", headers=headers)
        assert one.status_code in (200, 404), one.text
        m.check(username, f"call quality {call_id}", "see", allowed, one.status_code == 200)


def add_accounts(api) -> None:
    db = api.app.state.hub.db
    add_lappeenranta_advisor(db)
    add_account(db, "vero-reporter-1", "vero-reporter", "vero", "reporter", "vero", password="pw")
    add_account(db, "support-1", "tuki", "imatra-city", "support", "", password="pw")


def test_every_standing_sees_and_does_exactly_what_the_policy_allows(api):
    add_accounts(api)
    add_past_calls(api)
    db = api.app.state.hub.db
    advisor = bearer(api, "neuvoja", "demo-advisor")
    start = datetime.combine(DAY, time(9), tzinfo=HELSINKI).isoformat()
    body = {"service_id": "vero-personal", "point_id": IMATRA, "language": "fi", "start": start, "channel": "advisor"}
    booked = api.post("/api/bookings", json=body, headers=advisor)
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    booking = BookingRef(IMATRA, "vero", booked.json()["official_id"])
    m = Matrix()

    with api.websocket_connect("/ws") as imatra, api.websocket_connect("/ws") as lpr:
        imatra.send_json({"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"})
        lpr.send_json({"type": "hello", "role": "booth", "booth_id": "lpr-1", "token": "lpr"})
        until(imatra, lambda x: x["type"] == "booth.catalogue")
        until(lpr, lambda x: x["type"] == "booth.catalogue")
        imatra.send_json({"type": "session.request", "service_id": "vero-personal", "language": "fi"})
        tax_sid = until(imatra, lambda x: x["type"] == "session.lobby")["session_id"]
        lpr.send_json({"type": "session.request"})  # chose no matter
        any_sid = until(lpr, lambda x: x["type"] == "session.lobby")["session_id"]
        imatra.send_json({"type": "assist.request"})
        until(imatra, lambda x: x["type"] == "assist.status")
        citizens = {
            tax_sid: Citizen(tax_sid, "imatra-1", IMATRA, organisation_id="vero"),
            any_sid: Citizen(any_sid, "lpr-1", LPR),
        }
        help_imatra = HelpRequest("imatra-1", IMATRA)

        for i, (username, password, official_id) in enumerate(ACCOUNTS):
            with db() as s:
                st = catalogue.standing(s, official_id)
            now = datetime.now(UTC)
            fresh = {
                point: alerts.record_alerts(db, [CheckinRefused("wrong_day", booth, point, code, now)])[0].alert_id
                for point, booth in ((IMATRA, "imatra-1"), (LPR, "lpr-1"))
            }
            headers = bearer(api, username, password)

            with api.websocket_connect("/ws") as ws:
                ws.send_json({"type": "hello", "role": "official", "token": headers["Authorization"][7:]})
                assert ws.receive_json()["type"] == "welcome"
                got_alerts: set[str] = set()
                while (msg := ws.receive_json())["type"] != "presence":
                    if msg["type"] == "advisor.alert":
                        got_alerts.add(msg["alert_id"])
                booths = {b["booth_id"]: b for b in msg["booths"]}
                lobby = {e["session_id"] for e in msg["lobby"]}

                for booth_id, point in (("imatra-1", IMATRA), ("lpr-1", LPR)):
                    ref = BoothRef(booth_id, point)
                    m.check(username, f"booth {booth_id}", "see", access.sees_booth(st, ref), booth_id in booths)
                shown = booths.get("imatra-1", {}).get("assist", "none") != "none"
                m.check(username, "help imatra-1", "see", access.allows(st, Action.SEE, help_imatra), shown)
                for sid, citizen in citizens.items():
                    m.check(username, f"citizen {sid}", "see", access.allows(st, Action.SEE, citizen), sid in lobby)
                for point, alert_id in fresh.items():
                    m.check(
                        username,
                        f"alert {point} (ws)",
                        "see",
                        access.sees_alert(st, AlertRef(point)),
                        alert_id in got_alerts,
                    )

                for sid, citizen in citizens.items():
                    ws.send_json({"type": "session.admit", "session_id": sid})
                    answer = until(
                        ws,
                        lambda x, sid=sid: (
                            x["type"] == "session.admitted"
                            or (x["type"] == "error" and x.get("ref") == "session.admit")
                        ),
                    )
                    admitted = answer["type"] == "session.admitted"
                    m.check(username, f"citizen {sid}", "admit", access.allows(st, Action.ADMIT, citizen), admitted)
                    # mute the citizen's microphone: the official in charge only (in the call or not)
                    in_charge = ("official", True) if admitted else (None, False)
                    muted = not refused(ws, {"type": "participant.mute", "session_id": sid, "peer": "booth"})
                    m.check(username, f"citizen {sid}", "mute", access.may_mute(*in_charge, "booth"), muted)
                    if admitted:  # step out again: the citizen waits in the lobby for the next standing
                        ws.send_json({"type": "session.leave", "session_id": sid})
                        until(
                            ws,
                            lambda x, sid=sid: x["type"] == "presence" and sid in {e["session_id"] for e in x["lobby"]},
                        )

                cleared = not refused(ws, {"type": "assist.clear", "booth_id": "imatra-1"})
                m.check(username, "help imatra-1", "answer", access.allows(st, Action.ANSWER, help_imatra), cleared)
                if cleared:  # the citizen presses again, for the next standing
                    until(imatra, lambda x: x["type"] == "assist.status" and x["state"] == "none")
                    imatra.send_json({"type": "assist.request"})
                    until(imatra, lambda x: x["type"] == "assist.status" and x["state"] == "requested")

                acked = not refused(ws, {"type": "alert.ack", "alert_id": fresh[IMATRA]})
                m.check(username, "alert imatra (ws)", "answer", access.may_ack_alert(st, AlertRef(IMATRA)), acked)

            # -- over HTTP --
            listed = api.get("/api/alerts", headers=headers)
            ids = {a["alert_id"] for a in listed.json()} if listed.status_code == 200 else set()
            m.check(
                username, "alert lappeenranta (http)", "see", access.sees_alert(st, AlertRef(LPR)), fresh[LPR] in ids
            )
            ack = api.post(f"/api/alerts/{fresh[LPR]}/ack", headers=headers)
            assert ack.status_code in (200, 403), ack.text
            m.check(
                username,
                "alert lappeenranta (http)",
                "answer",
                access.may_ack_alert(st, AlertRef(LPR)),
                ack.status_code == 200,
            )

            got = api.get(f"/api/bookings/{code}", headers=headers)
            assert got.status_code in (200, 404), got.text
            m.check(username, "booking", "see", access.sees_booking(st, booking), got.status_code == 200)
            day = api.get(f"/api/bookings?point={IMATRA}&day={DAY}", headers=headers)
            in_list = day.status_code == 200 and code in {b["code"] for b in day.json()}
            m.check(username, "booking in the day list", "see", access.sees_booking(st, booking), in_list)
            # the first allowed standing moves it to citizen_no_show; after that the lifecycle answers 409
            status = api.post(f"/api/bookings/{code}/status", json={"status": "citizen_no_show"}, headers=headers)
            assert status.status_code in (200, 403, 404, 409), status.text
            m.check(
                username,
                "booking",
                "change",
                access.allows(st, Action.CHANGE, booking),
                status.status_code in (200, 409),
            )
            # a third party by one-time link (issue 13): 409 once the booking above is a no-show
            guest = {"role": "support_person", "name": "Tuki Henkilö", "phone": "0401234567"}
            invited = api.post(f"/api/bookings/{code}/guests", json=guest, headers=headers)
            assert invited.status_code in (201, 403, 404, 409), invited.text
            allowed = access.allows(st, Action.INVITE, booking)
            m.check(username, "booking", "invite", allowed, invited.status_code in (201, 409))
            for sid, citizen in citizens.items():  # waiting, not in a call: no one invites into them
                into_call = api.post(f"/api/calls/{sid}/guests", json=guest, headers=headers)
                assert into_call.status_code in (201, 403, 404), into_call.text
                allowed = access.allows(st, Action.INVITE, citizen)
                m.check(username, f"citizen {sid}", "invite", allowed, into_call.status_code == 201)
            start = datetime.combine(DAY, time(10 + i // 2, 30 * (i % 2)), tzinfo=HELSINKI).isoformat()
            new = api.post("/api/bookings", json=body | {"start": start, "channel": "phone"}, headers=headers)
            assert new.status_code in (201, 403), new.text
            may_book = "phone" in access.booking_channels(st, IMATRA, "vero")
            m.check(username, "booking (phone)", "book", may_book, new.status_code == 201)

            queue = api.get(f"/api/queue/{IMATRA}", headers=headers)
            assert queue.status_code in (200, 403), queue.text
            m.check(username, "queue imatra", "see", access.sees_queue_of(st, IMATRA), queue.status_code == 200)
            if queue.status_code == 200:
                for e in queue.json()["entries"]:
                    m.check(username, f"queued {e['entry_id']}", "see", access.sees_queued(st, IMATRA, "vero"), True)
            walk_in = {"point_id": LPR, "service_id": "vero-taxcard", "language": "fi"}
            queued = api.post("/api/queue", json=walk_in, headers=headers)
            assert queued.status_code in (201, 403), queued.text
            m.check(username, "queue lappeenranta", "enqueue", access.may_queue_at(st, LPR), queued.status_code == 201)

            # the advisor's app: a phone for alarms, and the desk's own points
            phone = {
                "endpoint": f"https://push.example.invalid/{username}",
                "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
            }
            subscribed = api.post("/api/push/subscriptions", json=phone, headers=headers)
            assert subscribed.status_code in (201, 403), subscribed.text
            m.check(username, "alarm phone", "subscribe", access.may_receive_alarms(st), subscribed.status_code == 201)
            mine = api.get("/api/advisor/points", headers=headers).json()
            for point_id in (IMATRA, LPR):
                listed_point = point_id in {p["id"] for p in mine}
                m.check(username, f"desk {point_id}", "see", access.sees_alert(st, AlertRef(point_id)), listed_point)
            for sid, citizen in citizens.items():
                done = api.post(f"/api/calls/{sid}/identification", json={"method": "in_person"}, headers=headers)
                assert done.status_code in (200, 404), done.text
                allowed = access.allows(st, Action.IDENTIFY, citizen)
                m.check(username, f"citizen {sid}", "identify", allowed, done.status_code == 200)
                # the desk's way: "the citizen in booth X", without the session id
                at_booth = api.post(
                    f"/api/booths/{citizen.booth_id}/identification", json={"method": "in_person"}, headers=headers
                )
                assert at_booth.status_code in (200, 403, 404), at_booth.text
                seen = access.sees_booth(st, BoothRef(citizen.booth_id, citizen.point_id))
                assert (at_booth.status_code == 404) == (not seen), at_booth.text  # unseen booths leak nothing
                m.check(username, f"citizen in {citizen.booth_id}", "identify", allowed, at_booth.status_code == 200)
                printed = api.post(f"/api/print/{sid}", content=b"%PDF-1.4 x", headers=headers)
                assert printed.status_code in (202, 404), printed.text
                allowed = access.allows(st, Action.PRINT, citizen)
                m.check(username, f"citizen {sid}", "print", allowed, printed.status_code == 202)

            hours = api.put(f"/api/admin/points/{IMATRA}/hours", json=IMATRA_HOURS, headers=headers)
            assert hours.status_code in (200, 403), hours.text
            m.check(
                username, "point imatra hours", "change", access.may_edit_point(st, IMATRA), hours.status_code == 200
            )
            people = api.get("/api/admin/officials", headers=headers)
            assert people.status_code in (200, 403), people.text
            own = st.organisation_id or ""
            m.check(
                username, f"officials of {own}", "see", access.may_edit_catalogue(st, own), people.status_code == 200
            )

            admin_cells(api, m, st, username, headers, i)
            call_quality_cells(api, m, st, username, headers)

    print(f"\naccess matrix: {len(m.rows)} cells, {len(m.leaks)} leaks")
    for leak in m.leaks:
        print("  leak:", leak)
    assert len({r[0] for r in m.rows}) == len(ACCOUNTS)
    assert sum(r[3] for r in m.rows) and sum(not r[3] for r in m.rows), (
        "the matrix has both allowed and forbidden cells"
    )
    assert m.leaks == []
