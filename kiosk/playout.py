"""The booth's playout: the remote participants' voices, buffered, mixed and at the booth's volume.

Pure: the core loop ``push``es each participant's decoded audio as it comes,
the speaker's thread ``pull``s one 20 ms block whenever the sound server wants
one. Between them a small buffer per participant (``target_ms``) absorbs the
network's jitter. When a participant's buffer runs dry the last samples fade
to silence within the block instead of stopping dead (a click), and when
audio comes back it waits for the buffer to refill and fades in. A buffer
that grows past ``target_ms + MAX_EXTRA_MS`` (a burst after a stall) drops
its oldest samples, and one that stays more than ``CATCH_UP_MS`` above its
target for half a second skips back to it with a short cross-fade: the booth
would rather skip than lag behind the official.
Several participants (official, interpreter) are summed and then limited.
"""

from __future__ import annotations

import threading

import numpy as np

from drivers.microphone import BLOCK, SAMPLE_RATE

#: How far a participant's buffer may grow beyond its target before the oldest audio is dropped.
MAX_EXTRA_MS = 200
#: A buffer this far above its target for this many blocks in a row is brought back to the target:
#: audio and sink run at the same rate, so latency gathered once (a stall, a burst) would stay for good.
CATCH_UP_MS = 40
CATCH_UP_BLOCKS = 25
#: The jump back to the target is cross-faded over this many samples (2.5 ms): no click.
CROSSFADE = 120


def gain_for(volume: int) -> float:
    """A volume in % as a linear gain: squared, so equal steps sound roughly equal."""
    return (max(0, min(100, volume)) / 100) ** 2


class _Voice:
    """One participant's buffer."""

    def __init__(self) -> None:
        self.samples = np.zeros(0, dtype=np.float32)
        self.playing = False  # False: filling up to the target before (re)starting
        self.last = 0.0  # the last sample played, for the fade-out
        self.high_for = 0  # blocks in a row with the buffer well above its target
        self.skipped = 0  # samples dropped to catch up

    def push(self, pcm: np.ndarray, limit: int) -> None:
        self.samples = np.concatenate([self.samples, pcm.astype(np.float32)])
        if self.samples.size > limit:
            self.samples = self.samples[-limit:]

    def pull(self, target: int) -> np.ndarray | None:
        """A block, or None while silent. Fades out on underrun and in on restart."""
        if not self.playing:
            if self.samples.size < target:
                return None
            self.playing = True
            block = self._take()
            block *= np.linspace(0.0, 1.0, BLOCK, dtype=np.float32)  # fade in
            self.last = float(block[-1])
            return block
        if self.samples.size >= BLOCK:
            self.high_for = self.high_for + 1 if self.samples.size > target + SAMPLE_RATE * CATCH_UP_MS // 1000 else 0
            if self.high_for >= CATCH_UP_BLOCKS:
                return self._catch_up(target)
            block = self._take()
            self.last = float(block[-1])
            return block
        # Underrun: what is left, then a fade from the last sample to silence over the rest of the block.
        rest = self.samples
        self.samples = np.zeros(0, dtype=np.float32)
        self.playing = False
        tail_from = float(rest[-1]) if rest.size else self.last
        tail = tail_from * np.linspace(1.0, 0.0, BLOCK - rest.size, dtype=np.float32)
        self.last = 0.0
        return np.concatenate([rest, tail])

    def _catch_up(self, target: int) -> np.ndarray:
        """Skip back to ``target`` samples buffered, cross-fading from where playout was to where it goes on."""
        self.high_for = 0
        skip = self.samples.size - target
        old = self.samples[:CROSSFADE].copy()
        self.samples = self.samples[skip:]
        self.skipped += skip
        block = self._take()
        ramp = np.linspace(0.0, 1.0, CROSSFADE, dtype=np.float32)
        block[:CROSSFADE] = old * (1 - ramp) + block[:CROSSFADE] * ramp
        self.last = float(block[-1])
        return block

    def _take(self) -> np.ndarray:
        block, self.samples = self.samples[:BLOCK].copy(), self.samples[BLOCK:]
        return block


class Mixer:
    """The playout of one booth: participants by peer id, one volume, a level of what was played."""

    def __init__(self, target_ms: int = 60, volume: int = 70) -> None:
        self.target = max(BLOCK, SAMPLE_RATE * target_ms // 1000)
        self.limit = self.target + SAMPLE_RATE * MAX_EXTRA_MS // 1000
        self.volume = volume
        self._voices: dict[str, _Voice] = {}
        self._lock = threading.Lock()
        self.blocks_pulled = 0
        self.underruns = 0  # blocks in which a playing participant ran dry
        self.dropped_samples = 0  # samples dropped because a buffer outgrew its limit or to catch up
        #: Spoken guidance waiting to be played (``say``): played whole, mixed over any call audio.
        self._prompt = np.zeros(0, dtype=np.float32)
        self.prompt_samples_played = 0

    def push(self, peer: str, pcm: np.ndarray) -> None:
        """Decoded mono int16 audio of ``peer`` at 48 kHz, in any length."""
        with self._lock:
            voice = self._voices.setdefault(peer, _Voice())
            before = voice.samples.size + pcm.size
            voice.push(pcm, self.limit)
            self.dropped_samples += max(0, before - voice.samples.size)

    def remove(self, peer: str) -> None:
        """A participant left: their buffer goes (a fade is not worth keeping a departed voice)."""
        with self._lock:
            self._voices.pop(peer, None)

    def reset(self, volume: int) -> None:
        """The call is over: nobody's voice is kept, and the next citizen starts at ``volume``."""
        with self._lock:
            self._voices.clear()
            self.volume = volume

    def say(self, pcm: np.ndarray) -> None:
        """Play ``pcm`` (48 kHz mono int16, spoken guidance) once, whole; it replaces a prompt still playing."""
        with self._lock:
            self._prompt = pcm.astype(np.float32)

    def hush(self) -> None:
        """Stop the spoken guidance (a new screen, the next citizen)."""
        with self._lock:
            self._prompt = np.zeros(0, dtype=np.float32)

    def speaking(self) -> bool:
        with self._lock:
            return self._prompt.size > 0

    def pull(self) -> np.ndarray:
        """One block for the speaker, int16; silence when nobody speaks. Never blocks for long."""
        with self._lock:
            blocks = []
            if self._prompt.size:
                prompt, self._prompt = self._prompt[:BLOCK], self._prompt[BLOCK:]
                self.prompt_samples_played += prompt.size
                blocks.append(np.pad(prompt, (0, BLOCK - prompt.size)))
            for voice in self._voices.values():
                was_playing, skipped = voice.playing, voice.skipped
                block = voice.pull(self.target)
                self.dropped_samples += voice.skipped - skipped
                if block is not None:
                    blocks.append(block)
                    if was_playing and not voice.playing:
                        self.underruns += 1
            gain = gain_for(self.volume)
            self.blocks_pulled += 1
        if not blocks:
            return np.zeros(BLOCK, dtype=np.int16)
        mixed = np.sum(blocks, axis=0) * gain
        return np.clip(mixed, -32768, 32767).astype(np.int16)

    def buffered_ms(self) -> float:
        """The deepest participant buffer now, in ms: the playout latency the buffer adds."""
        with self._lock:
            depth = max((v.samples.size for v in self._voices.values()), default=0)
        return 1000 * depth / SAMPLE_RATE
