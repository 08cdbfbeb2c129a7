// Etäpiste official app: sign in, watch the lobby and the booths, admit a
// citizen and talk to them over WebRTC.
//
// Shape: one `state` object, message handlers that change it, and render
// functions that make the DOM match it. Every frame from the server is checked
// against the published protocol schema before anything acts on it.
//
// Privacy: nothing here logs names, tokens or SDP; console output names only
// message types, field paths and error kinds.

import { loadSchema, validate } from "./schema.js";
import {
  alertsSummary, alertView, dropStaleAlerts, lobbyEntryView, markAlertsStale, mergeAlert, offerStatusText,
  orderLobby, pageLanguage, pruneOffers, recordOffer, removeAlert, sortedAlerts,
} from "./lobby.js";

const LOGIN_URL = "/api/login";
const LOGOUT_URL = "/api/logout";
const SCHEMA_URL = "/api/protocol/schema.json";
const PROTOCOL_VERSION = 1;
const TOKEN_KEY = "etapiste.official.token";
const NAME_KEY = "etapiste.official.name";

const BACKOFF_MAX_MS = 10_000;
const WELCOME_TIMEOUT_MS = 10_000; // an open socket without a welcome is retried
const ADMIT_TIMEOUT_MS = 15_000; // give up waiting for session.admitted
const ICE_GATHER_TIMEOUT_MS = 3_000; // the booth's aiortc does not trickle: send a full answer
const NEW_ENTRY_HIGHLIGHT_MS = 6_000;
const ACK_TIMEOUT_MS = 15_000; // give up waiting for alert.cleared after our alert.ack
// After a reconnect the backend resends every open advisor alert; one not
// resent within this long was acknowledged while we were away.
const ALERT_RESEND_GRACE_MS = 10_000;
const CHIME_MIN_GAP_MS = 1_000; // an arrival that is also an offer chimes once
const MAX_PENDING_ICE = 100;

const END_MESSAGES = {
  hung_up: ["Call ended", "info"],
  booth_offline: ["Call ended: booth went offline", "error"],
  cancelled: ["Call ended: the citizen cancelled", "info"],
  media_failed: ["Call ended: the video connection could not be set up", "error"],
};

const state = {
  phase: "login", // "login" | "lobby" | "in-call"
  token: null,
  name: "",
  generation: 0, // bumped on sign-in/out so stale async work can tell it is stale
  schema: null,
  ws: null,
  connected: false, // true once this socket got its welcome
  reconnectAttempt: 0,
  reconnectTimer: null,
  welcomeTimer: null,
  clockOffset: 0, // server clock minus ours, in seconds (from welcome.server_time)
  lobby: [],
  booths: [],
  previousLobbyIds: new Set(),
  previousAssist: new Map(), // booth id -> assist state in the last snapshot
  offers: new Map(), // session id -> { offer, receivedAt, seen, focused }: session.offer to us (lobby.js)
  alerts: new Map(), // alert id -> { alert, stale }: advisor.alert not yet cleared (lobby.js)
  acking: new Map(), // alert id -> timer, while our alert.ack is unanswered
  alertPruneTimer: null,
  admitting: null, // { sessionId, timer, offer } while a session.admit is unanswered
  // { sessionId, peer, boothPeer, boothName, boothPoint, startedAt, pc, remoteReady, pendingIce, remoteTracks }
  call: null,
  localStream: null,
  localStreamPromise: null,
  lastError: null,
  statusKey: null,
};

const $ = (id) => document.getElementById(id);
const el = {
  account: $("account"),
  officialName: $("official-name"),
  connection: $("connection"),
  signOut: $("sign-out"),
  status: $("status"),
  loginView: $("login-view"),
  loginForm: $("login-form"),
  username: $("username"),
  password: $("password"),
  loginError: $("login-error"),
  loginButton: $("login-button"),
  workspace: $("workspace"),
  callView: $("call-view"),
  callBooth: $("call-booth"),
  callPoint: $("call-point"),
  callState: $("call-state"),
  callDuration: $("call-duration"),
  remoteVideo: $("remote-video"),
  localVideo: $("local-video"),
  unmute: $("unmute"),
  leaveCall: $("leave-call"),
  cameraToggle: $("camera-toggle"),
  endCall: $("end-call"),
  lobby: $("lobby"),
  lobbyCount: $("lobby-count"),
  lobbyEmpty: $("lobby-empty"),
  alertsSection: $("alerts-section"),
  alerts: $("alerts"),
  alertsCount: $("alerts-count"),
  booths: $("booths"),
  boothsEmpty: $("booths-empty"),
};

// Read-only hooks for the automated browser tests.
Object.defineProperty(window, "etapiste", {
  value: Object.freeze({
    state: () => ({
      phase: state.phase,
      sessionId: state.call ? state.call.sessionId : null,
      connected: state.connected,
      offers: [...state.offers.keys()],
      alerts: alertsSummary(state.alerts),
    }),
    pc: () => (state.call && state.call.pc) || null,
    lastError: () => state.lastError,
  }),
  enumerable: true,
});

init();

// --- start-up ------------------------------------------------------------------

