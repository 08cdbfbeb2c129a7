// @ts-check
// Etäpiste official app: sign in, watch the lobby and the booths, admit a
// citizen and talk to them over WebRTC. This module wires the others together:
// start-up, signing in and out, and checking and dispatching every frame.
//
// Shape: one `state` object (state.js), message handlers that change it, and
// render functions that make the DOM match it (render.js, alerts.js). Every
// frame from the server is checked against the protocol (validation.js)
// before anything acts on it.
//
// Privacy: nothing here logs names, tokens or SDP; console output names only
// message types, field paths and error kinds.

import {
  alertsDisconnected, clearAcking, expectAlertResend, onAdvisorAlert, onAlertCleared, resetAlerts,
} from "./alerts.js";
import { closeArrival, onBookingArrived, onPresence, onSessionOffer } from "./arrivals.js";
import {
  keepSignInAcrossRestarts,
  requestLogin,
  revokeToken,
  storedResume,
  storedSession,
  storeName,
  storeResume,
  storeSession,
} from "./auth.js";
import { holdResumeLock } from "./resume-lock.js";
import {
  changeBoothVolume, clearAdmitting, hangUp, identifyInPerson, muteBooth, onAdmitted, onBoothAudio, onBoothStats, onEnded, onFeedbackStatus,
  onIdentStatus, onOffer, onParticipantLeft, onPrintStatus, onRemoteIce, onStillFailed, onStillReady, printDocument,
  requestFeedback, requestIdentification, returnToLobby, saveOfficialFeedback, sendSummary, stopLocalMedia, takePicture,
  teardownCall, toggleCamera, toggleCameraOff, toggleMute, unmuteRemote,
} from "./call.js";
import { configureConnection, connect, disconnect, reconnectNow, send, welcomed } from "./connection.js";
import { el } from "./dom.js";
import { currentLanguage, offerLanguages, onLanguageChange, t } from "./i18n.js";
import { alertsSummary } from "./lobby.js";
import { render, renderConnection, renderStaticTexts, tick } from "./render.js";
import { unlockAudio } from "./sound.js";
import { state } from "./state.js";
import { setStatus, unexpected } from "./status.js";
import { dayMayHaveChanged, initDayView, refreshDay, renderDay } from "./dayview.js";
import { initDeviceCheck } from "./devicecheck.js";
import {
  guestConnections, guestQualityLevels, initGuests, isGuestPeer, onGuestIce, onGuestLeft, onGuestOffer, onGuestStats,
  onGuestWaiting, onParticipantJoined,
} from "./guests_view.js";
import { initStillViewer } from "./stillview.js";
import { checkMessage } from "./validation.js";
import { confirmShare, reassertShare, startShare, stopShare } from "./screen_share.js";

/** @typedef {import("./protocol.js").EtapisteWireMessage} WireMessage */
/** @typedef {import("./protocol.js").Welcome} Welcome */
/** @typedef {import("./protocol.js").Error} ServerError */

/** How long a reloaded page waits for its old page to let go of the resume lock (resume-lock.js). */
const RESUME_LOCK_WAIT_MS = 3000;

// Read-only hooks for the automated browser tests.
Object.defineProperty(window, "etapiste", {
  value: Object.freeze({
    state: () => ({
      phase: state.phase,
      sessionId: state.call ? state.call.sessionId : null,
      ident: state.call && state.call.ident ? state.call.ident.state : null,
      feedback: state.call ? state.call.feedback : null,
      stills: state.call ? state.call.stills.map((s) => ({ id: s.stillId, width: s.width, height: s.height })) : [],
      connected: state.connected,
      muted: state.muted,
      cameraOff: state.cameraOff,
      offers: [...state.offers.keys()],
      alerts: alertsSummary(state.alerts),
      // the booth link's quality: whether this page has measured it and the booth has reported it
      quality: state.call ? { mine: !!state.call.quality.mine, booth: !!state.call.quality.booth } : null,
    }),
    pc: () => (state.call && state.call.pc) || null,
    guestPcs: () => guestConnections(),
    // each guest's quality badge: its level, and whether this page measured and the guest reported
    guestQuality: () => guestQualityLevels(),
    lastError: () => state.lastError,
  }),
  enumerable: true,
});

init();

// --- start-up ------------------------------------------------------------------

