"""The delivery worker against a real HTTP SMS gateway stand-in and a real SMTP server.

The fake gateway (``backend.notify.fake_gateway``) is a real HTTP server on a
free port; the mail server is ``aiosmtpd`` on a free port. Time is passed to
``run_once(now)``, so backoff is stepped over without sleeping.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import logging
import socket
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.notify import HELSINKI, BookingNotice, NoticeKind, plan
from backend.notify import NotifyConfig, outbox
from backend.notify.fake_gateway import FakeSmsGateway
from backend.notify.outbox import OutboxMessage
from backend.notify.worker import DeliveryWorker
from backend.store.database import migrate, open_engine, session_factory
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)
from tests.support.waiting import wait_for
from tests.unit.backend.notify.test_outbox import notice as outbox_notice

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI)
T0 = NOW.timestamp()
PHONE, PHONE_E164, MAIL = "040 123 4567", "+358401234567", "maija.meikalainen@example.fi"
TOKEN = "gw-secret-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps what it receives."""

    received: list[email.message.EmailMessage] = field(default_factory=list)
    rcpt: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.rcpt.append(list(envelope.rcpt_tos))
        return "250 OK"


@dataclass
class SmtpServer:
    port: int
    box: Mailbox
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def gateway() -> Iterator[FakeSmsGateway]:
    gw = FakeSmsGateway(token=TOKEN).start()
    yield gw
    gw.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), Mailbox())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    engine = open_engine(f"sqlite:///{tmp_path}/d.db")
    migrate(engine)
    return session_factory(engine)


@pytest.fixture
def config(gateway: FakeSmsGateway, smtp: SmtpServer) -> NotifyConfig:
    return NotifyConfig(
        sms_url=gateway.url,
        sms_token=TOKEN,
        sms_sender="Etapiste",
        sms_timeout=2,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        smtp_timeout=5,
        message_id_domain="test.etapiste.invalid",
        lease_seconds=30,
        retry_base_seconds=30,
        retry_cap_seconds=900,
        poll_seconds=0.1,
    )


def notice(kind: NoticeKind = NoticeKind.CONFIRMATION, **changes: object) -> BookingNotice:
    """The outbox tests' notice, SMS only."""
    return outbox_notice(kind, **{"phone": PHONE, "email": None, **changes})


def store(sessions: sessionmaker[Session], n: BookingNotice, now: datetime = NOW) -> list[str]:
    with sessions() as s:
        return outbox.apply_plan(s, plan(n, now), now.timestamp())


def row(sessions: sessionmaker[Session], row_id: str) -> OutboxMessage:
    with sessions() as s:
        found = s.get(OutboxMessage, row_id)
        assert found is not None
        return found


def test_confirmation_reaches_phone_and_mailbox_exactly_once(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway, smtp: SmtpServer
):
    sms_id, mail_id = store(sessions, notice(email=MAIL))[:2]
    worker = DeliveryWorker(sessions, config)
    assert worker.run_once(T0).sent == 2
    assert worker.run_once(T0 + 10).sent == 0  # nothing twice

    (sms,) = gateway.snapshot()
    assert (sms["to"], sms["from"], sms["idempotency_key"]) == (PHONE_E164, "Etapiste", sms_id)
    assert "Verokortin muutos to 26.11.2026 klo 10.00" in sms["text"] and "K7M2QX" in sms["text"]
    assert row(sessions, sms_id).external_id == sms["id"]

    (mail,) = smtp.box.received
    assert smtp.box.rcpt == [[MAIL]]
    assert mail["Message-ID"] == f"<outbox-{mail_id}@test.etapiste.invalid>"
    assert mail["Subject"] == "Ajanvaraus vahvistettu: Verokortin muutos to 26.11.2026 klo 10.00"
    assert "anna varauskoodi K7M2QX" in mail.get_content()
    assert row(sessions, mail_id).state == "sent"


