"""Spoken guidance: a screen's words read aloud with espeak-ng, in the citizen's language.

Why espeak-ng: it is a Debian package, speaks Finnish, Swedish and English
(and Russian, Arabic, Somali-adjacent languages) offline, and starts in
milliseconds on a small booth; recorded prompts would have to be re-recorded
for every changed text. It runs as a subprocess off the UI and core threads;
the samples go to the booth's speaker through the playout mixer
(``kiosk.playout.Mixer.say``), so they pass the same volume and the same sink
as the call. The text is passed as an argument, never logged.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess

import numpy as np

from drivers.microphone import SAMPLE_RATE
from kiosk.i18n import LANGUAGES, in_language

#: espeak-ng's voice for each booth language.
VOICES = {"fi": "fi", "sv": "sv", "en": "en-gb", "ru": "ru"}
#: Words per minute: slower than espeak's 175, for a listener who is not in a hurry.
RATE_WPM = 140
#: The longest text read at once (a screen's words; anything longer is cut at a sentence).
MAX_CHARS = 600
SYNTH_TIMEOUT_S = 10.0


class GuidanceError(RuntimeError):
    """The speech could not be made (espeak-ng missing or failing); the booth goes on without it."""


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def speech_text(lines: list[str]) -> str:
    """A screen's texts as sentences to read: one per line, a full stop where a line has none."""
    sentences = []
    for line in lines:
        for part in re.split(r"\s*\n\s*|\s+·\s+", line.strip()):
            part = part.strip(" +−-")
            if part:
                sentences.append(part if part[-1] in ".!?…:" else part + ".")
    text = " ".join(sentences)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS].rsplit(". ", 1)[0] + "."


def welcome_text() -> list[tuple[str, str]]:
    """Before a language is chosen: the greeting and how to start, in every language, each in its voice."""
    return [(lang, speech_text([in_language("welcome", lang), in_language("start_hint", lang)])) for lang in LANGUAGES]


def parse_wav(data: bytes) -> tuple[np.ndarray, int]:
    """espeak-ng's stdout WAV (16-bit mono; its sizes are left unset when streaming) -> samples, rate."""
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise GuidanceError("espeak-ng did not return a WAV")
    channels, rate = struct.unpack_from("<HI", data, 22)
    bits = struct.unpack_from("<H", data, 34)[0]
    if channels != 1 or bits != 16:
        raise GuidanceError(f"espeak-ng returned {channels} channels of {bits} bits; expected mono 16-bit")
    at = data.find(b"data", 36)
    if at < 0:
        raise GuidanceError("espeak-ng's WAV has no data chunk")
    body = data[at + 8 :]
    return np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2").astype(np.int16), rate


def resample(pcm: np.ndarray, rate: int, to: int = SAMPLE_RATE) -> np.ndarray:
    """Linear resampling (speech, not music: good enough, and no extra dependency)."""
    if rate == to or pcm.size == 0:
        return pcm.astype(np.int16)
    n = round(pcm.size * to / rate)
    x = np.linspace(0, pcm.size - 1, n)
    return np.interp(x, np.arange(pcm.size), pcm.astype(np.float32)).astype(np.int16)


def synthesize(text: str, language: str, rate_wpm: int = RATE_WPM) -> np.ndarray:
    """``text`` spoken in ``language`` as 48 kHz mono int16. Blocking: call it from a worker thread."""
    voice = VOICES.get(language)
    if voice is None:
        raise GuidanceError(f"language: no voice for {language!r}; use one of {', '.join(VOICES)}")
    try:
        done = subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(rate_wpm), "--stdout", "--", text],
            capture_output=True,
            timeout=SYNTH_TIMEOUT_S,
            check=True,
        )
    except FileNotFoundError:
        raise GuidanceError("espeak-ng is not installed (Debian package espeak-ng)") from None
    except subprocess.TimeoutExpired:
        raise GuidanceError(f"espeak-ng took longer than {SYNTH_TIMEOUT_S:.0f} s") from None
    except subprocess.CalledProcessError as exc:
        raise GuidanceError(f"espeak-ng failed with exit {exc.returncode}") from None
    pcm, rate = parse_wav(done.stdout)
    return resample(pcm, rate)
