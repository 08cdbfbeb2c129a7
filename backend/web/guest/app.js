// @ts-check
// The invited third party's page: a thin shell over flow.js. It asks the backend about the link
// (POST, so the token is never in a URL a server logs), checks the camera and microphone, has a
// one-time code sent to the invited phone or e-mail and confirms it, shows the privacy notice
// and waits for the official. The texts and language choice are the official app's (i18n.js).

import { currentLanguage, offerLanguages, onLanguageChange, t, tn, translateStatic } from "../official/i18n.js";
import { figuresFrom, REPORT_EVERY_MS, statsMessage } from "../official/quality.js";
import { frame, iceCandidate, iceServersOf } from "../official/signalling.js";
import { readStored, store } from "../official/storage.js";
import { checkMessage } from "../official/validation.js";
import { codeProblem, stepOf, tokenOf } from "./flow.js";

/** @template {HTMLElement} T @param {string} id @param {new () => T} type @returns {T} */
function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return node;
}

const STEPS = ["checking", "gone", "not_yet", "devices", "code", "notice", "lobby", "call"];
const token = tokenOf(location.hash);
const deviceKey = token ? `etapiste.guest.${token.slice(0, 12)}` : "";
/** @type {MediaStream | null} */
let stream = null;

/** @param {string} step */
function show(step) {
  document.body.dataset.step = step;
  for (const s of STEPS) byId(`step-${s}`, HTMLElement).hidden = s !== step;
}

/** @param {string} url @param {Record<string, unknown>} body */
async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  let detail = "";
  /** @type {Record<string, unknown>} */
  let json = {};
  try {
    json = await response.json();
    detail = typeof json.detail === "string" ? json.detail : "";
  } catch { /* an empty or broken answer: the status says enough */ }
  return { status: response.status, json, detail };
}

async function checkLink() {
  if (!token) { show("gone"); return; }
  const device = readStored("local", deviceKey);
  const { status, json } = await post("/api/guest/link", device ? { token, device_token: device } : { token });
  show(status === 200 ? stepOf({ state: String(json.state) }, Boolean(device)) : "gone");
  if (document.body.dataset.step === "devices") await startDevices();
  else if (document.body.dataset.step === "notice") await startDevices(); // the camera for the call
}

async function startDevices() {
  const result = byId("device-result", HTMLElement);
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    // Signs are movement: when the computer or the line cannot keep up, the browser keeps the frame
    // rate (sign language needs 15 a second or more) and gives up sharpness instead.
    for (const track of stream.getVideoTracks()) track.contentHint = "motion";
  } catch {
    result.textContent = t("No camera or microphone: the others could not see or hear you.");
    return;
  }
  byId("preview", HTMLVideoElement).srcObject = stream;
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  ctx.createMediaStreamSource(stream).connect(analyser);
  const data = new Uint8Array(analyser.fftSize);
  const meter = byId("mic-meter", HTMLMeterElement);
  const tick = () => {
    analyser.getByteTimeDomainData(data);
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
    meter.value = Math.min(100, Math.round((peak / 128) * 100));
    if (document.body.dataset.step === "devices") requestAnimationFrame(tick);
  };
  tick();
}

async function sendCode() {
  const error = byId("code-error", HTMLElement);
  const { status, detail } = await post("/api/guest/code", { token, language: currentLanguage() });
  if (status === 202) { error.textContent = t("A code is on its way."); return; }
  const problem = codeProblem(status, detail);
  if (problem.gone) show("gone");
  else error.textContent = problem.text;
}

async function confirmCode() {
  const error = byId("code-error", HTMLElement);
  const code = byId("code", HTMLInputElement).value.trim();
  if (!/^\d{4,12}$/.test(code)) { error.textContent = t("Type the code from the message."); return; }
  const { status, json, detail } = await post("/api/guest/verify", { token, code });
  if (status === 200 && typeof json.device_token === "string") {
    store("local", deviceKey, json.device_token);
    show("notice");
    return;
  }
  const problem = codeProblem(status, detail);
  if (problem.gone) { show("gone"); return; }
  error.textContent = problem.triesLeft !== undefined
    ? `${problem.text} ${tn("{n} try left", "{n} tries left", problem.triesLeft)}`
    : problem.text;
}

