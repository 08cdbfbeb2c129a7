"""Fixtures of the e2e tier: real backend, real kiosk, real Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.sim.printer import TcpPrinter
from tests.e2e.browser import chromium_args, chromium_path, trusting_home
from tests.e2e.media_files import write_tone_wav, write_y4m
from tests.e2e.official_tools import backend_trusting_the_cards
from tests.e2e.processes import Backend, Kiosk, local_tls
from tests.hil.pcsc_fixtures import pcsc  # noqa: F401 - the ID card reader: pcscd + vsmartcard
from tests.hil.serial_fixtures import serial_pair  # noqa: F401 - the call button's serial line
from tests.hil.softhsm_fixtures import SoftHsm, softhsm  # noqa: F401 - the ID card's token
from tests.support.cups_printer import cups_printer  # noqa: F401 - the booth's A4 queue (a real cupsd)
from tests.support.sms_gateway import gateway  # noqa: F401 - the SMS operator's stand-in
from tests.support.sound_server import MIC, SPEAKER, SoundServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots and logs a person can look at after the run."""
    path = Path(os.environ.get("ETAPISTE_ARTIFACTS", REPO / "artifacts"))
    (path / "screenshots").mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    proc = Backend(tmp_path)
    yield proc
    proc.stop()


@pytest.fixture
def id_backend(tmp_path: Path, softhsm: SoftHsm) -> Iterator[Backend]:  # noqa: F811
    """A backend that trusts the test CA of the SoftHSM2 "ID cards" (as it would the DVV's)."""
    proc = backend_trusting_the_cards(tmp_path, softhsm)
    yield proc
    proc.stop()


@pytest.fixture
def slip_printer() -> Iterator[TcpPrinter]:
    """The booth's slip printer: an ESC/POS network printer stand-in that decodes what it is sent."""
    sink = TcpPrinter()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def kiosk(tmp_path: Path, backend: Backend, artifacts: Path) -> Iterator[Kiosk]:
    shots = artifacts / "screenshots" / "kiosk"
    shutil.rmtree(shots, ignore_errors=True)  # never judge this run by an older run's pictures
    proc = Kiosk(tmp_path, backend.port, shots)
    yield proc
    code = proc.stop()
    (artifacts / "kiosk.log").write_text(proc.log())
    assert code == 0, f"the kiosk did not stop cleanly (exit {code}):\n{proc.log()[-3000:]}"


@pytest.fixture
def sound(tmp_path: Path) -> Iterator[SoundServer]:
    """The booth's own sound server (PulseAudio in user mode): a virtual microphone and a null-sink speaker."""
    server = SoundServer(tmp_path / "pulse")
    yield server
    server.close()


@pytest.fixture
def sound_kiosk(tmp_path: Path, backend: Backend, artifacts: Path, sound: SoundServer) -> Iterator[Kiosk]:
    """A kiosk whose microphone and speaker are devices on ``sound``, named as a booth's would be."""
    shots = artifacts / "screenshots" / "kiosk-audio"
    shutil.rmtree(shots, ignore_errors=True)
    extra = (
        f'[microphone]\nkind = "pulse"\ndevice = "{MIC}"\n'
        f'[speaker]\nkind = "pulse"\ndevice = "{SPEAKER}"\n'
        f'[audio]\nserver = "{sound.server}"\nvolume = 100\n'
    )
    proc = Kiosk(tmp_path, backend.port, shots, extra_config=extra)
    yield proc
    code = proc.stop()
    (artifacts / "kiosk-audio.log").write_text(proc.log())
    assert code == 0, f"the kiosk did not stop cleanly (exit {code}):\n{proc.log()[-3000:]}"


@pytest.fixture(scope="session")
def playwright_driver():
    """The one Playwright (sync) of the test session: a second ``sync_playwright()`` while one runs
    is refused ("Sync API inside the asyncio loop"), so every browser is launched from this one."""
    from playwright.sync_api import sync_playwright

    # Playwright's own HTTP client (page.request) runs in its Node driver, started here: it trusts
    # the tier's CA (the backend serves HTTPS/WSS) only if told before it starts.
    os.environ["NODE_EXTRA_CA_CERTS"] = str(local_tls()[0].cert)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory, playwright_driver):
    exe = chromium_path()  # Debian's chromium; None means Playwright's own build (Ubuntu)
    media = tmp_path_factory.mktemp("fake-media")
    video = write_y4m(media / "official.y4m")
    audio = write_tone_wav(media / "official.wav")
    # Chromium trusts the tier's CA (the backend serves HTTPS/WSS) through an NSS db in its HOME.
    env = trusting_home(tmp_path_factory.mktemp("chromium-home"), local_tls()[0].cert)
    browser = playwright_driver.chromium.launch(
        executable_path=exe, headless=True, args=chromium_args(video, audio), env=env
    )
    yield browser
    browser.close()


@pytest.fixture
def new_page(chromium) -> Iterator[Callable[..., Any]]:
    """Open pages, each in a browser context of its own (its own sign-in).

    Every context is closed after the test, passed or failed, and before the
    next test's: a context left open keeps its peer connection and page timers
    running in the shared browser, load the next test did not ask for.
    """
    contexts = []

    def open_page(**options: Any) -> Any:
        context = chromium.new_context(viewport={"width": 1280, "height": 800}, **options)
        contexts.append(context)
        page = context.new_page()
        page.console_messages = []
        page.on("console", lambda m: page.console_messages.append(f"{m.type}: {m.text}"))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """The official's page, with camera and microphone."""
    return new_page(permissions=["camera", "microphone"])
