"""A real PostgreSQL for tests and benchmarks, started from Debian's package.

Nothing is assumed to be running: ``running_postgres()`` runs ``initdb`` into a
fresh temporary directory, starts the server on a free TCP port on 127.0.0.1
with its unix socket in that directory, and stops it and removes everything at
the end. The server refuses to run as root, so as root the binaries are run as
the ``postgres`` OS user (``runuser``), which owns the data directory.

Fixtures: ``postgres_server`` (session-scoped; the server's admin URL) and
``postgres_url`` (a fresh, empty database per test, dropped afterwards).
Import both into a test module or a conftest: ``from tests.support.postgres import
postgres_server, postgres_url``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("ETAPISTE_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a throwaway server; yield ``postgresql+psycopg://postgres@127.0.0.1:<port>/postgres``."""
    for tool in ("initdb", "pg_ctl"):
        if not (PG_BIN / tool).exists():
            raise RuntimeError(
                f"{PG_BIN / tool} not found: install Debian's postgresql (15) package, "
                "or set ETAPISTE_PG_BIN to the directory holding initdb and pg_ctl"
            )
    root = Path(tempfile.mkdtemp(prefix="etapiste-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    log = root / "server.log"
    try:
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off"
        started = subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "start"]),
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()} {_tail(log)}")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if data.exists():
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


def _tail(log: Path) -> str:
    try:
        return log.read_text()[-2000:]
    except OSError:
        return ""


def create_database(admin_url: str, name: str) -> str:
    """Create database ``name``; return its URL."""
    import psycopg

    conninfo = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    conninfo = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with running_postgres() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    name = "t_" + uuid.uuid4().hex[:12]
    url = create_database(postgres_server, name)
    yield url
    drop_database(postgres_server, name)
