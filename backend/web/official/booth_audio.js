// @ts-check
// How the citizen is heard, as the official sees it in the call: the booth's
// microphone level (booth.audio, once a second) and what to do about a
// warning; and the booth speaker's volume the official sets (booth.volume).
// Pure: call.js sends and stores, render.js shows.

import { t } from "./i18n.js";

/** @typedef {import("./protocol.js").BoothAudio} BoothAudio */
/** @typedef {import("./protocol.js").BoothVolume} BoothVolume */

/** One press of the page's louder/quieter button moves the booth's volume by this much (%). */
export const VOLUME_STEP = 10;

/** The level meter's fill, 0..1, for a level in dBFS (-70 dBFS and below: empty). @param {number} dbfs */
export function levelFraction(dbfs) {
  return Math.max(0, Math.min(1, (dbfs + 70) / 70));
}

/**
 * What the page says about the booth's microphone: nothing when all is well.
 * @param {BoothAudio["mic_state"]} micState
 * @returns {string}
 */
export function micWarning(micState) {
  switch (micState) {
    case "quiet": return t("The citizen is hard to hear: ask them to come closer to the microphone.");
    case "silent": return t("No sound from the booth's microphone.");
    case "clipping": return t("The booth's microphone is distorting: ask the citizen to move back a little.");
    case "missing": return t("The booth's microphone is not working. Ask the service advisor for help.");
    default: return "";
  }
}

/**
 * The booth.volume message for one step up or down from the last volume the booth reported
 * (the booth keeps it within its own limits and reports what it set).
 * @param {string} sessionId @param {number} current @param {1 | -1} direction
 * @returns {BoothVolume}
 */
export function volumeMessage(sessionId, current, direction) {
  const volume = Math.max(0, Math.min(100, Math.round(current + direction * VOLUME_STEP)));
  return { type: "booth.volume", session_id: sessionId, volume };
}
