"""The ID-card reader over PC/SC (pcscd, through pyscard): which reader, is a card in it.

The reader is bound by a name pattern from the booth config (``fnmatch``
style, e.g. ``"Alcor Micro AU9540 *"`` or ``"Virtual PCD 00 00"``), never by
its position in the reader list.

Why not pyscard's ``CardMonitor``: its thread dies silently when pcscd
restarts (measured on these machines), and a booth whose card reader
silently stops reporting cards looks exactly like the pilot's "needs a daily
reboot". So this driver runs its own polling loop in one thread:
establish a PC/SC context, list readers, wait on ``SCardGetStatusChange``
with a short timeout; on *any* PC/SC error it drops the context and starts
over, so a restarted pcscd is picked up by itself. ``probe()`` (called by the
``Supervisor``) reports the loop's latest view and restarts the thread if it
ever died.

What "changed" means is decided by the pure ``CardTracker``; the thread only
gathers observations. Events (``CardInserted``, ``CardRemoved``) go to the
``on_event`` callback from the driver's thread.
"""

from __future__ import annotations

import fnmatch
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from drivers.health import Health

log = logging.getLogger("etapiste.drivers.cardreader")

#: How long one ``SCardGetStatusChange`` waits. Bounds how late a vanished
#: reader or stopped pcscd is noticed (well inside the booth's 2 s promise).
WAIT_MS = 250
#: Pause before retrying after the PC/SC service was unreachable.
RETRY_S = 0.3


@dataclass(frozen=True)
class CardInserted:
    reader: str
    atr: bytes


@dataclass(frozen=True)
class CardRemoved:
    reader: str


CardEvent = CardInserted | CardRemoved


@dataclass(frozen=True)
class Observation:
    """What one round of polling saw. ``service_up`` False means pcscd could not be reached."""

    service_up: bool
    readers: tuple[str, ...] = ()
    reader: str | None = None  # the reader that matched the pattern
    atr: bytes | None = None  # the card in that reader, None if empty


def match_reader(pattern: str, readers: Sequence[str]) -> str | None:
    """The first reader whose name matches ``pattern`` (fnmatch, case-sensitive), or None."""
    for name in readers:
        if fnmatch.fnmatchcase(name, pattern):
            return name
    return None


class CardTracker:
    """Pure: turns successive observations into card events and a health verdict."""

    def __init__(self, role: str, pattern: str) -> None:
        self.role, self.pattern = role, pattern
        self.card: tuple[str, bytes] | None = None  # (reader, atr) of the card we last reported inserted
        self.health = Health.degraded(role, "card reader not checked yet")

    def observe(self, obs: Observation) -> list[CardEvent]:
        events: list[CardEvent] = []
        current = (obs.reader, obs.atr) if obs.reader is not None and obs.atr is not None else None
        if self.card is not None and current != self.card:
            # Also when pcscd went away or the reader vanished: any open card session is gone with it.
            events.append(CardRemoved(self.card[0]))
            self.card = None
        if current is not None and self.card is None:
            events.append(CardInserted(current[0], current[1]))
            self.card = current  # type: ignore[assignment]
        self.health = self._health(obs)
        return events

    def _health(self, obs: Observation) -> Health:
        if not obs.service_up:
            return Health.missing(self.role, "PC/SC service not running (pcscd): start or restart pcscd")
        if obs.reader is None:
            if not obs.readers:
                return Health.missing(self.role, "no card reader: is the reader plugged in?")
            found = ", ".join(obs.readers)
            return Health.missing(self.role, f"no card reader matching '{self.pattern}' (found: {found})")
        return Health.ok(self.role, f"reader {obs.reader}, card {'present' if obs.atr is not None else 'absent'}")


