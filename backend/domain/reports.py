"""Reports as plain values: figures, the open hours a utilisation is measured against, and Finnish CSV.

Pure: the store (``backend.store.reports``) counts with SQL and hands the
counts here. A report is a list of figures — (section, key, value) — so the
page's charts, the table and the CSV show the same numbers from one list.

CSV is for Finnish Excel, which opens a file by double-click only when it
starts with a UTF-8 BOM, separates fields with semicolons and writes decimals
with a comma (``12,5``); anything else lands in one column or turns 12.5 into a
date.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backend.domain.catalogue import HELSINKI, Point

#: What the reports cannot count yet because nothing stores it (see docs/ADMIN_APP.md).
NOT_STORED: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    section: str  # e.g. "meetings", "bookings_by_status"
    key: str  # e.g. "count", "cancelled", a service id
    value: float


@dataclass(frozen=True)
class Period:
    """Helsinki calendar days ``first``..``last`` inclusive, as the epoch seconds the store keeps."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"end must not be before start (got {self.first}–{self.last})")
        if (self.last - self.first).days > 3660:
            raise ValueError("a report covers at most ten years")

    @property
    def start_ts(self) -> float:
        return datetime.combine(self.first, datetime.min.time(), tzinfo=HELSINKI).timestamp()

    @property
    def end_ts(self) -> float:
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), tzinfo=HELSINKI).timestamp()

    def days(self) -> Iterable[date]:
        d = self.first
        while d <= self.last:
            yield d
            d += timedelta(days=1)


def open_seconds(point: Point, period: Period) -> float:
    """Seconds the point is open in the period (its weekly hours, less closure days), DST-correct."""
    total = 0.0
    for d in period.days():
        iv = point.open_on(d)
        if iv is not None:
            opens = datetime.combine(d, iv.start, tzinfo=HELSINKI)
            closes = datetime.combine(d, iv.end, tzinfo=HELSINKI)
            total += closes.timestamp() - opens.timestamp()
    return total


def share(part: float, whole: float) -> float:
    """``part / whole`` as a percentage with one decimal; 0 when there is nothing to divide by."""
    return round(100.0 * part / whole, 1) if whole > 0 else 0.0


def _fi_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def finnish_csv(rows: list[tuple[str, str, float, float | None]], header: tuple[str, str, str, str]) -> bytes:
    """Rows of (section, key, own value, all-organisation value) as CSV Finnish Excel opens correctly."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(header)
    for section, key, own, every in rows:
        w.writerow([section, key, _fi_number(own), "" if every is None else _fi_number(every)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
