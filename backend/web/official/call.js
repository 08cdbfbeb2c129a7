// @ts-check
// The call: Admit, session.admitted, the booth's WebRTC offer and our answer,
// ICE, the camera and microphone, and ending or leaving the call.
//
// The booth's aiortc does not trickle and cannot renegotiate: every rtc.offer
// is answered on a fresh RTCPeerConnection with a complete answer (ICE
// gathered first). The rtc.* messages themselves are built in signalling.js.

import { volumeMessage } from "./booth_audio.js";
import { send } from "./connection.js";
import { el } from "./dom.js";
import { errorText } from "./format.js";
import { currentLanguage, t } from "./i18n.js";
import { identDone, identUnderWay, nextIdent } from "./identification.js";
import { printStatusView, slipLanguage } from "./printing.js";
import { measureGuestLinks, refreshGuests } from "./guests_view.js";
import { endShare, prepareShareTransceiver } from "./screen_share.js";
import { dropStills, receiveStill } from "./stillview.js";
import { render, renderCall, renderLobby } from "./render.js";
import { admittedCall, answerMessage, endNotice, iceCandidate, removedUs, restartMessage } from "./signalling.js";
import { figuresFrom, REPORT_EVERY_MS, stateEvent, statsMessage } from "./quality.js";
import { unlockAudio } from "./sound.js";
import { state } from "./state.js";
import { clearStatus, setStatus } from "./status.js";

/** @typedef {import("./state.js").Call} Call */
/** @typedef {import("./protocol.js").SessionAdmitted} SessionAdmitted */
/** @typedef {import("./protocol.js").SessionEnded} SessionEnded */
/** @typedef {import("./protocol.js").RtcOffer} RtcOffer */
/** @typedef {import("./protocol.js").RtcIce} RtcIce */

const ADMIT_TIMEOUT_MS = 15_000; // give up waiting for session.admitted
const ICE_GATHER_TIMEOUT_MS = 3_000; // the booth's aiortc does not trickle: send a full answer
const MAX_PENDING_ICE = 100;

// --- the official's actions ------------------------------------------------------------

/** Admit a waiting citizen: ask the server, and get the camera ready meanwhile. @param {string} sessionId */
export function admit(sessionId) {
  if (state.call || state.admitting || !state.connected) return;
  unlockAudio();
  // Ask for the camera now, inside the click: the permission prompt (if any)
  // then runs while the booth prepares its offer.
  ensureLocalMedia();
  if (!send({ type: "session.admit", session_id: sessionId })) {
    setStatus(t("Not connected to the server; try again in a moment."), "error");
    return;
  }
  const timer = setTimeout(() => {
    if (state.admitting && state.admitting.sessionId === sessionId) {
      clearAdmitting();
      setStatus(t("The server did not confirm the admission. Please try again."), "error");
      renderLobby();
    }
  }, ADMIT_TIMEOUT_MS);
  state.admitting = { sessionId, timer };
  renderLobby();
}

export function clearAdmitting() {
  if (state.admitting) clearTimeout(state.admitting.timer);
  state.admitting = null;
}

export function hangUp() {
  const call = state.call;
  if (!call) return;
  const told = send({ type: "session.end", session_id: call.sessionId });
  teardownCall();
  if (told) setStatus(t("Call ended"), "info");
  else setStatus(t("Call ended here, but the server could not be told (no connection)."), "error");
  render();
}

export function returnToLobby() {
  const call = state.call;
  if (!call) return;
  if (!send({ type: "session.leave", session_id: call.sessionId })) {
    setStatus(t("Not connected to the server; the citizen cannot be returned to the lobby right now."), "error");
    return;
  }
  teardownCall();
  setStatus(t("The citizen was returned to the lobby"), "info");
  render();
}

/** Switch what the booth sends: the citizen's face or the document camera. */
export function toggleCamera() {
  const call = state.call;
  if (!call) return;
  const next = call.camera === "face" ? "document" : "face";
  if (send({ type: "camera.select", session_id: call.sessionId, source: next })) {
    call.camera = next;
    renderCall();
  }
}

/** Mute the citizen's microphone at the booth (they can turn it on again there, with "Unmute"). */
export function muteBooth() {
  const call = state.call;
  if (!call) return;
  if (send({ type: "participant.mute", session_id: call.sessionId, peer: call.boothPeer })) {
    setStatus(t("The citizen's microphone is muted; they can turn it on again."), "info");
  } else {
    setStatus(t("Not connected to the server; try again in a moment."), "error");
  }
}

