"""Never a double booking, under load: 200 concurrent clients racing for the same few slots.

For each engine — SQLite (WAL, a file in a temporary directory) and
PostgreSQL 15 (started from Debian's binaries exactly as the test fixture
does, on a free port, and stopped afterwards) — the real schema is migrated
and the demo catalogue seeded with two booths and two Tax officials. Then
``--clients`` threads (200 by default) wait at a barrier and all call
``backend.store.bookings.book`` at once, each for a random one of four
overlapping 30-minute starts (10.00, 10.15, 10.30, 10.45 on one Tuesday)
through the product's own engine and connection pool; at most 4 can win
(10.00 and 10.30, each with 2 booths and 2 officials). A second round spreads
the same number of clients over every half hour of two weeks (120 starts,
capacity 2 each; Friday 14.00 and 14.30 are refused as closed) to measure
throughput when most requests succeed.

Afterwards a query independent of the ``resource_slot`` mechanism counts
pairs of live bookings that share a booth or an official and overlap in time:
the double bookings. It must print 0. Also printed: how many clients got a
booking and how many were told "slot taken", any other errors, and the
throughput — requests per second, each request ending in a booking or a clear
refusal — and successful bookings per second.

    /tmp/venv/bin/python -m bench.bookings [--clients 200] [--engine sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from datetime import time as clock

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from backend.auth import hash_secret
from backend.domain.bookings import BookedVia
from backend.domain.catalogue import HELSINKI, OfficialSkills
from backend.store import bookings, catalogue
from backend.store.booking_models import BookingRow
from backend.store.database import migrate, open_engine, session_factory
from backend.store.models import Booth, Official
from backend.store.seed import IMATRA_HOURS, seed_demo
from tests.support.postgres import create_database, running_postgres

DAY = date(2030, 1, 8)  # a Tuesday far enough ahead
NOW = datetime(2030, 1, 1, tzinfo=UTC)
STARTS = [datetime.combine(DAY, clock(10, m), tzinfo=HELSINKI) for m in (0, 15, 30, 45)]
#: the spread round: every half hour 9.00–14.30 on the ten weekdays from DAY (Friday's 14.00+ refused: closed).
WIDE = [
    datetime.combine(date.fromordinal(DAY.toordinal() + d), clock(h, m), tzinfo=HELSINKI)
    for d in range(14)
    if date.fromordinal(DAY.toordinal() + d).isoweekday() <= 5
    for h in range(9, 15)
    for m in (0, 30)
]


def prepare(url: str):
    engine = open_engine(url)
    migrate(engine)
    db = session_factory(engine)
    with db() as s:
        seed_demo(s)
        s.add(Booth(id="imatra-2", name="Imatra booth 2", point_id="imatra", secret_hash=hash_secret("x")))
        s.add(
            Official(
                id="official-2",
                username="virkailija2",
                display_name="Ville Virkailija",
                organisation_id="vero",
                password_hash=hash_secret("x"),
            )
        )
        s.flush()
        catalogue.set_skills(
            s,
            OfficialSkills(
                "official-2",
                "vero",
                frozenset({"vero-personal"}),
                frozenset({"fi"}),
                {wd: (iv,) for wd, iv in IMATRA_HOURS.items()},
            ),
        )
        s.commit()
    return engine, db


def double_bookings(db) -> int:
    a, b = aliased(BookingRow), aliased(BookingRow)
    live = ["booked", "checked_in", "in_lobby", "in_call"]
    with db() as s:
        return s.scalar(
            select(func.count())
            .select_from(a)
            .join(
                b,
                and_(
                    a.id < b.id,
                    or_(a.booth_id == b.booth_id, a.official_id == b.official_id),
                    a.start < b.end,
                    b.start < a.end,
                ),
            )
            .where(a.status.in_(live), b.status.in_(live))
        )


def race(url: str, clients: int, starts: list[datetime]) -> dict[str, object]:
    engine, db = prepare(url)
    gate = threading.Barrier(clients + 1)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def client(i: int) -> None:
        start = random.Random(i).choice(starts)
        gate.wait()
        try:
            bookings.book(
                db,
                bookings.BookingRequest("vero-personal", "imatra", "fi", start, BookedVia.WEB, phone=f"+35840{i:07d}"),
                NOW,
            )
            result = "booked"
        except bookings.SlotTaken:
            result = "slot taken"
        except Exception as exc:  # counted and shown: a benchmark must not hide failures
            result = f"error: {type(exc).__name__}: {str(exc)[:80]}"
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    gate.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    doubles = double_bookings(db)
    engine.dispose()
    return {
        "outcomes": dict(outcomes),
        "double_bookings": doubles,
        "seconds": elapsed,
        "requests_per_s": clients / elapsed,
        "bookings_per_s": outcomes["booked"] / elapsed,
    }


def report(name: str, r: dict[str, object]) -> None:
    print(f"{name}:")
    print(f"  double bookings: {r['double_bookings']}  (must be 0)")
    for k, v in sorted(r["outcomes"].items()):  # type: ignore[union-attr]
        print(f"  {k}: {v}")
    print(
        f"  {r['seconds']:.2f} s for all clients; {r['requests_per_s']:.0f} requests/s "
        f"(each booked or refused), {r['bookings_per_s']:.1f} successful bookings/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    failed = False
    if args.engine in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as d:
            for label, starts in (("same 4 slots", STARTS), ("spread over 2 weeks", WIDE)):
                r = race(f"sqlite:///{d}/{len(starts)}.db", args.clients, starts)
                report(f"SQLite (WAL), {label}", r)
                failed |= r["double_bookings"] != 0
    if args.engine in ("postgresql", "both"):
        with running_postgres() as admin:
            for label, starts in (("same 4 slots", STARTS), ("spread over 2 weeks", WIDE)):
                r = race(create_database(admin, f"bench{len(starts)}"), args.clients, starts)
                report(f"PostgreSQL 15, {label}", r)
                failed |= r["double_bookings"] != 0
    if failed:
        raise SystemExit("DOUBLE BOOKINGS FOUND")


if __name__ == "__main__":
    main()
