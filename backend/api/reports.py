"""Reports: figures by organisation, point, service and period, with the all-organisation comparison; CSV.

``GET /api/reports`` answers an organisation's admins and reporters (and the
master admin) with the organisation's own figures and the all-organisation
totals beside them — never another organisation's own figures.
``GET /api/reports/mine`` gives an official their personal counts only.
``GET /api/reports.csv`` is the same report for Finnish Excel. Reading a report
is audited: it names the organisation and the period, nothing personal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

import texts
from backend.api.roles import Caller, forbidden
from backend.api.schemas import Day
from backend.domain import access
from backend.domain.access import ReportRef
from backend.domain.bookings import BookingRuleError
from backend.domain.reports import NOT_STORED, Figure, Period, finnish_csv
from backend.store import audit, reports
from protocol.messages import Id, Language

_ = texts.Domain("backend").gettext
N_ = texts.N_

#: The sections' names in the CSV (the page has its own, in the web catalogue).
SECTIONS = {
    "meetings": N_("Meetings"),
    "bookings": N_("Bookings"),
    "bookings_by_status": N_("Bookings by status"),
    "bookings_by_channel": N_("Bookings by channel"),
    "bookings_by_language": N_("Bookings by language"),
    "bookings_by_service": N_("Bookings by service"),
    "bookings_by_point": N_("Bookings by service point"),
    "booking_lead_time": N_("Booking lead time"),
    "served_by_language": N_("Citizens served by language"),
    "booth_utilisation": N_("Booth utilisation"),
    "meetings_by_identification": N_("Meetings by identification method"),
    "feedback_citizen_service": N_("Feedback: citizen, the service"),
    "feedback_citizen_ease": N_("Feedback: citizen, ease of use"),
    "feedback_citizen_overall": N_("Feedback: citizen, overall"),
    "feedback_sms_overall": N_("Feedback: SMS, overall"),
    "feedback_official_technical": N_("Feedback: official, technical quality"),
    "feedback_official_handled": N_("Feedback: official, matter handled"),
    "feedback": N_("Feedback"),
    "third_parties_by_role": N_("Third parties in meetings, by role"),
    "third_parties": N_("Third parties"),
}


class FigureOut(BaseModel):
    section: str
    key: str
    value: float


class ReportOut(BaseModel):
    organisation_id: str | None
    start: date
    end: date
    own: list[FigureOut]
    #: the same figures over every organisation (the comparison); empty in an official's personal report
    all: list[FigureOut]
    not_stored: list[str]


def _out(fs: list[Figure]) -> list[FigureOut]:
    return [FigureOut(section=f.section, key=f.key, value=f.value) for f in fs]


def router(db: sessionmaker[Session], clock: Callable[[], float], caller: Callable[..., Caller]) -> APIRouter:
    r = APIRouter(tags=["reports"])

    def period(start: date, end: date) -> Period:
        try:
            return Period(start, end)
        except ValueError as e:
            raise BookingRuleError(f"start, end: {e}") from None

    def organisation_report(
        who: Caller, start: date, end: date, organisation: str | None, point: str | None, service: str | None
    ) -> ReportOut:
        allowed = access.report_organisations(who.standing)
        if organisation is None and allowed is not None:
            organisation = min(allowed) if allowed else None
        if organisation is None and allowed is not None:
            raise forbidden("reports are for an organisation's admins and reporters; officials: /api/reports/mine")
        if organisation is not None and not access.sees_report(who.standing, ReportRef(organisation)):
            raise forbidden("you can see only your own organisation's report")
        p = period(start, end)
        with db() as s:
            own = reports.figures(s, reports.Scope(p, organisation, point, service))
            every = reports.figures(s, reports.Scope(p, None, point, service))
            audit.record(
                s, who.official_id, "report.read", "organisation", organisation or "*", clock(), f"{start}..{end}"
            )
            s.commit()
        return ReportOut(
            organisation_id=organisation,
            start=start,
            end=end,
            own=_out(own),
            all=_out(every),
            not_stored=list(NOT_STORED),
        )

    @r.get("/api/reports", response_model=ReportOut)
    def report(
        start: Day,
        end: Day,
        organisation: Id | None = None,
        point: Id | None = None,
        service: Id | None = None,
        who: Caller = Depends(caller),
    ) -> ReportOut:
        """An organisation's figures (default: the caller's) and the all-organisation comparison."""
        return organisation_report(who, start, end, organisation, point, service)

    @r.get("/api/reports/mine", response_model=ReportOut)
    def mine(start: Day, end: Day, who: Caller = Depends(caller)) -> ReportOut:
        """An official's own counts: their meetings and the bookings made for them."""
        if not access.sees_own_counts(who.standing, who.official_id) or who.standing.master:
            raise forbidden("personal counts are for officials")
        p = period(start, end)
        with db() as s:
            own = reports.figures(s, reports.Scope(p, official_id=who.official_id))
        return ReportOut(organisation_id=None, start=start, end=end, own=_out(own), all=[], not_stored=list(NOT_STORED))

    @r.get("/api/reports.csv", response_class=Response)
    def report_csv(
        start: Day,
        end: Day,
        organisation: Id | None = None,
        point: Id | None = None,
        service: Id | None = None,
        lang: Language = Query(Language.FI),
        who: Caller = Depends(caller),
    ) -> Response:
        """The report as CSV for Finnish Excel: UTF-8 with BOM, semicolons, decimal comma."""
        rep = organisation_report(who, start, end, organisation, point, service)
        every = {(f.section, f.key): f.value for f in rep.all}
        rows = [(_(lang, SECTIONS[f.section]), f.key, f.value, every.get((f.section, f.key))) for f in rep.own]
        header = (_(lang, "Section"), _(lang, "Figure"), _(lang, "Value"), _(lang, "All organisations"))
        name = f"etapiste-{rep.organisation_id or 'all'}-{start}-{end}.csv"
        return Response(
            finnish_csv(rows, header),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return r
