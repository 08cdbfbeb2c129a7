// @ts-check
// How the call's connection is doing, for the official's live quality
// indicator: figures from the browser's own getStats (what this page receives
// from the booth) and the booth's call.stats (what the booth receives from
// this page), graded good / fair / poor with the reason in words. Pure:
// call.js measures and sends, render.js shows.
//
// The thresholds are the backend's (backend/domain/call_quality.py), so what
// the official sees live and what the admin's timeline says afterwards agree.

import { t } from "./i18n.js";

/** @typedef {import("./protocol.js").CallStats} CallStats */
/** @typedef {"good" | "fair" | "poor"} Level */
/** @typedef {"rtt_ms" | "loss_pct" | "jitter_ms" | "concealed_pct" | "fps"} Figure */
/** @typedef {{level: Level, reasons: Figure[]}} Grade */
/**
 * Counters of the last getStats, to turn running totals into rates.
 * @typedef {{at: number, lost: number, received: number, bytesIn: number, bytesOut: number,
 *   frames: number, concealed: number, samples: number}} Snapshot
 */
/**
 * The figures of one connection over the last interval (call.stats' fields).
 * @typedef {Omit<CallStats, "type" | "v" | "session_id" | "peer">} Figures
 */

/** @type {Record<string, [number, number]>} fair from, poor from: more is worse */
export const WORSE_ABOVE = { loss_pct: [3, 10], rtt_ms: [300, 600], jitter_ms: [40, 100], concealed_pct: [5, 15] };
/** @type {Record<string, [number, number]>} fair below, poor below: less is worse */
export const WORSE_BELOW = { fps: [15, 8] };

/** How often the page measures and reports (ms). */
export const REPORT_EVERY_MS = 3000;

const ORDER = { good: 0, fair: 1, poor: 2 };

/**
 * good / fair / poor for one connection's figures, with the figures that made it so (poor first).
 * A figure that is absent counts as nothing to blame.
 * @param {Figures | null | undefined} f
 * @returns {Grade}
 */
export function grade(f) {
  if (!f) return { level: "good", reasons: [] };
  /** @type {Figure[]} */ const poor = [];
  /** @type {Figure[]} */ const fair = [];
  const figures = /** @type {Record<string, number | null | undefined>} */ (f);
  for (const [name, [fairFrom, poorFrom]] of Object.entries(WORSE_ABOVE)) {
    const value = figures[name];
    if (value == null) continue;
    if (value >= poorFrom) poor.push(/** @type {Figure} */ (name));
    else if (value >= fairFrom) fair.push(/** @type {Figure} */ (name));
  }
  for (const [name, [fairBelow, poorBelow]] of Object.entries(WORSE_BELOW)) {
    const value = figures[name];
    if (value == null) continue;
    if (value < poorBelow) poor.push(/** @type {Figure} */ (name));
    else if (value < fairBelow) fair.push(/** @type {Figure} */ (name));
  }
  if (poor.length) return { level: "poor", reasons: [...poor, ...fair] };
  if (fair.length) return { level: "fair", reasons: fair };
  return { level: "good", reasons: [] };
}

/** What a figure means to the official, in words. @param {Figure} figure */
function reasonWords(figure) {
  switch (figure) {
    case "loss_pct": return t("parts of the picture and sound are lost");
    case "rtt_ms": return t("there is a long delay");
    case "jitter_ms": return t("the delay is uneven");
    case "concealed_pct": return t("the sound breaks up");
    case "fps": return t("the picture is jerky");
    default: return "";
  }
}

/**
 * The indicator for one party's link (the booth's, or a guest's): the worse of what this page
 * receives (`mine`) and what that party receives (`booth`: the booth's or the guest's call.stats),
 * with the reason and whose end it shows at (`party`: "booth", or "guest" — "at their end").
 * @param {Figures | null} mine @param {Figures | null} booth @param {"booth" | "guest"} [party]
 * @returns {{level: Level | "unknown", text: string, detail: string}}
 */
export function linkQuality(mine, booth, party = "booth") {
  if (!mine && !booth) return { level: "unknown", text: t("Measuring the connection…"), detail: "" };
  const here = grade(mine);
  const there = grade(booth);
  const worse = ORDER[there.level] > ORDER[here.level] ? there : here;
  const label = { good: t("Good connection"), fair: t("Fair connection"), poor: t("Poor connection") }[worse.level];
  if (worse.level === "good") return { level: "good", text: label, detail: figuresLine(mine, booth) };
  const why = reasonWords(worse.reasons[0]);
  const thereWords = party === "guest" ? t("at their end {reason}", { reason: why }) : t("at the booth {reason}", { reason: why });
  const reason = worse === there ? thereWords : t("here {reason}", { reason: why });
  return { level: worse.level, text: `${label}: ${reason}`, detail: figuresLine(mine, booth) };
}

/**
 * The figures behind the indicator, short: the longer of the two ends' round trips, the larger
 * loss, and the frame rate this page decodes.
 * @param {Figures | null} mine @param {Figures | null} booth
 */
