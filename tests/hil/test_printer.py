"""The receipt printer driver against ESC/POS stand-ins: a TCP 9100-style sink and a serial pty pair.

The stand-ins decode the bytes the real python-escpos transports send, so these
tests read back what would be on the paper.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

import pytest

from drivers.escpos_status import Paper
from drivers.printer import EscposReceiptPrinter, PrinterConfig, PrintError
from drivers.sim.printer import SerialPrinter, SimPrinter, TcpPrinter
from drivers.slip import Language, booking_confirmation, visit_summary
from protocol.messages import DeviceState
from tests.hil.escpos_sink import escpos_sink  # noqa: F401  (fixture)
from tests.hil.serial_fixtures import SerialPair, serial_pair  # noqa: F401  (fixture)
from tests.support.waiting import wait_for

pytestmark = pytest.mark.timeout(60)

WHEN = datetime(2026, 11, 23, 14, 30)
QR = "https://etapiste.example/b/K7Q-42X?lang=fi"


def network_printer(sink: TcpPrinter) -> EscposReceiptPrinter:
    return EscposReceiptPrinter(PrinterConfig(kind="network", host=sink.host, port=sink.port))


def slip_for(language: Language):
    return booking_confirmation(language, "Äänekosken palvelupiste", "Kela – Asumistuki", WHEN, "K7Q-42X", QR)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (Language.FI, ["Ajanvarausvahvistus", "Äänekosken palvelupiste", "ma 23.11.2026 klo 14.30", "Näytä QR-koodi"]),
        (Language.SV, ["Bokningsbekräftelse", "Servicepunkt", "mån 23.11.2026 kl. 14.30", "Visa QR-koden"]),
        (Language.EN, ["Booking confirmation", "Service point", "Mon 23 Nov 2026 at 14:30", "Arrive 10 minutes"]),
    ],
)
def test_booking_slip_prints_in_each_language_with_nordic_letters_and_qr(
    escpos_sink: TcpPrinter,  # noqa: F811
    language: Language,
    expected: list[str],
) -> None:
    printer = network_printer(escpos_sink)
    result = printer.print_slip(slip_for(language))
    doc = escpos_sink.printer.doc
    wait_for("the cut that ends the job", lambda: doc.cuts == 1)
    text = doc.text
    for fragment in expected:
        assert fragment.lower() in text.lower(), f"{fragment!r} missing from:\n{text}"
    assert "K7Q-42X" in doc.lines
    assert "Kela – Asumistuki" not in text  # en dash is not in CP858 ...
    assert "Kela - Asumistuki" in text  # ... so it prints as a plain hyphen, not as garbage
    assert doc.qr_codes == [QR]
    assert doc.codepages == ["cp858"]
    assert result.before.paper is Paper.OK and result.after.paper is Paper.OK
    assert result.warning == ""


def test_visit_summary_in_swedish_with_official_notes(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    slip = visit_summary(
        "sv",
        "Närpes servicepunkt",
        "Skatteförvaltningen",
        WHEN,
        "https://e.example/v/9",
        notes=["Skicka lönespecifikationen."],
    )
    network_printer(escpos_sink).print_slip(slip)
    doc = escpos_sink.printer.doc
    assert doc.lines[:2] == ["Sammanfattning av", "besöket"]  # the double-width title, wrapped
    assert "Närpes servicepunkt" in doc.lines
    assert "Skicka lönespecifikationen." in doc.lines
    assert doc.qr_codes == ["https://e.example/v/9"]
    assert doc.cuts == 1


def test_healthy_printer_is_ok(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    health = network_printer(escpos_sink).probe()
    assert health.state is DeviceState.OK, health.reason


def test_paper_out_refuses_the_job_and_health_says_paper_out(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    escpos_sink.printer.state.paper = "out"
    printer = network_printer(escpos_sink)
    with pytest.raises(PrintError, match="out of paper") as refused:
        printer.print_slip(slip_for(Language.FI))
    assert refused.value.status is not None and refused.value.status.paper is Paper.OUT
    assert escpos_sink.printer.doc.lines == [] and escpos_sink.printer.doc.cuts == 0  # nothing was sent
    health = printer.probe()
    assert (health.state, health.reason) == (DeviceState.DEGRADED, "paper out")


def test_cover_open_refuses_the_job(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    escpos_sink.printer.state.cover_open = True
    printer = network_printer(escpos_sink)
    with pytest.raises(PrintError, match="cover is open"):
        printer.print_slip(slip_for(Language.EN))
    assert escpos_sink.printer.doc.cuts == 0
    assert printer.probe().reason == "cover open"


def test_paper_near_end_prints_but_warns(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    escpos_sink.printer.state.paper = "near_end"
    printer = network_printer(escpos_sink)
    result = printer.print_slip(slip_for(Language.SV))
    assert escpos_sink.printer.doc.cuts == 1
    assert result.warning == "paper near end"
    health = printer.probe()
    assert (health.state, health.reason) == (DeviceState.DEGRADED, "paper near end")


def test_paper_running_out_during_the_job_is_reported(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    sim = escpos_sink.printer
    original = sim.receive

    def run_out_after_the_cut(data: bytes) -> bytes:
        answer = original(data)
        if sim.doc.cuts:
            sim.state.paper = "out"
        return answer

    sim.receive = run_out_after_the_cut  # the simulated hardware changes state mid-job
    with pytest.raises(PrintError, match="may be incomplete: the printer is out of paper"):
        network_printer(escpos_sink).print_slip(slip_for(Language.FI))


def test_silent_printer_is_unknown_not_ok(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    escpos_sink.printer.state.silent = True
    printer = network_printer(escpos_sink)
    status = printer.status()
    assert not status.answered and status.paper is Paper.UNKNOWN
    health = printer.probe()
    assert (health.state, health.reason) == (DeviceState.DEGRADED, "printer does not answer status queries")


def test_printer_going_away_is_missing_within_2_s_and_back_ok(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    printer = network_printer(escpos_sink)
    assert printer.probe().state is DeviceState.OK
    escpos_sink.stop()
    gone_at = time.monotonic()
    health = wait_for("MISSING", lambda: (h := printer.probe()).state is DeviceState.MISSING and h, timeout=10)
    # Functional deadline (issue: a vanished device is reported within 2 s): the supervisor
    # probes every 0.5 s and one probe of an unreachable printer takes at most the 0.5 s
    # connect timeout, so 2 s leaves room for a loaded machine.
    assert time.monotonic() - gone_at < 2.0
    assert f"127.0.0.1:{escpos_sink.port}" in health.reason
    with pytest.raises(PrintError, match="not reachable"):
        printer.print_slip(slip_for(Language.EN))

    escpos_sink.start()  # back on the same port
    wait_for("OK again", lambda: printer.probe().state is DeviceState.OK, timeout=10)
    printer.print_slip(slip_for(Language.EN))
    assert escpos_sink.printer.doc.qr_codes == [QR]


def test_sink_dropping_the_connection_mid_job_is_a_print_error() -> None:
    """A printer that takes the job's first bytes and then vanishes: the failure is raised."""
    sink = TcpPrinter()
    sim = sink.printer
    original = sim.receive

    def vanish_once_text_arrives(data: bytes) -> bytes:
        answer = original(data)
        if sim.doc.lines:
            sink.stop()
        return answer

    sim.receive = vanish_once_text_arrives
    sink.start()
    try:
        with pytest.raises(PrintError, match=r"Printing (failed|may be incomplete)"):
            network_printer(sink).print_slip(slip_for(Language.FI))
    finally:
        sink.stop()