function init() {
  el.loginForm.addEventListener("submit", (event) => {
    event.preventDefault();
    signIn().catch(unexpected);
  });
  el.signOut.addEventListener("click", () => {
    revokeToken(state.token);
    signOut();
  });
  el.endCall.addEventListener("click", hangUp);
  el.leaveCall.addEventListener("click", returnToLobby);
  el.cameraToggle.addEventListener("click", toggleCamera);
  el.unmute.addEventListener("click", unmuteRemote);
  // Browsers only let audio start after a user gesture; use the first one.
  document.addEventListener("pointerdown", unlockAudio, { once: true, capture: true });
  document.addEventListener("keydown", unlockAudio, { once: true, capture: true });
  // Back online: no need to sit out the rest of a long backoff.
  window.addEventListener("online", () => {
    if (state.reconnectTimer) {
      clearTimeout(state.reconnectTimer);
      state.reconnectTimer = null;
      connect();
    }
  });
  // Last line of defence: no failure may pass silently or leave the UI stuck.
  window.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    unexpected(event.reason);
  });
  // Four times a second, so a clock that shows whole seconds never visibly
  // skips or repeats one; tick() only writes what changed.
  setInterval(tick, 250);

  const token = readStored(TOKEN_KEY);
  if (token) startSession(token, readStored(NAME_KEY) || "");
  else render();
}

// --- signing in and out ----------------------------------------------------------

async function signIn() {
  const username = el.username.value.trim();
  const password = el.password.value;
  if (!username || !password) {
    showLoginError("Enter your username and password.");
    return;
  }
  showLoginError("");
  el.loginButton.disabled = true;
  el.loginButton.textContent = "Signing in…";
  try {
    const result = await requestLogin(username, password);
    if (result.error) {
      showLoginError(result.error);
      el.password.select();
      return;
    }
    el.password.value = "";
    startSession(result.token, result.name);
  } finally {
    el.loginButton.disabled = false;
    el.loginButton.textContent = "Sign in";
  }
}

/** POST /api/login; resolves to { token, name } or { error } (never rejects). */
async function requestLogin(username, password) {
  let response;
  try {
    response = await fetch(LOGIN_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    return { error: "Cannot reach the server. Check the network connection and try again." };
  }
  const body = await response.json().catch(() => null);
  if (response.ok) {
    if (body && typeof body.token === "string" && body.token) {
      return { token: body.token, name: typeof body.name === "string" ? body.name : "" };
    }
    return { error: "The server gave an unexpected answer. Please try again." };
  }
  if (response.status === 401) {
    const detail = body && typeof body.detail === "string" ? body.detail : "";
    return { error: detail || "Wrong username or password." };
  }
  if (response.status === 422) return { error: "Enter your username and password." };
  return { error: `Sign-in failed (HTTP ${response.status}). Please try again.` };
}

function startSession(token, name) {
  state.generation += 1;
  state.token = token;
  state.name = name;
  state.phase = "lobby";
  state.connected = false;
  state.reconnectAttempt = 0;
  store(TOKEN_KEY, token);
  store(NAME_KEY, name);
  render();
  const generation = state.generation;
  ensureSchema(generation)
    .then((ok) => {
      if (ok && generation === state.generation) connect();
    })
    .catch(unexpected);
}

/** Back to the login form; `message` (if any) explains why. */
function signOut(message = "") {
  state.generation += 1;
  if (state.call) {
    send({ type: "session.end", session_id: state.call.sessionId });
    teardownCall();
  }
  clearAdmitting();
  clearAcking();
  clearTimeout(state.alertPruneTimer);
  state.alertPruneTimer = null;
  store(TOKEN_KEY, null);
  store(NAME_KEY, null);
  const ws = state.ws;
  state.ws = null; // detach first so its close event does not schedule a reconnect
  if (ws) ws.close(1000, "signed out");
  clearTimeout(state.reconnectTimer);
  clearTimeout(state.welcomeTimer);
  state.reconnectTimer = null;
  state.welcomeTimer = null;
  Object.assign(state, {
    token: null,
    name: "",
    phase: "login",
    connected: false,
    reconnectAttempt: 0,
    lobby: [],
    booths: [],
    previousLobbyIds: new Set(),
    previousAssist: new Map(),
    offers: new Map(),
    alerts: new Map(),
  });
  stopLocalMedia();
  setStatus("");
  showLoginError(message);
  render();
  el.username.focus();
}

/** Best effort: tell the server the token is done with (the page forgets it anyway). */
function revokeToken(token) {
  if (!token) return;
  fetch(LOGOUT_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token }),
    keepalive: true, // survives the page being closed right after
  }).catch(() => {});
}

function showLoginError(text) {
  el.loginError.textContent = text;
}

// --- schema --------------------------------------------------------------------------

/** Load the protocol schema, retrying with backoff; false if signed out meanwhile. */
async function ensureSchema(generation) {
  for (let attempt = 0; !state.schema; attempt++) {
    try {
      const schema = await loadSchema(SCHEMA_URL);
      state.schema = schema;
      clearStatus("schema");
      const version = schema["x-protocol-version"];
      if (version !== undefined && version !== PROTOCOL_VERSION) {
        setStatus(`The server speaks protocol version ${version}; this page speaks ${PROTOCOL_VERSION}. `
          + "Reload the page to get the current version.", "error", "schema");
      }
    } catch (err) {
      if (generation !== state.generation) return false;
      const delay = backoff(attempt);
      console.warn("Could not load the protocol schema:", errorText(err));
      setStatus(`Could not load the message schema (${errorText(err)}). Retrying in ${delay / 1000} s…`,
        "error", "schema");
      await sleep(delay);
    }
    if (generation !== state.generation) return false;
  }
  return true;
}

