"""What the e2e tests of the official's tools share (docs/OFFICIAL_TOOLS.md): the booth's ID card
reader and printers as booth config, the PIN keypad, and a tax card to print.

The hardware stand-ins themselves are fixtures in tests/e2e/conftest.py
(``softhsm``, ``pcsc``, ``cups_printer``, ``slip_printer``, ``id_backend``);
this module holds the plain helpers, so the one-tool tests and the whole Tax
appointment drive the booth the same way.
"""

from __future__ import annotations

from pathlib import Path

from drivers.sim.printer import TcpPrinter
from tests.e2e.booth_ui import tap
from tests.e2e.processes import Backend, Kiosk
from tests.hil.pcsc_fixtures import READER
from tests.hil.softhsm_fixtures import SoftHsm
from tests.support.cups_printer import CupsPrinter

#: The official page's identification state, as its own state object says it.
IDENT_JS = "() => window.etapiste.state().ident"


def backend_trusting_the_cards(
    tmp_path: Path, softhsm: SoftHsm, extra_args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> Backend:
    """A backend that trusts the test CA of the SoftHSM2 "ID cards" (as it would the DVV's)."""
    cas = tmp_path / "trusted-cas.pem"
    cas.write_bytes(softhsm.ca.pem)
    return Backend(tmp_path, extra_args=extra_args, env={"ETAPISTE_IDENTITY_TRUSTED_CAS": str(cas), **(env or {})})


def card_config(softhsm: SoftHsm) -> str:
    """The booth's ``[card_reader]`` and ``[id_card]``: the virtual reader, SoftHSM2's EC token as the card."""
    return f'[card_reader]\nreader = "{READER}"\n[id_card]\npkcs11_module = "{softhsm.module}"\ntoken_label = "ec"\n'


def printers_config(slip: TcpPrinter, a4: CupsPrinter) -> str:
    """The booth's ``[printer]`` (ESC/POS slips, over the network) and ``[a4_printer]`` (its CUPS queue)."""
    return f'[printer]\nkind = "network"\nhost = "{slip.host}"\nport = {slip.port}\n[a4_printer]\nuri = "{a4.uri}"\n'


def type_pin(kiosk: Kiosk, pin: str) -> None:
    """The citizen types the PIN on the booth's own keypad and presses OK."""
    for digit in pin:
        tap(kiosk, f"key:{digit}")
    tap(kiosk, "key:ok")


def tax_card_pdf() -> bytes:
    """A one-page A4 PDF with a line of text, as a tax card would come from the Tax Administration's system."""
    text = b"BT /F1 18 Tf 72 770 Td (Verokortti 2027 - Testinen Teppo) Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(text) + text + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
