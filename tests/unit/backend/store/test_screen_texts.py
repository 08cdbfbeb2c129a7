"""A service's names in the booth's screen-only languages: stored, read back, refused when wrong."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from backend.domain.bookings import BookingRuleError
from backend.hub import _menu
from backend.store import catalogue
from backend.store.database import migrate, open_engine, session_factory
from backend.store.seed import seed_demo


@pytest.fixture
def db(tmp_path: Path) -> Session:
    engine = open_engine(f"sqlite:///{tmp_path}/s.db")
    migrate(engine)
    session = session_factory(engine)()
    seed_demo(session)
    session.commit()
    return session


def test_the_demo_services_have_russian_names_on_the_booth_menu(db: Session):
    svc = catalogue.service(db, "vero-personal")
    assert svc.screen_names == {"ru": "Налогообложение физических лиц"}
    assert svc.screen_descriptions["ru"].startswith("Помощь")
    menu = {c.service_id: c for c in _menu(catalogue.services(db)).services}
    assert menu["vero-personal"].screen_names == {"ru": "Налогообложение физических лиц"}


def test_an_admin_can_remove_the_russian_name_and_the_service_leaves_russian_screens(db: Session):
    svc = catalogue.service(db, "vero-taxcard")
    catalogue.put_service(db, replace(svc, screen_names={}, screen_descriptions={}))
    db.commit()
    assert catalogue.service(db, "vero-taxcard").screen_names == {}
    assert _menu(catalogue.services(db)).services[1].screen_names == {}


@pytest.mark.parametrize(
    ("names", "descriptions", "says"),
    [
        ({"de": "Steuern"}, {}, "not screen-only languages of the booth; use ru"),
        ({"fi": "Verot"}, {}, "not screen-only languages"),  # a meeting language has its own column
        ({}, {"ru": "Описание"}, "a description in ru needs a name in it too"),
    ],
)
def test_the_store_refuses_a_language_that_is_not_a_screen_language(db: Session, names, descriptions, says):
    svc = catalogue.service(db, "vero-taxcard")
    with pytest.raises(BookingRuleError, match=says):
        catalogue.put_service(db, replace(svc, screen_names=names, screen_descriptions=descriptions))