// --- the call: the websocket as a guest, and one peer connection per peer that offers (the booth) ---

/** @type {WebSocket | null} */
let ws = null;
/** @type {{ sessionId: string, peer: string, iceServers: RTCIceServer[] } | null} */
let call = null;
/** @type {Map<string, RTCPeerConnection>} */
const peers = new Map();
/** Offers that overtook our session.admitted (the booth offers as soon as it hears we joined). @type {import("../official/protocol.js").RtcOffer[]} */
let early = [];

/** @param {import("../official/protocol.js").EtapisteWireMessage} message */
function sendWire(message) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame(message));
}

function join() {
  const device = readStored("local", deviceKey);
  if (!device || ws) return;
  ws = new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`);
  const socket = ws;
  socket.addEventListener("open", () => socket.send(frame({ type: "hello", role: "guest", token: device, client: "guest-web" })));
  socket.addEventListener("message", (event) => {
    let parsed;
    try { parsed = JSON.parse(String(event.data)); } catch { return; }
    const checked = checkMessage(parsed);
    if (!checked.ok) console.warn("guest: a message failed its check:", checked.errors.join("; "));
    if (checked.ok) onMessage(checked.message).catch((err) => console.warn("guest:", err instanceof Error ? err.message : err));
  });
  socket.addEventListener("close", (event) => {
    ws = null;
    for (const pc of peers.values()) pc.close();
    peers.clear();
    if (event.code === 4001) { show("gone"); return; } // removed, refused or the link ended
    if (document.body.dataset.step !== "gone") { show("lobby"); setTimeout(join, 2000); } // a dropped line: back to the door
  });
}

/** @param {import("../official/protocol.js").EtapisteWireMessage} m */
async function onMessage(m) {
  switch (m.type) {
    case "guest.status":
      show(m.state === "refused" ? "gone" : "lobby");
      return;
    case "participant.muted":
      if (!call || m.session_id !== call.sessionId) return;
      setMicrophone(false);
      byId("muted-notice", HTMLElement).hidden = false;
      return;
    case "session.admitted":
      call = { sessionId: m.session_id, peer: m.peer, iceServers: iceServersOf(m) }; // our own TURN credentials
      show("call");
      setMicrophone(true);
      if (stream) byId("self-view", HTMLVideoElement).srcObject = stream;
      for (const offer of early.splice(0)) if (offer.session_id === m.session_id) await onMessage(offer);
      // Between browsers the later joiner offers: we offer to each official already in the call.
      for (const p of m.participants) if (p.role === "official") await offerTo(p.peer, m.session_id);
      return;
    case "participant.left":
      if (call && m.peer === call.peer) { show("gone"); return; }
      peers.get(m.peer)?.close();
      peers.delete(m.peer);
      document.getElementById(`remote-${m.peer}`)?.remove();
      return;
    case "session.left":
    case "session.ended":
      call = null;
      show(m.type === "session.left" ? "lobby" : "gone");
      return;
    case "rtc.offer": {
      if (!call) { early = [...early.slice(-7), m]; return; }
      const pc = newPeer(m.peer, call.sessionId);
      await pc.setRemoteDescription({ type: "offer", sdp: m.sdp });
      for (const track of stream ? stream.getTracks() : []) pc.addTrack(track, /** @type {MediaStream} */ (stream));
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      sendWire({ type: "rtc.answer", session_id: call.sessionId, peer: m.peer, sdp: answer.sdp || "" });
      return;
    }
    case "rtc.answer": {
      const pc = peers.get(m.peer);
      if (pc) await pc.setRemoteDescription({ type: "answer", sdp: m.sdp });
      return;
    }
    case "rtc.ice": {
      const candidate = iceCandidate(m);
      const pc = peers.get(m.peer);
      if (candidate && pc) await pc.addIceCandidate(candidate).catch(() => {});
      return;
    }
    default:
      return;
  }
}

/** A fresh peer connection to `peer` whose pictures and sound show in #remotes. @param {string} peer @param {string} session */
function newPeer(peer, session) {
  peers.get(peer)?.close();
  const pc = new RTCPeerConnection({ iceServers: call?.iceServers ?? [] });
  peers.set(peer, pc);
  pc.addEventListener("icecandidate", (e) => {
    if (!e.candidate) return;
    sendWire({ type: "rtc.ice", session_id: session, peer, candidate: e.candidate.candidate,
      sdp_mid: e.candidate.sdpMid, sdp_mline_index: e.candidate.sdpMLineIndex });
  });
  pc.addEventListener("track", (e) => {
    const found = document.getElementById(`remote-${peer}`);
    let v = found instanceof HTMLVideoElement ? found : null;
    if (!v) {
      v = document.createElement("video");
      v.id = `remote-${peer}`;
      v.autoplay = true;
      v.setAttribute("playsinline", "");
      v.dataset.peer = peer;
      byId("remotes", HTMLElement).append(v);
    }
    const remote = v.srcObject instanceof MediaStream ? v.srcObject : new MediaStream();
    remote.addTrack(e.track);
    v.srcObject = remote;
  });
  return pc;
}

/** Offer our camera and microphone to another browser in the call (an official). @param {string} peer @param {string} session */
async function offerTo(peer, session) {
  const pc = newPeer(peer, session);
  for (const track of stream ? stream.getTracks() : []) pc.addTrack(track, /** @type {MediaStream} */ (stream));
  if (!stream) { pc.addTransceiver("video", { direction: "recvonly" }); pc.addTransceiver("audio", { direction: "recvonly" }); }
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  sendWire({ type: "rtc.offer", session_id: session, peer, sdp: offer.sdp || "" });
}

// --- my microphone, and how my connections are doing ---

let micOn = true;

/** My microphone on or off: the track stays in the call and sends silence. @param {boolean} on */
function setMicrophone(on) {
  micOn = on;
  for (const track of stream ? stream.getAudioTracks() : []) track.enabled = on;
  const button = byId("mic-toggle", HTMLButtonElement);
  button.textContent = on ? t("Mute") : t("Unmute");
  button.setAttribute("aria-pressed", String(!on));
  if (on) byId("muted-notice", HTMLElement).hidden = true;
}

/** Counters of each connection's last getStats, to turn totals into rates. @type {WeakMap<RTCPeerConnection, import("../official/quality.js").Snapshot>} */
const snapshots = new WeakMap();

/** Every few seconds, each connection's figures to the backend (call.stats, as the official's page
 * does): the official sees my connection's quality, and the call's timeline keeps it. Figures only. */
function reportStats() {
  if (!call) return;
  const sessionId = call.sessionId;
  for (const [peer, pc] of peers) {
    if (pc.connectionState !== "connected") continue;
    pc.getStats().then((report) => {
      const { figures, snapshot } = figuresFrom(report.values(), snapshots.get(pc) ?? null, Date.now());
      const first = !snapshots.has(pc);
      snapshots.set(pc, snapshot);
      if (!first && call && call.sessionId === sessionId) sendWire(statsMessage(sessionId, peer, figures));
    }).catch(() => { /* a closing connection */ });
  }
}

// Read-only hooks for the automated browser tests: the peer connections by peer id, the microphone.
Object.defineProperty(window, "etapisteGuest", {
  value: Object.freeze({ pcs: () => Object.fromEntries(peers), micOn: () => micOn }),
  enumerable: true,
});

function init() {
  onLanguageChange(() => translateStatic());
  offerLanguages([byId("language", HTMLSelectElement)], () => {});
  byId("devices-ok", HTMLButtonElement).addEventListener("click", () => show("code"));
  byId("code-send", HTMLButtonElement).addEventListener("click", () => { sendCode().catch(() => show("gone")); });
  byId("code-form", HTMLFormElement).addEventListener("submit", (e) => {
    e.preventDefault();
    confirmCode().catch(() => { byId("code-error", HTMLElement).textContent = t("Something went wrong. Try again."); });
  });
  byId("notice-ok", HTMLButtonElement).addEventListener("click", () => { show("lobby"); join(); });
  byId("mic-toggle", HTMLButtonElement).addEventListener("click", () => setMicrophone(!micOn));
  setInterval(reportStats, REPORT_EVERY_MS);
  checkLink().catch(() => show("gone"));
}

init();