# --- serial printer over a socat pty pair --------------------------------------------------------


@pytest.fixture
def serial_printer(serial_pair: SerialPair):  # noqa: F811
    sim = SimPrinter()
    peer = {"peer": SerialPrinter(serial_pair.host_path, sim)}
    printer = EscposReceiptPrinter(PrinterConfig(kind="serial", path=serial_pair.device_path, baudrate=38400))
    yield serial_pair, sim, peer, printer
    printer.close()
    peer["peer"].close()


def test_serial_printer_prints_and_reports_status(serial_printer) -> None:
    _, sim, _, printer = serial_printer
    assert printer.probe().state is DeviceState.OK
    printer.print_slip(slip_for(Language.FI))
    wait_for("the cut", lambda: sim.doc.cuts == 1)
    assert "Äänekosken palvelupiste" in sim.doc.lines
    assert sim.doc.qr_codes == [QR]
    sim.state.paper = "out"
    with pytest.raises(PrintError, match="out of paper"):
        printer.print_slip(slip_for(Language.FI))
    assert sim.doc.cuts == 1


def test_serial_printer_unplug_and_replug(serial_printer) -> None:
    pair, sim, peer, printer = serial_printer
    assert printer.probe().state is DeviceState.OK
    peer["peer"].close()
    pair.unplug()
    assert not os.path.exists(pair.device_path)
    health = printer.probe()
    assert health.state is DeviceState.MISSING and pair.device_path in health.reason
    pair.replug()
    peer["peer"] = SerialPrinter(pair.host_path, sim)
    wait_for("OK after replug", lambda: printer.probe().state is DeviceState.OK, timeout=10)
    printer.print_slip(slip_for(Language.EN))
    wait_for("the slip after replug", lambda: sim.doc.cuts == 1)


