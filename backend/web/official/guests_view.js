// @ts-check
// The call view's third parties: invite an interpreter or a support person into this call by
// one-time link (POST /api/calls/{id}/guests; the link goes by SMS or e-mail through the
// backend's outbox), see the invitations and cancel a link. The form's rules are guests.js's.

import { send } from "./connection.js";
import { el, setText } from "./dom.js";
import { currentLanguage, t } from "./i18n.js";
import { inviteRequest, revocable, roleText, stateText } from "./guests.js";
import { figuresFrom, linkQuality, statsMessage } from "./quality.js";
import { state } from "./state.js";

/** @typedef {import("./guests.js").Invitation} Invitation */
/** @typedef {import("./protocol.js").GuestWaiting} GuestWaiting */

/** Guests at the door of my call, by guest id: shown until I admit or refuse them. @type {Map<string, GuestWaiting>} */
const waiting = new Map();
/** Guests in my call now, by peer id: their name, and a button to remove them. @type {Map<string, { sessionId: string, name: string }>} */
const inCall = new Map();

/** Peer connections to guests (they offer: between browsers the later joiner does), and what they send. */
const guestPeers = new Map(/** @type {[string, RTCPeerConnection][]} */ ([]));
const guestStreams = new Map(/** @type {[string, MediaStream][]} */ ([]));
/**
 * Each guest's link quality: what this page measures of it (`mine`, with the counters to measure the
 * next interval against) and what the guest's page reports of it (`theirs`, its call.stats).
 * @type {Map<string, { snapshot: import("./quality.js").Snapshot | null,
 *   mine: import("./quality.js").Figures | null, theirs: import("./quality.js").Figures | null }>}
 */
const guestQuality = new Map();

/** @param {string} peer */
function qualityOf(peer) {
  let q = guestQuality.get(peer);
  if (!q) { q = { snapshot: null, mine: null, theirs: null }; guestQuality.set(peer, q); }
  return q;
}

/** The badge of one guest's connection: a dot and the words (the booth's indicator's rule). @param {string} peer */
function qualityBadge(peer) {
  const q = qualityOf(peer);
  const quality = linkQuality(q.mine, q.theirs, "guest");
  const badge = document.createElement("span");
  badge.className = "quality";
  badge.dataset.level = quality.level;
  badge.dataset.testid = "guest-quality";
  badge.setAttribute("role", "status");
  const dot = document.createElement("span");
  dot.className = "quality-dot";
  dot.setAttribute("aria-hidden", "true");
  const text = document.createElement("span");
  text.textContent = quality.text;
  const detail = document.createElement("span");
  detail.className = "quality-detail";
  detail.textContent = quality.detail;
  badge.append(dot, text, detail);
  return badge;
}

/**
 * Measure each guest's connection (called with the booth's, every few seconds): the badge, and a
 * call.stats for the call's timeline. Figures only, never content.
 * @param {string} sessionId
 */
export function measureGuestLinks(sessionId) {
  for (const [peer, pc] of guestPeers) {
    if (pc.connectionState !== "connected") continue;
    pc.getStats().then((report) => {
      if (guestPeers.get(peer) !== pc) return;
      const q = qualityOf(peer);
      const { figures, snapshot } = figuresFrom(report.values(), q.snapshot, Date.now());
      const first = q.snapshot === null;
      q.snapshot = snapshot;
      if (first) return; // totals since the start: the next interval gives rates
      q.mine = figures;
      send(statsMessage(sessionId, peer, figures));
      updateBadge(peer);
    }).catch(() => { /* a closing connection: the next round measures again */ });
  }
}

/** A guest's own figures for their connection to this page (relayed naming them). @param {import("./protocol.js").CallStats} message */
export function onGuestStats(message) {
  if (!state.call || state.call.sessionId !== message.session_id) return;
  qualityOf(message.peer).theirs = message;
  updateBadge(message.peer);
}

/** @param {string} peer */
function updateBadge(peer) {
  const row = [...el.guestInCall.children].find((li) => li instanceof HTMLElement && li.dataset.peer === peer);
  const old = row && row.querySelector(".quality");
  if (old) old.replaceWith(qualityBadge(peer));
}

/** The quality badges of the guests in the call, for the automated browser tests. */
export function guestQualityLevels() {
  return Object.fromEntries([...inCall.keys()].map((peer) => {
    const q = qualityOf(peer);
    return [peer, { level: linkQuality(q.mine, q.theirs, "guest").level, mine: !!q.mine, theirs: !!q.theirs }];
  }));
}

