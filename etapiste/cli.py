"""``etapiste``: one command line for every part of the product.

etapiste backend   run the backend (HTTP API, officials' web app, websocket hub)
etapiste kiosk     run the booth app from a booth config file
etapiste demo      backend + one simulated booth, on this machine
etapiste schema    print the wire protocol as JSON Schema
etapiste audit verify   check the audit log's hash chain; name the first broken entry
etapiste admin bootstrap   the first master admin of an empty installation (prints a set-password link)
etapiste image     build, boot and configure the booth's disk image
etapiste flash     write a booth image to a disk and verify it
"""

from __future__ import annotations

import argparse
import logging
import sys


def _backend(args: argparse.Namespace) -> int:
    from backend.config import SettingsError, load_settings

    flags = {
        "database_url": args.database_url,
        "host": args.host,
        "port": args.port,
        "seed_demo": args.seed_demo or None,
        "clock_start": args.clock_start,
    }
    try:
        settings = load_settings({k: v for k, v in flags.items() if v is not None})
    except SettingsError as exc:
        print(
            "etapiste backend: not started; fix these settings (docs/CONFIG.md):\n  " + str(exc).replace("\n", "\n  "),
            file=sys.stderr,
        )
        return 2
    from backend.server import serve  # after the check: a refused start prints only the problems

    serve(settings)
    return 0


def _kiosk(args: argparse.Namespace) -> int:
    from kiosk.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(
            f"etapiste kiosk: not started; fix {args.config} (docs/CONFIG.md):\n  " + str(exc).replace("\n", "\n  "),
            file=sys.stderr,
        )
        return 2
    from kiosk import log_ring

    log_ring.install()  # the support provider's logs bundle (booth.logs)
    if args.windowed:
        from dataclasses import replace

        config = replace(config, fullscreen=False)
    if config.ca_file:
        from kiosk.tls import trust_for_turn

        trust_for_turn(config.ca_file)  # the TURN server's TLS listener is checked with the same CA
    from kiosk.boot import prepare_kivy

    prepare_kivy(config)
    from kiosk.app import run_kiosk

    run_kiosk(config)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from etapiste.demo import run_demo

    return run_demo(port=args.port, host=args.host, data_dir=args.data_dir, clock_start=args.clock_start)


def _tap(args: argparse.Namespace) -> int:
    from etapiste.touch import TouchPanel

    TouchPanel(args.port, args.host).tap(args.x, args.y)
    return 0


