"""The booth's microphone and speaker on its sound server (PulseAudio protocol).

Debian 12 runs PipeWire with its PulseAudio interface (pipewire-pulse);
PulseAudio itself speaks the same protocol. Each device is one stream opened
with libpulse's simple API (``pasimple``) on a device chosen by its stable
name from the booth config (``alsa_input.usb-...``), never by index: indexes
change with every replug and restart.

One thread per device moves audio between the stream and a small buffer, so
neither the media path nor the UI ever waits for the sound server: ``read``
and ``play`` return at once. When the stream breaks (device unplugged, server
restarting or missing) the thread closes it and opens it again every
``REOPEN_S`` until it works: the same object comes back, as the cameras do.

Health (``probe``), within 2 s: missing (no server, or no device of that
name), degraded (silent or clipping microphone), ok. No audio is stored or
logged; only levels.
"""

from __future__ import annotations

import collections
import logging
import math
import threading
import time

import numpy as np
import pasimple
import pulsectl

from drivers.health import Health
from drivers.microphone import BLOCK, SAMPLE_RATE, Microphone
from drivers.priority import raise_priority

log = logging.getLogger("etapiste.drivers")

#: Between attempts to (re)open a broken stream.
REOPEN_S = 0.5
#: The microphone's buffer: older blocks are dropped (they would only add delay).
MIC_BUFFER_BLOCKS = 10
#: A microphone whose peak stays below this for ``SILENT_S`` is reported silent.
SILENT_DBFS = -80.0
SILENT_S = 1.5
#: Share of samples at full scale over the last second that counts as clipping.
CLIP_LEVEL = 32_000
CLIP_SHARE = 0.01
#: The level window for health and the level meter.
LEVEL_WINDOW_S = 1.0
#: How long without a block before a running stream counts as stalled.
STALL_S = 1.5