function showInCall() {
  const call = state.call;
  const rows = [...inCall].filter(([, g]) => call && g.sessionId === call.sessionId).map(([peer, g]) => {
    const li = document.createElement("li");
    li.dataset.peer = peer;
    const video = document.createElement("video");
    video.autoplay = true;
    video.setAttribute("playsinline", "");
    video.className = "guest-video";
    video.dataset.peer = peer;
    const media = guestStreams.get(peer);
    if (media) video.srcObject = media;
    li.append(video);
    const text = document.createElement("span");
    text.textContent = t("{name} is in the call", { name: g.name });
    const mute = document.createElement("button");
    mute.type = "button";
    mute.className = "button";
    mute.dataset.testid = "guest-mute";
    mute.textContent = t("Mute");
    mute.addEventListener("click", () => {
      if (send({ type: "participant.mute", session_id: g.sessionId, peer })) {
        setText(el.guestStatus, t("{name}'s microphone is muted; they can turn it on again.", { name: g.name }));
      }
    });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button danger";
    remove.dataset.testid = "guest-remove";
    remove.textContent = t("Remove from the call");
    remove.addEventListener("click", () => {
      send({ type: "participant.remove", session_id: g.sessionId, peer });
    });
    li.append(text, qualityBadge(peer), mute, remove);
    return li;
  });
  el.guestInCall.replaceChildren(...rows);
}

/** Someone joined my call: a guest gets a line with "Remove from the call". @param {import("./protocol.js").ParticipantJoined} message */
export function onParticipantJoined(message) {
  if (!state.call || state.call.sessionId !== message.session_id || message.participant.role !== "guest") return;
  inCall.set(message.participant.peer, { sessionId: message.session_id, name: message.participant.name });
  showInCall();
  refreshGuests().catch(() => {});
}

/** The peer connections to guests, by peer id (read by the automated browser tests). */
export function guestConnections() {
  return Object.fromEntries(guestPeers);
}

/** Whether an rtc.* message is from a guest's browser (guest peer ids start with "g"). @param {string} peer */
export function isGuestPeer(peer) {
  return inCall.has(peer) || /^g\d+$/.test(peer);
}

/** A guest offers their camera and microphone: answer with mine. @param {import("./protocol.js").RtcOffer} message */
export async function onGuestOffer(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id) return;
  const peer = message.peer;
  guestPeers.get(peer)?.close();
  const pc = new RTCPeerConnection({ iceServers: call.iceServers }); // the call's TURN, as for the booth
  guestPeers.set(peer, pc);
  guestQuality.delete(peer); // a new connection: measured afresh
  pc.addEventListener("icecandidate", (e) => {
    if (!e.candidate) return;
    send({ type: "rtc.ice", session_id: call.sessionId, peer, candidate: e.candidate.candidate,
      sdp_mid: e.candidate.sdpMid, sdp_mline_index: e.candidate.sdpMLineIndex });
  });
  pc.addEventListener("track", (e) => {
    const media = guestStreams.get(peer) || new MediaStream();
    media.addTrack(e.track);
    guestStreams.set(peer, media);
    showInCall();
  });
  await pc.setRemoteDescription({ type: "offer", sdp: message.sdp });
  const local = state.localStream;
  if (local) for (const track of local.getTracks()) pc.addTrack(track, local);
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  send({ type: "rtc.answer", session_id: call.sessionId, peer, sdp: answer.sdp || "" });
}

/** A guest's ICE candidate. @param {import("./protocol.js").RtcIce} message */
export function onGuestIce(message) {
  const pc = guestPeers.get(message.peer);
  if (!pc || !message.candidate) return;
  const sdpMid = message.sdp_mid ?? null;
  pc.addIceCandidate({ candidate: message.candidate, sdpMid, sdpMLineIndex: message.sdp_mline_index ?? (sdpMid === null ? 0 : null) })
    .catch(() => {});
}

/** @param {string} peer */
function closeGuestPeer(peer) {
  guestPeers.get(peer)?.close();
  guestPeers.delete(peer);
  guestStreams.delete(peer);
  guestQuality.delete(peer);
}

/** Someone left my call (removed, or gone). @param {import("./protocol.js").ParticipantLeft} message */
export function onGuestLeft(message) {
  closeGuestPeer(message.peer);
  if (inCall.delete(message.peer)) {
    showInCall();
    refreshGuests().catch(() => {});
  }
}