# --- real hardware ------------------------------------------------------------------------------

USB_PRINTER_ENV = "ETAPISTE_HARDWARE_USB_PRINTER"


@pytest.mark.hardware
@pytest.mark.skipif(
    not os.environ.get(USB_PRINTER_ENV), reason=f"no real USB receipt printer: set {USB_PRINTER_ENV}=vid:pid[:serial]"
)
def test_real_usb_printer_reports_status_and_prints_a_slip() -> None:
    from kiosk.config import UsbPrinterSection

    section = UsbPrinterSection(kind="usb", device=os.environ[USB_PRINTER_ENV])
    printer = EscposReceiptPrinter(section.driver_config())
    try:
        status = printer.status()
        assert status.answered, "the printer did not answer DLE EOT status queries"
        result = printer.print_slip(slip_for(Language.FI))
        assert result.after.paper is not Paper.UNKNOWN
        print("\n>>> check the slip: 'Äänekosken palvelupiste' with Ä and ä, and a QR code that reads", QR)
    finally:
        printer.close()


async def test_supervisor_reports_printer_paper_out_and_sink_loss(escpos_sink: TcpPrinter) -> None:  # noqa: F811
    """The kiosk's Supervisor turns the printer's probe into health reports a technician can read."""
    import asyncio

    from drivers.health import Health
    from drivers.supervisor import Supervisor

    reports: list[Health] = []
    supervisor = Supervisor([network_printer(escpos_sink)], lambda health: reports.append(health[0]))
    task = asyncio.create_task(supervisor.run())

    async def until(state: DeviceState, timeout: float = 10) -> Health:
        start = time.monotonic()
        while not reports or reports[-1].state is not state:
            assert time.monotonic() - start < timeout, f"no {state.value} report within {timeout} s: {reports}"
            await asyncio.sleep(0.05)
        return reports[-1]

    try:
        await until(DeviceState.OK)
        escpos_sink.printer.state.paper = "out"
        assert (await until(DeviceState.DEGRADED)).reason == "paper out"
        escpos_sink.stop()
        assert "not reachable" in (await until(DeviceState.MISSING)).reason
        escpos_sink.start()
        escpos_sink.printer.state.paper = "ok"
        await until(DeviceState.OK)
    finally:
        task.cancel()
        supervisor.close()
