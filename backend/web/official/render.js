// @ts-check
// Makes the DOM match the state: the sign-in form or the workspace, the
// connection badge, the call, the lobby, the booths and the title, plus the
// running clocks. Lists are updated in place (keyed by id), so buttons keep
// their focus and are not rebuilt every second. Texts come from i18n.js.

import { renderAlerts } from "./alerts.js";
import { levelFraction, micWarning } from "./booth_audio.js";
import { linkQuality } from "./quality.js";
import { admit } from "./call.js";
import { send } from "./connection.js";
import { append, el, find, highlight, setText } from "./dom.js";
import { formatDuration, roleWords, secondsSince } from "./format.js";
import { t, tn, translateStatic } from "./i18n.js";
import { identDone, identUnderWay, identView } from "./identification.js";
import { lobbyEntryView, orderLobby, screenLanguageNote } from "./lobby.js";
import { documentCamera } from "./signalling.js";
import { state, waitingSeconds } from "./state.js";

/** @typedef {import("./protocol.js").BoothPresence} BoothPresence */

/** Everything, e.g. after a phase change or a change of language. */
export function render() {
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

/**
 * The page's fixed texts (index.html): every element with `data-i18n` shows
 * the translation of that attribute's English text, and `data-i18n-label`
 * does the same for its aria-label.
 */
export function renderStaticTexts() {
  translateStatic();
}

export function renderConnection() {
  let text = t("Connecting…");
  let kind = "connecting";
  if (state.connected) {
    text = t("Connected");
    kind = "connected";
  } else if (state.reconnectAttempt > 0) {
    text = t("Reconnecting…");
    kind = "reconnecting";
  }
  setText(el.connection, text);
  el.connection.dataset.state = kind;
  el.leaveCall.disabled = !state.connected;
}

export function renderCall() {
  const call = state.call;
  if (!call) return;
  setText(el.callBooth, call.boothName);
  setText(el.callPoint, call.boothPoint);
  const reads = screenLanguageNote(call.screenLanguage);
  setText(el.callScreenLanguage, reads);
  el.callScreenLanguage.hidden = !reads;
  const pcState = call.pc ? call.pc.connectionState : "new";
  /** @type {Record<string, string>} */
  const labels = {
    connected: t("Connected"), failed: t("Failed"), disconnected: t("Interrupted"), closed: t("Closed"),
  };
  setText(el.callState, labels[pcState] || t("Connecting…"));
  el.callState.dataset.state = pcState;
  setText(el.callDuration, formatDuration((Date.now() - call.startedAt) / 1000));
  // A booth without a document camera: say so on the button instead of offering a switch that does nothing.
  const lacking = call.camera === "face" && documentCamera(state.booths, call) === "missing";
  const label = lacking ? t("No document camera at this booth")
    : call.camera === "face" ? t("Show document camera") : t("Show citizen's face");
  setText(el.cameraToggle, label);
  el.cameraToggle.disabled = lacking;
  el.cameraToggle.title = lacking ? t("This booth has no working document camera; it shows the citizen's face.") : "";
  el.cameraToggle.dataset.source = call.camera;
  // The booth link's quality: what this page receives and what the booth says it receives.
  const quality = linkQuality(call.quality.mine, call.quality.booth);
  setText(el.callQualityText, quality.text);
  setText(el.callQualityDetail, quality.detail);
  el.callQuality.dataset.level = quality.level;
  // How the citizen is heard: the booth's microphone level, a warning, and the booth's volume.
  const audio = call.audio;
  el.boothMicLevel.value = audio ? levelFraction(audio.mic_level_dbfs) : 0;
  setText(el.boothMicWarning, audio ? micWarning(audio.mic_state) : "");
  el.boothMicWarning.dataset.state = audio ? audio.mic_state : "";
  setText(el.boothVolume, audio ? `${audio.volume} %` : "–");
  el.boothVolumeDown.disabled = el.boothVolumeUp.disabled = !audio;
  setText(el.mute, state.muted ? t("Unmute") : t("Mute"));
  el.mute.setAttribute("aria-pressed", String(state.muted));
  setText(el.cameraOff, state.cameraOff ? t("Turn camera on") : t("Turn camera off"));
  el.cameraOff.setAttribute("aria-pressed", String(state.cameraOff));
  const ident = identView(call.ident);
  setText(el.identStatus, ident.text);
  el.identStatus.hidden = !ident.text;
  el.identStatus.dataset.state = ident.kind;
  el.identRequest.disabled = !state.connected || identUnderWay(call.ident) || identDone(call.ident);
  el.identInPerson.disabled = identDone(call.ident);
  el.stillTake.disabled = !state.connected || documentCamera(state.booths, call) === "missing";
  setText(el.printStatus, call.print ? call.print.text : "");
  el.printStatus.hidden = !call.print;
  el.printStatus.dataset.state = call.print ? call.print.kind : "";
  el.summarySend.disabled = el.summaryPrint.disabled = el.printDocument.disabled = !state.connected;
  /** @type {Record<string, string>} */
  const feedbackWords = {
    asked: t("The booth is asking the citizen…"),
    answered: t("The citizen answered. Thank you!"),
    skipped: t("The citizen skipped the questions."),
    saved: t("Your answers were saved."),
  };
  setText(el.feedbackStatus, call.feedback ? feedbackWords[call.feedback] || "" : "");
  el.feedbackRequest.disabled = !state.connected || call.feedback === "asked";
}

/** Update the lobby list in place (keyed by session id). @param {readonly string[]} [freshIds] just arrived: highlight */
export function renderLobby(freshIds = []) {
  /** @type {Map<string, HTMLLIElement>} */
  const existing = new Map();
  for (const li of el.lobby.querySelectorAll("li.lobby-entry")) {
    if (li instanceof HTMLLIElement && li.dataset.sessionId) existing.set(li.dataset.sessionId, li);
  }
  const canAdmit = state.connected && !state.call && !state.admitting;
  const offered = new Set(state.offers.keys());
  /** @type {HTMLButtonElement | null} */
  let focusTarget = null;

  /** @type {HTMLLIElement | null} */
  let previous = null;
  for (const entry of orderLobby(state.lobby, offered)) {
    let li = existing.get(entry.session_id);
    if (li) existing.delete(entry.session_id);
    else li = createLobbyItem(entry.session_id);
    const view = lobbyEntryView(entry, offered);
    setText(find(li, ".booth-name", HTMLElement), entry.booth_name);
    setText(find(li, ".point", HTMLElement), view.pointLine);
    li.classList.toggle("booked", view.booked);
    li.classList.toggle("offered-to-me", view.offer === "mine");
    li.classList.toggle("offered-elsewhere", view.offer === "colleague");
    const tag = find(li, ".offer-tag", HTMLElement);
    setText(tag, view.offer === "mine" ? t("Offered to you") : view.offer === "colleague" ? t("offered to a colleague") : "");
    tag.hidden = !view.offer;
    const matter = find(li, ".matter", HTMLElement);
    setText(find(matter, ".service", HTMLElement), view.matter);
    const badge = find(matter, ".lang-badge", HTMLElement);
    setText(badge, view.languageBadge);
    badge.hidden = !view.languageBadge;
    badge.title = view.languageName;
    matter.hidden = !view.matter && !view.languageBadge;
    const reads = find(li, ".screen-language", HTMLElement);
    setText(reads, view.screenLanguage);
    reads.hidden = !view.screenLanguage;
    setText(find(li, ".waiting-label", HTMLElement), t("Waiting"));
    setText(find(li, ".waiting-time", HTMLElement), formatDuration(waitingSeconds(entry)));
    const button = find(li, "button.admit", HTMLButtonElement);
    const admitting = state.admitting && state.admitting.sessionId === entry.session_id;
    button.disabled = !canAdmit;
    setText(button, admitting ? t("Admitting…") : t("Admit"));
    button.title = state.call ? t("Finish the current call first") : "";
    button.classList.toggle("primary", view.offer !== "colleague"); // a colleague's is admittable, just quieter
    if (freshIds.includes(entry.session_id)) highlight(li);
    /** @type {Element | null} */
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

  const waiting = state.lobby.length;
  el.lobbyEmpty.hidden = waiting > 0;
  setText(el.lobbyCount, waiting ? String(waiting) : "");
  el.lobbyCount.title = waiting ? tn("one citizen waiting", "{n} citizens waiting", waiting) : "";
}

/** @param {string} sessionId */
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
  const reads = append(who, "span", "screen-language");
  reads.hidden = true;
  reads.dataset.testid = `screen-language-${sessionId}`;
  const waiting = append(li, "div", "waiting");
  append(waiting, "span", "waiting-label").textContent = t("Waiting");
  append(waiting, "span", "waiting-time");
  const button = append(li, "button", "button primary admit");
  button.type = "button";
  button.textContent = t("Admit");
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

export function renderBooths() {
  el.booths.replaceChildren(...state.booths.map((booth) => {
    const li = document.createElement("li");
    li.className = `booth ${booth.online ? "online" : "offline"}`;
    li.dataset.boothId = booth.booth_id;
    const head = append(li, "div", "booth-head");
    const who = append(head, "div", "who");
    append(who, "span", "booth-name").textContent = booth.name;
    append(who, "span", "point").textContent = booth.point;
    append(head, "span", "badge").textContent = booth.online ? t("Online") : t("Offline");
    if (booth.assist && booth.assist !== "none") renderAssist(li, booth);
    const devices = booth.devices || [];
    if (devices.length) {
      const list = append(li, "ul", "devices");
      for (const device of devices) {
        const item = append(list, "li", "device");
        item.dataset.state = device.state;
        append(item, "span", "device-role").textContent = deviceLabel(device.role);
        append(item, "span", "device-state").textContent = deviceStateLabel(device.state);
        if (device.reason) append(item, "span", "device-reason").textContent = device.reason;
      }
    }
    return li;
  }));
  el.boothsEmpty.hidden = state.booths.length > 0;
}

/** The call button's alert on a booth: who is waiting for help, and the actions. @param {HTMLLIElement} li @param {BoothPresence} booth */
function renderAssist(li, booth) {
  li.classList.add(`assist-${booth.assist}`);
  const box = append(li, "div", "assist");
  box.dataset.state = booth.assist || "none";
  const since = booth.assist_since
    ? formatDuration(secondsSince(booth.assist_since, Date.now(), state.clockOffset)) : "";
  append(box, "span", "assist-text").textContent = booth.assist === "requested"
    ? (since ? t("Help requested ({time} ago)", { time: since }) : t("Help requested"))
    : t("Help is on the way");
  if (booth.assist === "requested") {
    const ack = append(box, "button", "button primary assist-ack");
    ack.type = "button";
    ack.textContent = t("I'm on it");
    ack.addEventListener("click", () => send({ type: "assist.ack", booth_id: booth.booth_id }));
  }
  const clear = append(box, "button", "button assist-clear");
  clear.type = "button";
  clear.textContent = t("Helped");
  clear.addEventListener("click", () => send({ type: "assist.clear", booth_id: booth.booth_id }));
}

/** A booth device's name, by its role; a role the page does not know is shown in words. @param {string} role */
function deviceLabel(role) {
  switch (role) {
    case "face_camera": return t("Face camera");
    case "document_camera": return t("Document camera");
    case "call_button": return t("Call button");
    case "card_reader": return t("Card reader");
    case "microphone": return t("Microphone");
    case "printer": return t("Printer");
    case "touchscreen": return t("Touchscreen");
    default: return roleWords(role);
  }
}

/** @param {string} deviceState */
function deviceStateLabel(deviceState) {
  switch (deviceState) {
    case "ok": return t("OK");
    case "degraded": return t("Degraded");
    case "missing": return t("Missing");
    default: return deviceState;
  }
}

export function renderTitle() {
  const waiting = state.phase === "login" ? 0 : state.lobby.length;
  document.title = waiting ? `(${waiting}) Etäpiste` : "Etäpiste";
}

/** The running clocks: waiting times and the call duration. */
export function tick() {
  if (state.phase === "login") return;
  const byId = new Map(state.lobby.map((entry) => [entry.session_id, entry]));
  for (const li of el.lobby.querySelectorAll("li.lobby-entry")) {
    const entry = li instanceof HTMLElement && li.dataset.sessionId ? byId.get(li.dataset.sessionId) : undefined;
    if (entry) setText(find(li, ".waiting-time", HTMLElement), formatDuration(waitingSeconds(entry)));
  }
  if (state.call) setText(el.callDuration, formatDuration((Date.now() - state.call.startedAt) / 1000));
}