function showWaiting() {
  const call = state.call;
  el.guestWaiting.replaceChildren(...[...waiting.values()].filter((g) => call && g.session_id === call.sessionId).map((g) => {
    const li = document.createElement("li");
    const text = document.createElement("span");
    const lang = g.language ? ` (${g.language})` : "";
    text.textContent = t("{name}, {role}, is waiting to join", { name: g.name, role: `${roleText(g.guest_role)}${lang}` });
    /** @param {string} label @param {"guest.admit" | "guest.refuse"} type @param {string} className */
    const act = (label, type, className) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = className;
      b.textContent = label;
      b.addEventListener("click", () => {
        if (send({ type, session_id: g.session_id, guest_id: g.guest_id })) {
          waiting.delete(g.guest_id);
          showWaiting();
          refreshGuests().catch(() => {});
        }
      });
      return b;
    };
    li.append(text, act(t("Let in"), "guest.admit", "button primary"), act(t("Turn away"), "guest.refuse", "button"));
    return li;
  }));
}

/** An invited guest is at the door of my call. @param {GuestWaiting} message */
export function onGuestWaiting(message) {
  if (!state.call || state.call.sessionId !== message.session_id) return;
  waiting.set(message.guest_id, message);
  showWaiting();
}

/** @param {string} method @param {string} url @param {unknown} [body] */
async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${state.token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = null;
  try { json = await response.json(); } catch { /* no body */ }
  return { ok: response.ok, status: response.status, json };
}

/** @param {unknown} json */
function detailOf(json) {
  const detail = json && typeof json === "object" && "detail" in json ? json.detail : null;
  return typeof detail === "string" ? detail : t("Something went wrong. Try again.");
}

/** @param {Invitation[]} list */
function showList(list) {
  el.guestList.replaceChildren(...list.map((inv) => {
    const li = document.createElement("li");
    li.dataset.state = inv.state;
    const lang = inv.language ? ` (${inv.language})` : "";
    const text = document.createElement("span");
    text.textContent = `${inv.name || "–"} · ${roleText(inv.role)}${lang} · ${stateText(inv.state)}`;
    li.append(text);
    if (revocable(inv)) {
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "button quiet";
      cancel.textContent = t("Cancel the link");
      cancel.addEventListener("click", () => { revoke(inv.id).catch(() => setText(el.guestStatus, t("Something went wrong. Try again."))); });
      li.append(cancel);
    }
    return li;
  }));
}

/** Load this call's invitations (after admitting, and after every change). */
export async function refreshGuests() {
  const call = state.call;
  showWaiting();
  if (!call) { inCall.clear(); for (const peer of [...guestPeers.keys()]) closeGuestPeer(peer); }
  showInCall();
  if (!call) { el.guestList.replaceChildren(); return; }
  const r = await api("GET", `/api/calls/${encodeURIComponent(call.sessionId)}/guests`);
  if (r.ok && Array.isArray(r.json)) showList(/** @type {Invitation[]} */ (r.json));
}

/** @param {string} id */
async function revoke(id) {
  const r = await api("DELETE", `/api/guests/${encodeURIComponent(id)}`);
  setText(el.guestStatus, r.ok ? t("The link no longer works.") : detailOf(r.json));
  await refreshGuests();
}

async function invite() {
  const call = state.call;
  if (!call) return;
  const request = inviteRequest({
    role: el.guestRole.value,
    language: el.guestLanguage.value,
    name: el.guestName.value,
    phone: el.guestPhone.value,
    email: el.guestEmail.value,
    messageLanguage: currentLanguage(),
  });
  if (!request.body) { setText(el.guestStatus, request.problem); return; }
  const r = await api("POST", `/api/calls/${encodeURIComponent(call.sessionId)}/guests`, request.body);
  if (!r.ok) { setText(el.guestStatus, detailOf(r.json)); return; }
  el.guestForm.reset();
  setText(el.guestStatus, t("The link is on its way."));
  await refreshGuests();
}

export function initGuests() {
  const languageShown = () => { el.guestLanguage.disabled = el.guestRole.value !== "spoken_interpreter"; };
  el.guestRole.addEventListener("change", languageShown);
  languageShown();
  el.guestForm.addEventListener("submit", (e) => {
    e.preventDefault();
    invite().catch(() => setText(el.guestStatus, t("Something went wrong. Try again.")));
  });
}