// --- websocket -------------------------------------------------------------------------

function connect() {
  if (state.phase === "login" || state.ws || !state.schema) return;
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (err) {
    console.warn("Could not open the websocket:", errorText(err));
    scheduleReconnect();
    return;
  }
  state.ws = ws;
  renderConnection();

  ws.addEventListener("open", () => {
    if (ws !== state.ws) return;
    ws.send(JSON.stringify({
      v: PROTOCOL_VERSION, type: "hello", role: "official", token: state.token, client: "official-web",
    }));
    // A socket that opens but is never welcomed would otherwise hang forever.
    state.welcomeTimer = setTimeout(() => {
      if (ws === state.ws && !state.connected) ws.close(4000, "no welcome");
    }, WELCOME_TIMEOUT_MS);
  });
  ws.addEventListener("message", (event) => {
    if (ws === state.ws) handleFrame(event.data);
  });
  ws.addEventListener("close", () => {
    if (ws !== state.ws) return; // replaced or signed out
    state.ws = null;
    state.connected = false;
    clearTimeout(state.welcomeTimer);
    clearAdmitting();
    clearAcking();
    // Alerts cleared while we are away send us nothing: see onWelcome.
    clearTimeout(state.alertPruneTimer);
    state.alertPruneTimer = null;
    state.alerts = markAlertsStale(state.alerts);
    scheduleReconnect();
    render();
  });
  // "error" is always followed by "close", which does the work.
}

function scheduleReconnect() {
  if (state.phase === "login" || state.reconnectTimer) return;
  const delay = backoff(state.reconnectAttempt++);
  state.reconnectTimer = setTimeout(() => {
    state.reconnectTimer = null;
    connect();
  }, delay);
  renderConnection();
}

/** Send one message; false (and nothing sent) if the socket is not ready. */
function send(message) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN || !state.connected) return false;
  ws.send(JSON.stringify({ v: PROTOCOL_VERSION, ...message }));
  return true;
}

// --- received messages -----------------------------------------------------------------

const HANDLERS = {
  welcome: onWelcome,
  error: onServerError,
  presence: onPresence,
  "session.admitted": onAdmitted,
  "session.ended": onEnded,
  "rtc.offer": onOffer,
  "rtc.ice": onRemoteIce,
  "participant.left": onParticipantLeft,
  "booking.arrived": onBookingArrived,
  "session.offer": onSessionOffer,
  "advisor.alert": onAdvisorAlert,
  "alert.cleared": onAlertCleared,
};

/** Our booked citizen checked in at a booth: say so at once, with a sound. */
function onBookingArrived(message) {
  // The service point's time (Finland), wherever the official happens to be.
  const at = new Date(message.starts_at * 1000).toLocaleTimeString("fi-FI",
    { hour: "numeric", minute: "2-digit", timeZone: "Europe/Helsinki" });
  setStatus(`Your ${at} citizen (${message.service_name}) has checked in at ${message.booth_name}` +
    " and is waiting in the lobby.", "info");
  chime();
}

/**
 * The backend routed a waiting citizen to us. The page does not know its own
 * official id, so "offered to me" means "we got a session.offer for it"; the
 * offer is forgotten when the citizen leaves the lobby (see onPresence).
 */
function onSessionOffer(message) {
  const { offers, isNew } = recordOffer(state.offers, message, Date.now(), state.previousLobbyIds);
  state.offers = offers;
  renderLobby();
  if (!isNew) return; // resent: already announced
  setStatus(offerStatusText(message), "info", offerStatusKey(message.session_id));
  chime();
}

function offerStatusKey(sessionId) {
  return `offer:${sessionId}`;
}

/** A citizen at one of our point's booths needs a person (we are one of its advisors). */
function onAdvisorAlert(message) {
  const { alerts, isNew } = mergeAlert(state.alerts, message);
  state.alerts = alerts;
  renderAlerts();
  if (isNew) chime(); // a resend of one already shown is not news
}

/** Someone (maybe us) acknowledged the alert: take it off the list. */
function onAlertCleared(message) {
  clearAcking(message.alert_id);
  state.alerts = removeAlert(state.alerts, message.alert_id);
  renderAlerts();
}

function handleFrame(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    ignoreInvalid(["message: is not valid JSON"]);
    return;
  }
  const errors = state.schema ? validate(state.schema, message) : ["message: no schema to check it against"];
  if (errors.length) {
    ignoreInvalid(errors);
    return;
  }
  const handler = HANDLERS[message.type];
  if (!handler) return; // valid, but meant for booths (e.g. session.lobby)
  try {
    handler(message);
  } catch (err) {
    unexpected(err);
  }
}

function ignoreInvalid(errors) {
  // Error strings name fields and rules, never values: safe to log.
  console.warn("Ignored an invalid message from the server:", errors);
  setStatus(`Ignored an invalid message from the server: ${errors.slice(0, 3).join("; ")}`, "error");
}