class _StreamThread:
    """Keeps one pasimple stream open on a named device, reopening it when it breaks."""

    def __init__(
        self, role: str, device: str, server: str | None, direction: int, buffer_bytes: int, label: str = ""
    ) -> None:
        self.role, self.device, self.server = role, device, server
        self.label = label or repr(device)  # how health names it: the physical device, if opened through a filter
        self._direction, self._buffer_bytes = direction, buffer_bytes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error = "not opened yet"  # why the stream is not open, for health; "" while open
        self.opened_at: float | None = None
        self.last_io = 0.0  # monotonic time of the last block moved
        self._reopen = threading.Event()
        #: The control connection is asked from the core loop (the audio report) and from the probe's
        #: worker thread; libpulse's client is not thread-safe (two at once crashed the kiosk: SIGSEGV).
        self._control_lock = threading.Lock()
        self._control: pulsectl.Pulse | None = None  # for checking the device is there; under _control_lock

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=f"etapiste-{self.role}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(5)
        self.close_control()

    def _open(self) -> pasimple.PaSimple:
        buffer = self._buffer_bytes
        if self._direction == pasimple.PA_STREAM_RECORD:
            attrs = {"fragsize": buffer}
        else:
            attrs = {"tlength": buffer, "prebuf": buffer // 2, "minreq": BLOCK * 2}
        return pasimple.PaSimple(
            self._direction,
            pasimple.PA_SAMPLE_S16LE,
            1,
            SAMPLE_RATE,
            app_name="etapiste-kiosk",
            stream_name=self.role,
            server_name=self.server,
            device_name=self.device,
            **attrs,
        )

    def _run(self) -> None:
        raise_priority()  # the audio threads share the media's priority
        logged = ""
        while not self._stop.is_set():
            try:
                stream = self._open()
            except pasimple.PaSimpleError as exc:
                self.error = f"cannot open {self.label} on the sound server ({exc})"
                if logged != self.error:
                    log.warning("%s: %s", self.role, self.error)
                    logged = self.error
                self._stop.wait(REOPEN_S)
                continue
            self.error, logged = "", ""
            self.opened_at = self.last_io = time.monotonic()
            log.info("%s: opened %s", self.role, self.device)
            self._reopen.clear()
            try:
                while not self._stop.is_set() and not self._reopen.is_set():
                    self.io(stream)
                    self.last_io = time.monotonic()
            except pasimple.PaSimpleError as exc:
                self.error = f"{self.label} went away ({exc})"
                log.warning("%s: %s", self.role, self.error)
            finally:
                stream.close()
                self.opened_at = None
            self._stop.wait(REOPEN_S)

    def io(self, stream: pasimple.PaSimple) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def check_device(self) -> None:
        """From the probe: is the named device still on the server? If not, drop the stream.

        The sound server moves a stream whose device vanished to another one
        (the default): the booth would go on with the wrong microphone. Here
        the stream is closed instead and reopened only on the named device.
        """
        kind = "source" if self._direction == pasimple.PA_STREAM_RECORD else "sink"
        with self._control_lock:
            self._check_device(kind)

    def _check_device(self, kind: str) -> None:
        try:
            if self._control is None:
                self._control = pulsectl.Pulse("etapiste-kiosk-probe", server=self.server)
            getter = self._control.get_source_by_name if kind == "source" else self._control.get_sink_by_name
            getter(self.device)
        except pulsectl.PulseIndexError:
            self.error = f"no {kind} {self.label} on the sound server (unplugged?)"
            self._reopen.set()
        except Exception:  # the server is gone or restarting: the stream breaks by itself
            if self._control is not None:
                self._control.close()
                self._control = None

    def close_control(self) -> None:
        with self._control_lock:
            if self._control is not None:
                self._control.close()
                self._control = None

    def stream_health(self) -> Health | None:
        """Missing or stalled, or None while the stream runs."""
        self.check_device()
        if self.error:
            return Health.missing(self.role, self.error)
        if time.monotonic() - self.last_io > STALL_S:
            return Health.degraded(self.role, f"no audio from {self.label} for {STALL_S:.1f} s")
        return None


class PulseMicrophone(Microphone):
    """A microphone (a source) on the sound server, by its stable name."""

    def __init__(self, device: str, server: str | None = None, role: str = "microphone", via: str = "") -> None:
        """``via``: open this source instead (the echo canceller's), reporting health by ``device``."""
        self.role, self.device = role, device
        self._blocks: collections.deque[np.ndarray] = collections.deque(maxlen=MIC_BUFFER_BLOCKS)
        self._pending = np.zeros(0, dtype=np.int16)
        #: (time, peak, clip share, mean square) per block, over the last ``SILENT_S``
        self._window: collections.deque[tuple[float, float, float, float]] = collections.deque()
        self._lock = threading.Lock()
        label = f"{device!r} (through {via!r})" if via else ""
        self._stream = _StreamThread(role, via or device, server, pasimple.PA_STREAM_RECORD, BLOCK * 2, label)
        self._stream.io = self._capture  # type: ignore[method-assign]
        self._stream.start()

    def _capture(self, stream: pasimple.PaSimple) -> None:
        block = np.frombuffer(stream.read(BLOCK * 2), dtype=np.int16)
        now = time.monotonic()
        peak = float(np.max(np.abs(block.astype(np.int32)))) if block.size else 0.0
        clip = float(np.mean(np.abs(block.astype(np.int32)) >= CLIP_LEVEL)) if block.size else 0.0
        square = float(np.mean(np.square(block.astype(np.float64)))) if block.size else 0.0
        with self._lock:
            self._blocks.append(block)
            self._window.append((now, peak, clip, square))
            while self._window and self._window[0][0] < now - max(LEVEL_WINDOW_S, SILENT_S):
                self._window.popleft()

    def read(self, samples: int = BLOCK) -> np.ndarray:
        """The oldest ``samples`` captured; silence where the device gave nothing (never blocks)."""
        with self._lock:
            parts, have = [self._pending], self._pending.size
            while have < samples and self._blocks:
                block = self._blocks.popleft()
                parts.append(block)
                have += block.size
        pcm = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if pcm.size < samples:
            pcm = np.concatenate([pcm, np.zeros(samples - pcm.size, dtype=np.int16)])
        out, rest = pcm[:samples], pcm[samples:]
        with self._lock:
            self._pending = rest
        return out

    def level_dbfs(self) -> float:
        """RMS over the last half second (for the level meter); -120 when nothing comes."""
        since = time.monotonic() - 0.5
        with self._lock:
            squares = [w[3] for w in self._window if w[0] > since]
        if not squares:
            return -120.0
        mean = sum(squares) / len(squares)
        return 10 * math.log10(mean / 32768**2) if mean > 0 else -120.0

    def health(self) -> Health:
        broken = self._stream.stream_health()
        if broken is not None:
            return broken
        now = time.monotonic()
        with self._lock:
            window = list(self._window)
        opened = self._stream.opened_at or now
        recent = [w for w in window if w[0] >= now - LEVEL_WINDOW_S]
        if recent and sum(w[2] for w in recent) / len(recent) > CLIP_SHARE:
            return Health.degraded(self.role, "clipping: the microphone is too loud or too close")
        silent_since = [w for w in window if w[0] >= now - SILENT_S]
        peak = max((w[1] for w in silent_since), default=0.0)
        peak_db = 20 * math.log10(peak / 32768) if peak > 0 else -120.0
        if now - opened >= SILENT_S and peak_db < SILENT_DBFS:
            return Health.degraded(self.role, f"silent: no sound from {self.device!r}")
        return Health.ok(self.role, self.device)

    def close(self) -> None:
        self._stream.stop()


class PulseSpeaker:
    """A speaker (a sink) on the sound server, by its stable name, fed from a ``source`` of 20 ms blocks.

    ``source()`` is called from the speaker's thread for every block the sink
    asks for; it must return at once (``kiosk.playout.Mixer.pull`` does).
    """

    def __init__(
        self, device: str, server: str | None = None, role: str = "speaker", latency_ms: int = 60, via: str = ""
    ) -> None:
        """``via``: play into this sink instead (the echo canceller's), reporting health by ``device``."""
        self.role, self.device = role, device
        self.source: object = None  # a callable () -> int16 block of BLOCK samples; silence when None
        self.blocks_played = 0
        self.latency_ms = 0.0  # the sound server's playback latency for this stream, sampled every second
        buffer = SAMPLE_RATE * latency_ms // 1000 * 2
        label = f"{device!r} (through {via!r})" if via else ""
        self._stream = _StreamThread(role, via or device, server, pasimple.PA_STREAM_PLAYBACK, buffer, label)
        self._stream.io = self._play  # type: ignore[method-assign]
        self._silence = np.zeros(BLOCK, dtype=np.int16)
        self._stream.start()

    def _play(self, stream: pasimple.PaSimple) -> None:
        source = self.source
        block = source() if callable(source) else self._silence
        stream.write(np.ascontiguousarray(block, dtype=np.int16).tobytes())  # blocks at the sink's pace
        self.blocks_played += 1
        if self.blocks_played % 50 == 1:
            self.latency_ms = stream.get_latency() / 1000

    def health(self) -> Health:
        return self._stream.stream_health() or Health.ok(self.role, self.device)

    def probe(self) -> Health:
        return self.health()

    def close(self) -> None:
        self._stream.stop()