def test_gateway_answering_503_delays_the_sms_then_delivers_it_once(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway
):
    (sms_id,) = store(sessions, notice())[:1]
    worker = DeliveryWorker(sessions, config)
    gateway.set_mode("fail")
    assert worker.run_once(T0).retried == 1
    assert worker.run_once(T0 + 31).retried == 1  # second failure: next try 60 s later
    pending = row(sessions, sms_id)
    assert (pending.state, pending.attempts) == ("pending", 2)
    assert "503" in (pending.last_error or "")
    gateway.set_mode("ok")
    assert worker.run_once(T0 + 31 + 59).sent == 0  # backoff respected
    assert worker.run_once(T0 + 31 + 60).sent == 1
    assert len(gateway.snapshot()) == 1
    assert row(sessions, sms_id).state == "sent"


def test_gateway_refusing_connections_delays_the_sms_then_delivers_it_once(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway
):
    store(sessions, notice())
    port = gateway.port
    gateway.stop()
    worker = DeliveryWorker(sessions, config)
    assert worker.run_once(T0).retried == 1
    back = FakeSmsGateway(port=port, token=TOKEN).start()
    try:
        assert worker.run_once(T0 + 30).sent == 1
        assert worker.run_once(T0 + 3600).sent == 0
        assert [m["to"] for m in back.snapshot()] == [PHONE_E164]
    finally:
        back.stop()


def test_hanging_gateway_times_out_and_the_sms_is_retried(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway
):
    (sms_id,) = store(sessions, notice())[:1]
    worker = DeliveryWorker(sessions, config.model_copy(update={"sms_timeout": 1}))
    gateway.set_mode("hang")
    assert worker.run_once(T0).retried == 1
    assert "did not answer within 1 s" in (row(sessions, sms_id).last_error or "")
    gateway.set_mode("ok")
    assert worker.run_once(T0 + 30).sent == 1
    assert len(gateway.snapshot()) == 1


def test_mail_server_down_delays_the_email_then_delivers_it_once(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway, smtp: SmtpServer
):
    _, mail_id = store(sessions, notice(email=MAIL))[:2]
    smtp.stop()
    worker = DeliveryWorker(sessions, config)
    report = worker.run_once(T0)
    assert (report.sent, report.retried) == (1, 1)  # the SMS does not wait for the mail server
    assert row(sessions, mail_id).state == "pending"
    smtp.start()
    assert worker.run_once(T0 + 30).sent == 1
    assert worker.run_once(T0 + 3600).sent == 0
    assert len(smtp.box.received) == 1
    assert len(gateway.snapshot()) == 1


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_two_workers_racing_send_every_message_once(
    engine_name: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    config: NotifyConfig,
    gateway: FakeSmsGateway,
    smtp: SmtpServer,
):
    url = f"sqlite:///{tmp_path}/r.db" if engine_name == "sqlite" else request.getfixturevalue("postgres_url")
    engine = open_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    for n in range(15):
        store(sessions, notice(booking_code=f"B{n:03d}", email=f"citizen{n}@example.fi"))
    workers = [DeliveryWorker(sessions, config, worker_id=f"w{i}") for i in range(2)]
    barrier = threading.Barrier(2)

    def drain(worker: DeliveryWorker) -> None:
        barrier.wait()
        while worker.run_once(T0, limit=3).sent:
            pass

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for w in workers:  # whatever a worker skipped while the other held it
        w.run_once(T0)
    sms = gateway.snapshot()
    assert len(sms) == 15
    assert all(m["duplicate_of"] is None for m in sms)
    assert len({m["idempotency_key"] for m in sms}) == 15
    assert len(smtp.box.received) == 15
    assert len({m["Message-ID"] for m in smtp.box.received}) == 15
    engine.dispose()


def test_gateway_refusing_the_message_marks_it_failed_with_the_reason(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway
):
    (sms_id,) = store(sessions, notice())[:1]
    gateway.set_mode("reject")
    worker = DeliveryWorker(sessions, config)
    assert worker.run_once(T0).failed == 1
    gateway.set_mode("ok")
    assert worker.run_once(T0 + 3600).sent == 0  # failed is final; the row is kept
    failed = row(sessions, sms_id)
    assert failed.state == "failed"
    assert failed.last_error == "SMS gateway answered 400: recipient not reachable by SMS"
    assert gateway.snapshot() == []


