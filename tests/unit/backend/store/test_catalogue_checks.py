"""The store refuses what the API refuses (migration 0006), on SQLite and PostgreSQL alike.

A database that an older version filled with bad values (the probe's findings
of issue #15) upgrades without failing: the bad rows are repaired or removed,
and from then on the database itself refuses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

from backend.store import catalogue, seed
from backend.store.booking_models import OfficialHours, OfficialLanguage, OfficialService, PointHours, ServiceRow
from backend.store.database import MIGRATIONS, migrate, open_engine
from backend.store.seed import seed_demo
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401 - fixtures

BAD_ID = "bad id!"
#: A CHECK or trigger says IntegrityError; PostgreSQL's own VARCHAR(n) says DataError. Either way: refused.
REFUSED = (sa.exc.IntegrityError, sa.exc.DataError)


def _upgrade(engine: sa.Engine, target: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    url = f"sqlite:///{tmp_path}/c.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    e = open_engine(url)
    yield e
    e.dispose()


def _service(id_: str, **changes: Any) -> ServiceRow:
    values: dict[str, Any] = {
        "organisation_id": "vero",
        "name_fi": "Verokortti",
        "name_sv": "Skattekort",
        "name_en": "Tax card",
        "description_fi": "",
        "description_sv": "",
        "description_en": "",
        "duration_min": 15,
        "identification": "none",
        "languages": "fi",
    }
    return ServiceRow(id=id_, **(values | changes))


def _seed_of_0006(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo catalogue of that time: no names in the booth's screen-only languages (their table came in 0011)."""
    then = tuple(replace(s, screen_names={}, screen_descriptions={}) for s in seed.VERO_SERVICES)
    monkeypatch.setattr(seed, "VERO_SERVICES", then)


def test_an_old_database_with_bad_rows_upgrades_and_is_repaired(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch):
    _upgrade(engine, "0006_queue_origin")
    _seed_of_0006(monkeypatch)
    with Session(engine) as s:
        seed_demo(s)
        s.flush()
        s.add(PointHours(point_id="imatra", weekday=6, opens_min=600, closes_min=600))  # seconds cut off
        s.add(OfficialHours(official_id="official-1", weekday=2, starts_min=600, ends_min=540))  # offsets dropped
        s.add(OfficialLanguage(official_id="official-1", language="de"))
        s.add(_service("vero-long", name_fi="x" * 200, duration_min=1000, identification="retina"))
        s.add(_service(BAD_ID))
        s.flush()
        s.add(OfficialService(official_id="official-1", service_id=BAD_ID))
        s.commit()
    migrate(engine)
    with Session(engine) as s:
        assert 6 not in catalogue.point(s, "imatra").hours
        assert s.get(OfficialHours, ("official-1", 2, 600)) is None
        assert "de" not in catalogue.skills(s, "official-1").languages
        long = s.get(ServiceRow, "vero-long")
        assert (len(long.name_fi), long.duration_min, long.identification) == (120, 240, "none")
        assert s.get(ServiceRow, BAD_ID) is None
        renamed = [x for x in catalogue.skills(s, "official-1").services if x.startswith("renamed-")]
        assert len(renamed) == 1 and s.get(ServiceRow, renamed[0]).name_sv == "Skattekort"  # the skill followed


@pytest.mark.parametrize(
    "bad",
    [
        lambda: PointHours(point_id="imatra", weekday=6, opens_min=600, closes_min=600),
        lambda: PointHours(point_id="imatra", weekday=8, opens_min=600, closes_min=660),
        lambda: PointHours(point_id="imatra", weekday=6, opens_min=600, closes_min=1500),
        lambda: OfficialHours(official_id="official-1", weekday=6, starts_min=600, ends_min=540),
        lambda: OfficialLanguage(official_id="official-1", language="de"),
        lambda: _service(BAD_ID),
        lambda: _service("x" * 65),
        lambda: _service("vero-long", name_en="x" * 121),
        lambda: _service("vero-empty", name_sv=""),
        lambda: _service("vero-essay", description_fi="x" * 1001),
        lambda: _service("vero-short", duration_min=1),
        lambda: _service("vero-odd", identification="retina"),
    ],
    ids=[
        "empty-interval",
        "weekday-8",
        "past-midnight",
        "official-backwards",
        "language-de",
        "id-pattern",
        "id-length",
        "name-length",
        "name-empty",
        "description-length",
        "duration",
        "identification",
    ],
)
def test_the_store_refuses_what_the_api_refuses(engine: sa.Engine, bad: Any):
    migrate(engine)
    with Session(engine) as s:
        seed_demo(s)
        s.commit()
        s.add(bad())
        with pytest.raises(REFUSED):
            s.commit()


def test_the_store_refuses_a_bad_update_too(engine: sa.Engine):
    migrate(engine)
    with Session(engine) as s:
        seed_demo(s)
        s.commit()
        s.get(ServiceRow, "vero-personal").name_fi = "x" * 121
        with pytest.raises(REFUSED):
            s.commit()


def test_downgrade_drops_the_rules(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch):
    _seed_of_0006(monkeypatch)
    migrate(engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006_queue_origin")
    with Session(engine) as s:
        seed_demo(s)
        s.add(OfficialLanguage(official_id="official-1", language="de"))
        s.commit()
