"""The catalogue's rules in the store: what the API refuses, the database refuses too (issue #15).

A value the HTTP API once let in (hours with seconds or UTC offsets, a service
name longer than the wire allows, an id of the wrong shape) made reads fail for
everyone. The API now refuses them; this revision makes the store refuse them
as well, so no other writer (a script, a future endpoint) can put one back:

- ``point_hours`` and ``official_hours``: weekday 1–7, minutes within the day, start before end;
- ``service``: the protocol's id (1–64 of ``A-Za-z0-9_.:-``), names of 1–120 characters,
  descriptions of at most 1000, a duration of 5–240 minutes, a known identification;
- ``official_language``: fi, sv or en.

PostgreSQL gets CHECK constraints. SQLite enforces neither ``VARCHAR(n)`` nor
a CHECK added later without rebuilding the table (which its foreign keys
forbid while bookings point at a service), so there the same conditions are
triggers that abort the insert or update.

Rows already stored that break a rule are repaired first, so the upgrade never
fails on old data: unusable hours and languages are deleted (reads left them
out anyway), names and descriptions are cut to length, durations clamped, an
unknown identification becomes ``none``, and a service whose id breaks the
rule is renamed ``renamed-<hash>`` with every booking, queue entry and skill
following it. Downgrade drops the constraints (the repairs stay).

Revision ID: 0007_catalogue_checks
Revises: 0006_queue_origin
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0007_catalogue_checks"
down_revision = "0006_queue_origin"
branch_labels = None
depends_on = None

_HOURS = "{p}weekday BETWEEN 1 AND 7 AND {p}{a} >= 0 AND {p}{b} <= 1440 AND {p}{a} < {p}{b}"

#: name -> (table, condition with {p} for the row prefix: "" in a CHECK, "NEW." in a trigger)
RULES: dict[str, tuple[str, str]] = {
    "ck_point_hours_interval": ("point_hours", _HOURS.replace("{a}", "opens_min").replace("{b}", "closes_min")),
    "ck_official_hours_interval": ("official_hours", _HOURS.replace("{a}", "starts_min").replace("{b}", "ends_min")),
    "ck_service_id": ("service", "length({p}id) BETWEEN 1 AND 64 AND {id_pattern}"),
    "ck_service_names": (
        "service",
        " AND ".join(f"length({{p}}name_{lang}) BETWEEN 1 AND 120" for lang in ("fi", "sv", "en")),
    ),
    "ck_service_descriptions": (
        "service",
        " AND ".join(f"length({{p}}description_{lang}) <= 1000" for lang in ("fi", "sv", "en")),
    ),
    "ck_service_duration": ("service", "{p}duration_min BETWEEN 5 AND 240"),
    "ck_service_identification": ("service", "{p}identification IN ('none', 'strong_eid', 'in_person')"),
    "ck_official_language": ("official_language", "{p}language IN ('fi', 'sv', 'en')"),
}

_ID_PATTERN = {
    "sqlite": "{p}id NOT GLOB '*[^A-Za-z0-9_.:-]*'",
    "postgresql": "{p}id ~ '^[A-Za-z0-9_.:-]+$'",
}


def condition(name: str, dialect: str, prefix: str) -> str:
    """A rule's SQL for this database: ``prefix`` is "" for a CHECK, "NEW." in a trigger."""
    sql = RULES[name][1].replace("{id_pattern}", _ID_PATTERN.get(dialect, "1 = 1"))
    return sql.replace("{p}", prefix)


def _repair(dialect: str) -> None:
    bind = op.get_bind()
    for name in ("ck_point_hours_interval", "ck_official_hours_interval", "ck_official_language"):
        table = RULES[name][0]
        op.execute(f"DELETE FROM {table} WHERE NOT ({condition(name, dialect, '')})")
    for lang in ("fi", "sv", "en"):
        op.execute(f"UPDATE service SET name_{lang} = substr(name_{lang}, 1, 120) WHERE length(name_{lang}) > 120")
        op.execute(f"UPDATE service SET name_{lang} = '?' WHERE length(name_{lang}) = 0")
        op.execute(
            f"UPDATE service SET description_{lang} = substr(description_{lang}, 1, 1000) "
            f"WHERE length(description_{lang}) > 1000"
        )
    op.execute("UPDATE service SET duration_min = 5 WHERE duration_min < 5")
    op.execute("UPDATE service SET duration_min = 240 WHERE duration_min > 240")
    op.execute(
        f"UPDATE service SET identification = 'none' WHERE NOT ({condition('ck_service_identification', dialect, '')})"
    )
    bad = [
        row[0]
        for row in bind.execute(
            sa.text(f"SELECT id FROM service WHERE NOT ({condition('ck_service_id', dialect, '')})")
        )
    ]
    for old in bad:
        new = "renamed-" + hashlib.sha256(old.encode()).hexdigest()[:16]
        columns = [c["name"] for c in sa.inspect(bind).get_columns("service") if c["name"] != "id"]
        listed = ", ".join(columns)
        bind.execute(
            sa.text(f"INSERT INTO service (id, {listed}) SELECT :new, {listed} FROM service WHERE id = :old"),
            {"new": new, "old": old},
        )
        for child in ("booking", "official_service", "queue_entry"):
            bind.execute(
                sa.text(f"UPDATE {child} SET service_id = :new WHERE service_id = :old"), {"new": new, "old": old}
            )
        bind.execute(sa.text("DELETE FROM service WHERE id = :old"), {"old": old})


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _repair(dialect)
    for name, (table, _) in RULES.items():
        if dialect == "sqlite":
            for event in ("INSERT", "UPDATE"):
                op.execute(
                    f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
                    f"WHEN NOT ({condition(name, dialect, 'NEW.')}) "
                    f"BEGIN SELECT RAISE(ABORT, '{table}: breaks {name}'); END"
                )
        else:
            op.create_check_constraint(name, table, sa.text(condition(name, dialect, "")))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, (table, _) in RULES.items():
        if dialect == "sqlite":
            for event in ("insert", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
        else:
            op.drop_constraint(name, table, type_="check")