function onWelcome(message) {
  clearTimeout(state.welcomeTimer);
  state.connected = true;
  state.reconnectAttempt = 0;
  state.clockOffset = message.server_time - Date.now() / 1000;
  state.name = message.name;
  store(NAME_KEY, message.name);
  // The backend now resends the open alerts; drop those it does not.
  clearTimeout(state.alertPruneTimer);
  state.alertPruneTimer = setTimeout(() => {
    state.alertPruneTimer = null;
    state.alerts = dropStaleAlerts(state.alerts);
    renderAlerts();
  }, ALERT_RESEND_GRACE_MS);
  render();
}

function onServerError(message) {
  if (message.code === "auth_failed") {
    // The token expired or was revoked; the server's reason already says what to do.
    signOut(message.reason || "Your sign-in is no longer valid. Please sign in again.");
    return;
  }
  if (message.ref === "session.admit") clearAdmitting();
  if (message.ref === "alert.ack") clearAcking();
  setStatus(message.reason || `The server refused a request (${message.code}).`, "error");
  render();
}

function onPresence(message) {
  state.booths = message.booths;
  state.lobby = message.lobby;
  const ids = new Set(message.lobby.map((entry) => entry.session_id));
  // New = not in the previous snapshot, so a reconnect does not re-announce
  // everyone, but a citizen who comes back to the lobby is announced again.
  const fresh = message.lobby
    .map((entry) => entry.session_id)
    .filter((id) => !state.previousLobbyIds.has(id));
  state.previousLobbyIds = ids;
  const offersBefore = state.offers;
  state.offers = pruneOffers(state.offers, ids, Date.now());
  for (const sessionId of offersBefore.keys()) {
    if (!state.offers.has(sessionId)) clearStatus(offerStatusKey(sessionId)); // no longer waiting for us
  }
  if (state.call && ids.has(state.call.sessionId)) {
    // Our call is waiting in the lobby again: the server returned the citizen
    // there (it does so when our connection drops mid-call) and will not send
    // session.ended. Close our side; the official can admit them again.
    teardownCall();
    setStatus("Call interrupted: the connection to the server was lost. The citizen is back in the lobby.",
      "error");
    render();
  }
  // A booth whose call button was just pressed: sound and highlight, like a new arrival.
  const newAlerts = message.booths
    .filter((b) => b.assist === "requested" && state.previousAssist.get(b.booth_id) !== "requested")
    .map((b) => b.booth_id);
  state.previousAssist = new Map(message.booths.map((b) => [b.booth_id, b.assist || "none"]));
  renderLobby(fresh);
  renderBooths();
  renderTitle();
  if (fresh.length || newAlerts.length) chime();
}

function onAdmitted(message) {
  // The backend sends an official's messages to every tab they have open;
  // only the tab that pressed Admit takes the call, or two would answer.
  if (state.call || !state.admitting || state.admitting.sessionId !== message.session_id) return;
  const early = state.admitting && state.admitting.sessionId === message.session_id
    ? state.admitting.offer : null;
  clearAdmitting();
  const entry = state.lobby.find((e) => e.session_id === message.session_id);
  state.call = {
    sessionId: message.session_id,
    peer: message.peer, // our own peer id in this call
    boothPeer: (message.participants.find((p) => p.role === "booth") || { peer: "booth" }).peer,
    boothName: message.booth_name,
    boothPoint: entry ? entry.point : "",
    startedAt: Date.now(),
    pc: null,
    remoteReady: false,
    pendingIce: [],
    remoteTracks: [],
    camera: "face",
  };
  state.phase = "in-call";
  setStatus("");
  render();
  // Usually already started by the Admit click; shows the self-view.
  ensureLocalMedia().then((stream) => {
    if (stream && state.call) el.localVideo.srcObject = stream;
  });
  if (early) onOffer(early);
}

function onParticipantLeft(message) {
  // Only our own departure matters here (the official in charge removed us).
  if (!state.call || state.call.sessionId !== message.session_id || message.peer !== state.call.peer) return;
  teardownCall();
  setStatus("You were removed from the call", "info");
  render();
}

function onEnded(message) {
  if (state.admitting && state.admitting.sessionId === message.session_id) {
    clearAdmitting();
    renderLobby();
  }
  if (!state.call || state.call.sessionId !== message.session_id) return;
  const [text, kind] = END_MESSAGES[message.reason] || ["Call ended", "info"];
  teardownCall();
  setStatus(text, kind);
  render();
}

function onOffer(message) {
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
    console.warn("Ignored an rtc.offer from a participant other than the booth");
    return;
  }
  answerOffer(call, message.sdp).catch((err) => {
    if (state.call !== call) return; // the call ended meanwhile; nothing to report
    console.warn("Could not answer the booth's offer:", errorText(err));
    setStatus(`Could not set up the video call (${errorText(err)}). End the call and admit again.`, "error");
  });
}

function onRemoteIce(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id || message.peer !== call.boothPeer) return;
  if (!message.candidate) return; // end-of-candidates marker: nothing to add
  const candidate = {
    candidate: message.candidate,
    sdpMid: message.sdp_mid ?? null,
    // addIceCandidate needs one of the two; our media is bundled on line 0.
    sdpMLineIndex: message.sdp_mline_index ?? (message.sdp_mid == null ? 0 : null),
  };
  if (call.pc && call.remoteReady) addRemoteCandidate(call.pc, candidate);
  else if (call.pendingIce.length < MAX_PENDING_ICE) call.pendingIce.push(candidate);
}