def test_wrong_gateway_credentials_keep_messages_waiting(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway
):
    (sms_id,) = store(sessions, notice())[:1]
    worker = DeliveryWorker(sessions, config.model_copy(update={"sms_token": "wrong"}))
    assert worker.run_once(T0).retried == 1
    assert row(sessions, sms_id).state == "pending"
    assert "401" in (row(sessions, sms_id).last_error or "")
    assert DeliveryWorker(sessions, config).run_once(T0 + 30).sent == 1


def test_unconfigured_email_keeps_the_email_pending(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway, smtp: SmtpServer
):
    _, mail_id = store(sessions, notice(email=MAIL))[:2]
    worker = DeliveryWorker(sessions, config.model_copy(update={"smtp_host": None}))
    assert worker.run_once(T0).sent == 1
    assert row(sessions, mail_id).state == "pending"
    assert DeliveryWorker(sessions, config).run_once(T0 + 30).sent == 1
    assert len(smtp.box.received) == 1


def test_reschedule_sends_new_reminders_and_never_the_old_ones(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway
):
    old = datetime(2026, 11, 25, 13, 30, tzinfo=HELSINKI)
    new = datetime(2026, 11, 26, 10, 0, tzinfo=HELSINKI)
    store(sessions, notice(starts_at=old))
    worker = DeliveryWorker(sessions, config)
    worker.run_once(T0)
    store(sessions, notice(NoticeKind.RESCHEDULE, starts_at=new, old_starts_at=old), NOW)
    # Step through every moment a reminder of either time was due.
    for at in sorted(
        datetime(2026, 11, d, h, m, tzinfo=HELSINKI).timestamp()
        for d, h, m in [(24, 13, 30), (25, 7, 30), (25, 10, 0), (26, 7, 30)]
    ):
        worker.run_once(at)
    texts = [m["text"] for m in gateway.snapshot()]
    assert len(texts) == 4, texts
    assert texts[0].startswith("Etäpiste: Verokortin muutos ke 25.11.2026 klo 13.30")
    assert texts[1].startswith("Etäpiste: aikasi siirtyi. Uusi aika to 26.11.2026 klo 10.00")
    assert texts[2].startswith("Muistutus: huomenna Verokortin muutos to 26.11.2026 klo 10.00")
    assert texts[3].startswith("Muistutus: tänään Verokortin muutos to 26.11.2026 klo 10.00")


def test_reminder_not_sent_after_the_appointment_began(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway
):
    ids = store(sessions, notice())
    worker = DeliveryWorker(sessions, config)
    worker.run_once(T0)
    gateway.stop()  # the gateway was down until after the appointment
    start = datetime(2026, 11, 26, 10, 0, tzinfo=HELSINKI).timestamp()
    worker.run_once(start - 2 * 3600)
    worker.run_once(start + 60)
    reminders = [row(sessions, i) for i in ids[1:]]
    assert [r.state for r in reminders] == ["failed", "failed"]
    assert all(r.last_error == "expired: the appointment had already begun" for r in reminders)


def test_logs_name_rows_and_kinds_but_no_personal_data(
    sessions: sessionmaker[Session],
    config: NotifyConfig,
    gateway: FakeSmsGateway,
    smtp: SmtpServer,
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.DEBUG)
    ids = store(sessions, notice(email=MAIL))
    worker = DeliveryWorker(sessions, config)
    gateway.set_mode("fail")
    worker.run_once(T0)  # a retry
    gateway.set_mode("reject")
    smtp.stop()
    worker.run_once(T0 + 30)  # a permanent failure and an SMTP retry
    smtp.start()
    worker.run_once(T0 + 120)  # a delivery
    # Everything logged in the process except by the test's own stand-in mail server (aiosmtpd's "mail.log").
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    assert ids[0] in text and "confirmation/sms" in text and "delivered" in text
    for secret in (PHONE, PHONE_E164, "401234567", MAIL, "Verokortin", "K7M2QX", "Virastokatu"):
        assert secret not in text, f"{secret!r} leaked into the logs"