function init() {
  initLanguage();
  el.loginForm.addEventListener("submit", (event) => {
    event.preventDefault();
    signIn().catch(unexpected);
  });
  el.signOut.addEventListener("click", () => {
    revokeToken(state.token);
    signOut();
  });
  el.endCall.addEventListener("click", hangUp);
  el.arrivalOk.addEventListener("click", () => closeArrival());
  el.leaveCall.addEventListener("click", returnToLobby);
  el.cameraToggle.addEventListener("click", toggleCamera);
  el.shareStart.addEventListener("click", () => void startShare());
  el.shareConfirm.addEventListener("click", () => void confirmShare());
  el.shareCancel.addEventListener("click", stopShare);
  el.shareStop.addEventListener("click", stopShare);
  el.boothVolumeUp.addEventListener("click", () => changeBoothVolume(1));
  el.boothMute.addEventListener("click", muteBooth);
  el.boothVolumeDown.addEventListener("click", () => changeBoothVolume(-1));
  el.mute.addEventListener("click", toggleMute);
  el.cameraOff.addEventListener("click", toggleCameraOff);
  el.identRequest.addEventListener("click", requestIdentification);
  el.stillTake.addEventListener("click", takePicture);
  el.summarySend.addEventListener("click", () => sendSummary(false));
  el.feedbackRequest.addEventListener("click", requestFeedback);
  el.printDocument.addEventListener("click", () => { printDocument().catch(unexpected); });
  el.feedbackSave.addEventListener("click", saveOfficialFeedback);
  el.summaryPrint.addEventListener("click", () => sendSummary(true));
  initStillViewer();
  initDayView();
  initDeviceCheck();
  initGuests();
  el.identInPerson.addEventListener("click", () => { identifyInPerson().catch(unexpected); });
  el.unmute.addEventListener("click", unmuteRemote);
  // Browsers only let audio start after a user gesture; use the first one.
  document.addEventListener("pointerdown", unlockAudio, { once: true, capture: true });
  document.addEventListener("keydown", unlockAudio, { once: true, capture: true });
  window.addEventListener("online", reconnectNow);
  // Last line of defence: no failure may pass silently or leave the UI stuck.
  window.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    unexpected(event.reason);
  });
  configureConnection({ onFrame: handleFrame, onClosed: onDisconnected, onChange: renderConnection });
  // Four times a second, so a clock that shows whole seconds never visibly
  // skips or repeats one; tick() only writes what changed.
  setInterval(tick, 250);

  // The official's own workstation: a browser killed in a call reopens signed in and rejoins it.
  keepSignInAcrossRestarts();
  render();
  const later = () => {
    state.resumeHolder = true; // the tab that held the call's token went: ours is kept from now
    storeResume(state.resumeToken);
  };
  holdResumeLock(navigator.locks, RESUME_LOCK_WAIT_MS, later).then((held) => {
    state.resumeHolder = held;
    const { token, name } = storedSession();
    if (token && !state.token) startSession(token, name);
  }, unexpected);
}

/**
 * The language selectors (sign-in form and top bar) show the official's
 * choice: the remembered one, else the browser's, else English. `<html lang>`
 * follows the language actually shown, which stays English while a catalogue
 * loads or when it cannot be had. A change of language re-renders everything.
 */
function initLanguage() {
  onLanguageChange(() => {
    document.documentElement.lang = currentLanguage();
    renderStaticTexts();
    render();
    renderDay();
  });
  offerLanguages([el.loginLanguage, el.language], unexpected);
}

// --- signing in and out ----------------------------------------------------------

async function signIn() {
  const username = el.username.value.trim();
  const password = el.password.value;
  if (!username || !password) {
    showLoginError(t("Enter your username and password."));
    return;
  }
  showLoginError("");
  el.loginButton.disabled = true;
  el.loginButton.textContent = t("Signing in…");
  try {
    const result = await requestLogin(username, password);
    if ("error" in result) {
      showLoginError(result.error);
      el.password.select();
      return;
    }
    el.password.value = "";
    startSession(result.token, result.name);
  } finally {
    el.loginButton.disabled = false;
    el.loginButton.textContent = t("Sign in");
  }
}

/** @param {string} token @param {string} name */
function startSession(token, name) {
  state.generation += 1;
  state.token = token;
  state.name = name;
  state.phase = "lobby";
  state.connected = false;
  state.reconnectAttempt = 0;
  // A reload of a signed-in tab: the last welcome's token brings the page back into its call.
  // Only the tab holding the resume lock uses (and keeps) the stored token: a second tab starts afresh.
  state.resumeToken = state.resumeHolder && storedSession().token === token ? storedResume() : null;
  storeSession(token, name);
  render();
  connect();
}

/** Back to the login form; `message` (if any) explains why. */
function signOut(message = "") {
  state.generation += 1;
  if (state.call) {
    send({ type: "session.end", session_id: state.call.sessionId });
    teardownCall();
  }
  clearAdmitting();
  resetAlerts();
  storeSession(null, null);
  state.resumeToken = null;
  state.rejoining = false;
  state.phase = "login";
  disconnect();
  Object.assign(state, {
    token: null,
    name: "",
    lobby: [],
    booths: [],
    previousLobbyIds: new Set(),
    previousAssist: new Map(),
    offers: new Map(),
  });
  stopLocalMedia();
  setStatus("");
  showLoginError(message);
  render();
  el.username.focus();
}