// --- WebRTC ------------------------------------------------------------------------------

async function answerOffer(call, sdp) {
  // A new offer means the booth started over (aiortc cannot renegotiate):
  // answer it on a fresh connection.
  closePeer(call);
  call.pendingIce = [];
  const pc = new RTCPeerConnection({ iceServers: [] });
  call.pc = pc;
  call.remoteReady = false;
  call.remoteTracks = [];
  const current = () => state.call === call && call.pc === pc;

  pc.addEventListener("track", (event) => {
    if (current()) addRemoteTrack(call, event.track);
  });
  pc.addEventListener("connectionstatechange", () => {
    if (current()) onPeerState(pc.connectionState);
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
  await pc.setLocalDescription(await pc.createAnswer());
  await waitForIceGathering(pc, ICE_GATHER_TIMEOUT_MS);
  if (!current()) return;
  if (!send({ type: "rtc.answer", session_id: call.sessionId, peer: call.boothPeer, sdp: pc.localDescription.sdp })) {
    setStatus("Could not answer the call: not connected to the server.", "error");
  }
}

/** Resolves when gathering is complete or after `timeoutMs`, whichever is first. */
function waitForIceGathering(pc, timeoutMs) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === "complete") done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener("icegatheringstatechange", onChange);
  });
}

function addRemoteCandidate(pc, candidate) {
  pc.addIceCandidate(candidate).catch((err) => {
    console.warn("Could not add a remote ICE candidate:", errorText(err));
  });
}

function addRemoteTrack(call, track) {
  // aiortc puts each track in a stream of its own, so collect the tracks
  // rather than trusting event.streams[0] to hold both audio and video.
  call.remoteTracks = call.remoteTracks.filter((t) => t.kind !== track.kind).concat(track);
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

function unmuteRemote() {
  el.unmute.hidden = true;
  el.remoteVideo.muted = false;
  el.remoteVideo.play().catch(() => {
    el.unmute.hidden = false;
  });
}

function onPeerState(connectionState) {
  if (connectionState === "failed") {
    setStatus("Connection to the booth failed", "error", "peer");
  } else if (connectionState === "disconnected") {
    setStatus("Connection to the booth was interrupted; trying to recover…", "info", "peer");
  } else if (connectionState === "connected") {
    clearStatus("peer");
  }
  renderCall();
}

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

/** Get the camera and microphone once and reuse them; resolves null if unavailable. */
function ensureLocalMedia() {
  const live = state.localStream && state.localStream.getTracks().some((t) => t.readyState === "live");
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
        stream.getTracks().forEach((t) => t.stop()); // signed out while asking
        return null;
      }
      state.localStream = stream;
      return stream;
    } catch (err) {
      console.warn("Camera or microphone unavailable:", errorText(err));
      // The call can still go on one-way; the official decides.
      setStatus(`Camera or microphone unavailable (${errorText(err)}): the citizen cannot see or hear you.`,
        "error", "media");
      return null;
    } finally {
      state.localStreamPromise = null;
    }
  })();
  return state.localStreamPromise;
}

function stopLocalMedia() {
  if (state.localStream) state.localStream.getTracks().forEach((t) => t.stop());
  state.localStream = null;
  el.localVideo.srcObject = null;
}

// --- the official's actions -----------------------------------------------------------

function admit(sessionId) {
  if (state.call || state.admitting || !state.connected) return;
  unlockAudio();
  // Ask for the camera now, inside the click: the permission prompt (if any)
  // then runs while the booth prepares its offer.
  ensureLocalMedia();
  if (!send({ type: "session.admit", session_id: sessionId })) {
    setStatus("Not connected to the server; try again in a moment.", "error");
    return;
  }
  const timer = setTimeout(() => {
    if (state.admitting && state.admitting.sessionId === sessionId) {
      clearAdmitting();
      setStatus("The server did not confirm the admission. Please try again.", "error");
      renderLobby();
    }
  }, ADMIT_TIMEOUT_MS);
  state.admitting = { sessionId, timer };
  renderLobby();
}

function clearAdmitting() {
  if (state.admitting) clearTimeout(state.admitting.timer);
  state.admitting = null;
}

/** Advisor: "I will take care of it". The alert stays until the backend's alert.cleared. */
function acknowledgeAlert(alertId) {
  if (state.acking.has(alertId) || !state.alerts.has(alertId)) return;
  if (!send({ type: "alert.ack", alert_id: alertId })) {
    setStatus("Not connected to the server; try again in a moment.", "error");
    return;
  }
  const timer = setTimeout(() => {
    if (!state.acking.has(alertId)) return;
    state.acking.delete(alertId);
    setStatus("The server did not confirm the acknowledgement. Please try again.", "error");
    renderAlerts();
  }, ACK_TIMEOUT_MS);
  state.acking.set(alertId, timer);
  renderAlerts();
}

/** Stop waiting for one alert's confirmation, or (no id) for all of them. */
function clearAcking(alertId) {
  for (const [id, timer] of state.acking) {
    if (alertId === undefined || id === alertId) {
      clearTimeout(timer);
      state.acking.delete(id);
    }
  }
}

