// @ts-check
// Etäpiste advisor app: the service advisor's desk on a phone. Sign in, today
// at my point (booths, bookings, walk-in queue, alarms) live over the hub's
// websocket, booking at the desk through the booking API, and alarms on the
// phone through Web Push (sw.js). The official app's modules do the sign-in,
// the socket, the texts and the message checks (imported, never copied);
// today.js holds this app's pure rules.
//
// Privacy: nothing here logs names, codes, phone numbers or tokens.

import { requestLogin, revokeToken, storedSession, storeSession } from "../official/auth.js";
import { configureConnection, connect, disconnect, welcomed } from "../official/connection.js";
import { currentLanguage, LANGUAGES, offerLanguages, onLanguageChange, t, translateStatic } from "../official/i18n.js";
import { GUEST_ROLES, inviteRequest, revocable, roleText, stateText } from "../official/guests.js";
import { alertView, mergeAlert, removeAlert, sortedAlerts } from "../official/lobby.js";
import { state } from "../official/state.js";
import { checkMessage } from "../official/validation.js";
import {
  base64UrlBytes, bookingActions, bookingStatusLabel, boothView, contactBody, helsinkiClock, helsinkiDay,
  identifyStep, keptIdentifySteps, orderBookings, serviceView,
} from "./today.js";

/** @typedef {import("./today.js").Booking} Booking */
/** @typedef {import("./today.js").Service} Service */
/** @typedef {import("../official/protocol.js").BoothPresence} BoothPresence */
/** @typedef {{ id: string, name: string, booths: { id: string, name: string }[] }} Point */
/** @typedef {{ entry_id: string, service_id: string, language: string, position: number,
 *   wait_min: number | null, appointment: boolean, state: string }} QueueEntry */

/** @param {string} id */
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id));
const select = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ (byId(id));

const desk = {
  /** @type {Point[]} */ points: [],
  /** @type {Service[]} */ services: [],
  /** @type {Booking[]} */ bookings: [],
  /** @type {QueueEntry[]} */ queue: [],
  /** @type {string | null} the booking being moved */ moving: null,
  /**
   * The open move form's day, free times and choice: kept here because the list is redrawn on every
   * live update, and a form that forgot the advisor's choice between two taps would move nothing.
   * @type {{ day: string, slots: { start: string }[], chosen: string }}
   */
  moveDraft: { day: "", slots: [], chosen: "" },
  /** @type {string | null} the booking whose cancel waits for a second tap */ cancelling: null,
  /** @type {string | null} the booking a third party is being invited to */ inviting: null,
  /** The open invitation form's fields, kept across live redraws like the move form's. */
  inviteDraft: { role: "spoken_interpreter", language: "", name: "", phone: "", email: "" },
  /** @type {Record<string, import("../official/guests.js").Invitation[]>} each open booking's invitations */
  invitations: {},
  /** @type {Record<string, "confirm" | "done">} each booth line's "identified in person" step */ identify: {},
  refreshTimer: /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined),
};

/** Whether the advisor picked the booking form's day (else it follows the server's today). */
let dayChosen = false;
/** Pushes the service worker has handled while the app was open (shown or not): for the tests. */
let pushesHandled = 0;

// Read-only hooks for the automated browser tests.
Object.defineProperty(window, "etapisteAdvisor", {
  value: Object.freeze({
    alerts: () => sortedAlerts(state.alerts).map((a) => ({ alert_id: a.alert_id, kind: a.kind })),
    connected: () => state.connected,
    pushesHandled: () => pushesHandled,
  }),
});

init();

