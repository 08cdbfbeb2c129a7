// @ts-check
// The device check before the first call: my camera's picture, my
// microphone's level on a meter, and a test sound for my speakers. Uses the
// same camera and microphone the call will (call.js ensureLocalMedia); the
// level arithmetic is levels.js's. Stops itself when a call starts.

import { ensureLocalMedia } from "./call.js";
import { el, setText } from "./dom.js";
import { t } from "./i18n.js";
import { heard, levelDbfs, meterPercent } from "./levels.js";
import { chime, unlockAudio } from "./sound.js";
import { state } from "./state.js";

/** @type {{ timer: ReturnType<typeof setInterval>, source: MediaStreamAudioSourceNode } | null} */
let running = null;

export function initDeviceCheck() {
  el.deviceCheck.addEventListener("click", () => {
    startDeviceCheck().catch((err) => console.warn("Device check failed:", err instanceof Error ? err.message : err));
  });
  el.speakerTest.addEventListener("click", () => {
    unlockAudio();
    chime();
    setText(el.speakerResult, t("Did you hear two notes? If not, check your speakers or headset."));
  });
}

export async function startDeviceCheck() {
  if (running) return;
  const ctx = unlockAudio();
  const stream = await ensureLocalMedia();
  el.devicePanel.hidden = false;
  if (!stream) {
    setText(el.micResult, t("No camera or microphone: the citizen could not see or hear you."));
    return;
  }
  el.checkVideo.srcObject = stream;
  if (!ctx || !stream.getAudioTracks().length) {
    setText(el.micResult, t("No microphone."));
    return;
  }
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let loudest = -Infinity;
  const timer = setInterval(() => {
    if (state.call) {
      stopDeviceCheck(); // the call uses them now
      return;
    }
    analyser.getFloatTimeDomainData(samples);
    const level = levelDbfs(samples);
    loudest = Math.max(loudest, level);
    el.micMeter.value = meterPercent(level);
    el.micMeter.dataset.dbfs = level.toFixed(1);
    setText(el.micResult, heard(loudest) ? t("Your microphone is heard.") : t("Say something: the meter should move."));
  }, 100);
  running = { timer, source };
}

export function stopDeviceCheck() {
  if (!running) return;
  clearInterval(running.timer);
  running.source.disconnect();
  running = null;
  el.checkVideo.srcObject = null;
  el.devicePanel.hidden = true;
}
