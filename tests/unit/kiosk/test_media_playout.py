"""The remote voice reaches the playout at the right pitch, whatever rate and layout it comes in."""

from __future__ import annotations

import fractions

import numpy as np
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame

from drivers.microphone import BLOCK, SAMPLE_RATE
from kiosk.media import MediaStats, PeerLink
from kiosk.playout import Mixer


class ToneTrack:
    """Stands in for a decoded remote track: a tone at ``rate`` in ``layout``, then the end."""

    kind = "audio"

    def __init__(self, frequency: float, rate: int, layout: str, frames: int) -> None:
        self.frequency, self.rate, self.layout, self.left = frequency, rate, layout, frames
        self.pos = 0

    async def recv(self) -> AudioFrame:
        if self.left == 0:
            raise MediaStreamError
        self.left -= 1
        n = self.rate // 50
        t = (np.arange(n) + self.pos) / self.rate
        self.pos += n
        mono = (np.sin(2 * np.pi * self.frequency * t) * 0.3 * 32767).astype(np.int16)
        channels = 2 if self.layout == "stereo" else 1
        packed = np.repeat(mono, channels).reshape(1, -1)  # s16 is packed: interleaved channels
        frame = AudioFrame.from_ndarray(packed, format="s16", layout=self.layout)
        frame.sample_rate, frame.pts, frame.time_base = self.rate, self.pos, fractions.Fraction(1, self.rate)
        return frame


def strongest(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64) * np.hanning(pcm.size)))
    return float(np.fft.rfftfreq(pcm.size, 1 / SAMPLE_RATE)[int(np.argmax(spectrum))])


async def played(track: ToneTrack) -> np.ndarray:
    mixer = Mixer(target_ms=20, volume=100)
    link = PeerLink.__new__(PeerLink)  # only the audio path: no peer connection needed
    link.peer, link.stats, link.mixer = "o1", MediaStats(), mixer
    await link._consume_audio(track)  # type: ignore[arg-type]
    assert link.stats.audio_frames_received > 0
    return np.concatenate([mixer.pull() for _ in range(20)])


async def test_stereo_48k_from_opus_plays_as_mono_at_the_same_pitch():
    pcm = await played(ToneTrack(660, 48_000, "stereo", 30))
    assert abs(strongest(pcm[BLOCK:]) - 660) < 30


async def test_an_odd_sample_rate_is_resampled_not_played_at_the_wrong_pitch():
    for rate in (44_100, 16_000, 8_000):
        pcm = await played(ToneTrack(500, rate, "mono", 40))
        assert abs(strongest(pcm[BLOCK : BLOCK * 15]) - 500) < 30, rate
