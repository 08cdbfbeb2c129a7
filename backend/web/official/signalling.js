// @ts-check
// What the page says on the wire and how it reads what a call needs: the
// messages it builds (hello, rtc.answer, …), the call it starts from
// session.admitted, the ICE candidate it takes from rtc.ice, and the
// reconnect backoff. Pure: no DOM, no clock, no sockets, so Node tests it
// (tests/unit/web/signalling.test.mjs); connection.js and call.js carry it out.
//
// The rtc.* messages are built here and nowhere else, and session.admitted is
// read here and nowhere else: a protocol change to either lands in one place.

import { t } from "./i18n.js";
import { PROTOCOL_VERSION } from "./protocol-validator.js";

/** @typedef {import("./protocol.js").SessionAdmitted} SessionAdmitted */
/** @typedef {import("./protocol.js").RtcIce} RtcIce */
/** @typedef {import("./protocol.js").RtcAnswer} RtcAnswer */
/** @typedef {import("./protocol.js").Hello} Hello */
/** @typedef {import("./protocol.js").LobbyEntry} LobbyEntry */
/** @typedef {import("./protocol.js").SessionEndReason} SessionEndReason */

export { PROTOCOL_VERSION };

/** The longest reconnect delay. */
export const BACKOFF_MAX_MS = 10_000;

/** 1 s, 2 s, 4 s, … at most 10 s. @param {number} attempt 0 for the first retry */
export function backoff(attempt) {
  return Math.min(1000 * 2 ** attempt, BACKOFF_MAX_MS);
}

/**
 * A message as it goes on the wire: with the protocol version.
 * @param {import("./protocol.js").EtapisteWireMessage} message
 */
export function frame(message) {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...message });
}

/** The first message on a new socket. @param {string} token @param {string | null} [resume] @returns {Hello} */
export function helloMessage(token, resume = null) {
  /** @type {Hello} */
  const hello = { type: "hello", role: "official", token, client: "official-web" };
  if (resume) hello.resume = resume; // the last welcome's: the server keeps our call for us
  return hello;
}

/**
 * Ask the booth for a new offer: this page's connection to it is gone (a reload).
 * @param {string} sessionId @param {string} peer @returns {import("./protocol.js").RtcRestart}
 */
export function restartMessage(sessionId, peer) {
  return { type: "rtc.restart", session_id: sessionId, peer };
}

/**
 * Our answer to an offer, addressed to the peer that offered (the booth).
 * @param {string} sessionId @param {string} peer @param {string} sdp @returns {RtcAnswer}
 */
export function answerMessage(sessionId, peer, sdp) {
  return { type: "rtc.answer", session_id: sessionId, peer, sdp };
}

/**
 * The booth's ICE candidate as RTCPeerConnection.addIceCandidate takes it, or
 * null for the end-of-candidates marker (an empty candidate).
 * @param {RtcIce} message
 * @returns {RTCIceCandidateInit | null}
 */
export function iceCandidate(message) {
  if (!message.candidate) return null;
  const sdpMid = message.sdp_mid ?? null;
  return {
    candidate: message.candidate,
    sdpMid,
    // addIceCandidate needs one of the two; our media is bundled on line 0.
    sdpMLineIndex: message.sdp_mline_index ?? (sdpMid === null ? 0 : null),
  };
}

/**
 * What a call shows and needs, read from session.admitted and the lobby entry
 * the citizen waited in (for the point's name): our own peer id in the call and
 * the booth's, which every rtc.* message to or from the booth names.
 * @param {SessionAdmitted} message
 * @param {readonly LobbyEntry[]} lobby the latest presence snapshot's lobby
 * @returns {{ sessionId: string, boothId: string, boothName: string, boothPoint: string, peer: string, boothPeer: string,
 *   iceServers: RTCIceServer[] }}
 */
export function admittedCall(message, lobby) {
  const entry = lobby.find((e) => e.session_id === message.session_id);
  const booth = message.participants.find((p) => p.role === "booth");
  return {
    sessionId: message.session_id,
    boothId: entry ? entry.booth_id : "",
    boothName: message.booth_name,
    boothPoint: entry ? entry.point : "",
    peer: message.peer,
    boothPeer: booth ? booth.peer : "booth",
    iceServers: iceServersOf(message),
  };
}

/**
 * The ICE servers the backend gave us for this call (TURN with our own time-limited
 * credentials), as RTCPeerConnection takes them; never hard-coded. Empty without TURN.
 * @param {SessionAdmitted} message @returns {RTCIceServer[]}
 */
export function iceServersOf(message) {
  return (message.ice_servers || []).map((s) =>
    s.username || s.credential
      ? { urls: [...s.urls], username: s.username, credential: s.credential }
      : { urls: [...s.urls] });
}

/**
 * Whether a participant.left message means that we ourselves were taken out of the call.
 * @param {import("./protocol.js").ParticipantLeft} message @param {{ sessionId: string, peer: string } | null} call
 */
export function removedUs(message, call) {
  return call !== null && message.session_id === call.sessionId && message.peer === call.peer;
}

/**
 * How the status line reports a call the server ended: the text and whether
 * it is an error.
 * @param {SessionEndReason} reason
 * @returns {[string, "info" | "error"]}
 */
export function endNotice(reason) {
  switch (reason) {
    case "booth_offline": return [t("Call ended: booth went offline"), "error"];
    case "cancelled": return [t("Call ended: the citizen cancelled"), "info"];
    case "media_failed": return [t("Call ended: the video connection could not be set up"), "error"];
    default: return [t("Call ended"), "info"];
  }
}

/**
 * Whether the call's booth has a document camera to switch to, by its last device report in the
 * presence snapshot: "ok" (a document camera that is not missing), "missing" (the booth reported
 * its devices and none is a working document camera) or "unknown" (no report seen: let the server
 * decide; it refuses a camera the booth lacks). The same rule as the broker's ``has_camera``.
 * @param {readonly import("./protocol.js").BoothPresence[]} booths
 * @param {{ boothId: string, boothName: string }} call
 * @returns {"ok" | "missing" | "unknown"}
 */
export function documentCamera(booths, call) {
  const booth = booths.find((b) => (call.boothId ? b.booth_id === call.boothId : b.name === call.boothName));
  if (!booth || !booth.devices || booth.devices.length === 0) return "unknown";
  const working = booth.devices.some((d) => d.role === "document_camera" && d.state !== "missing");
  return working ? "ok" : "missing";
}
