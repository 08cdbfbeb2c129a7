"""Audio both ways through a real sound server and its echo canceller, proved by frequency.

The booth's microphone is a virtual source on its own PulseAudio server, fed
a 1 kHz tone; the official's microphone is Chromium's fake capture playing a
660 Hz WAV (``tests.e2e.media_files.write_tone_wav``). The official's page
finds the booth's frequency by FFT (Web Audio's analyser on the received
track); the test finds the official's in what the booth's speaker sink
actually played (its monitor, recorded).
"""

from __future__ import annotations

import numpy as np

from tests.e2e.booth_ui import start_walk_in, tap
from tests.e2e.browser import sign_in
from tests.e2e.processes import Backend, Kiosk
from tests.support.sound_server import MIC_FEED, SPEAKER, SoundServer, dominant_frequency, tone
from tests.support.waiting import wait_for

BOOTH_TONE_HZ = 1000.0
OFFICIAL_TONE_HZ = 660.0  # write_tone_wav's default, Chromium's fake microphone

#: The strongest frequency in the booth's audio as the official's page receives it.
RECEIVED_PEAK_JS = """
async () => {
  const pc = window.etapiste && window.etapiste.pc();
  const receiver = pc && pc.getReceivers().find(r => r.track && r.track.kind === 'audio');
  if (!receiver) return null;
  if (!window.__analyser) {
    const ctx = new AudioContext({sampleRate: 48000});
    await ctx.resume();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    ctx.createMediaStreamSource(new MediaStream([receiver.track])).connect(analyser);
    window.__analyser = analyser;
  }
  const a = window.__analyser;
  const bins = new Float32Array(a.frequencyBinCount);
  a.getFloatFrequencyData(bins);
  let best = 1;
  for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
  return {hz: best * a.context.sampleRate / a.fftSize, db: bins[best]};
}
"""


def test_the_official_hears_the_booth_microphone_and_the_booth_speaker_plays_the_official(
    backend: Backend, sound_kiosk: Kiosk, sound: SoundServer, page
):
    kiosk = sound_kiosk
    sound.play(MIC_FEED, tone(BOOTH_TONE_HZ, 1.0))  # the citizen 'speaks' into the booth's microphone
    sign_in(page, backend.url)
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal")
    session_id = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    page.click(f"[data-testid='admit-{session_id}']", timeout=15_000)
    kiosk.wait_phase("in_call", timeout=30)

    # The official's page: the booth's tone, found by FFT in the received track.
    def booth_tone_at_official() -> dict | None:
        peak = page.evaluate(RECEIVED_PEAK_JS)
        return peak if peak and peak["db"] > -60 and abs(peak["hz"] - BOOTH_TONE_HZ) < 15 else None

    peak = wait_for("the booth's 1 kHz tone on the official's page", booth_tone_at_official, timeout=30, every=0.5)
    assert abs(peak["hz"] - BOOTH_TONE_HZ) < 15, peak

    # The booth: the official's tone, found by FFT in what its speaker sink played. On a loaded
    # machine the playout may underrun and fade now and then: a second is judged, not one instant.
    def official_tone_from_speaker() -> float | None:
        played = sound.record(f"{SPEAKER}.monitor", 1.0)
        loud = played.size and np.sqrt(np.mean(np.square(played.astype(np.float64)))) > 300
        return dominant_frequency(played) if loud else None

    try:
        heard = wait_for("the official's voice from the booth's speaker", official_tone_from_speaker, timeout=45)
    except AssertionError as exc:
        status = kiosk.status()
        raise AssertionError(f"{exc}; booth media {status['media']}; devices {status['devices']}") from None
    assert abs(heard - OFFICIAL_TONE_HZ) < 15, heard
    status = kiosk.status()
    media = status["media"]
    assert media["volume"] == 100 and media["playout_buffered_ms"] < 300, media
    devices = {d["role"]: d for d in status["devices"]}
    assert devices["echo_canceller"]["state"] == "ok", devices  # both ways went through the canceller
    assert devices["speaker"]["state"] == "ok", devices

    # The official sees how the citizen is heard (level, no warning) and turns the booth down a step;
    # the citizen turns it back up with the big button on the booth's screen.
    page.wait_for_function(
        "() => document.querySelector('#booth-volume').textContent === '100 %'"
        " && document.querySelector('#booth-mic-level').value > 0.5"
        " && document.querySelector('#booth-mic-warning').textContent === ''",
        timeout=10_000,
    )
    page.click("#booth-volume-down")
    wait_for("the booth to turn down", lambda: kiosk.status()["media"]["volume"] == 90, timeout=10)
    page.wait_for_function("() => document.querySelector('#booth-volume').textContent === '90 %'", timeout=10_000)
    tap(kiosk, "louder")
    wait_for("the citizen's louder button", lambda: kiosk.status()["media"]["volume"] == 100, timeout=10)
    page.wait_for_function("() => document.querySelector('#booth-volume').textContent === '100 %'", timeout=10_000)

    # The microphone is pulled out mid-call: the official is told, the call goes on, and when it is
    # plugged back the booth picks it up again by itself (the echo canceller restarted around it).
    sound.unplug_mic()
    page.wait_for_function(
        "() => document.querySelector('#booth-mic-warning').dataset.state === 'missing'", timeout=15_000
    )
    assert kiosk.status()["phase"] == "in_call"
    sound.plug_mic()
    page.wait_for_function(
        "() => document.querySelector('#booth-mic-warning').dataset.state === 'ok'"
        " && document.querySelector('#booth-mic-level').value > 0.5",
        timeout=20_000,
    )
    devices = {d["role"]: d["state"] for d in kiosk.status()["devices"]}
    assert devices["microphone"] == devices["echo_canceller"] == "ok", devices

    page.click("#end-call")
    kiosk.wait_phase("idle", timeout=20)
