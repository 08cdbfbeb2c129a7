"""Fixtures: an ESC/POS network printer stand-in on a free 127.0.0.1 port (instead of 9100).

Import into a test module by name: ``from tests.hil.escpos_sink import escpos_sink``.
The sink decodes what it receives (``sink.printer.doc``) and answers status
queries from ``sink.printer.state``; ``sink.stop()``/``sink.start()`` take the
printer off the network and back on the same port.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drivers.sim.printer import TcpPrinter


@pytest.fixture
def escpos_sink() -> Iterator[TcpPrinter]:
    sink = TcpPrinter()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
