"""A simulated ESC/POS receipt printer: decodes what it is sent and answers status queries.

Stands in for the hardware only: a raw TCP "port 9100" printer (``TcpPrinter``)
or the printer end of a serial line (``SerialPrinter``). Both feed the same
``EscposDecoder``, which turns the byte stream back into what would be on the
paper — text lines decoded with the code page the job selected, QR payloads,
cuts — and answer ``DLE EOT n`` according to a settable ``PrinterState``
(paper ok / near end / out, cover open, or *silent*: never answers, like a
printer whose status replies are switched off or lost).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field

import serial

#: ``ESC t n`` code pages of Epson-compatible printers that matter for Nordic text.
CODEPAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252", 17: "cp866", 19: "cp858"}


@dataclass
class PrinterState:
    paper: str = "ok"  # ok | near_end | out
    cover_open: bool = False
    silent: bool = False  # answers no status query at all

    def answer(self, n: int) -> bytes:
        """The status byte for ``DLE EOT n`` (fixed bits 1 and 4 set), or nothing when silent."""
        if self.silent:
            return b""
        value = 0x12
        if n == 1 and (self.cover_open or self.paper == "out"):
            value |= 0x08  # offline
        elif n == 2:
            value |= (0x04 if self.cover_open else 0) | (0x20 if self.paper == "out" else 0)
        elif n == 4:
            value |= {"ok": 0x00, "near_end": 0x0C, "out": 0x6C}[self.paper]
        return bytes([value])


@dataclass
class Document:
    """What came out of the printer."""

    lines: list[str] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    cuts: int = 0
    codepages: list[str] = field(default_factory=list)
    images: int = 0
    status_queries: list[int] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # commands the decoder skipped, for debugging

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class EscposDecoder:
    """Incremental ESC/POS parser for the commands python-escpos emits for text, QR codes and cuts."""

    def __init__(self) -> None:
        self.doc = Document()
        self._buf = b""
        self._line: list[str] = []
        self._codepage = "cp437"
        self._qr_store = ""

    def feed(self, data: bytes) -> list[int]:
        """Parse what arrived; returns the ``DLE EOT n`` queries in it, in order, to be answered."""
        self._buf += data
        queries: list[int] = []
        while self._buf:
            used = self._one(self._buf, queries)
            if used == 0:
                break  # incomplete command: wait for more bytes
            self._buf = self._buf[used:]
        return queries

    def _one(self, b: bytes, queries: list[int]) -> int:
        c = b[0]
        if c == 0x0A:
            self.doc.lines.append("".join(self._line))
            self._line = []
            return 1
        if c == 0x10:  # DLE
            if len(b) < 3:
                return 0
            if b[1] == 0x04:
                self.doc.status_queries.append(b[2])
                queries.append(b[2])
                return 3
            if b[1] == 0x14:
                return 5 if len(b) >= 5 else 0
            return 3
        if c == 0x1B:  # ESC
            if len(b) < 2:
                return 0
            return self._esc(b)
        if c == 0x1D:  # GS
            if len(b) < 2:
                return 0
            return self._gs(b)
        if c >= 0x20:
            self._line.append(bytes([c]).decode(self._codepage, "replace"))
        return 1

    def _esc(self, b: bytes) -> int:
        cmd = chr(b[1])
        if cmd == "@":
            self._codepage = "cp437"
            return 2
        if cmd in "im":
            self._cut()
            return 2
        if cmd == "p":
            return 5 if len(b) >= 5 else 0
        if len(b) < 3:
            return 0
        if cmd == "t":
            self._codepage = CODEPAGES.get(b[2], "cp437")
            self.doc.codepages.append(self._codepage)
            if b[2] not in CODEPAGES:
                self.doc.unknown.append(f"ESC t {b[2]}")
        elif cmd == "d":
            if self._line:
                self.doc.lines.append("".join(self._line))
                self._line = []
        elif cmd not in "!EaM{-GJR3":
            self.doc.unknown.append(f"ESC {cmd!r}")
        return 3

    def _gs(self, b: bytes) -> int:
        cmd = chr(b[1])
        if cmd == "V":
            if len(b) < 3:
                return 0
            if b[2] in (0, 1, 48, 49):
                self._cut()
                return 3
            if len(b) < 4:
                return 0
            self._cut()
            return 4
        if cmd == "(":
            if len(b) < 5:
                return 0
            size = b[3] + 256 * b[4]
            if len(b) < 5 + size:
                return 0
            if b[2] == ord("k"):
                self._qr(b[5 : 5 + size])
            return 5 + size
        if cmd == "v":  # GS v 0 m xL xH yL yH: raster image
            if len(b) < 8:
                return 0
            size = (b[4] + 256 * b[5]) * (b[6] + 256 * b[7])
            if len(b) < 8 + size:
                return 0
            self.doc.images += 1
            return 8 + size
        if len(b) < 3:
            return 0
        if cmd not in "!bBHhwfaL":
            self.doc.unknown.append(f"GS {cmd!r}")
        return 3

    def _qr(self, body: bytes) -> None:
        # cn=49 ('1') is QR; fn=80 stores ``m`` + data, fn=81 prints what is stored.
        if len(body) < 2 or body[0] != 49:
            return
        if body[1] == 80 and len(body) >= 3:
            self._qr_store = body[3:].decode("utf-8", "replace")
        elif body[1] == 81:
            self.doc.qr_codes.append(self._qr_store)

    def _cut(self) -> None:
        if self._line:
            self.doc.lines.append("".join(self._line))
            self._line = []
        self.doc.cuts += 1


class SimPrinter:
    """One printer: state, decoded document, lock. Transports below feed it."""

    def __init__(self, state: PrinterState | None = None) -> None:
        self.state = state or PrinterState()
        self.decoder = EscposDecoder()
        self.lock = threading.Lock()

    @property
    def doc(self) -> Document:
        return self.decoder.doc

    def receive(self, data: bytes) -> bytes:
        """Bytes from the host → the bytes the printer answers."""
        with self.lock:
            return b"".join(self.state.answer(n) for n in self.decoder.feed(data))


class TcpPrinter:
    """A raw-TCP network printer (like port 9100) on 127.0.0.1; ``stop()``/``start()`` unplug and replug it."""

    def __init__(self, printer: SimPrinter | None = None, port: int = 0) -> None:
        self.printer = printer or SimPrinter()
        self.host = "127.0.0.1"
        self.port = port
        self._server: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.connections = 0

    def start(self) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.host, self.port))
        server.listen(8)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), name="sim-printer-accept", daemon=True).start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            conns, self._conns = self._conns, set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return  # stopped
            with self._lock:
                self._conns.add(conn)
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), name="sim-printer-conn", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            while data := conn.recv(4096):
                answer = self.printer.receive(data)
                if answer:
                    conn.sendall(answer)
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            conn.close()


class SerialPrinter:
    """The printer end of a serial line (e.g. one end of a socat pty pair)."""

    def __init__(self, device_path: str, printer: SimPrinter | None = None) -> None:
        self.printer = printer or SimPrinter()
        self.port = serial.Serial(device_path, 38400, timeout=0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sim-serial-printer", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        with contextlib.suppress(Exception):
            self.port.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.port.read(4096)
                if data and (answer := self.printer.receive(data)):
                    self.port.write(answer)
            except (serial.SerialException, OSError):
                return
