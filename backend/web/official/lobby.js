// Pure helpers for the official app's lobby and advisor alerts: no DOM, no
// clock, no sockets, so Node can test them (tests/unit/web/lobby.test.mjs).
//
// Everything here takes messages that already passed the schema check and
// returns plain data or new Maps; app.js owns the state and the DOM, and puts
// these strings into the page with textContent only.

/** The badge text for a citizen's language. */
export const LANGUAGE_BADGES = Object.freeze({ fi: "FI", sv: "SV", en: "EN" });

/** The language's name, for the badge's tooltip and screen readers. */
export const LANGUAGE_NAMES = Object.freeze({ fi: "Finnish", sv: "Swedish", en: "English" });

/** A short heading for each advisor alert kind; unknown kinds get a generic one. */
export const ALERT_KIND_LABELS = Object.freeze({
  checkin_refused: "Check-in refused",
  official_no_show: "Official has not joined",
});

/**
 * An offer the page has not yet seen in any lobby snapshot is dropped after
 * this long: the citizen was admitted or gave up before a snapshot showed them.
 */
export const OFFER_UNSEEN_GRACE_MS = 30_000;

/** "fi", "sv" or "en" from an `<html lang>` value such as "fi-FI" ("en" when unknown). */
export function pageLanguage(langAttribute) {
  const lang = String(langAttribute || "").trim().toLowerCase().split("-")[0];
  return lang === "fi" || lang === "sv" ? lang : "en";
}

// --- offers ------------------------------------------------------------------------

/**
 * Remember a `session.offer` (the backend routed this citizen to us).
 * `offers` maps session id -> { offer, receivedAt, seen, focused }, where
 * `seen` says a lobby snapshot has listed the citizen (`lobbyIds`: the
 * latest one's session ids). Returns { offers, isNew }; a repeated offer
 * keeps its state and is not new.
 */
export function recordOffer(offers, message, now, lobbyIds = new Set()) {
  const next = new Map(offers);
  const previous = offers.get(message.session_id);
  const seen = lobbyIds.has(message.session_id);
  next.set(message.session_id, previous
    ? { ...previous, offer: message, seen: previous.seen || seen }
    : { offer: message, receivedAt: now, seen, focused: false });
  return { offers: next, isNew: !previous };
}

/**
 * Forget offers whose citizen has left the lobby (admitted by anyone, or gone).
 * An offer may arrive before the snapshot that lists its citizen, so one never
 * seen in a snapshot is kept for `graceMs` before it is given up.
 */
export function pruneOffers(offers, lobbyIds, now, graceMs = OFFER_UNSEEN_GRACE_MS) {
  const next = new Map();
  for (const [sessionId, record] of offers) {
    if (lobbyIds.has(sessionId)) next.set(sessionId, record.seen ? record : { ...record, seen: true });
    else if (!record.seen && now - record.receivedAt < graceMs) next.set(sessionId, record);
  }
  return next;
}

/** The lobby as shown: citizens offered to us first, otherwise in the server's order. */
export function orderLobby(lobby, offeredIds) {
  const mine = [];
  const rest = [];
  for (const entry of lobby) (offeredIds.has(entry.session_id) ? mine : rest).push(entry);
  return mine.concat(rest);
}

/**
 * What one lobby row shows, apart from the waiting time:
 * { offer: "mine" | "colleague" | null, booked, pointLine, matter, languageBadge, languageName }.
 */
export function lobbyEntryView(entry, offeredIds) {
  let offer = null;
  if (offeredIds.has(entry.session_id)) offer = "mine";
  else if (entry.offered_to) offer = "colleague";
  return {
    offer,
    booked: Boolean(entry.booking_code),
    pointLine: entry.booking_code ? `${entry.point} · booking ${entry.booking_code}` : entry.point,
    matter: entry.service_name || "",
    languageBadge: LANGUAGE_BADGES[entry.language] || "",
    languageName: LANGUAGE_NAMES[entry.language] || "",
  };
}