function init() {
  initLanguage();
  byId("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn().catch(failed);
  });
  byId("sign-out").addEventListener("click", () => {
    alarmsOff().finally(() => {
      revokeToken(state.token);
      signOut();
    });
  });
  byId("enable-alarms").addEventListener("click", () => enableAlarms().catch(failed));
  select("service").addEventListener("change", showService);
  byId("find-times").addEventListener("click", () => findTimes().catch(failed));
  byId("book-form").addEventListener("submit", (event) => {
    event.preventDefault();
    book().catch(failed);
  });
  byId("serve-now").addEventListener("click", () => serveNow().catch(failed));
  input("day").value = helsinkiDay(Date.now());
  input("day").addEventListener("change", () => { dayChosen = true; });
  configureConnection({ onFrame, onClosed: renderConnection, onChange: renderConnection });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", onWorkerMessage);
    navigator.serviceWorker.register("/advisor/sw.js", { scope: "/advisor/" }).catch((err) => {
      console.warn("service worker not registered:", err instanceof Error ? err.name : "error");
    });
  }
  const stored = storedSession();
  if (stored.token) startDesk(stored.token, stored.name);
}

function initLanguage() {
  onLanguageChange(() => {
    document.documentElement.lang = currentLanguage();
    translateStatic();
    renderAll();
  });
  offerLanguages([select("login-language"), select("language")], failed);
}

// --- signing in -------------------------------------------------------------------

async function signIn() {
  const error = byId("login-error");
  error.textContent = "";
  const result = await requestLogin(input("username").value.trim(), input("password").value);
  if ("error" in result) {
    error.textContent = result.error;
    return;
  }
  storeSession(result.token, result.name);
  input("password").value = "";
  startDesk(result.token, result.name);
}

/** @param {string} token @param {string} name */
function startDesk(token, name) {
  state.token = token;
  state.name = name;
  state.phase = "lobby"; // signed in: connection.js connects and reconnects
  document.body.dataset.phase = "desk";
  byId("login-view").hidden = true;
  byId("desk-view").hidden = false;
  byId("advisor-name").textContent = name;
  connect();
  loadDesk().catch(failed);
}

function signOut() {
  storeSession(null, null);
  state.phase = "login";
  state.token = null;
  disconnect();
  state.alerts = new Map();
  document.body.dataset.phase = "login";
  byId("login-view").hidden = false;
  byId("desk-view").hidden = true;
  renderConnection();
}

// --- the HTTP API --------------------------------------------------------------

/**
 * Call the backend as the signed-in advisor; the answer's JSON, or an Error with the backend's reason.
 * @param {string} path @param {{ method?: string, body?: unknown }} [options]
 */