function hangUp() {
  const call = state.call;
  if (!call) return;
  const told = send({ type: "session.end", session_id: call.sessionId });
  teardownCall();
  setStatus(told ? "Call ended" : "Call ended here, but the server could not be told (no connection).",
    told ? "info" : "error");
  render();
}

function returnToLobby() {
  const call = state.call;
  if (!call) return;
  if (!send({ type: "session.leave", session_id: call.sessionId })) {
    setStatus("Not connected to the server; the citizen cannot be returned to the lobby right now.", "error");
    return;
  }
  teardownCall();
  setStatus("The citizen was returned to the lobby", "info");
  render();
}

/** Close the call locally. The camera stays on for the next call. */
function teardownCall() {
  const call = state.call;
  if (!call) return;
  state.call = null;
  closePeer(call);
  el.remoteVideo.srcObject = null;
  el.localVideo.srcObject = null;
  el.unmute.hidden = true;
  clearStatus("peer");
  if (state.phase === "in-call") state.phase = "lobby";
}

// --- rendering -------------------------------------------------------------------------------

function render() {
  document.body.dataset.phase = state.phase;
  const signedIn = state.phase !== "login";
  el.loginView.hidden = signedIn;
  el.workspace.hidden = !signedIn;
  el.account.hidden = !signedIn;
  el.officialName.textContent = state.name;
  el.callView.hidden = state.phase !== "in-call";
  renderConnection();
  renderCall();
  renderLobby();
  renderAlerts();
  renderBooths();
  renderTitle();
}

function renderConnection() {
  let text = "Connecting…";
  let kind = "connecting";
  if (state.connected) {
    text = "Connected";
    kind = "connected";
  } else if (state.reconnectAttempt > 0) {
    text = "Reconnecting…";
    kind = "reconnecting";
  }
  el.connection.textContent = text;
  el.connection.dataset.state = kind;
  el.leaveCall.disabled = !state.connected;
}

function renderCall() {
  const call = state.call;
  if (!call) return;
  el.callBooth.textContent = call.boothName;
  el.callPoint.textContent = call.boothPoint;
  const pcState = call.pc ? call.pc.connectionState : "new";
  const labels = { connected: "Connected", failed: "Failed", disconnected: "Interrupted", closed: "Closed" };
  el.callState.textContent = labels[pcState] || "Connecting…";
  el.callState.dataset.state = pcState;
  el.callDuration.textContent = formatDuration((Date.now() - call.startedAt) / 1000);
  el.cameraToggle.textContent = call.camera === "face" ? "Show document camera" : "Show citizen's face";
  el.cameraToggle.dataset.source = call.camera;
}

/** Update the lobby list in place (keyed by session id) so buttons are not rebuilt every second. */
function renderLobby(freshIds = []) {
  const existing = new Map();
  for (const li of el.lobby.querySelectorAll("li.lobby-entry")) existing.set(li.dataset.sessionId, li);
  const canAdmit = state.connected && !state.call && !state.admitting;
  const offered = new Set(state.offers.keys());
  let focusTarget = null;

  let previous = null;
  for (const entry of orderLobby(state.lobby, offered)) {
    let li = existing.get(entry.session_id);
    if (li) existing.delete(entry.session_id);
    else li = createLobbyItem(entry.session_id);
    const view = lobbyEntryView(entry, offered);
    setText(li.querySelector(".booth-name"), entry.booth_name);
    setText(li.querySelector(".point"), view.pointLine);
    li.classList.toggle("booked", view.booked);
    li.classList.toggle("offered-to-me", view.offer === "mine");
    li.classList.toggle("offered-elsewhere", view.offer === "colleague");
    const tag = li.querySelector(".offer-tag");
    setText(tag, { mine: "Offered to you", colleague: "offered to a colleague" }[view.offer] || "");
    tag.hidden = !view.offer;
    const matter = li.querySelector(".matter");
    setText(matter.querySelector(".service"), view.matter);
    const badge = matter.querySelector(".lang-badge");
    setText(badge, view.languageBadge);
    badge.hidden = !view.languageBadge;
    badge.title = view.languageName;
    matter.hidden = !view.matter && !view.languageBadge;
    setText(li.querySelector(".waiting-time"), formatDuration(waitingSeconds(entry)));
    const button = li.querySelector("button.admit");
    const admitting = state.admitting && state.admitting.sessionId === entry.session_id;
    button.disabled = !canAdmit;
    button.textContent = admitting ? "Admitting…" : "Admit";
    button.title = state.call ? "Finish the current call first" : "";
    button.classList.toggle("primary", view.offer !== "colleague"); // a colleague's is admittable, just quieter
    if (freshIds.includes(entry.session_id)) highlight(li);
    const next = previous ? previous.nextElementSibling : el.lobby.firstElementChild;
    if (li !== next) el.lobby.insertBefore(li, next);
    previous = li;
    const record = state.offers.get(entry.session_id);
    if (record && !record.focused && !button.disabled && !focusTarget) {
      record.focused = true; // once per offer: later renders leave the focus where the official put it
      focusTarget = button;
    }
  }
  for (const li of existing.values()) li.remove();
  // A new offer's Admit takes the focus (Enter admits), unless the official is busy elsewhere.
  if (focusTarget && mayTakeFocus()) focusTarget.focus();

  el.lobbyEmpty.hidden = state.lobby.length > 0;
  el.lobbyCount.textContent = state.lobby.length ? String(state.lobby.length) : "";
}