async def test_run_forever_delivers_as_messages_come_and_stops_when_told(
    sessions: sessionmaker[Session], config: NotifyConfig, gateway: FakeSmsGateway
):
    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryWorker(sessions, config).run_forever(stop))
    now = datetime.now(HELSINKI)
    await asyncio.to_thread(store, sessions, notice(starts_at=now.replace(year=now.year + 1)), now)
    await asyncio.to_thread(wait_for, "the confirmation at the gateway", lambda: len(gateway.snapshot()) == 1)
    stop.set()
    await asyncio.wait_for(task, timeout=30)
    assert len(gateway.snapshot()) == 1


def test_fake_gateway_shows_messages_as_json_and_html_and_can_be_switched(gateway: FakeSmsGateway):
    def post(path: str, payload: dict[str, Any], token: str | None = TOKEN) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
        req = urllib.request.Request(gateway.base_url + path, json.dumps(payload).encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    assert post("/sms", {"to": "+358401111111", "from": "X", "text": "hi"}, token=None)[0] == 401
    assert post("/sms", {"to": "+358401111111", "from": "X", "text": "<b>Hei</b>"})[0] == 200
    assert post("/sms", {"to": "+358401111111", "from": "X"})[0] == 422
    assert post("/control", {"mode": "fail"}) == (200, {"mode": "fail"})
    assert post("/sms", {"to": "+358401111111", "from": "X", "text": "again"})[0] == 503
    assert post("/control", {"mode": "nonsense"})[0] == 400
    with urllib.request.urlopen(gateway.base_url + "/messages", timeout=5) as r:
        assert [m["text"] for m in json.load(r)] == ["<b>Hei</b>"]
    with urllib.request.urlopen(gateway.base_url + "/", timeout=5) as r:
        page = r.read().decode()
    assert "&lt;b&gt;Hei&lt;/b&gt;" in page and "<b>Hei</b>" not in page


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, so STARTTLS is tested for real, trusted via its own file."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def test_email_over_starttls_with_login(sessions: sessionmaker[Session], config: NotifyConfig, tmp_path: Path):
    import ssl

    from aiosmtpd.smtp import AuthResult, LoginPassword

    from backend.notify.email import EmailSender

    cert_file, key_file = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"etapiste", b"mail-secret")
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    box, port = Mailbox(), free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    controller.start()
    try:
        (mail_id,) = store(sessions, notice(phone=None, email=MAIL))[:1]
        client_tls = ssl.create_default_context(cafile=str(cert_file))
        tls_config = config.model_copy(update={"smtp_port": port, "smtp_starttls": True})

        def sender(password: str) -> EmailSender:
            cfg = tls_config.model_copy(update={"smtp_username": "etapiste", "smtp_password": password})
            made = EmailSender.from_config(cfg)
            assert made is not None
            return replace(made, ssl_context=client_tls)

        wrong = DeliveryWorker(sessions, tls_config, email=sender("wrong"))
        assert wrong.run_once(T0).retried == 1  # a bad password is the operator's to fix: the e-mail waits
        assert "SMTP login refused (535)" in (row(sessions, mail_id).last_error or "")
        right = DeliveryWorker(sessions, tls_config, email=sender("mail-secret"))
        assert right.run_once(T0 + 30).sent == 1
        assert [m["Message-ID"] for m in box.received] == [f"<outbox-{mail_id}@test.etapiste.invalid>"]
    finally:
        controller.stop()


def test_mail_server_refusing_the_recipient_marks_the_email_failed(
    sessions: sessionmaker[Session], config: NotifyConfig
):
    class NoSuchUser(Mailbox):
        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
            return "550 5.1.1 mailbox unavailable"

    box, port = NoSuchUser(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        (mail_id,) = store(sessions, notice(phone=None, email=MAIL))[:1]
        assert DeliveryWorker(sessions, config.model_copy(update={"smtp_port": port})).run_once(T0).failed == 1
        failed = row(sessions, mail_id)
        assert failed.state == "failed"
        assert failed.last_error == "SMTP server refused the recipient: 550 5.1.1 mailbox unavailable"
    finally:
        controller.stop()