async function api(path, options = {}) {
  const response = await fetch(path, {
    method: options.method || "GET",
    headers: {
      Accept: "application/json",
      Authorization: `Bearer ${state.token}`,
      ...(options.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 401) {
    signOut();
    throw new Error(t("The sign-in has expired. Please sign in again."));
  }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error(reason(response.status, body));
  return body;
}

/** The refusal in words: the backend's own reason names the field and the rule. @param {number} status @param {any} body */
function reason(status, body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  return t("The server refused (HTTP {status}).", { status });
}

function point() {
  return desk.points[0] || null;
}

async function loadDesk() {
  desk.points = await api("/api/advisor/points");
  byId("point-name").textContent = point()?.name || "";
  desk.services = await api("/api/services");
  fillServices();
  await refreshDay();
}

async function refreshDay() {
  const here = point();
  if (!here || !state.token) return;
  const day = helsinkiDay(Date.now() + state.clockOffset * 1000);
  const [bookings, queue] = await Promise.all([
    api(`/api/bookings?point=${encodeURIComponent(here.id)}&day=${day}`),
    api(`/api/queue/${encodeURIComponent(here.id)}`),
  ]);
  desk.bookings = orderBookings(bookings);
  desk.queue = queue.entries;
  renderBookings();
  renderQueue();
}

/** Presence changes often come with booking and queue changes: refresh those, at most once a second. */
function refreshSoon() {
  if (desk.refreshTimer) return;
  desk.refreshTimer = setTimeout(() => {
    desk.refreshTimer = undefined;
    refreshDay().catch(failed);
  }, 1000);
}

async function refreshAlarms() {
  const open = await api("/api/alerts");
  /** @type {typeof state.alerts} */
  let alerts = new Map();
  for (const a of open) {
    alerts = mergeAlert(alerts, {
      v: 1, type: "advisor.alert", alert_id: a.alert_id, kind: a.kind, point: a.point_name,
      booth_name: a.booth_name, at: Date.parse(a.at) / 1000, message_fi: a.messages.fi,
      message_sv: a.messages.sv, message_en: a.messages.en, booking_code: a.booking_code,
    }).alerts;
  }
  state.alerts = alerts;
  renderAlarms();
}

// --- the hub's messages -------------------------------------------------------------

/** @param {string} text */
function onFrame(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    console.warn("a frame that is not JSON");
    return;
  }
  const checked = checkMessage(parsed);
  if (!checked.ok) {
    console.warn("a frame the protocol refuses:", checked.errors.join("; "));
    return;
  }
  const msg = checked.message;
  switch (msg.type) {
    case "welcome":
      welcomed();
      state.clockOffset = msg.server_time - Date.now() / 1000;
      if (!dayChosen) input("day").value = helsinkiDay(Date.now() + state.clockOffset * 1000); // the point's today
      renderConnection();
      refreshAlarms().catch(failed); // the list is the backend's: what was acknowledged meanwhile goes
      refreshDay().catch(failed);
      break;
    case "presence": {
      const mine = new Set(desk.points.map((p) => p.name));
      state.booths = msg.booths.filter((b) => !mine.size || mine.has(b.point));
      desk.identify = keptIdentifySteps(desk.identify, state.booths);
      renderBooths();
      refreshSoon();
      break;
    }
    case "advisor.alert":
      state.alerts = mergeAlert(state.alerts, msg).alerts;
      renderAlarms();
      break;
    case "alert.cleared":
      state.alerts = removeAlert(state.alerts, msg.alert_id);
      closeNotification(msg.alert_id);
      renderAlarms();
      break;
    case "error":
      if (msg.fatal && (msg.code === "auth_failed" || msg.code === "not_authenticated")) signOut();
      break;
    default:
      break; // lobby offers and calls are the official's page's business
  }
}

/** @param {MessageEvent} event */
function onWorkerMessage(event) {
  const data = event.data || {};
  if (data.type === "acknowledged" && typeof data.alert_id === "string") {
    state.alerts = removeAlert(state.alerts, data.alert_id);
    renderAlarms();
    notice(t("You took the alarm."));
  } else if (data.type === "ack-failed") {
    notice(t("The alarm could not be acknowledged from the notification. Use the button here."));
  } else if (data.type === "alarm") {
    pushesHandled += 1;
    if (state.token) refreshAlarms().catch(failed);
  }
}

// --- alarms ---------------------------------------------------------------------------

/** @param {string} alertId */
async function acknowledge(alertId) {
  await api(`/api/alerts/${encodeURIComponent(alertId)}/ack`, { method: "POST" });
  state.alerts = removeAlert(state.alerts, alertId);
  closeNotification(alertId);
  renderAlarms();
}

/** The phone's notification for an alarm taken here goes too. @param {string} alertId */
function closeNotification(alertId) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.getRegistration("/advisor/").then(async (registration) => {
    if (!registration) return;
    for (const note of await registration.getNotifications({ tag: alertId })) note.close();
  }).catch(() => {});
}

/** Alarms on this phone: notification permission, a push subscription, registered with the backend. */
async function enableAlarms() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    notice(t("This browser cannot receive alarms. On an iPhone, add the app to the home screen first."));
    return;
  }
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    notice(t("Notifications are not allowed. Allow them in the browser's settings."));
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  const { public_key: key } = await api("/api/push/key");
  let subscription;
  try {
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: base64UrlBytes(key),
    });
  } catch {
    notice(t("The phone's push service could not be reached. Try again when online."));
    return;
  }
  await api("/api/push/subscriptions", { method: "POST", body: { ...subscription.toJSON(), language: currentLanguage() } });
  notice(t("Alarms are on for this phone."));
}

/** Signing out stops this phone's alarms: a shared phone must not ring for someone who left. */
async function alarmsOff() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration("/advisor/");
    const subscription = await registration?.pushManager?.getSubscription();
    if (!subscription) return;
    await api("/api/push/subscriptions/remove", { method: "POST", body: { endpoint: subscription.endpoint } }).catch(() => {});
    await subscription.unsubscribe();
  } catch {
    // no push support or no subscription: nothing to stop
  }
}

