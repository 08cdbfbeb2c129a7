// @ts-check
// Pure helpers for the official app's lobby and advisor alerts: no DOM, no
// clock, no sockets, so Node can test them (tests/unit/web/lobby.test.mjs).
//
// Everything here takes messages that already passed the schema check and
// returns plain data or new Maps; state.js holds the state, render.js and
// alerts.js put these strings into the page with textContent only. Texts are
// in the page's language (i18n.js; English in the tests).

import { currentLanguage, t } from "./i18n.js";

/** @typedef {import("./protocol.js").SessionOffer} SessionOffer */
/** @typedef {import("./protocol.js").LobbyEntry} LobbyEntry */
/** @typedef {import("./protocol.js").AdvisorAlert} AdvisorAlert */
/** @typedef {{ offer: SessionOffer, receivedAt: number, seen: boolean, focused: boolean }} OfferRecord */
/** @typedef {{ alert: AdvisorAlert, stale: boolean }} AlertRecord */

/** The badge text for a citizen's language. */
export const LANGUAGE_BADGES = Object.freeze(/** @type {Record<string, string>} */ ({ fi: "FI", sv: "SV", en: "EN" }));

/** The language's name, for the badge's tooltip and screen readers ("" when unknown). @param {string | null | undefined} code */
export function languageName(code) {
  switch (code) {
    case "fi": return t("Finnish");
    case "sv": return t("Swedish");
    case "en": return t("English");
    default: return "";
  }
}

/**
 * The citizen reads the booth's screens in a language no official meets in (a screen-only
 * language, e.g. "ru"): one line saying so, with the language named in the page's own language
 * (Intl.DisplayNames: no list of names to keep here), so the official can call an interpreter.
 * "" when the citizen reads the meeting's language.
 * @param {string | null | undefined} code
 */
export function screenLanguageNote(code) {
  if (!code) return "";
  let name = code;
  try {
    name = new Intl.DisplayNames([currentLanguage()], { type: "language" }).of(code) || code;
  } catch {
    // an engine without DisplayNames, or a code it refuses: the code itself is still a clue
  }
  return t("The citizen reads the screens in {language}. They may need an interpreter.", { language: name });
}

/** A short heading for an advisor alert kind; unknown kinds get a generic one. @param {string} kind */
export function alertKindLabel(kind) {
  switch (kind) {
    case "checkin_refused": return t("Check-in refused");
    case "official_no_show": return t("Official has not joined");
    case "call_button": return t("Call button pressed");
    case "device_fault": return t("Device fault");
    default: return t("Needs attention");
  }
}

/**
 * An offer the page has not yet seen in any lobby snapshot is dropped after
 * this long: the citizen was admitted or gave up before a snapshot showed them.
 */
export const OFFER_UNSEEN_GRACE_MS = 30_000;

// --- offers ------------------------------------------------------------------------

/**
 * Remember a `session.offer` (the backend routed this citizen to us).
 * `offers` maps session id -> { offer, receivedAt, seen, focused }, where
 * `seen` says a lobby snapshot has listed the citizen (`lobbyIds`: the
 * latest one's session ids). Returns { offers, isNew }; a repeated offer
 * keeps its state and is not new.
 * @param {ReadonlyMap<string, OfferRecord>} offers
 * @param {SessionOffer} message
 * @param {number} now ms
 * @param {ReadonlySet<string>} [lobbyIds]
 * @returns {{ offers: Map<string, OfferRecord>, isNew: boolean }}
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
 * @param {ReadonlyMap<string, OfferRecord>} offers
 * @param {ReadonlySet<string>} lobbyIds
 * @param {number} now ms
 * @returns {Map<string, OfferRecord>}
 */
export function pruneOffers(offers, lobbyIds, now, graceMs = OFFER_UNSEEN_GRACE_MS) {
  const next = new Map();
  for (const [sessionId, record] of offers) {
    if (lobbyIds.has(sessionId)) next.set(sessionId, record.seen ? record : { ...record, seen: true });
    else if (!record.seen && now - record.receivedAt < graceMs) next.set(sessionId, record);
  }
  return next;
}

/**
 * The lobby as shown: citizens offered to us first, otherwise in the server's order.
 * @param {readonly LobbyEntry[]} lobby
 * @param {ReadonlySet<string>} offeredIds
 */
export function orderLobby(lobby, offeredIds) {
  /** @type {LobbyEntry[]} */
  const mine = [];
  /** @type {LobbyEntry[]} */
  const rest = [];
  for (const entry of lobby) (offeredIds.has(entry.session_id) ? mine : rest).push(entry);
  return mine.concat(rest);
}

/**
 * What one lobby row shows, apart from the waiting time:
 * { offer: "mine" | "colleague" | null, booked, pointLine, matter, languageBadge, languageName, screenLanguage }.
 * @param {LobbyEntry} entry
 * @param {ReadonlySet<string>} offeredIds
 */