/** The booth speaker one step louder (1) or quieter (-1), from the volume the booth last reported. @param {1 | -1} direction */
export function changeBoothVolume(direction) {
  const call = state.call;
  if (!call || !call.audio) return;
  send(volumeMessage(call.sessionId, call.audio.volume, direction));
}

/** How the citizen is heard (the booth's microphone level, once a second). @param {import("./protocol.js").BoothAudio} message */
export function onBoothAudio(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id) return;
  call.audio = message;
  renderCall();
}

/** The booth's figures for its connection to this page (call.stats, every few seconds). @param {import("./protocol.js").CallStats} message */
export function onBoothStats(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id || message.peer !== call.boothPeer) return;
  call.quality.booth = message;
  renderCall();
}

/**
 * Measure the booth link every few seconds: show it (the quality indicator) and report it to the
 * backend for the call's timeline. Figures only, never content.
 * @param {Call} call
 */
function startQualityReports(call) {
  call.quality.timer = setInterval(() => {
    if (state.call === call) measureGuestLinks(call.sessionId); // each guest's badge, by the same rule
    const pc = call.pc;
    if (state.call !== call || !pc || pc.connectionState !== "connected") return;
    pc.getStats().then((report) => {
      if (state.call !== call || call.pc !== pc) return;
      const { figures, snapshot } = figuresFrom(report.values(), call.quality.snapshot, Date.now());
      const first = call.quality.snapshot === null;
      call.quality.snapshot = snapshot;
      if (first) return; // totals since the start: the next interval gives rates
      call.quality.mine = figures;
      send(statsMessage(call.sessionId, call.boothPeer, figures));
      renderCall();
    }).catch((err) => console.warn("Could not read the call's statistics:", errorText(err)));
  }, REPORT_EVERY_MS);
}

/** Ask the citizen to identify with the ID card at the booth (the server sends the booth a challenge). */
export function requestIdentification() {
  const call = state.call;
  if (!call || identUnderWay(call.ident) || identDone(call.ident)) return;
  if (!send({ type: "ident.request", session_id: call.sessionId })) {
    setStatus(t("Not connected to the server; try again in a moment."), "error");
  }
}