// --- booking at the desk ----------------------------------------------------------------

function fillServices() {
  const lang = currentLanguage();
  const chooser = select("service");
  const chosen = chooser.value;
  chooser.replaceChildren(...desk.services.map((s) => {
    const option = document.createElement("option");
    option.value = s.id;
    option.textContent = serviceView(s, lang).name;
    return option;
  }));
  if (chosen) chooser.value = chosen;
  showService();
}

function chosenService() {
  return desk.services.find((s) => s.id === select("service").value) || null;
}

function showService() {
  const service = chosenService();
  const languages = select("book-language");
  const before = languages.value;
  if (!service) return;
  const view = serviceView(service, currentLanguage());
  byId("service-description").textContent = view.description;
  byId("service-identification").textContent = view.identification;
  input("citizen-name").required = view.needsName;
  const names = Object.fromEntries(LANGUAGES.map(({ code, name }) => [code, name]));
  languages.replaceChildren(...service.languages.map((code) => {
    const option = document.createElement("option");
    option.value = code;
    option.textContent = names[code] || code;
    return option;
  }));
  if (service.languages.includes(before)) languages.value = before;
  select("slot").replaceChildren();
}

async function findTimes() {
  const service = chosenService();
  const here = point();
  if (!service || !here) return;
  const day = input("day").value;
  const slots = await api(
    `/api/slots?service=${encodeURIComponent(service.id)}&point=${encodeURIComponent(here.id)}`
    + `&language=${select("book-language").value}&from=${day}&to=${day}`,
  );
  fillSlots(select("slot"), slots);
  if (!slots.length) notice(t("No free times that day."));
}

/** @param {HTMLSelectElement} chooser @param {{ start: string }[]} slots */
function fillSlots(chooser, slots) {
  chooser.replaceChildren(...slots.map((slot) => {
    const option = document.createElement("option");
    option.value = slot.start;
    option.textContent = helsinkiClock(slot.start);
    return option;
  }));
}

