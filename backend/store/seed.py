"""Sample data for the demo and the tests.

One point (Imatra, Mon–Thu 9–15, Fri 9–14), one booth, one Tax official who
serves two Verohallinto services in Finnish, Swedish and English during the
point's hours, an advisor at the Imatra desk, a Verohallinto admin and a master
admin. Ids of the original accounts are unchanged: the e2e tests use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy.orm import Session

from backend.auth import hash_secret
from backend.domain.catalogue import Identification, Interval, OfficialSkills, Service
from backend.store import catalogue
from backend.store.booking_models import ServiceRow
from backend.store.models import Booth, Official, Organisation, ServicePoint

IMATRA_HOURS = {wd: Interval(time(9), time(15)) for wd in (1, 2, 3, 4)} | {5: Interval(time(9), time(14))}

VERO_SERVICES = (
    Service(
        id="vero-personal",
        organisation_id="vero",
        names={"fi": "Henkilöverotus", "sv": "Personbeskattning", "en": "Personal taxation"},
        descriptions={
            "fi": "Apua veroilmoitukseen, verotuspäätökseen ja veronpalautuksiin.",
            "sv": "Hjälp med skattedeklarationen, beskattningsbeslutet och skatteåterbäringar.",
            "en": "Help with your tax return, tax decision and tax refunds.",
        },
        duration_min=30,
        identification=Identification.STRONG_EID,
        languages=frozenset({"fi", "sv", "en"}),
        screen_names={"ru": "Налогообложение физических лиц"},
        screen_descriptions={"ru": "Помощь с налоговой декларацией, решением о налогах и возвратом налогов."},
    ),
    Service(
        id="vero-taxcard",
        organisation_id="vero",
        names={"fi": "Verokortti", "sv": "Skattekort", "en": "Tax card"},
        descriptions={
            "fi": "Uusi verokortti tai muutos veroprosenttiin.",
            "sv": "Nytt skattekort eller ändrad skatteprocent.",
            "en": "A new tax card or a change to your tax rate.",
        },
        duration_min=15,
        identification=Identification.STRONG_EID,
        languages=frozenset({"fi", "sv"}),
        screen_names={"ru": "Налоговая карточка"},
        screen_descriptions={"ru": "Новая налоговая карточка или другой процент налога."},
    ),
)


@dataclass(frozen=True)
class DemoAccounts:
    booth_id: str = "imatra-1"
    booth_secret: str = "demo-booth-secret"
    username: str = "virkailija"
    password: str = "demo-password"
    advisor_username: str = "neuvoja"
    advisor_password: str = "demo-advisor"
    admin_username: str = "vero-admin"
    admin_password: str = "demo-admin"
    master_username: str = "paakayttaja"
    master_password: str = "demo-master"


def _account(db: Session, id_: str, username: str, name: str, org: str, password: str) -> None:
    if db.get(Official, id_) is None:
        db.add(
            Official(
                id=id_, username=username, display_name=name, organisation_id=org, password_hash=hash_secret(password)
            )
        )


def seed_demo(db: Session, accounts: DemoAccounts = DemoAccounts()) -> DemoAccounts:
    """Insert the sample catalogue if it is not there yet (idempotent)."""
    if db.get(Organisation, "vero") is None:
        db.add(Organisation(id="vero", name="Verohallinto"))
    if db.get(Organisation, "imatra-city") is None:
        db.add(Organisation(id="imatra-city", name="Imatran kaupunki"))
    if db.get(ServicePoint, "imatra") is None:
        db.add(ServicePoint(id="imatra", name="Suomi-piste Imatra", address="Virastokatu 2, 55100 Imatra"))
    db.flush()
    if db.get(Booth, accounts.booth_id) is None:
        db.add(
            Booth(
                id=accounts.booth_id,
                name="Imatra booth 1",
                point_id="imatra",
                secret_hash=hash_secret(accounts.booth_secret),
            )
        )
    _account(db, "official-1", accounts.username, "Veera Virkailija", "vero", accounts.password)
    _account(db, "advisor-1", accounts.advisor_username, "Niko Neuvoja", "imatra-city", accounts.advisor_password)
    _account(db, "vero-admin-1", accounts.admin_username, "Vilma Verohallinto", "vero", accounts.admin_password)
    _account(db, "master-1", accounts.master_username, "Pekka Pääkäyttäjä", "imatra-city", accounts.master_password)
    db.flush()
    if db.get(ServiceRow, VERO_SERVICES[0].id) is None:
        for svc in VERO_SERVICES:
            catalogue.put_service(db, svc)
        db.flush()
        catalogue.set_point_hours(db, "imatra", IMATRA_HOURS, frozenset())
        catalogue.set_skills(
            db,
            OfficialSkills(
                official_id="official-1",
                organisation_id="vero",
                services=frozenset(s.id for s in VERO_SERVICES),
                languages=frozenset({"fi", "sv", "en"}),
                hours={wd: (iv,) for wd, iv in IMATRA_HOURS.items()},
            ),
        )
    catalogue.grant(db, "official-1", "official")
    catalogue.grant(db, "advisor-1", "advisor", "imatra")
    catalogue.grant(db, "vero-admin-1", "authority_admin", "vero")
    catalogue.grant(db, "master-1", "master_admin")
    db.commit()
    return accounts