/** Record that I saw the citizen's ID in person (the same action the point's advisor has). */
export async function identifyInPerson() {
  const call = state.call;
  if (!call || identDone(call.ident)) return;
  const url = `/api/calls/${encodeURIComponent(call.sessionId)}/identification`;
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${state.token}` },
      body: JSON.stringify({ method: "in_person" }),
    });
  } catch (err) {
    setStatus(t("Could not record the identification ({error}).", { error: errorText(err) }), "error");
    return;
  }
  if (!response.ok) {
    setStatus(t("Could not record the identification ({error}).", { error: String(response.status) }), "error");
  }
  // The call is told by the server (ident.status), this page included.
}

/** "Take a picture": the booth's document camera takes a still at its full resolution. */
export function takePicture() {
  const call = state.call;
  if (!call) return;
  if (send({ type: "still.request", session_id: call.sessionId })) {
    call.stillsAsked += 1;
    setStatus(t("Taking a picture…"), "info");
  } else {
    setStatus(t("Not connected to the server; try again in a moment."), "error");
  }
}

/** @param {import("./protocol.js").StillReady} message */
export function onStillReady(message) {
  receiveStill(message).then(() => clearStatus("info")).catch((err) => {
    setStatus(t("The picture could not be shown ({error}).", { error: errorText(err) }), "error");
  });
}

/** @param {import("./protocol.js").StillFailed} message */
export function onStillFailed(message) {
  if (!state.call || state.call.sessionId !== message.session_id) return;
  setStatus(t("The booth could not take the picture ({code}).", { code: message.code }), "error");
}

/** Send my "what next" to the booth: shown there, and printed as the visit summary when `print`. @param {boolean} print */
export function sendSummary(print) {
  const call = state.call;
  const text = el.summaryText.value.trim();
  if (!call) return;
  if (!text) {
    setStatus(t("Write what happens next first."), "error");
    el.summaryText.focus();
    return;
  }
  const language = slipLanguage(call.language, currentLanguage());
  if (!send({ type: "summary.send", session_id: call.sessionId, text, language, print })) {
    setStatus(t("Not connected to the server; try again in a moment."), "error");
    return;
  }
  setStatus(print ? t("Sent to the booth, to be shown and printed") : t("Shown at the booth"), "info");
}

/** The quick feedback: the booth asks the citizen its three questions. */
export function requestFeedback() {
  const call = state.call;
  if (!call) return;
  if (!send({ type: "feedback.request", session_id: call.sessionId })) {
    setStatus(t("Not connected to the server; try again in a moment."), "error");
  }
}

/** My own two answers (1-5 each), stored with the call. */
export function saveOfficialFeedback() {
  const call = state.call;
  const technical = Number(el.feedbackTechnical.value);
  const handled = Number(el.feedbackHandled.value);
  if (!call) return;
  if (!technical || !handled) {
    setStatus(t("Choose an answer to both questions first."), "error");
    return;
  }
  if (!send({ type: "feedback.official", session_id: call.sessionId, technical, handled })) {
    setStatus(t("Not connected to the server; try again in a moment."), "error");
  }
}

/** @param {import("./protocol.js").FeedbackStatus} message */
export function onFeedbackStatus(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id) return;
  call.feedback = message.state;
  renderCall();
}

/** Send the chosen PDF to the printer of the booth in this call (and no other: the server sees to that). */
export async function printDocument() {
  const call = state.call;
  const file = el.printFile.files && el.printFile.files[0];
  if (!call) return;
  if (!file) {
    setStatus(t("Choose a PDF document first."), "error");
    return;
  }
  const response = await fetch(`/api/print/${encodeURIComponent(call.sessionId)}`, {
    method: "POST",
    headers: { "Content-Type": "application/pdf", Authorization: `Bearer ${state.token}` },
    body: file,
  });
  if (!response.ok) {
    setStatus(t("The document was not sent to the booth ({error}).", { error: String(response.status) }), "error");
    return;
  }
  el.printFile.value = "";
  setStatus(t("Sent to the booth's printer"), "info");
}

/** @param {import("./protocol.js").PrintStatus} message */
export function onPrintStatus(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id) return;
  call.print = printStatusView(message);
  renderCall();
}

/** @param {import("./protocol.js").IdentStatus} message */
export function onIdentStatus(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id) return;
  call.ident = nextIdent(call.ident, message);
  renderCall();
}

/** My microphone off or on again: the track stays in the call, it sends silence. */
export function toggleMute() {
  state.muted = !state.muted;
  applyLocalSwitches();
  renderCall();
}

/** My camera off or on again: the citizen sees black, the connection stays. */
export function toggleCameraOff() {
  state.cameraOff = !state.cameraOff;
  applyLocalSwitches();
  renderCall();
}

function applyLocalSwitches() {
  const stream = state.localStream;
  if (!stream) return;
  for (const track of stream.getAudioTracks()) track.enabled = !state.muted;
  for (const track of stream.getVideoTracks()) track.enabled = !state.cameraOff;
}

export function unmuteRemote() {
  el.unmute.hidden = true;
  el.remoteVideo.muted = false;
  el.remoteVideo.play().catch(() => {
    el.unmute.hidden = false;
  });
}

/** Close the call locally. The camera stays on for the next call. */
export function teardownCall() {
  const call = state.call;
  if (!call) return;
  state.call = null;
  endShare();
  if (call.quality.timer) clearInterval(call.quality.timer);
  dropStills(call.stills);
  closePeer(call);
  el.remoteVideo.srcObject = null;
  el.localVideo.srcObject = null;
  el.unmute.hidden = true;
  el.summaryText.value = ""; // the next citizen's call starts empty
  el.feedbackTechnical.value = "";
  el.printFile.value = "";
  el.feedbackHandled.value = "";
  clearStatus("peer");
  if (state.phase === "in-call") state.phase = "lobby";
}

// --- the server's messages ------------------------------------------------------------

/** @param {SessionAdmitted} message */
export function onAdmitted(message) {
  // The backend sends an official's messages to every tab they have open;
  // only the tab that pressed Admit takes the call, or two would answer.
  // A reloaded page that resumed is told the call it is in, and takes it back.
  const rejoin = state.rejoining && !state.call;
  state.rejoining = false;
  if (!rejoin && (state.call || !state.admitting || state.admitting.sessionId !== message.session_id)) return;
  const early = (!rejoin && state.admitting && state.admitting.offer) || null;
  if (!rejoin) clearAdmitting();
  state.call = {
    ...admittedCall(message, state.lobby),
    startedAt: Date.now(),
    pc: null,
    remoteReady: false,
    pendingIce: [],
    remoteTracks: [],
    camera: "face",
    audio: null,
    ident: null,
    stills: [],
    stillsAsked: 0,
    language: (state.lobby.find((e) => e.session_id === message.session_id) || {}).language || null,
    screenLanguage: (state.lobby.find((e) => e.session_id === message.session_id) || {}).screen_language || null,
    print: null,
    feedback: null,
    quality: { mine: null, snapshot: null, booth: null, timer: null },
  };
  startQualityReports(state.call);
  state.phase = "in-call";
  setStatus("");
  render();
  refreshGuests().catch(() => {}); // a call's invitations, if any (e.g. after a reload)
  // Usually already started by the Admit click; shows the self-view.
  ensureLocalMedia().then((stream) => {
    applyLocalSwitches();
    if (stream && state.call) el.localVideo.srcObject = stream;
  });
  if (early) onOffer(early);
  // This page's old connection went with the reload: the booth offers a new one.
  if (rejoin && state.call) send(restartMessage(state.call.sessionId, state.call.boothPeer));
}

/** @param {SessionEnded} message */
export function onEnded(message) {
  if (state.admitting && state.admitting.sessionId === message.session_id) {
    clearAdmitting();
    renderLobby();
  }
  if (!state.call || state.call.sessionId !== message.session_id) return;
  const [text, kind] = endNotice(message.reason);
  teardownCall();
  setStatus(text, kind);
  render();
}

/**
 * Someone left the call; if it was us (the official in charge removed us), the call is over here.
 * @param {import("./protocol.js").ParticipantLeft} message
 */
export function onParticipantLeft(message) {
  if (!removedUs(message, state.call)) return;
  teardownCall();
  setStatus(t("You were removed from the call"), "info");
  render();
}

/** @param {RtcOffer} message */
export function onOffer(message) {
  const call = state.call;
  if (!call && state.admitting && state.admitting.sessionId === message.session_id) {
    // The offer overtook session.admitted; answer it once the call starts.
    state.admitting.offer = message;
    return;
  }
  if (!call || call.sessionId !== message.session_id) {
    console.warn("Ignored an rtc.offer for a session that is not in a call here");
    return;
  }
  if (message.peer !== call.boothPeer) {
    console.warn("Ignored an rtc.offer from a peer other than the booth");
    return;
  }
  answerOffer(call, message.sdp).catch((err) => {
    if (state.call !== call) return; // the call ended meanwhile; nothing to report
    console.warn("Could not answer the booth's offer:", errorText(err));
    setStatus(t("Could not set up the video call ({error}). End the call and admit again.", { error: errorText(err) }),
      "error");
  });
}

/** @param {RtcIce} message */
export function onRemoteIce(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id || message.peer !== call.boothPeer) return;
  const candidate = iceCandidate(message);
  if (!candidate) return; // end-of-candidates marker: nothing to add
  if (call.pc && call.remoteReady) addRemoteCandidate(call.pc, candidate);
  else if (call.pendingIce.length < MAX_PENDING_ICE) call.pendingIce.push(candidate);
}

// --- WebRTC --------------------------------------------------------------------------------

/** @param {Call} call @param {string} sdp */
async function answerOffer(call, sdp) {
  // A new offer means the booth started over (aiortc cannot renegotiate):
  // answer it on a fresh connection.
  closePeer(call);
  call.pendingIce = [];
  const pc = new RTCPeerConnection({ iceServers: call.iceServers });
  call.pc = pc;
  call.remoteReady = false;
  call.remoteTracks = [];
  const current = () => state.call === call && call.pc === pc;

  pc.addEventListener("track", (event) => {
    if (current()) addRemoteTrack(call, event.track);
  });
  pc.addEventListener("connectionstatechange", () => {
    if (!current()) return;
    send(stateEvent(call.sessionId, call.boothPeer, pc.connectionState)); // for the call's timeline
    onPeerState(pc.connectionState);
  });

  await pc.setRemoteDescription({ type: "offer", sdp });
  if (!current()) return;
  call.remoteReady = true;
  for (const candidate of call.pendingIce.splice(0)) addRemoteCandidate(pc, candidate);

  const stream = await ensureLocalMedia();
  if (!current()) return;
  if (stream) {
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    el.localVideo.srcObject = stream;
  }
  prepareShareTransceiver(pc);
  await pc.setLocalDescription(await pc.createAnswer());
  await waitForIceGathering(pc, ICE_GATHER_TIMEOUT_MS);
  if (!current()) return;
  const answer = pc.localDescription ? pc.localDescription.sdp : "";
  if (!send(answerMessage(call.sessionId, call.boothPeer, answer))) {
    setStatus(t("Could not answer the call: not connected to the server."), "error");
  }
}

/** Resolves when gathering is complete or after `timeoutMs`, whichever is first. @param {RTCPeerConnection} pc @param {number} timeoutMs */
function waitForIceGathering(pc, timeoutMs) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", onChange);
      resolve(undefined);
    };
    const onChange = () => {
      if (pc.iceGatheringState === "complete") done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener("icegatheringstatechange", onChange);
  });
}

/** @param {RTCPeerConnection} pc @param {RTCIceCandidateInit} candidate */
function addRemoteCandidate(pc, candidate) {
  pc.addIceCandidate(candidate).catch((err) => {
    console.warn("Could not add a remote ICE candidate:", errorText(err));
  });
}

/** @param {Call} call @param {MediaStreamTrack} track */
function addRemoteTrack(call, track) {
  // aiortc puts each track in a stream of its own, so collect the tracks
  // rather than trusting event.streams[0] to hold both audio and video.
  call.remoteTracks = call.remoteTracks.filter((other) => other.kind !== track.kind).concat(track);
  el.remoteVideo.srcObject = new MediaStream(call.remoteTracks);
  playRemote();
}

function playRemote() {
  el.remoteVideo.muted = false;
  el.remoteVideo.play().catch((err) => {
    if (err && err.name === "NotAllowedError") {
      // Autoplay with sound blocked: show the picture muted, offer a button.
      el.remoteVideo.muted = true;
      el.remoteVideo.play().catch(() => {});
      el.unmute.hidden = false;
    }
    // AbortError: a newer srcObject replaced this one; that load plays instead.
  });
}

/** @param {RTCPeerConnectionState} connectionState */
function onPeerState(connectionState) {
  if (connectionState === "failed") {
    setStatus(t("Connection to the booth failed"), "error", "peer");
  } else if (connectionState === "disconnected") {
    setStatus(t("Connection to the booth was interrupted; trying to recover…"), "info", "peer");
  } else if (connectionState === "connected") {
    clearStatus("peer");
  }
  renderCall();
}

/** @param {Call} call */
function closePeer(call) {
  const pc = call.pc;
  call.pc = null;
  call.remoteReady = false;
  if (pc) {
    try {
      pc.close();
    } catch {
      // already closed
    }
  }
}

// --- camera and microphone --------------------------------------------------------------

/** Get the camera and microphone once and reuse them; resolves null if unavailable. */
export function ensureLocalMedia() {
  const live = state.localStream && state.localStream.getTracks().some((track) => track.readyState === "live");
  if (live) return Promise.resolve(state.localStream);
  if (state.localStreamPromise) return state.localStreamPromise;
  const generation = state.generation;
  state.localStreamPromise = (async () => {
    try {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        throw new Error("this browser offers no camera here (the page must be served over https)");
      }
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      if (generation !== state.generation) {
        stream.getTracks().forEach((track) => track.stop()); // signed out while asking
        return null;
      }
      state.localStream = stream;
      return stream;
    } catch (err) {
      console.warn("Camera or microphone unavailable:", errorText(err));
      // The call can still go on one-way; the official decides.
      setStatus(t("Camera or microphone unavailable ({error}): the citizen cannot see or hear you.",
        { error: errorText(err) }), "error", "media");
      return null;
    } finally {
      state.localStreamPromise = null;
    }
  })();
  return state.localStreamPromise;
}

export function stopLocalMedia() {
  if (state.localStream) state.localStream.getTracks().forEach((track) => track.stop());
  state.localStream = null;
  el.localVideo.srcObject = null;
}