async function book() {
  const error = byId("book-error");
  error.textContent = "";
  const service = chosenService();
  const here = point();
  const start = select("slot").value;
  if (!service || !here) return;
  if (!start) {
    error.textContent = t("Find free times and choose one first.");
    return;
  }
  const contact = contactBody({ name: input("citizen-name").value, phone: input("phone").value, email: input("email").value });
  if (!contact.ok) {
    error.textContent = contact.error;
    return;
  }
  if (serviceView(service, currentLanguage()).needsName && !contact.body.citizen_name) {
    error.textContent = t("This service needs the customer's name.");
    return;
  }
  try {
    const booked = await api("/api/bookings", {
      method: "POST",
      body: { service_id: service.id, point_id: here.id, language: select("book-language").value, start, channel: "advisor", ...contact.body },
    });
    notice(t("Booked: {time}, code {code}. The confirmation is on its way.", { time: helsinkiClock(booked.start), code: booked.code }));
    for (const id of ["citizen-name", "phone", "email"]) input(id).value = "";
    select("slot").replaceChildren();
  } catch (err) {
    error.textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  await refreshDay();
}

async function serveNow() {
  const service = chosenService();
  const here = point();
  if (!service || !here) return;
  const entry = await api("/api/queue", {
    method: "POST", body: { point_id: here.id, service_id: service.id, language: select("book-language").value },
  });
  notice(t("In the queue: number {position}.", { position: entry.position }));
  await refreshDay();
}

/** @param {Booking} booking @param {"checkin" | "reschedule" | "cancel" | "resend"} action */
async function bookingAction(booking, action) {
  const path = `/api/bookings/${encodeURIComponent(booking.code)}`;
  if (action === "checkin") {
    const done = await api(`${path}/desk-checkin`, { method: "POST", body: { booth_id: booking.booth_id } });
    notice(done.messages[currentLanguage()] || done.result);
  } else if (action === "resend") {
    await api(`${path}/resend`, { method: "POST" });
    notice(t("The confirmation was sent again."));
  } else if (action === "cancel") {
    if (desk.cancelling !== booking.code) {
      desk.cancelling = booking.code; // a second tap confirms: a cancelled booking cannot come back
      renderBookings();
      return;
    }
    desk.cancelling = null;
    await api(`${path}/cancel`, { method: "POST", body: { channel: "advisor" } });
    notice(t("The booking was cancelled and the customer told."));
  } else if (action === "reschedule") {
    desk.moving = desk.moving === booking.code ? null : booking.code;
    desk.moveDraft = { day: booking.start.slice(0, 10), slots: [], chosen: "" };
    renderBookings();
    return;
  }
  await refreshDay();
}

/**
 * The "identified in person" button of a booth line: the first tap asks the advisor to confirm
 * they saw the ID, the second records it for the citizen in that booth (the backend finds their
 * call; the official in it is told).
 * @param {BoothPresence} booth @param {"confirm" | "back"} action
 */
async function identifyAt(booth, action) {
  if (action === "back" || desk.identify[booth.booth_id] !== "confirm") {
    if (action === "back") delete desk.identify[booth.booth_id];
    else desk.identify[booth.booth_id] = "confirm";
    renderBooths();
    return;
  }
  await api(`/api/booths/${encodeURIComponent(booth.booth_id)}/identification`, {
    method: "POST", body: { method: "in_person" },
  });
  desk.identify[booth.booth_id] = "done";
  notice(t("Recorded: the customer in {booth} was identified in person.", { booth: booth.name }));
  renderBooths();
}

/** @param {Booking} booking @param {string} day @param {HTMLSelectElement} chooser */
async function findMoveTimes(booking, day, chooser) {
  const slots = await api(
    `/api/slots?service=${encodeURIComponent(booking.service_id)}&point=${encodeURIComponent(point()?.id || "")}`
    + `&language=${booking.language}&from=${day}&to=${day}`,
  );
  desk.moveDraft = { day, slots, chosen: slots.length ? slots[0].start : "" };
  fillSlots(chooser, slots);
  if (!slots.length) notice(t("No free times that day."));
}

/** @param {Booking} booking @param {string} start */
async function move(booking, start) {
  const moved = await api(`/api/bookings/${encodeURIComponent(booking.code)}/reschedule`, {
    method: "POST", body: { start, channel: "advisor" },
  });
  desk.moving = null;
  notice(t("Moved to {time}. The customer was told.", { time: helsinkiClock(moved.start) }));
  await refreshDay();
}

// --- rendering ---------------------------------------------------------------------------

function renderAll() {
  fillServices();
  renderAlarms();
  renderBooths();
  renderBookings();
  renderQueue();
  renderConnection();
}

function renderConnection() {
  const node = byId("connection");
  node.dataset.state = state.connected ? "connected" : state.phase === "login" ? "offline" : "connecting";
  node.textContent = state.connected ? t("Connected") : state.phase === "login" ? "" : t("Connecting…");
}

/** @param {string} text */
function notice(text) {
  byId("notice").textContent = text;
}

/** @param {unknown} err */
function failed(err) {
  notice(err instanceof Error ? err.message : t("Something went wrong. Please try again."));
}

/**
 * A button in a list row. Its accessible name is its visible text and what it acts on
 * ("Move: 10.00 Personal taxation"): speech users say what they see, screen readers hear which row.
 * @param {HTMLElement} parent @param {string} text @param {string} target @param {() => Promise<void>} action
 */
function button(parent, text, target, action) {
  const node = document.createElement("button");
  node.type = "button";
  node.textContent = text;
  node.setAttribute("aria-label", t("{action}: {target}", { action: text, target }));
  node.addEventListener("click", () => action().catch(failed));
  parent.append(node);
  return node;
}

/** @param {HTMLElement} parent @param {string} text @param {string} [className] */
function line(parent, text, className) {
  const node = document.createElement("span");
  if (className) node.className = className;
  node.textContent = text;
  parent.append(node);
  return node;
}

function renderAlarms() {
  const list = byId("alarms");
  const alarms = sortedAlerts(state.alerts);
  byId("alarms-empty").hidden = alarms.length > 0;
  list.replaceChildren(...alarms.map((alarm) => {
    const view = alertView(alarm, currentLanguage());
    const item = document.createElement("li");
    item.className = `alarm kind-${alarm.kind}`;
    item.dataset.alertId = alarm.alert_id;
    line(item, `${view.time} · ${view.kindLabel}`, "title");
    line(item, view.place, "muted");
    const message = line(item, view.message);
    message.lang = view.messageLang;
    button(item, t("I'm on it"), view.place, () => acknowledge(alarm.alert_id));
    return item;
  }));
}

function renderBooths() {
  const list = byId("booths");
  list.replaceChildren(...state.booths.map((booth) => {
    const view = boothView(booth);
    const item = document.createElement("li");
    item.className = `booth state-${view.state}`;
    line(item, booth.name, "title");
    line(item, view.label);
    if (view.faults.length) line(item, view.faults.join(", "), "muted");
    const step = identifyStep(booth, desk.identify[booth.booth_id]);
    const row = document.createElement("div");
    row.className = "actions";
    if (step === "offer") button(row, t("Identified in person"), booth.name, () => identifyAt(booth, "confirm"));
    if (step === "confirm") {
      line(row, t("Did you check the customer's ID document with your own eyes?"), "question");
      button(row, t("Yes, I checked the ID"), booth.name, () => identifyAt(booth, "confirm"));
      button(row, t("Back"), booth.name, () => identifyAt(booth, "back"));
    }
    if (step === "done") line(row, `✓ ${t("Identified in person")}`, "ok");
    if (step !== "none") item.append(row);
    return item;
  }));
}

function renderBookings() {
  const list = byId("bookings");
  const lang = currentLanguage();
  byId("bookings-empty").hidden = desk.bookings.length > 0;
  list.replaceChildren(...desk.bookings.map((booking) => {
    const service = desk.services.find((s) => s.id === booking.service_id);
    const name = service ? serviceView(service, lang).name : booking.service_id;
    const when = helsinkiClock(booking.start);
    const item = document.createElement("li");
    item.className = `booking status-${booking.status}`;
    item.dataset.code = booking.code;
    line(item, `${when} · ${name}`, "title");
    line(item, `${bookingStatusLabel(booking.status)} · ${t("code {code}", { code: booking.code })}`);
    const row = document.createElement("div");
    row.className = "actions";
    item.append(row);
    const what = `${when} ${name}`;
    for (const action of bookingActions(booking.status)) {
      if (action === "checkin") button(row, t("Check in"), what, () => bookingAction(booking, "checkin"));
      if (action === "reschedule") button(row, t("Move"), what, () => bookingAction(booking, "reschedule"));
      if (action === "cancel") {
        const sure = desk.cancelling === booking.code;
        button(row, sure ? t("Yes, cancel") : t("Cancel"), what, () => bookingAction(booking, "cancel"));
      }
      if (action === "resend") button(row, t("Resend"), what, () => bookingAction(booking, "resend"));
    }
    if (bookingActions(booking.status).includes("cancel")) {
      button(row, t("Invite a third party"), what, () => toggleInvite(booking));
    }
    if (desk.moving === booking.code) item.append(moveForm(booking, what));
    if (desk.inviting === booking.code) item.append(inviteForm(booking, what));
    return item;
  }));
}

/** The inline form that moves one booking: a day, its free times, confirm. @param {Booking} booking @param {string} what */
function moveForm(booking, what) {
  const form = document.createElement("div");
  form.className = "move";
  const dayId = `move-day-${booking.code}`;
  const slotId = `move-slot-${booking.code}`;
  const dayLabel = document.createElement("label");
  dayLabel.htmlFor = dayId;
  dayLabel.textContent = t("New day");
  const draft = desk.moveDraft;
  const day = document.createElement("input");
  day.type = "date";
  day.id = dayId;
  day.value = draft.day || booking.start.slice(0, 10);
  day.addEventListener("change", () => { desk.moveDraft = { day: day.value, slots: [], chosen: "" }; });
  const slotLabel = document.createElement("label");
  slotLabel.htmlFor = slotId;
  slotLabel.textContent = t("New time");
  const slot = document.createElement("select");
  slot.id = slotId;
  fillSlots(slot, draft.slots);
  slot.value = draft.chosen;
  slot.addEventListener("change", () => { desk.moveDraft.chosen = slot.value; });
  form.append(dayLabel, day);
  button(form, t("Find free times"), what, () => findMoveTimes(booking, day.value, slot));
  form.append(slotLabel, slot);
  button(form, t("Move here"), what, async () => {
    if (slot.value) await move(booking, slot.value);
  });
  return form;
}

/** Open or close a booking's invitation form, with its invitations. @param {Booking} booking */
async function toggleInvite(booking) {
  desk.inviting = desk.inviting === booking.code ? null : booking.code;
  if (desk.inviting) desk.invitations[booking.code] = await api(`/api/bookings/${encodeURIComponent(booking.code)}/guests`);
  renderBookings();
}

/** The inline form that invites an interpreter or a support person (guests.js checks it). @param {Booking} booking @param {string} what */
function inviteForm(booking, what) {
  const form = document.createElement("div");
  form.className = "move";
  const draft = desk.inviteDraft;
  /** @param {string} key @param {string} label @param {HTMLInputElement | HTMLSelectElement} input */
  const field = (key, label, input) => {
    input.id = `invite-${key}-${booking.code}`;
    const node = document.createElement("label");
    node.htmlFor = input.id;
    node.textContent = label;
    input.value = /** @type {Record<string, string>} */ (draft)[key];
    input.addEventListener("input", () => { /** @type {Record<string, string>} */ (draft)[key] = input.value; });
    form.append(node, input);
  };
  const role = document.createElement("select");
  for (const r of GUEST_ROLES) {
    const option = document.createElement("option");
    option.value = r;
    option.textContent = roleText(r);
    role.append(option);
  }
  role.addEventListener("change", () => { draft.role = role.value; });
  field("role", t("Who"), role);
  field("language", t("Language interpreted (code, e.g. ar)"), document.createElement("input"));
  field("name", t("Name"), document.createElement("input"));
  field("phone", t("Phone"), document.createElement("input"));
  field("email", t("E-mail"), document.createElement("input"));
  button(form, t("Send the link"), what, async () => {
    const request = inviteRequest({ ...draft, messageLanguage: currentLanguage() });
    if (!request.body) { notice(request.problem); return; }
    await api(`/api/bookings/${encodeURIComponent(booking.code)}/guests`, { method: "POST", body: request.body });
    desk.inviteDraft = { role: "spoken_interpreter", language: "", name: "", phone: "", email: "" };
    desk.invitations[booking.code] = await api(`/api/bookings/${encodeURIComponent(booking.code)}/guests`);
    notice(t("The link is on its way."));
    renderBookings();
  });
  const list = document.createElement("ul");
  for (const inv of desk.invitations[booking.code] || []) {
    const item = document.createElement("li");
    line(item, `${inv.name || "–"} · ${roleText(inv.role)}${inv.language ? ` (${inv.language})` : ""} · ${stateText(inv.state)}`);
    if (revocable(inv)) {
      button(item, t("Cancel the link"), inv.name || what, async () => {
        await api(`/api/guests/${encodeURIComponent(inv.id)}`, { method: "DELETE" });
        desk.invitations[booking.code] = await api(`/api/bookings/${encodeURIComponent(booking.code)}/guests`);
        notice(t("The link no longer works."));
        renderBookings();
      });
    }
    list.append(item);
  }
  form.append(list);
  return form;
}

function renderQueue() {
  const list = byId("queue");
  const lang = currentLanguage();
  byId("queue-empty").hidden = desk.queue.length > 0;
  list.replaceChildren(...desk.queue.map((entry) => {
    const service = desk.services.find((s) => s.id === entry.service_id);
    const item = document.createElement("li");
    item.className = `queued state-${entry.state}`;
    line(item, `${entry.position}. ${service ? serviceView(service, lang).name : entry.service_id} · ${entry.language.toUpperCase()}`, "title");
    const wait = entry.wait_min === null ? t("no official present") : t("about {minutes} min", { minutes: entry.wait_min });
    line(item, entry.appointment ? `${t("Booked")} · ${wait}` : wait, "muted");
    return item;
  }));
}
