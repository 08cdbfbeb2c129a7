// @ts-check
// Advisor alerts: a citizen at one of our point's booths needs a person. The
// panel lists the open ones; Acknowledge sends alert.ack and the alert stays
// until the backend's alert.cleared. The rules (merge, stale, order, texts)
// are in lobby.js.

import { send } from "./connection.js";
import { append, el, find, setText } from "./dom.js";
import { currentLanguage, t, tn } from "./i18n.js";
import { alertView, dropStaleAlerts, markAlertsStale, mergeAlert, removeAlert, sortedAlerts } from "./lobby.js";
import { chime } from "./sound.js";
import { state } from "./state.js";
import { setStatus } from "./status.js";

/** @typedef {import("./protocol.js").AdvisorAlert} AdvisorAlert */
/** @typedef {import("./protocol.js").AlertCleared} AlertCleared */

const ACK_TIMEOUT_MS = 15_000; // give up waiting for alert.cleared after our alert.ack
// After a reconnect the backend resends every open advisor alert; one not
// resent within this long was acknowledged while we were away.
const ALERT_RESEND_GRACE_MS = 10_000;

/** A citizen at one of our point's booths needs a person (we are one of its advisors). @param {AdvisorAlert} message */
export function onAdvisorAlert(message) {
  const { alerts, isNew } = mergeAlert(state.alerts, message);
  state.alerts = alerts;
  renderAlerts();
  if (isNew) chime(); // a resend of one already shown is not news
}

/** Someone (maybe us) acknowledged the alert: take it off the list. @param {AlertCleared} message */
export function onAlertCleared(message) {
  clearAcking(message.alert_id);
  state.alerts = removeAlert(state.alerts, message.alert_id);
  renderAlerts();
}

/** Welcomed (again): the backend now resends the open alerts; drop those it does not. */
export function expectAlertResend() {
  clearTimeout(state.alertPruneTimer);
  state.alertPruneTimer = setTimeout(() => {
    state.alertPruneTimer = undefined;
    state.alerts = dropStaleAlerts(state.alerts);
    renderAlerts();
  }, ALERT_RESEND_GRACE_MS);
}

/** The socket dropped: alerts cleared while we are away send us nothing (see expectAlertResend). */
export function alertsDisconnected() {
  clearAcking();
  clearTimeout(state.alertPruneTimer);
  state.alertPruneTimer = undefined;
  state.alerts = markAlertsStale(state.alerts);
}

/** Signed out: forget every alert and every pending acknowledgement. */
export function resetAlerts() {
  clearAcking();
  clearTimeout(state.alertPruneTimer);
  state.alertPruneTimer = undefined;
  state.alerts = new Map();
}

/** Advisor: "I will take care of it". The alert stays until the backend's alert.cleared. @param {string} alertId */
function acknowledgeAlert(alertId) {
  if (state.acking.has(alertId) || !state.alerts.has(alertId)) return;
  if (!send({ type: "alert.ack", alert_id: alertId })) {
    setStatus(t("Not connected to the server; try again in a moment."), "error");
    return;
  }
  const timer = setTimeout(() => {
    if (!state.acking.has(alertId)) return;
    state.acking.delete(alertId);
    setStatus(t("The server did not confirm the acknowledgement. Please try again."), "error");
    renderAlerts();
  }, ACK_TIMEOUT_MS);
  state.acking.set(alertId, timer);
  renderAlerts();
}

/** Stop waiting for one alert's confirmation, or (no id) for all of them. @param {string} [alertId] */
export function clearAcking(alertId) {
  for (const [id, timer] of state.acking) {
    if (alertId === undefined || id === alertId) {
      clearTimeout(timer);
      state.acking.delete(id);
    }
  }
}

/** The advisor alerts panel, updated in place (keyed by alert id). */
export function renderAlerts() {
  const alerts = state.phase === "login" ? [] : sortedAlerts(state.alerts);
  el.alertsSection.hidden = alerts.length === 0;
  setText(el.alertsCount, alerts.length ? String(alerts.length) : "");
  el.alertsCount.title = alerts.length ? tn("one open alert", "{n} open alerts", alerts.length) : "";
  const lang = currentLanguage();
  /** @type {Map<string, HTMLLIElement>} */
  const existing = new Map();
  for (const li of el.alerts.querySelectorAll("li.alert-item")) {
    if (li instanceof HTMLLIElement && li.dataset.alertId) existing.set(li.dataset.alertId, li);
  }

  /** @type {HTMLLIElement | null} */
  let previous = null;
  for (const alert of alerts) {
    let li = existing.get(alert.alert_id);
    if (li) existing.delete(alert.alert_id);
    else li = createAlertItem(alert.alert_id);
    const view = alertView(alert, lang);
    li.dataset.kind = alert.kind;
    const time = find(li, ".alert-time", HTMLTimeElement);
    setText(time, view.time);
    time.dateTime = new Date(alert.at * 1000).toISOString();
    setText(find(li, ".alert-kind", HTMLElement), view.kindLabel);
    setText(find(li, ".alert-place", HTMLElement), view.place);
    const text = find(li, ".alert-message", HTMLElement);
    setText(text, view.message);
    text.lang = view.messageLang;
    const booking = find(li, ".alert-booking", HTMLElement);
    setText(booking, view.bookingLine);
    booking.hidden = !view.bookingLine;
    const button = find(li, "button.alert-ack", HTMLButtonElement);
    const pending = state.acking.has(alert.alert_id);
    button.disabled = pending || !state.connected;
    setText(button, pending ? t("Acknowledging…") : t("Acknowledge"));
    /** @type {Element | null} */
    const next = previous ? previous.nextElementSibling : el.alerts.firstElementChild;
    if (li !== next) el.alerts.insertBefore(li, next);
    previous = li;
  }
  for (const li of existing.values()) li.remove();
}

/** @param {string} alertId */
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
  button.textContent = t("Acknowledge");
  button.dataset.testid = `ack-${alertId}`;
  button.setAttribute("aria-describedby", text.id);
  button.addEventListener("click", () => acknowledgeAlert(alertId));
  return li;
}