/** The status line for a new offer: "A citizen is waiting for you: Henkilöverotus (FI) at Imatra booth 1". */
export function offerStatusText(offer) {
  const badge = LANGUAGE_BADGES[offer.language] || "";
  let matter = offer.service_name || "";
  if (matter && badge) matter = `${matter} (${badge})`;
  else if (badge) matter = `(${badge})`;
  return matter
    ? `A citizen is waiting for you: ${matter} at ${offer.booth_name}`
    : `A citizen is waiting for you at ${offer.booth_name}`;
}

// --- advisor alerts -------------------------------------------------------------------

/**
 * Add or update an `advisor.alert`. `alerts` maps alert id -> { alert, stale }.
 * The backend resends open alerts on every (re)connect: the same id is kept
 * once, and only an id not already shown is new (and chimes).
 */
export function mergeAlert(alerts, message) {
  const next = new Map(alerts);
  const isNew = !alerts.has(message.alert_id);
  next.set(message.alert_id, { alert: message, stale: false });
  return { alerts: next, isNew };
}

/** `alert.cleared`: an advisor (maybe us) acknowledged it. Unknown ids change nothing. */
export function removeAlert(alerts, alertId) {
  if (!alerts.has(alertId)) return alerts;
  const next = new Map(alerts);
  next.delete(alertId);
  return next;
}

/**
 * The connection dropped: an alert cleared meanwhile sends us no
 * `alert.cleared`. Mark every alert stale; the resend after reconnecting
 * freshens the open ones, and `dropStaleAlerts` removes the rest.
 */
export function markAlertsStale(alerts) {
  const next = new Map();
  for (const [id, record] of alerts) next.set(id, { ...record, stale: true });
  return next;
}

export function dropStaleAlerts(alerts) {
  const next = new Map();
  for (const [id, record] of alerts) if (!record.stale) next.set(id, record);
  return next;
}

/** The alerts in the panel's order: oldest first (waited longest), then by id. */
export function sortedAlerts(alerts) {
  return [...alerts.values()].map((record) => record.alert).sort((a, b) => (
    a.at - b.at || (a.alert_id < b.alert_id ? -1 : a.alert_id > b.alert_id ? 1 : 0)
  ));
}

/** The alert's message in the page's language; falls back to English, then Finnish. */
export function alertMessage(alert, lang) {
  const own = { fi: alert.message_fi, sv: alert.message_sv, en: alert.message_en }[lang];
  if (own) return { text: own, lang };
  if (alert.message_en) return { text: alert.message_en, lang: "en" };
  if (alert.message_fi) return { text: alert.message_fi, lang: "fi" };
  return { text: alert.message_sv || "", lang: "sv" };
}

const HELSINKI_CLOCK = new Intl.DateTimeFormat("fi-FI", {
  hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Europe/Helsinki",
});

/** HH.MM at the service point (Finland), wherever the browser is: 1700000000 -> "00.13". */
export function formatHelsinkiTime(unixSeconds) {
  const parts = HELSINKI_CLOCK.formatToParts(new Date(unixSeconds * 1000));
  const part = (type) => (parts.find((p) => p.type === type) || { value: "" }).value;
  return `${part("hour").padStart(2, "0")}.${part("minute").padStart(2, "0")}`;
}

/** What one alert row shows: { time, kindLabel, place, message, messageLang, bookingLine }. */
export function alertView(alert, lang) {
  const message = alertMessage(alert, lang);
  return {
    time: formatHelsinkiTime(alert.at),
    kindLabel: ALERT_KIND_LABELS[alert.kind] || "Needs attention",
    place: alert.booth_name ? `${alert.point} · ${alert.booth_name}` : alert.point,
    message: message.text,
    messageLang: message.lang,
    bookingLine: alert.booking_code ? `Booking ${alert.booking_code}` : "",
  };
}

/** The alerts as `window.etapiste.state().alerts` reports them. */
export function alertsSummary(alerts) {
  return sortedAlerts(alerts).map((a) => ({
    alert_id: a.alert_id, kind: a.kind, booking_code: a.booking_code ?? null,
  }));
}