export function lobbyEntryView(entry, offeredIds) {
  /** @type {"mine" | "colleague" | null} */
  let offer = null;
  if (offeredIds.has(entry.session_id)) offer = "mine";
  else if (entry.offered_to) offer = "colleague";
  return {
    offer,
    booked: Boolean(entry.booking_code),
    pointLine: entry.booking_code
      ? t("{point} · booking {code}", { point: entry.point, code: entry.booking_code })
      : entry.point,
    matter: matterName(entry),
    languageBadge: LANGUAGE_BADGES[entry.language || ""] || "",
    languageName: languageName(entry.language),
    screenLanguage: screenLanguageNote(entry.screen_language),
  };
}

/**
 * The citizen's matter in the language the page speaks (the Finnish name from an older backend).
 * @param {{ service_name?: string | null, service_names?: { [lang: string]: string | undefined } | null }} item
 */
export function matterName(item) {
  return (item.service_names && item.service_names[currentLanguage()]) || item.service_name || "";
}

/**
 * The status line for a new offer: "A citizen is waiting for you: Henkilöverotus (FI) at Imatra booth 1".
 * @param {SessionOffer} offer
 */
export function offerStatusText(offer) {
  const badge = LANGUAGE_BADGES[offer.language || ""] || "";
  let matter = matterName(offer);
  if (matter && badge) matter = `${matter} (${badge})`;
  else if (badge) matter = `(${badge})`;
  return matter
    ? t("A citizen is waiting for you: {matter} at {booth}", { matter, booth: offer.booth_name })
    : t("A citizen is waiting for you at {booth}", { booth: offer.booth_name });
}

// --- advisor alerts -------------------------------------------------------------------

/**
 * Add or update an `advisor.alert`. `alerts` maps alert id -> { alert, stale }.
 * The backend resends open alerts on every (re)connect: the same id is kept
 * once, and only an id not already shown is new (and chimes).
 * @param {ReadonlyMap<string, AlertRecord>} alerts
 * @param {AdvisorAlert} message
 * @returns {{ alerts: Map<string, AlertRecord>, isNew: boolean }}
 */
export function mergeAlert(alerts, message) {
  const next = new Map(alerts);
  const isNew = !alerts.has(message.alert_id);
  next.set(message.alert_id, { alert: message, stale: false });
  return { alerts: next, isNew };
}

/**
 * `alert.cleared`: an advisor (maybe us) acknowledged it. Unknown ids change nothing.
 * @param {Map<string, AlertRecord>} alerts
 * @param {string} alertId
 */
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
 * @param {ReadonlyMap<string, AlertRecord>} alerts
 */
export function markAlertsStale(alerts) {
  const next = new Map();
  for (const [id, record] of alerts) next.set(id, { ...record, stale: true });
  return next;
}

/** @param {ReadonlyMap<string, AlertRecord>} alerts */
export function dropStaleAlerts(alerts) {
  const next = new Map();
  for (const [id, record] of alerts) if (!record.stale) next.set(id, record);
  return next;
}

/** The alerts in the panel's order: oldest first (waited longest), then by id. @param {ReadonlyMap<string, AlertRecord>} alerts */
export function sortedAlerts(alerts) {
  return [...alerts.values()].map((record) => record.alert).sort((a, b) => (
    a.at - b.at || (a.alert_id < b.alert_id ? -1 : a.alert_id > b.alert_id ? 1 : 0)
  ));
}

/**
 * The alert's message in the page's language; falls back to English, then Finnish.
 * @param {AdvisorAlert} alert
 * @param {"fi" | "sv" | "en"} lang
 * @returns {{ text: string, lang: "fi" | "sv" | "en" }}
 */
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

/** HH.MM at the service point (Finland), wherever the browser is: 1700000000 -> "00.13". @param {number} unixSeconds */
export function formatHelsinkiTime(unixSeconds) {
  const parts = HELSINKI_CLOCK.formatToParts(new Date(unixSeconds * 1000));
  const part = (/** @type {string} */ type) => (parts.find((p) => p.type === type) || { value: "" }).value;
  return `${part("hour").padStart(2, "0")}.${part("minute").padStart(2, "0")}`;
}

/**
 * What one alert row shows: { time, kindLabel, place, message, messageLang, bookingLine }.
 * @param {AdvisorAlert} alert
 * @param {"fi" | "sv" | "en"} lang
 */
export function alertView(alert, lang) {
  const message = alertMessage(alert, lang);
  return {
    time: formatHelsinkiTime(alert.at),
    kindLabel: alertKindLabel(alert.kind),
    place: alert.booth_name ? `${alert.point} · ${alert.booth_name}` : alert.point,
    message: message.text,
    messageLang: message.lang,
    bookingLine: alert.booking_code ? t("Booking {code}", { code: alert.booking_code }) : "",
  };
}

/** The alerts as `window.etapiste.state().alerts` reports them. @param {ReadonlyMap<string, AlertRecord>} alerts */
export function alertsSummary(alerts) {
  return sortedAlerts(alerts).map((a) => ({
    alert_id: a.alert_id, kind: a.kind, booking_code: a.booking_code ?? null,
  }));
}
