// @ts-check
// A call's timeline in words, for the admin's "Calls" section: the verdict
// (whose trouble: the network, a device, the system, a person — or none), each
// event, each participant, and each quality report's figures. Pure: what the
// backend classified (backend/domain/call_quality.py) put into the admin's
// language; calls-view.js builds the page from it.

import { t } from "../official/i18n.js";

/**
 * @typedef {{ cause: "none" | "network" | "device" | "system" | "person", code: string, peer?: string | null,
 *   at?: number | null, detail?: string | null }} Verdict
 * @typedef {{ at: number, peer: string, role: string, kind: string, detail?: string | null,
 *   about_peer?: string | null }} TimelineEvent
 * @typedef {{ at: number, peer: string, role: string, about_peer: string, rtt_ms?: number | null,
 *   loss_pct?: number | null, jitter_ms?: number | null, fps?: number | null, width?: number | null,
 *   height?: number | null, concealed_pct?: number | null, pair?: string | null, level: string,
 *   reasons: string[] }} Sample
 */

/** The verdict's headline: whose trouble it was, or that there was none. @param {Verdict["cause"]} cause */
export function causeText(cause) {
  switch (cause) {
    case "network": return t("Network trouble");
    case "device": return t("Device trouble");
    case "system": return t("System trouble");
    case "person": return t("Ended by a person");
    default: return t("No trouble");
  }
}

/** A device's role in words. @param {string | null | undefined} role */
export function deviceName(role) {
  return {
    face_camera: t("Camera"), document_camera: t("Document camera"), microphone: t("Microphone"),
    speaker: t("Speaker"), printer: t("Printer"), card_reader: t("Card reader"), call_button: t("Call button"),
  }[role ?? ""] ?? (role || t("Device"));
}

/** Who a peer id is, in words: the booth, or an official or guest with their peer id. @param {string | null | undefined} peer */
export function who(peer) {
  if (!peer) return "";
  if (peer === "booth") return t("Booth");
  if (peer.startsWith("o")) return t("Official {peer}", { peer });
  if (peer.startsWith("g")) return t("Guest {peer}", { peer });
  return peer;
}

/** A figure's name, for "worse because of …". @param {string} figure */
export function figureName(figure) {
  return {
    loss_pct: t("packet loss"), rtt_ms: t("delay"), jitter_ms: t("uneven delay"), fps: t("frame rate"),
    concealed_pct: t("broken-up sound"),
  }[figure] ?? figure;
}

/** What the verdict's code says happened, in a sentence. @param {Verdict} v */
export function verdictText(v) {
  const at = who(v.peer);
  switch (v.code) {
    case "device_fault": return t("A device stopped working: {device} ({who}).", { device: deviceName(v.detail), who: at });
    case "connection_failed": return t("The connection failed ({who}).", { who: at });
    case "connection_disconnected": return t("The connection was interrupted ({who}).", { who: at });
    case "reconnecting": return t("The connection had to be set up again ({who}).", { who: at });
    case "booth_offline": return t("The booth lost its connection to the server while the network was working.");
    case "media_failed": return t("The video connection did not start although the network was working.");
    case "media_poor":
      return t("The picture or sound suffered although no packets were lost ({who}): {figure}. A computer did not keep up.",
        { who: at, figure: figureName(v.detail ?? "") });
    case "cancelled_in_lobby": return t("The citizen left before being admitted.");
    case "citizen_left": return t("The citizen left the call.");
    case "official_left": return t("The official stepped out and did not come back ({who}).", { who: at });
    case "in_progress": return t("The call is still going on.");
    case "hung_up": return t("The official ended the call; the connection was good.");
    default:
      if (v.code.startsWith("poor_")) {
        return t("The connection was poor for a long time ({who}): {figure}.",
          { who: at, figure: figureName(v.code.slice(5)) });
      }
      return v.code;
  }
}

/** One event in words. @param {TimelineEvent} e */
export function eventText(e) {
  switch (e.kind) {
    case "requested": return t("The citizen asked for an official.");
    case "joined": return t("Joined: {who}", { who: who(e.peer) });
    case "left": return t("Left: {who}", { who: who(e.peer) });
    case "ended": return endText(e.detail);
    case "connection_state":
    case "ice_state":
      return t("Connection {who} → {other}: {state}", { who: who(e.peer), other: who(e.about_peer), state: stateName(e.detail) });
    case "reconnecting": return t("Connecting again: {who}", { who: who(e.peer) });
    case "device_fault": return t("Stopped working: {device}", { device: deviceName(e.detail) });
    case "device_ok": return t("Works again: {device}", { device: deviceName(e.detail) });
    case "media_failed": return t("The video connection failed ({who}).", { who: who(e.peer) });
    default: return e.kind;
  }
}

/** Why the call ended, in words. @param {string | null | undefined} reason */
function endText(reason) {
  switch (reason) {
    case "hung_up": return t("The official ended the call.");
    case "booth_offline": return t("The call ended: the booth lost its connection.");
    case "cancelled": return t("The citizen left.");
    case "media_failed": return t("The call ended: the video connection failed.");
    default: return t("The call ended.");
  }
}

/** A connection state in words. @param {string | null | undefined} state */
function stateName(state) {
  return {
    new: t("new"), checking: t("checking"), connecting: t("connecting"), connected: t("connected"),
    completed: t("connected"), disconnected: t("interrupted"), failed: t("failed"), closed: t("closed"),
  }[state ?? ""] ?? (state || "");
}

/** A report's level in words. @param {string} level */
export function levelText(level) {
  return { good: t("Good"), fair: t("Fair"), poor: t("Poor") }[level] ?? level;
}

/** What the selected pair goes through. @param {string | null | undefined} pair */
export function pairText(pair) {
  return {
    host: t("direct"), srflx: t("through a NAT"), prflx: t("through a NAT"), relay_udp: t("TURN relay (UDP)"),
    relay_tcp: t("TURN relay (TCP)"), relay_tls: t("TURN relay (TLS)"), unknown: t("unknown"),
  }[pair ?? ""] ?? "";
}

/**
 * One quality report as table cells (time is the caller's): who measured, level with the reason,
 * round trip, loss, frame rate, picture size, path.
 * @param {Sample} s @param {(n: number | null | undefined, digits?: number) => string} num
 * @returns {string[]}
 */
export function sampleCells(s, num) {
  const level = s.reasons.length
    ? `${levelText(s.level)}: ${s.reasons.map(figureName).join(", ")}` : levelText(s.level);
  return [
    `${who(s.peer)} ← ${who(s.about_peer)}`,
    level,
    num(s.rtt_ms),
    num(s.loss_pct, 1),
    num(s.fps),
    s.width && s.height ? `${s.width}×${s.height}` : "–",
    pairText(s.pair),
  ];
}

/** Seconds from the call's start, as m:ss (the timeline's time column). @param {number} at @param {number} start */
export function sinceStart(at, start) {
  const s = Math.max(0, Math.round(at - start));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