class PcscCardReader:
    """A supervised PC/SC card reader. Call ``probe()`` (the Supervisor does) to start and watch it."""

    def __init__(
        self,
        reader_pattern: str,
        on_event: Callable[[CardEvent], None],
        role: str = "card_reader",
    ) -> None:
        if not reader_pattern:
            raise ValueError("reader_pattern must name the card reader (booth config)")
        self.role = role
        self.on_event = on_event
        self._tracker = CardTracker(role, reader_pattern)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._restarts = 0

    # --- what the rest of the booth calls ---------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=f"pcsc-{self.role}", daemon=True)
            self._thread.start()

    def probe(self) -> Health:
        """The reader's health; (re)starts the watcher thread if it is not running. Never raises."""
        thread = self._thread
        if thread is None:
            self.start()
        elif not thread.is_alive() and not self._stop.is_set():
            self._restarts += 1
            log.error("card reader watcher thread had stopped; restarting it (%d)", self._restarts)
            self.start()
            return Health.degraded(self.role, "card reader watcher had stopped and was restarted")
        with self._lock:
            return self._tracker.health

    def card_present(self) -> bool:
        """Whether the bound reader holds a card right now (as last seen, at most ~WAIT_MS old)."""
        with self._lock:
            return self._tracker.card is not None

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=2 * WAIT_MS / 1000 + 1)

    # --- the watcher thread -----------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._watch()
            except Exception:  # never let the thread die on a surprise; the outer loop starts over
                log.exception("card reader watcher failed; starting over")
            self._stop.wait(RETRY_S)

    def _observe(self, obs: Observation) -> None:
        with self._lock:
            events = self._tracker.observe(obs)
        for event in events:
            log.info("card reader: %s", type(event).__name__)  # no ATR: it can identify the card
            try:
                self.on_event(event)
            except Exception:
                log.exception("card event handler raised")

    def _watch(self) -> None:
        """One PC/SC context's life: returns (after releasing it) as soon as anything goes wrong."""
        from smartcard import scard

        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            self._observe(Observation(service_up=False))
            return
        try:
            known: dict[str, int] = {}
            while not self._stop.is_set():
                hresult, readers = scard.SCardListReaders(context, [])
                if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
                    readers = []
                elif hresult != scard.SCARD_S_SUCCESS:
                    self._observe(Observation(service_up=False))
                    return
                readers = tuple(readers)
                reader = match_reader(self._tracker.pattern, readers)
                if reader is None:
                    self._observe(Observation(service_up=True, readers=readers))
                    # No reader to wait on: wait for the reader list to change instead (PnP notification),
                    # which also returns an error promptly if pcscd goes away.
                    hresult, _ = scard.SCardGetStatusChange(
                        context, WAIT_MS, [("\\\\?PnP?\\Notification", scard.SCARD_STATE_UNAWARE)]
                    )
                    if hresult not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
                        self._observe(Observation(service_up=False))
                        return
                    if hresult == scard.SCARD_S_SUCCESS:
                        self._stop.wait(WAIT_MS / 1000)  # PnP answered at once (unsupported): don't spin
                    continue
                state = known.get(reader, scard.SCARD_STATE_UNAWARE)
                hresult, states = scard.SCardGetStatusChange(context, WAIT_MS, [(reader, state)])
                if hresult == scard.SCARD_E_TIMEOUT:
                    continue
                if hresult != scard.SCARD_S_SUCCESS:
                    if hresult in (scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE):
                        known.pop(reader, None)
                        continue  # the reader went away: list again
                    self._observe(Observation(service_up=False))
                    return
                _, event_state, atr = states[0]
                known[reader] = event_state & ~scard.SCARD_STATE_CHANGED
                if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                    known.pop(reader, None)
                    continue
                present = bool(event_state & scard.SCARD_STATE_PRESENT) and not (event_state & scard.SCARD_STATE_MUTE)
                self._observe(
                    Observation(True, readers, reader, bytes(atr) if present and atr else (b"" if present else None))
                )
        finally:
            scard.SCardReleaseContext(context)