/** @param {string} text */
function showLoginError(text) {
  el.loginError.textContent = text;
}

function onDisconnected() {
  clearAdmitting();
  alertsDisconnected();
  render();
}

// --- received messages -----------------------------------------------------------------

/** @param {string} text */
function handleFrame(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    ignoreInvalid(["message: is not valid JSON"]);
    return;
  }
  const checked = checkMessage(parsed);
  if (!checked.ok) {
    ignoreInvalid(checked.errors);
    return;
  }
  try {
    dispatch(checked.message);
  } catch (err) {
    unexpected(err);
  }
}

/** Hand a valid message to its handler; those meant for booths (e.g. session.lobby) are ignored. @param {WireMessage} message */
function dispatch(message) {
  switch (message.type) {
    case "welcome": return onWelcome(message);
    case "error": return onServerError(message);
    case "presence":
      state.rejoining = false; // the server sends where we are before its first presence
      dayMayHaveChanged();
      return onPresence(message);
    case "session.admitted":
      closeArrival(message.session_id);
      return onAdmitted(message);
    case "session.ended": return onEnded(message);
    case "rtc.offer":
      if (isGuestPeer(message.peer)) { onGuestOffer(message).catch(unexpected); return; }
      return onOffer(message);
    case "rtc.ice":
      if (isGuestPeer(message.peer)) return onGuestIce(message);
      return onRemoteIce(message);
    case "participant.left":
      onGuestLeft(message);
      return onParticipantLeft(message);
    case "participant.joined": return onParticipantJoined(message);
    case "booking.arrived":
      dayMayHaveChanged();
      return onBookingArrived(message);
    case "session.offer": return onSessionOffer(message);
    case "advisor.alert": return onAdvisorAlert(message);
    case "booth.audio": return onBoothAudio(message);
    case "call.stats": return isGuestPeer(message.peer) ? onGuestStats(message) : onBoothStats(message);
    case "alert.cleared": return onAlertCleared(message);
    case "assist.unanswered":
      // The call button's alarm climbed its whole ladder: no advisor has answered, so the official in the call helps.
      return setStatus(t("No advisor has answered the call button at {booth}. Please help the customer yourself.",
        { booth: message.booth_name }), "error", "assist-unanswered");
    case "ident.status": return onIdentStatus(message);
    case "still.ready": return onStillReady(message);
    case "still.failed": return onStillFailed(message);
    case "print.status": return onPrintStatus(message);
    case "feedback.status": return onFeedbackStatus(message);
    case "guest.waiting": return onGuestWaiting(message);
    default: return undefined;
  }
}

/** @param {string[]} errors */
function ignoreInvalid(errors) {
  // Error strings name fields and rules, never values: safe to log.
  console.warn("Ignored an invalid message from the server:", errors);
  setStatus(t("Ignored an invalid message from the server: {errors}", { errors: errors.slice(0, 3).join("; ") }),
    "error");
}

/** @param {Welcome} message */
function onWelcome(message) {
  welcomed();
  state.resumeToken = message.resume_token ?? null;
  if (state.resumeHolder) storeResume(state.resumeToken);
  // Resumed with no call here (the page was reloaded): the session.admitted that follows is ours.
  state.rejoining = Boolean(message.resumed) && !state.call;
  if (!message.resumed && state.call) {
    // Away longer than the server waits: the call ended there; end it here too.
    teardownCall();
    setStatus(t("The connection to the server was lost for too long, so the call ended."), "error");
  } else if (state.call) {
    reassertShare(); // the window this page still shares goes back on the booth's screen
  }
  state.clockOffset = message.server_time - Date.now() / 1000;
  state.name = message.name;
  storeName(message.name);
  expectAlertResend();
  render();
  refreshDay();
}

/** @param {ServerError} message */
function onServerError(message) {
  if (message.code === "auth_failed") {
    // The token expired or was revoked.
    signOut(t("Your sign-in is no longer valid. Please sign in again."));
    return;
  }
  if (message.ref === "session.admit") clearAdmitting();
  if (message.ref === "alert.ack") clearAcking();
  if (message.ref === "still.request" && state.call) {
    setStatus(t("This booth has no working document camera, so no picture can be taken."), "error");
    return;
  }
  if (message.ref === "camera.select" && state.call) {
    // The booth lacks that camera (or it stopped working): it keeps sending the citizen's face.
    state.call.camera = "face";
    setStatus(t("This booth has no working document camera; it shows the citizen's face."), "error");
    render();
    return;
  }
  setStatus(message.reason || t("The server refused a request ({code}).", { code: message.code }), "error");
  render();
}