function figuresLine(mine, booth) {
  if (!mine && !booth) return "";
  /** @type {string[]} */ const parts = [];
  const rtts = [mine?.rtt_ms, booth?.rtt_ms].filter((x) => x != null).map(Number);
  if (rtts.length) parts.push(t("delay {ms} ms", { ms: Math.round(Math.max(...rtts)) }));
  const loss = Math.max(mine?.loss_pct ?? 0, booth?.loss_pct ?? 0);
  parts.push(t("loss {pct} %", { pct: loss.toFixed(1) }));
  if (mine?.fps != null) parts.push(t("{fps} frames/s", { fps: Math.round(mine.fps) }));
  return parts.join(" · ");
}

/**
 * This page's figures for one connection from an RTCPeerConnection.getStats() report's entries,
 * and the counters to measure the next interval against. Rates need a previous snapshot: the
 * first call gives the running totals' share over the whole connection so far.
 * @param {Iterable<any>} entries the report's values
 * @param {Snapshot | null} previous
 * @param {number} now ms
 * @returns {{figures: Figures, snapshot: Snapshot}}
 */
export function figuresFrom(entries, previous, now) {
  const all = [...entries];
  const byId = new Map(all.map((s) => [s.id, s]));
  /** @type {Figures} */ const f = {};
  const transport = all.find((s) => s.type === "transport" && s.selectedCandidatePairId);
  const pair = transport ? byId.get(transport.selectedCandidatePairId)
    : all.find((s) => s.type === "candidate-pair" && s.nominated && s.state === "succeeded");
  if (pair) {
    if (pair.currentRoundTripTime != null) f.rtt_ms = round(pair.currentRoundTripTime * 1000);
    const local = byId.get(pair.localCandidateId);
    const remote = byId.get(pair.remoteCandidateId);
    f.pair = pairType(local, remote);
  }
  let lost = 0, received = 0, bytesIn = 0, bytesOut = 0, frames = 0, concealed = 0, samples = 0;
  for (const s of all) {
    if (s.type === "inbound-rtp") {
      lost += s.packetsLost || 0;
      received += s.packetsReceived || 0;
      bytesIn += s.bytesReceived || 0;
      if (s.kind === "video") {
        frames += s.framesDecoded || 0;
        if (s.frameWidth && s.frameHeight) { f.width = s.frameWidth; f.height = s.frameHeight; }
      } else if (s.kind === "audio") {
        concealed += s.concealedSamples || 0;
        samples += s.totalSamplesReceived || 0;
        if (s.jitter != null) f.jitter_ms = round(s.jitter * 1000);
      }
    } else if (s.type === "outbound-rtp") {
      bytesOut += s.bytesSent || 0;
    }
  }
  /** @type {Snapshot} */
  const snapshot = { at: now, lost, received, bytesIn, bytesOut, frames, concealed, samples };
  const base = previous && previous.at < now ? previous
    : { at: now, lost: 0, received: 0, bytesIn: 0, bytesOut: 0, frames: 0, concealed: 0, samples: 0 };
  const dLost = Math.max(0, lost - base.lost);
  const dReceived = Math.max(0, received - base.received);
  if (dLost + dReceived > 0) f.loss_pct = clamp(round((100 * dLost) / (dLost + dReceived)), 100);
  const dSamples = samples - base.samples;
  if (dSamples > 0) f.concealed_pct = clamp(round((100 * Math.max(0, concealed - base.concealed)) / dSamples), 100);
  const seconds = (now - base.at) / 1000;
  if (seconds > 0) {
    f.fps = clamp(round(Math.max(0, frames - base.frames) / seconds), 240);
    f.kbps_in = round((8 * Math.max(0, bytesIn - base.bytesIn)) / 1000 / seconds);
    f.kbps_out = round((8 * Math.max(0, bytesOut - base.bytesOut)) / 1000 / seconds);
  }
  return { figures: f, snapshot };
}

/**
 * The selected pair's type as call.stats names it: relayed (and over what), through a NAT, or direct.
 * @param {any} local @param {any} remote
 * @returns {NonNullable<CallStats["pair"]>}
 */
export function pairType(local, remote) {
  const types = [local?.candidateType, remote?.candidateType];
  if (local?.candidateType === "relay") {
    const over = local.relayProtocol;
    return over === "tls" ? "relay_tls" : over === "tcp" ? "relay_tcp" : "relay_udp";
  }
  if (types.includes("relay")) return "relay_udp";
  if (types.includes("srflx")) return "srflx";
  if (types.includes("prflx")) return "prflx";
  if (types.includes("host")) return "host";
  return "unknown";
}

/** @param {number} x */
function round(x) {
  return Math.round(x * 10) / 10;
}

/** @param {number} x @param {number} max */
function clamp(x, max) {
  return Math.max(0, Math.min(max, x));
}

/**
 * The call.stats message for this page's connection to `peer`.
 * @param {string} sessionId @param {string} peer @param {Figures} figures
 * @returns {CallStats}
 */
export function statsMessage(sessionId, peer, figures) {
  return { type: "call.stats", session_id: sessionId, peer, ...figures };
}

/**
 * The call.event message for a connection state of this page's connection to `peer`.
 * @param {string} sessionId @param {string} peer @param {string} connectionState
 * @returns {import("./protocol.js").CallEvent}
 */
export function stateEvent(sessionId, peer, connectionState) {
  return { type: "call.event", session_id: sessionId, kind: "connection_state", peer, detail: connectionState };
}
