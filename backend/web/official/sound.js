// @ts-check
// The arrival chime. Browsers only let audio start after a user gesture, so
// the first click or key press unlocks it (see app.js).

import { errorText } from "./format.js";

const CHIME_MIN_GAP_MS = 1_000; // an arrival that is also an offer chimes once

/** @type {AudioContext | null} */
let audioContext = null;
let lastChimeAt = 0;

/** The audio context, created and resumed on first use; null where there is none. */
export function unlockAudio() {
  try {
    if (!audioContext) {
      const Context = window.AudioContext
        || /** @type {{ webkitAudioContext?: typeof AudioContext }} */ (/** @type {unknown} */ (window)).webkitAudioContext;
      if (!Context) return null;
      audioContext = new Context();
    }
    if (audioContext.state === "suspended") audioContext.resume().catch(() => {});
  } catch {
    audioContext = null;
  }
  return audioContext;
}

/** A soft two-note chime; silently skipped when the browser blocks audio. */
export function chime() {
  try {
    if (Date.now() - lastChimeAt < CHIME_MIN_GAP_MS) return; // one event, one chime
    lastChimeAt = Date.now();
    const ctx = unlockAudio();
    if (!ctx || ctx.state !== "running") return; // the highlight and title still show it
    const start = ctx.currentTime;
    [660, 880].forEach((frequency, i) => {
      const at = start + i * 0.18;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.32);
    });
  } catch (err) {
    console.warn("Could not play the lobby sound:", errorText(err));
  }
}