def _schema(_args: argparse.Namespace) -> int:
    from protocol.schema import json_schema_text

    print(json_schema_text())
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain holds (printing its head, to compare with one noted earlier), 1 naming the
    first broken entry, 2 when the settings are wrong."""
    from backend.config import SettingsError, load_settings

    flags = {"database_url": args.database_url} if args.database_url else {}
    try:
        settings = load_settings(flags)
    except SettingsError as exc:
        print("etapiste audit verify: " + str(exc).replace("\n", "; "), file=sys.stderr)
        return 2
    from backend.store import audit
    from backend.store.database import migrate, open_engine, session_factory

    engine = open_engine(settings.database_url)
    migrate(engine)
    with session_factory(engine)() as s:
        verdict = audit.verify(s)
    engine.dispose()
    if verdict.ok:
        print(f"audit log intact: {verdict.entries} entries; head {verdict.head_seq} {verdict.head_hash}")
        return 0
    print(f"audit log BROKEN at entry {verdict.broken_at}: {verdict.reason}", file=sys.stderr)
    return 1


def _admin_bootstrap(args: argparse.Namespace) -> int:
    """Print the first master admin's set-password link; exit 1 (saying why) when refused."""
    import time

    from pydantic import TypeAdapter, ValidationError

    from backend.config import SettingsError, load_settings
    from backend.domain.accounts import USERNAME
    from backend.domain.bookings import ConflictError
    from protocol.messages import Id, Name

    flags = {"database_url": args.database_url} if args.database_url else {}
    try:
        settings = load_settings(flags)
        TypeAdapter(Id).validate_python(args.organisation_id)
        TypeAdapter(Name).validate_python(args.organisation_name)
        TypeAdapter(Name).validate_python(args.name)
    except (SettingsError, ValidationError) as exc:
        print(f"etapiste admin bootstrap: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    import re

    if not re.match(USERNAME, args.username):
        print("etapiste admin bootstrap: --username must be 3-60 of a-z 0-9 . _ -", file=sys.stderr)
        return 2
    from backend.store import admin
    from backend.store.database import migrate, open_engine, session_factory

    engine = open_engine(settings.database_url)
    migrate(engine)
    try:
        with session_factory(engine)() as s:
            link = admin.bootstrap_master(
                s,
                organisation_id=args.organisation_id,
                organisation_name=args.organisation_name,
                username=args.username,
                display_name=args.name,
                links=admin.LinkSettings(settings.public_url, settings.password_link_hours),
                now=time.time(),
            )
            s.commit()
    except ConflictError as exc:
        print(f"etapiste admin bootstrap: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Master admin {args.username}: set the password within {settings.password_link_hours} h at\n{link}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="etapiste", description="Etäpiste remote public-service booths.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "backend",
        help="run the backend server",
        description="Run the backend: HTTP API, the officials' web app at /official/ and the websocket hub at /ws. "
        "Every setting can also come from an ETAPISTE_* environment variable (docs/CONFIG.md); flags win.",
    )
    p.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default: $ETAPISTE_DATABASE_URL or sqlite:///etapiste.db); "
        "postgresql+psycopg://... in production",
    )
    p.add_argument("--host", help="address to listen on (default: $ETAPISTE_HOST or 127.0.0.1)")
    p.add_argument("--port", help="port (default: $ETAPISTE_PORT or 8000)")
    p.add_argument("--seed-demo", action="store_true", help="insert the demo point, booth and official")
    p.add_argument(
        "--clock-start",
        metavar="ISO_TIME",
        help="start the backend's clock at this time (with UTC offset) and run it at real speed; "
        "for demos and tests that need office hours — never in production",
    )
    p.set_defaults(func=_backend)

    p = sub.add_parser(
        "kiosk",
        help="run the booth app",
        description="Run the booth's fullscreen app. Without a display it renders offscreen.",
    )
    p.add_argument("--config", required=True, help="booth config file (TOML); see kiosk/config.py")
    p.add_argument("--windowed", action="store_true", help="a window instead of fullscreen (development)")
    p.set_defaults(func=_kiosk)

    p = sub.add_parser(
        "demo",
        help="backend and one simulated booth on this machine",
        description="Start the backend on SQLite with sample data and one booth with simulated "
        "devices; print the official's URL and login. Ctrl-C stops everything.",
    )
    p.add_argument("--port", type=int, default=8000, help="backend port (default: %(default)s)")
    p.add_argument("--host", default="127.0.0.1", help="backend address (0.0.0.0 to reach it from another machine)")
    p.add_argument("--data-dir", default=".demo", help="where the demo keeps its database and config")
    p.add_argument(
        "--clock-start",
        metavar="ISO_TIME",
        help="start the backend's clock here, e.g. 2026-11-24T09:50+02:00, to try bookings and check-in "
        "in the point's opening hours whenever you run the demo",
    )
    p.set_defaults(func=_demo)

    p = sub.add_parser(
        "tap",
        help="touch a booth's screen over TUIO (headless booths)",
        description="Send one TUIO tap to a booth whose config has [touch] tuio. "
        "X and Y are fractions of the screen from the top left; Start is at 0.5 0.4.",
    )
    p.add_argument("x", type=float)
    p.add_argument("y", type=float)
    p.add_argument("--port", type=int, default=3333, help="the booth's TUIO port (default: %(default)s)")
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=_tap)

    p = sub.add_parser("schema", help="print the wire protocol's JSON Schema")
    p.set_defaults(func=_schema)

    p = sub.add_parser("audit", help="the audit log", description="Work with the audit log (docs/ADMIN_APP.md).")
    audit_sub = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    v = audit_sub.add_parser(
        "verify",
        help="check the hash chain; name the first broken entry",
        description="Walk the audit log from its first entry and check every hash and that no entry is missing. "
        "Exit 0 and print the head (compare it with one noted earlier: removing the newest entries leaves a "
        "shorter chain), or exit 1 naming the first entry that was changed or deleted.",
    )
    v.add_argument("--database-url", help="SQLAlchemy URL (default: $ETAPISTE_DATABASE_URL)")
    v.set_defaults(func=_audit_verify)

    p = sub.add_parser("admin", help="administration from the command line")
    admin_sub = p.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    b = admin_sub.add_parser(
        "bootstrap",
        help="create the first master admin of an empty installation",
        description="Create the operator's organisation and its first master admin, and print a one-time link "
        "(ETAPISTE_PUBLIC_URL/admin/#set-password=...) to set the password. Refused once a master admin exists; "
        "everything else is set up in the admin app.",
    )
    b.add_argument("--database-url", help="SQLAlchemy URL (default: $ETAPISTE_DATABASE_URL)")
    b.add_argument("--organisation-id", required=True, help="the operator's organisation id, e.g. dvv-digi")
    b.add_argument("--organisation-name", required=True)
    b.add_argument("--username", required=True)
    b.add_argument("--name", required=True, help="the master admin's full name")
    b.set_defaults(func=_admin_bootstrap)
    from etapiste.image_cli import add_image_commands

    add_image_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("aioice", "aiortc", "websockets", "kivy", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.exit(args.func(args))
