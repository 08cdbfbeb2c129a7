"""A private PulseAudio sound server for the tests: the booth's audio hardware boundary.

Runs ``pulseaudio`` in user mode with its own runtime dir and socket, no
kernel modules and no real devices: the booth's speaker is a null sink (the
test records its monitor), the booth's microphone a virtual source (a remap of
a null sink's monitor, into which the test plays a known signal). Unplugging
a device is unloading its module; replugging loads it again under the same
name. The server speaks the same protocol as PipeWire's pipewire-pulse, which
Debian 12 runs on the booth.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np

from tests.support.waiting import wait_for

SPEAKER = "booth_speaker"
MIC = "booth_mic"
MIC_FEED = "mic_feed"  # what the room 'says' into the microphone: play into this sink
RATE = 48_000


def pulseaudio_available() -> bool:
    return shutil.which("pulseaudio") is not None and shutil.which("pactl") is not None


class SoundServer:
    """One pulseaudio process; ``server`` is its address for clients (``PULSE_SERVER``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.socket = root / "native"
        self.server = f"unix:{self.socket}"
        config = root / "default.pa"
        config.write_text(f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.socket}\n")
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root), "XDG_RUNTIME_DIR": str(root)}
        self._log = (root / "pulseaudio.log").open("wb")
        self.proc = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "-F",
                str(config),
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                # As the booth's server runs: real-time threads where allowed, so a loaded machine starves the
                # applications before it starves the audio.
                "--high-priority=yes",
                "--realtime=yes",
            ],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for("the test sound server to answer", lambda: self.alive() and self._answers(), timeout=15)
        self.mic_module = 0
        self.speaker_module = self.load("module-null-sink", f"sink_name={SPEAKER}", f"rate={RATE}", "channels=1")
        self.feed_module = self.load("module-null-sink", f"sink_name={MIC_FEED}", f"rate={RATE}", "channels=1")
        self.plug_mic()
        self._players: list[subprocess.Popen[bytes]] = []
        # A quiet room: a real microphone always delivers samples, if only silence; an
        # idle null sink's monitor delivers none, which the driver would call stalled.
        self.play(MIC_FEED, np.zeros(RATE, dtype=np.int16))
        self._room = self._players.pop()

    def alive(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError("the test sound server exited:\n" + (self.root / "pulseaudio.log").read_text())
        return True

    def _answers(self) -> bool:
        return self.socket.exists() and self.pactl("info", check=False).returncode == 0

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args],
            env={**self.env, "PULSE_SERVER": self.server},
            capture_output=True,
            text=True,
            check=check,
            timeout=10,
        )

    def load(self, module: str, *args: str) -> int:
        return int(self.pactl("load-module", module, *args).stdout.strip())

    def unload(self, index: int) -> None:
        self.pactl("unload-module", str(index))

    def plug_mic(self) -> None:
        self.mic_module = self.load(
            "module-remap-source", f"source_name={MIC}", f"master={MIC_FEED}.monitor", "channels=1"
        )

    def unplug_mic(self) -> None:
        self.unload(self.mic_module)

    def unplug_speaker(self) -> None:
        self.unload(self.speaker_module)

    def plug_speaker(self) -> None:
        self.speaker_module = self.load("module-null-sink", f"sink_name={SPEAKER}", f"rate={RATE}", "channels=1")

    def sources(self) -> list[str]:
        return [line.split("\t")[1] for line in self.pactl("list", "short", "sources").stdout.splitlines()]

    def play(self, sink: str, pcm: np.ndarray, loop: bool = True) -> None:
        """Play int16 mono ``pcm`` into ``sink`` (over and over with ``loop``) until ``close``."""
        data = np.ascontiguousarray(pcm, dtype=np.int16).tobytes()
        proc = subprocess.Popen(
            ["pacat", "--playback", f"--device={sink}", "--format=s16le", f"--rate={RATE}", "--channels=1", "--raw"],
            env={**self.env, "PULSE_SERVER": self.server},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._players.append(proc)

        def feed() -> None:
            try:
                while True:
                    assert proc.stdin is not None
                    proc.stdin.write(data)
                    proc.stdin.flush()
                    if not loop:
                        proc.stdin.close()
                        return
            except (BrokenPipeError, ValueError, OSError):
                return

        threading.Thread(target=feed, daemon=True).start()

    def record(self, source: str, seconds: float) -> np.ndarray:
        """``seconds`` of int16 mono from ``source`` (a sink's monitor: ``booth_speaker.monitor``)."""
        samples = int(seconds * RATE)
        proc = subprocess.Popen(
            ["parec", f"--device={source}", "--format=s16le", f"--rate={RATE}", "--channels=1", "--raw"],
            env={**self.env, "PULSE_SERVER": self.server},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert proc.stdout is not None
        data = bytearray()
        try:
            while len(data) < samples * 2:
                chunk = proc.stdout.read(min(65536, samples * 2 - len(data)))
                if not chunk:
                    break
                data.extend(chunk)
        finally:
            proc.kill()
            proc.wait()
        return np.frombuffer(bytes(data[: len(data) // 2 * 2]), dtype=np.int16)

    def stop_players(self) -> None:
        for proc in self._players:
            proc.kill()
            proc.wait()
        self._players.clear()

    def close(self) -> None:
        self.stop_players()
        self._room.kill()
        self._room.wait()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def tone(frequency: float, seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (np.sin(2 * np.pi * frequency * t) * amplitude * 32767).astype(np.int16)


def dominant_frequency(pcm: np.ndarray) -> float:
    """The strongest frequency in ``pcm`` (Hz), by FFT with a Hann window."""
    x = pcm.astype(np.float64) * np.hanning(pcm.size)
    spectrum = np.abs(np.fft.rfft(x))
    spectrum[:3] = 0  # DC
    return float(np.fft.rfftfreq(pcm.size, 1 / RATE)[int(np.argmax(spectrum))])
