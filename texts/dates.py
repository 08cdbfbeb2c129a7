"""Dates and times as people in Finland write them, in Helsinki time, with Babel's CLDR data.

One formatter for every text that names a time: the SMS and e-mails, the
printed slips, the check-in answers and the advisor alerts. Weekday and month
names come from CLDR (Babel), the patterns from here:

- ``format_when``: "to 26.11.2026 klo 10.00", "tors 26.11.2026 kl. 10.00",
  "Thu 26 Nov 2026 at 10:00" (a booking in a message or on a slip);
- ``format_clock``: "9.45", "10.00" — the booth's own clock style, used in all
  three languages on the booth and the advisors' screens, as the clocks of the
  service point show it;
- ``format_date``: "24.11.2026".

An aware datetime is shown in Helsinki time whatever zone it came in; a naive
one is taken as Helsinki wall-clock time already (a slip's caller may hold
local time), never as UTC.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from protocol.messages import Language
from texts.catalogues import language

HELSINKI = ZoneInfo("Europe/Helsinki")

#: CLDR patterns (quoted text is literal): d.M.y with the Finnish and Swedish
#: hour word, and the English day-month-year with a 24-hour clock.
_WHEN = {
    Language.FI: "EEE d.M.y 'klo' H.mm",
    Language.SV: "EEE d.M.y 'kl.' H.mm",
    Language.EN: "EEE d MMM y 'at' HH:mm",
}
_CLOCK = "H.mm"
_DATE = "d.M.y"


def helsinki(dt: datetime) -> datetime:
    """``dt`` as Helsinki wall-clock time (a naive ``dt`` is taken to be that already)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=HELSINKI)
    return dt.astimezone(HELSINKI)


def _format(dt: datetime, pattern: str, lang: Language | str) -> str:
    return format_datetime(helsinki(dt), pattern, tzinfo=HELSINKI, locale=language(lang).value)


def format_when(dt: datetime, lang: Language | str) -> str:
    """A booking's day and time in ``lang``: weekday, date and clock, in Helsinki time."""
    return _format(dt, _WHEN[language(lang)], lang)


def format_clock(dt: datetime, lang: Language | str = Language.FI) -> str:
    """The clock time in Helsinki, booth style ("9.45") in every language."""
    return _format(dt, _CLOCK, lang)


def format_date(dt: datetime, lang: Language | str = Language.FI) -> str:
    """The date in Helsinki, "24.11.2026" in every language."""
    return _format(dt, _DATE, lang)
