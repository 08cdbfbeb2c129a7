// @ts-check
// Pure helpers for the advisor's app: what a booth, a booking and the queue
// look like on the phone, which actions a booking offers, and the day in
// Helsinki. No DOM, no clock, no sockets (tests/unit/web/advisor_today.test.mjs).
// The alarms' own helpers (merge, sort, texts) are the official app's
// (../official/lobby.js), shared, not copied.

import { t } from "../official/i18n.js";

/** @typedef {import("../official/protocol.js").BoothPresence} BoothPresence */
/**
 * @typedef {{ code: string, status: string, service_id: string, booth_id: string, language: string,
 *   start: string, end: string, citizen_name: string | null, phone: string | null, email: string | null }} Booking
 */
/** @typedef {{ id: string, names: Record<string, string>, descriptions: Record<string, string>,
 *   identification: string, languages: string[], duration_min: number }} Service */

/**
 * A booth's line: its state (the most urgent first: help, faults, offline, in use, free) and label.
 * @param {BoothPresence} booth
 * @returns {{ state: string, label: string, faults: string[] }}
 */
export function boothView(booth) {
  const faults = (booth.devices || []).filter((d) => d.state !== "ok").map((d) => d.role);
  const use = booth.use || "free";
  let useLabel = t("Free");
  if (use === "in_call") useLabel = t("In a call");
  else if (use === "citizen_inside") useLabel = t("Customer inside");
  const busy = use === "free" ? "" : ` · ${useLabel}`; // who comes to the booth wants to know someone is in it
  if (booth.assist === "requested") return { state: "help", label: t("Help requested") + busy, faults };
  if (booth.assist === "acknowledged") return { state: "help-coming", label: t("Help is on the way") + busy, faults };
  if (!booth.online) return { state: "offline", label: t("Offline"), faults };
  if (faults.length) return { state: "fault", label: `${useLabel} · ${t("Device fault")}`, faults };
  return { state: use, label: useLabel, faults };
}

/**
 * The booth line's "identified in person" step. Police and DVV matters need the citizen's ID seen;
 * the advisor at the desk can do it for whoever is in the booth (waiting or in a call), so a free or
 * offline booth offers nothing. Otherwise: the button, its confirmation (the advisor saw the ID with
 * their own eyes), or the result.
 * @param {BoothPresence} booth
 * @param {"confirm" | "done" | undefined} step what the advisor has done on this line so far
 * @returns {"none" | "offer" | "confirm" | "done"}
 */
export function identifyStep(booth, step) {
  if (!booth.online || (booth.use || "free") === "free") return "none";
  return step || "offer";
}

/**
 * The lines' steps kept for booths that still have a citizen in them: a booth seen free (or gone)
 * starts over, so the next citizen is never shown as identified.
 * @param {Record<string, "confirm" | "done">} steps by booth id
 * @param {BoothPresence[]} booths the latest presence
 * @returns {Record<string, "confirm" | "done">}
 */
export function keptIdentifySteps(steps, booths) {
  /** @type {Record<string, "confirm" | "done">} */
  const kept = {};
  for (const booth of booths) {
    const step = steps[booth.booth_id];
    if (step && identifyStep(booth, step) !== "none") kept[booth.booth_id] = step;
  }
  return kept;
}

/** The booking's status in words. @param {string} status */
export function bookingStatusLabel(status) {
  switch (status) {
    case "booked": return t("Booked");
    case "checked_in": return t("Arrived");
    case "in_lobby": return t("In the booth");
    case "in_call": return t("In a call");
    case "completed": return t("Done");
    case "citizen_no_show": return t("Customer did not come");
    case "official_no_show": return t("Official did not come");
    case "cancelled": return t("Cancelled");
    default: return status;
  }
}

/**
 * What the desk can do with a booking in this status: a booked one can be checked in,
 * moved, cancelled and have its confirmation resent; later ones only resent.
 * @param {string} status
 * @returns {Array<"checkin" | "reschedule" | "cancel" | "resend">}
 */
export function bookingActions(status) {
  if (status === "booked") return ["checkin", "reschedule", "cancel", "resend"];
  if (status === "checked_in" || status === "in_lobby") return ["resend"];
  return [];
}

/** The day's bookings in time order. @param {Booking[]} bookings */
export function orderBookings(bookings) {
  return [...bookings].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.code < b.code ? -1 : 1));
}

const DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Helsinki", year: "numeric", month: "2-digit", day: "2-digit" });
const CLOCK = new Intl.DateTimeFormat("fi-FI", { timeZone: "Europe/Helsinki", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** The Helsinki calendar day of `ms` as YYYY-MM-DD (the booking API's day). @param {number} ms */
export function helsinkiDay(ms) {
  return DAY.format(new Date(ms));
}

/** HH.MM in Helsinki of an ISO time with offset. @param {string} iso */
export function helsinkiClock(iso) {
  const parts = CLOCK.formatToParts(new Date(iso));
  const part = (/** @type {string} */ type) => (parts.find((p) => p.type === type) || { value: "" }).value;
  return `${part("hour").padStart(2, "0")}.${part("minute").padStart(2, "0")}`;
}

/**
 * The service in the advisor's language, with what the citizen must bring up front.
 * @param {Service} service
 * @param {"fi" | "sv" | "en"} lang
 */
export function serviceView(service, lang) {
  const pick = (/** @type {Record<string, string>} */ m) => m[lang] || m.fi || Object.values(m)[0] || "";
  return {
    name: pick(service.names),
    description: pick(service.descriptions),
    identification: identificationText(service.identification),
    needsName: service.identification === "in_person",
  };
}

/** What identification the service needs, in plain words. @param {string} identification */
export function identificationText(identification) {
  switch (identification) {
    case "strong_eid": return t("Identification: online bank codes or mobile ID at the booth");
    case "in_person": return t("Identification: an ID document, checked at the desk");
    default: return t("No identification needed");
  }
}

/**
 * The booking's contact details as the booking API takes them: empty fields left out,
 * a phone or an e-mail required (the confirmation goes there).
 * @param {{ name: string, phone: string, email: string }} form
 * @returns {{ ok: true, body: { citizen_name?: string, phone?: string, email?: string } } | { ok: false, error: string }}
 */
export function contactBody(form) {
  const name = form.name.trim();
  const phone = form.phone.trim();
  const email = form.email.trim();
  if (!phone && !email) return { ok: false, error: t("Give a phone number or an e-mail address for the confirmation.") };
  if (phone && !/^\+?[0-9 ()-]{6,20}$/.test(phone)) return { ok: false, error: t("The phone number is not valid.") };
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { ok: false, error: t("The e-mail address is not valid.") };
  /** @type {{ citizen_name?: string, phone?: string, email?: string }} */
  const body = {};
  if (name) body.citizen_name = name;
  if (phone) body.phone = phone;
  if (email) body.email = email;
  return { ok: true, body };
}

/**
 * Base64url (a VAPID public key) to the bytes PushManager.subscribe takes.
 * @param {string} text
 */
export function base64UrlBytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const raw = atob(padded);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}