function createLobbyItem(sessionId) {
  const li = document.createElement("li");
  li.className = "lobby-entry";
  li.dataset.sessionId = sessionId;
  li.dataset.testid = `lobby-entry-${sessionId}`;
  const who = append(li, "div", "who");
  who.id = `lobby-who-${sessionId}`; // session ids are [A-Za-z0-9_.:-]: safe in an id
  append(who, "span", "offer-tag").hidden = true;
  append(who, "span", "booth-name");
  append(who, "span", "point");
  const matter = append(who, "span", "matter");
  matter.hidden = true;
  append(matter, "span", "service").lang = "fi"; // the catalogue's Finnish name
  append(matter, "span", "lang-badge").hidden = true;
  const waiting = append(li, "div", "waiting");
  append(waiting, "span", "waiting-label").textContent = "Waiting";
  append(waiting, "span", "waiting-time");
  const button = append(li, "button", "button primary admit");
  button.type = "button";
  button.textContent = "Admit";
  button.dataset.testid = `admit-${sessionId}`;
  button.setAttribute("aria-describedby", who.id);
  button.addEventListener("click", () => admit(sessionId));
  return li;
}

/** True unless the official is using another control (outside the lobby) right now. */
function mayTakeFocus() {
  const active = document.activeElement;
  return !active || active === document.body || el.lobby.contains(active);
}

/** The advisor alerts panel, updated in place (keyed by alert id). */
function renderAlerts() {
  const alerts = state.phase === "login" ? [] : sortedAlerts(state.alerts);
  el.alertsSection.hidden = alerts.length === 0;
  setText(el.alertsCount, alerts.length ? String(alerts.length) : "");
  const lang = pageLanguage(document.documentElement.lang);
  const existing = new Map();
  for (const li of el.alerts.querySelectorAll("li.alert-item")) existing.set(li.dataset.alertId, li);

  let previous = null;
  for (const alert of alerts) {
    let li = existing.get(alert.alert_id);
    if (li) existing.delete(alert.alert_id);
    else li = createAlertItem(alert.alert_id);
    const view = alertView(alert, lang);
    li.dataset.kind = alert.kind;
    const time = li.querySelector(".alert-time");
    setText(time, view.time);
    time.dateTime = new Date(alert.at * 1000).toISOString();
    setText(li.querySelector(".alert-kind"), view.kindLabel);
    setText(li.querySelector(".alert-place"), view.place);
    const text = li.querySelector(".alert-message");
    setText(text, view.message);
    text.lang = view.messageLang;
    const booking = li.querySelector(".alert-booking");
    setText(booking, view.bookingLine);
    booking.hidden = !view.bookingLine;
    const button = li.querySelector("button.alert-ack");
    const pending = state.acking.has(alert.alert_id);
    button.disabled = pending || !state.connected;
    setText(button, pending ? "Acknowledging…" : "Acknowledge");
    const next = previous ? previous.nextElementSibling : el.alerts.firstElementChild;
    if (li !== next) el.alerts.insertBefore(li, next);
    previous = li;
  }
  for (const li of existing.values()) li.remove();
}

function createAlertItem(alertId) {
  const li = document.createElement("li");
  li.className = "alert-item";
  li.dataset.alertId = alertId;
  li.dataset.testid = `alert-${alertId}`;
  const body = append(li, "div", "alert-body");
  const head = append(body, "div", "alert-head");
  append(head, "time", "alert-time");
  append(head, "span", "alert-kind");
  append(body, "span", "alert-place");
  const text = append(body, "p", "alert-message");
  text.id = `alert-message-${alertId}`; // alert ids are [A-Za-z0-9_.:-]: safe in an id
  append(body, "span", "alert-booking").hidden = true;
  const button = append(li, "button", "button primary alert-ack");
  button.type = "button";
  button.textContent = "Acknowledge";
  button.dataset.testid = `ack-${alertId}`;
  button.setAttribute("aria-describedby", text.id);
  button.addEventListener("click", () => acknowledgeAlert(alertId));
  return li;
}

function highlight(li) {
  li.classList.remove("is-new");
  void li.offsetWidth; // restart the CSS animation
  li.classList.add("is-new");
  clearTimeout(li.highlightTimer);
  li.highlightTimer = setTimeout(() => li.classList.remove("is-new"), NEW_ENTRY_HIGHLIGHT_MS);
}

function renderBooths() {
  el.booths.replaceChildren(...state.booths.map((booth) => {
    const li = document.createElement("li");
    li.className = `booth ${booth.online ? "online" : "offline"}`;
    li.dataset.boothId = booth.booth_id;
    const head = append(li, "div", "booth-head");
    const who = append(head, "div", "who");
    append(who, "span", "booth-name").textContent = booth.name;
    append(who, "span", "point").textContent = booth.point;
    append(head, "span", "badge").textContent = booth.online ? "Online" : "Offline";
    if (booth.assist && booth.assist !== "none") renderAssist(li, booth);
    const devices = booth.devices || [];
    if (devices.length) {
      const list = append(li, "ul", "devices");
      for (const device of devices) {
        const item = append(list, "li", "device");
        item.dataset.state = device.state;
        append(item, "span", "device-role").textContent = deviceLabel(device.role);
        append(item, "span", "device-state").textContent = STATE_LABELS[device.state] || device.state;
        if (device.reason) append(item, "span", "device-reason").textContent = device.reason;
      }
    }
    return li;
  }));
  el.boothsEmpty.hidden = state.booths.length > 0;
}

