"""The booth's enrollment loop against a real backend app: a refused token is shown with the reason and the
booth keeps waiting; a token on the USB stick enrolls it without typing; renewal comes when it is due."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from backend.config import BackendSettings, EnrollSettings
from etapiste.local_ca import create_ca
from kiosk import enrollment_run
from kiosk.config import KioskConfig
from kiosk.enrollment import EnrollStatus, EnrollView
from kiosk.enrollment_run import EnrollmentRun
from kiosk.identity import Identity
from tests.support.bookings import bearer
from tests.support.uvicorn_thread import serving


@pytest.fixture
def backend(tmp_path: Path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ca = create_ca(tmp_path / "booth-ca")
    settings = BackendSettings(
        database_url=f"sqlite:///{tmp_path}/r.db",
        seed_demo=True,
        port=port,
        enroll=EnrollSettings(ca_cert_file=str(ca.cert), ca_key_file=str(ca.key)),
    )
    with serving(settings):
        yield f"http://127.0.0.1:{port}"


def _token(base: str) -> str:
    import httpx

    with httpx.Client(base_url=base) as c:
        return c.post("/api/admin/booths/imatra-1/enrollment", headers=bearer(c, "paakayttaja", "demo-master")).json()[
            "token"
        ]


def test_a_refused_token_is_shown_and_a_token_on_the_stick_enrolls(backend, tmp_path, monkeypatch):
    monkeypatch.setattr(enrollment_run, "STICK_POLL_S", 0.05)
    stick = tmp_path / "stick" / "etapiste-token.txt"
    config = KioskConfig(backend_url=backend.replace("http", "ws") + "/ws", booth_id="", secret="",
                         identity_dir=str(tmp_path / "identity"), token_file=str(stick))  # fmt: skip
    shown: list[EnrollView] = []
    run = EnrollmentRun(Identity(tmp_path / "identity"), config, shown.append, clock=lambda: 0.0)

    async def scenario() -> None:
        task = asyncio.create_task(run.until_enrolled())
        while not shown:
            await asyncio.sleep(0.01)
        run.submit("AAAA-BBBB-CCCC-DDDD")
        while not any(v.status is EnrollStatus.REFUSED for v in shown):
            await asyncio.sleep(0.01)
        stick.parent.mkdir()
        stick.write_text(await asyncio.to_thread(_token, backend) + "\n")
        await asyncio.wait_for(task, 30)

    asyncio.run(scenario())
    assert shown[0].status is EnrollStatus.WAITING and len(shown[0].code) == 9
    refused = next(v for v in shown if v.status is EnrollStatus.REFUSED)
    assert refused.reason.startswith("token:")
    assert Identity(tmp_path / "identity").booth_id() == "imatra-1"


def test_a_tpm_that_fails_is_shown_to_the_technician_and_tried_again_until_it_works(backend, tmp_path, monkeypatch):
    from tests.support.swtpm import free_ports, software_tpm

    monkeypatch.setattr(enrollment_run, "STICK_POLL_S", 0.05)
    monkeypatch.setattr(enrollment_run, "TPM_RETRY_S", 0.05)
    ports = free_ports()
    tcti = f"swtpm:host=127.0.0.1,port={ports[0]}"
    stick = tmp_path / "stick" / "etapiste-token.txt"
    config = KioskConfig(backend_url=backend.replace("http", "ws") + "/ws", booth_id="", secret="",
                         identity_dir=str(tmp_path / "identity"), token_file=str(stick), tpm=tcti)  # fmt: skip
    shown: list[EnrollView] = []
    run = EnrollmentRun(Identity(tmp_path / "identity", tcti), config, shown.append, clock=lambda: 0.0)

    async def scenario() -> None:
        task = asyncio.create_task(run.until_enrolled())
        while not shown:  # no TPM answers yet: the error, not a file key
            await asyncio.sleep(0.01)
        assert not (tmp_path / "identity" / "key.pem").exists()
        with software_tpm(tmp_path / "tpm", ports):
            while not any(v.status is EnrollStatus.WAITING for v in shown):
                await asyncio.sleep(0.01)
            stick.parent.mkdir()
            stick.write_text(await asyncio.to_thread(_token, backend) + "\n")
            await asyncio.wait_for(task, 30)

    asyncio.run(scenario())
    assert shown[0].status is EnrollStatus.REFUSED and shown[0].reason.startswith("TPM: ")
    assert Identity(tmp_path / "identity", tcti).in_tpm()
    assert Identity(tmp_path / "identity").booth_id() == "imatra-1"
