// @ts-check
// The page's one state object. Message handlers change it, the render
// functions make the DOM match it; nothing else keeps state of its own except
// the sound (sound.js) and the language (i18n.js).

import { secondsSince } from "./format.js";

/** @typedef {import("./protocol.js").LobbyEntry} LobbyEntry */
/** @typedef {import("./protocol.js").BoothPresence} BoothPresence */
/** @typedef {import("./protocol.js").RtcOffer} RtcOffer */
/** @typedef {import("./lobby.js").OfferRecord} OfferRecord */
/** @typedef {import("./lobby.js").AlertRecord} AlertRecord */
/** @typedef {import("./identification.js").IdentRecord} IdentRecord */
/** @typedef {ReturnType<typeof setTimeout>} Timer */

/**
 * A call in progress, from session.admitted until it ends here.
 * @typedef {{
 *   sessionId: string,
 *   boothId: string,
 *   boothName: string,
 *   boothPoint: string,
 *   peer: string,
 *   boothPeer: string,
 *   iceServers: RTCIceServer[],
 *   startedAt: number,
 *   pc: RTCPeerConnection | null,
 *   remoteReady: boolean,
 *   pendingIce: RTCIceCandidateInit[],
 *   remoteTracks: MediaStreamTrack[],
 *   camera: "face" | "document",
 *   audio: import("./protocol.js").BoothAudio | null,
 *   ident: IdentRecord | null,
 *   stills: import("./stillview.js").StillRecord[],
 *   stillsAsked: number,
 *   language: string | null,
 *   screenLanguage: string | null,
 *   print: { text: string, kind: string } | null,
 *   feedback: string | null,
 *   quality: CallQuality,
 * }} Call
 */

/**
 * The booth link's quality: this page's last figures and counters, and the booth's last call.stats.
 * @typedef {{
 *   mine: import("./quality.js").Figures | null,
 *   snapshot: import("./quality.js").Snapshot | null,
 *   booth: import("./protocol.js").CallStats | null,
 *   timer: Timer | null,
 * }} CallQuality
 */

/** An Admit the server has not answered yet; `offer` is an rtc.offer that overtook session.admitted. */
/** @typedef {{ sessionId: string, timer: Timer, offer?: RtcOffer }} Admitting */

export const state = {
  /** @type {"login" | "lobby" | "in-call"} */
  phase: "login",
  /** @type {string | null} */
  token: null,
  name: "",
  generation: 0, // bumped on sign-in/out so stale async work can tell it is stale
  /** @type {WebSocket | null} */
  ws: null,
  connected: false, // true once this socket got its welcome
  reconnectAttempt: 0,
  /** @type {Timer | undefined} */
  reconnectTimer: undefined,
  /** @type {Timer | undefined} */
  welcomeTimer: undefined,
  clockOffset: 0, // server clock minus ours, in seconds (from welcome.server_time)
  /** @type {string | null} the last welcome's resume token: the next hello keeps our call with it */
  resumeToken: null,
  resumeHolder: false, // this tab holds the resume lock (resume-lock.js): it may use the stored token
  rejoining: false, // resumed with no call here (a reload): the session.admitted that follows is ours
  /** @type {LobbyEntry[]} */
  lobby: [],
  /** @type {BoothPresence[]} */
  booths: [],
  /** @type {Set<string>} */
  previousLobbyIds: new Set(),
  /** @type {Map<string, string>} booth id -> assist state in the last snapshot */
  previousAssist: new Map(),
  /** @type {Map<string, OfferRecord>} session id -> session.offer to us (lobby.js) */
  offers: new Map(),
  /** @type {Map<string, AlertRecord>} alert id -> advisor.alert not yet cleared (lobby.js) */
  alerts: new Map(),
  /** @type {Map<string, Timer>} alert id -> timer, while our alert.ack is unanswered */
  acking: new Map(),
  /** @type {Timer | undefined} */
  alertPruneTimer: undefined,
  /** @type {Admitting | null} */
  admitting: null,
  /** @type {Call | null} */
  call: null,
  /** @type {MediaStream | null} */
  localStream: null,
  muted: false, // my microphone is off (kept for the next call: the official chose it)
  cameraOff: false, // my camera is off
  /** @type {Promise<MediaStream | null> | null} */
  localStreamPromise: null,
  /** @type {string | null} */
  lastError: null,
  /** @type {string | null} */
  statusKey: null,
};

/** Seconds the citizen has waited, by the server's clock. @param {LobbyEntry} entry */
export function waitingSeconds(entry) {
  return secondsSince(entry.waiting_since, Date.now(), state.clockOffset);
}