const STATE_LABELS = { ok: "OK", degraded: "Degraded", missing: "Missing" };

/** The call button's alert on a booth: who is waiting for help, and the actions. */
function renderAssist(li, booth) {
  li.classList.add(`assist-${booth.assist}`);
  const box = append(li, "div", "assist");
  box.dataset.state = booth.assist;
  const since = booth.assist_since
    ? formatDuration(Math.max(0, Date.now() / 1000 + state.clockOffset - booth.assist_since)) : "";
  append(box, "span", "assist-text").textContent = booth.assist === "requested"
    ? `Help requested ${since ? `(${since} ago)` : ""}`.trim()
    : "Help is on the way";
  if (booth.assist === "requested") {
    const ack = append(box, "button", "button primary assist-ack");
    ack.type = "button";
    ack.textContent = "I'm on it";
    ack.addEventListener("click", () => send({ type: "assist.ack", booth_id: booth.booth_id }));
  }
  const clear = append(box, "button", "button assist-clear");
  clear.type = "button";
  clear.textContent = "Helped";
  clear.addEventListener("click", () => send({ type: "assist.clear", booth_id: booth.booth_id }));
}

/** Switch what the booth sends: the citizen's face or the document camera. */
function toggleCamera() {
  const call = state.call;
  if (!call) return;
  const next = call.camera === "face" ? "document" : "face";
  if (send({ type: "camera.select", session_id: call.sessionId, source: next })) {
    call.camera = next;
    renderCall();
  }
}

function deviceLabel(role) {
  const text = role.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function renderTitle() {
  const waiting = state.phase === "login" ? 0 : state.lobby.length;
  document.title = waiting ? `(${waiting}) Etäpiste` : "Etäpiste";
}

/** The running clocks: waiting times and the call duration. */
function tick() {
  if (state.phase === "login") return;
  const byId = new Map(state.lobby.map((entry) => [entry.session_id, entry]));
  for (const li of el.lobby.querySelectorAll("li.lobby-entry")) {
    const entry = byId.get(li.dataset.sessionId);
    if (entry) setText(li.querySelector(".waiting-time"), formatDuration(waitingSeconds(entry)));
  }
  if (state.call) setText(el.callDuration, formatDuration((Date.now() - state.call.startedAt) / 1000));
}

// --- status line -------------------------------------------------------------------------

/**
 * Show one line of status. `key` marks who set it, so that e.g. a recovered
 * peer connection clears only its own warning. Errors are kept for tests.
 */
function setStatus(text, kind = "info", key = null) {
  el.status.textContent = text;
  el.status.dataset.kind = kind;
  state.statusKey = text ? key : null;
  if (text && kind === "error") state.lastError = text;
}

function clearStatus(key) {
  if (state.statusKey === key) setStatus("");
}

function unexpected(err) {
  console.error("Unexpected error in the official app:", errorText(err));
  setStatus(`Something went wrong (${errorText(err)}). If the page stops responding, reload it.`, "error");
}

// --- sound -----------------------------------------------------------------------------------

let audioContext = null;

function unlockAudio() {
  try {
    if (!audioContext) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return null;
      audioContext = new Context();
    }
    if (audioContext.state === "suspended") audioContext.resume().catch(() => {});
  } catch {
    audioContext = null;
  }
  return audioContext;
}

let lastChimeAt = 0;

/** A soft two-note chime; silently skipped when the browser blocks audio. */
function chime() {
  try {
    if (Date.now() - lastChimeAt < CHIME_MIN_GAP_MS) return; // one event, one chime
    lastChimeAt = Date.now();
    const ctx = unlockAudio();
    if (!ctx || ctx.state !== "running") return; // the highlight and title still show it
    const start = ctx.currentTime;
    [660, 880].forEach((frequency, i) => {
      const t = start + i * 0.18;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.32);
    });
  } catch (err) {
    console.warn("Could not play the lobby sound:", errorText(err));
  }
}

// --- small helpers ----------------------------------------------------------------------------

// sessionStorage keeps the token for this tab only, so a reload reconnects
// without asking again. Disabled storage just means signing in after a reload.
function readStored(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // storage disabled or full: see readStored
  }
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function append(parent, tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  parent.appendChild(node);
  return node;
}

function waitingSeconds(entry) {
  return Date.now() / 1000 + state.clockOffset - entry.waiting_since;
}

/** minutes:seconds, e.g. 0:07, 12:30, 75:02. */
function formatDuration(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** 1 s, 2 s, 4 s, … at most 10 s. */
function backoff(attempt) {
  return Math.min(1000 * 2 ** attempt, BACKOFF_MAX_MS);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A short description of an error: its kind (e.g. NotAllowedError) and message. */
function errorText(err) {
  if (!err) return "unknown error";
  const name = err.name && err.name !== "Error" ? err.name : "";
  const message = err.message || "";
  if (name && message) return `${name}: ${message}`;
  return String(message || name || err);
}
