// @ts-check
// What the admin app's forms send, made from what the person typed: pure, so
// Node tests it (tests/unit/web/admin-forms.test.mjs). The backend checks
// everything again with the domain's own rules; these checks only let the page
// say what is wrong next to the field before a round trip, in the same words.

import { t } from "../official/i18n.js";

/** @typedef {{ weekday: number, opens: string, closes: string }} Hours */
/** @typedef {{ field: string, message: string }} Problem */

/** ISO weekdays, 1 = Monday (as the backend counts them). */
export const WEEKDAYS = Object.freeze([1, 2, 3, 4, 5, 6, 7]);

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The protocol's id rule (protocol.messages.Id). */
export const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** backend.domain.accounts.USERNAME */
export const USERNAME = /^[a-z0-9._-]{3,60}$/;
/** backend.domain.accounts.EMAIL */
export const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;

/**
 * Weekly hours from one row per weekday; a row with both times empty is a closed day.
 * Problems name the row's field ("hours.3.opens") and the rule, like the backend's 422.
 * @param {{ weekday: number, opens: string, closes: string }[]} rows
 * @returns {{ hours: Hours[], problems: Problem[] }}
 */
export function weeklyHours(rows) {
  /** @type {Hours[]} */
  const hours = [];
  /** @type {Problem[]} */
  const problems = [];
  for (const row of rows) {
    const opens = row.opens.trim();
    const closes = row.closes.trim();
    if (!opens && !closes) continue;
    const where = `hours.${row.weekday}`;
    if (!CLOCK.test(opens)) problems.push({ field: `${where}.opens`, message: t("Write a time like 09:00.") });
    else if (!CLOCK.test(closes)) problems.push({ field: `${where}.closes`, message: t("Write a time like 15:30.") });
    else if (opens >= closes) problems.push({ field: where, message: t("The start must be before the end.") });
    else hours.push({ weekday: row.weekday, opens, closes });
  }
  return { hours, problems };
}

/**
 * Closure days from free text: one ISO date (2026-12-24) per line or separated by commas; duplicates dropped.
 * @param {string} text
 * @returns {{ days: string[], problems: Problem[] }}
 */
export function closureDays(text) {
  /** @type {string[]} */
  const days = [];
  /** @type {Problem[]} */
  const problems = [];
  for (const part of text.split(/[\n,;]+/)) {
    const day = part.trim();
    if (!day) continue;
    const parsed = new Date(`${day}T12:00:00Z`);
    if (!DAY.test(day) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
      problems.push({ field: "closures", message: t("Write dates like 2026-12-24, one per line.") });
    } else if (!days.includes(day)) {
      days.push(day);
    }
  }
  return { days: days.sort(), problems };
}

/**
 * What the backend said was wrong, as (field, message) pairs: a 422's list names each field
 * (the last part of `loc`), other refusals carry one `detail` text.
 * @param {number} status
 * @param {unknown} body
 * @returns {Problem[]}
 */
export function problemsOf(status, body) {
  const detail = body && typeof body === "object" ? /** @type {{ detail?: unknown }} */ (body).detail : undefined;
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const loc = Array.isArray(d?.loc) ? d.loc.filter((/** @type {unknown} */ x) => x !== "body") : [];
      const rule = String(d?.msg ?? "").replace(/^Value error, /, "");
      return { field: loc.length ? String(loc[loc.length - 1]) : "", message: t("Not accepted: {rule}", { rule }) };
    });
  }
  if (typeof detail === "string") return [{ field: "", message: detail }];
  return [{ field: "", message: `HTTP ${status}` }];
}

/**
 * The booth's `[backend]` table for booth.toml (docs/CONFIG.md), shown once after registering.
 * @param {string} origin the page's origin, e.g. "https://etapiste.example.fi"
 * @param {string} boothId
 * @param {string} secret
 */
export function boothConfig(origin, boothId, secret) {
  const ws = origin.replace(/^http/, "ws");
  return `[backend]\nurl = "${ws}/ws"\nbooth_id = "${boothId}"\nsecret = "${secret}"\n`;
}

/**
 * booth.toml's [backend] table for a booth that enrolls itself: no id, no secret (its certificate names it).
 * @param {string} origin @returns {string}
 */
export function enrollingBoothConfig(origin) {
  const ws = origin.replace(/^http/, "ws");
  return `[backend]\nurl = "${ws}/ws"\nidentity_dir = "/var/lib/etapiste/identity"\n`;
}

/**
 * A booth certificate's last day as YYYY-MM-DD in Helsinki time (the booths' own time zone).
 * @param {number} unixSeconds @returns {string}
 */
export function helsinkiDay(unixSeconds) {
  // Swedish dates are ISO-shaped; the time zone makes the day the one a Finnish technician means.
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Helsinki", dateStyle: "short" })
    .format(new Date(unixSeconds * 1000));
}

/**
 * A booth's software as its list shows it: version and slot, RAUC's update state, since when the kiosk runs.
 * @param {{ version: string, slot: string, update_state: string, started_at: number | null }} b
 * @returns {string | null} null: the booth has never reported
 */
export function softwareLine(b) {
  if (b.started_at === null || b.started_at === undefined) return null;
  const since = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Helsinki", dateStyle: "short", timeStyle: "short" })
    .format(new Date(b.started_at * 1000));
  const image = b.version ? `${b.version}${b.slot ? ` (${b.slot})` : ""}, ${b.update_state}` : b.update_state;
  return `${image}; ${since}`;
}

/**
 * One line of a booth's recent faults (Booth support), in the reader's language: when, and what.
 * @param {{ at: number, kind: string, detail: string }} f
 */
export function faultLine(f) {
  const when = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Helsinki", dateStyle: "short", timeStyle: "medium" })
    .format(new Date(f.at * 1000));
  /** @type {Record<string, string>} */
  const what = {
    device_fault: t("Device stopped working: {detail}", { detail: f.detail }),
    device_ok: t("Device working again: {detail}", { detail: f.detail }),
    disconnected: t("Connection to the backend lost"),
    reconnected: t("Connected again after {detail}", { detail: f.detail }),
    call_failed: t("Call connection failed ({detail})", { detail: f.detail }),
    kiosk_restarted: t("Kiosk restarted"),
  };
  return `${when} ${what[f.kind] ?? `${f.kind} ${f.detail}`}`;
}

/** The set-password token in the page's address (`#set-password=…`), or null. @param {string} hash */
export function setPasswordToken(hash) {
  const m = /^#set-password=([A-Za-z0-9_-]{10,200})$/.exec(hash);
  return m ? m[1] : null;
}

/**
 * The admin app's sections this person may open, in the order of the menu.
 * @param {{ master: boolean, official: boolean, admin_of: string[], reporter_of: string[], support?: boolean }} me
 * @returns {string[]}
 */
export function sectionsFor(me) {
  /** @type {string[]} */
  const out = [];
  if (me.master) out.push("organisations", "points", "booths");
  if (me.master || me.admin_of.length) out.push("accounts");
  if (me.admin_of.length) out.push("services", "skills", "texts", "closures");
  if (me.master || me.admin_of.length || me.reporter_of.length) out.push("reports");
  if (me.master || me.admin_of.length) out.push("calls"); // access.sees_call_quality
  if (me.official && !me.master) out.push("mine");
  if (me.master) out.push("audit");
  if (me.master || me.support) out.push("support");
  return out;
}

/**
 * The `{names}` in a message text, or null when a brace stands alone or a placeholder is more than a name
 * (backend.domain.message_texts.placeholders).
 * @param {string} text
 * @returns {string[] | null}
 */
export function placeholdersIn(text) {
  /** @type {string[]} */
  const names = [];
  const rest = text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, /** @type {string} */ name) => {
    names.push(name);
    return "";
  });
  return /[{}]/.test(rest) ? null : [...new Set(names)].sort();
}

/**
 * What the page can say about a message text before the round trip, in the backend's words: empty, a stray
 * brace, an unknown or a missing placeholder. The SMS budget is the backend's to count (the preview).
 * @param {{ placeholders: string[], required: string[] }} spec
 * @param {string} text
 * @returns {Problem[]}
 */
export function messageTextProblems(spec, text) {
  if (!text.trim()) return [{ field: "text", message: t("Write the message, or go back to the default text.") }];
  const names = placeholdersIn(text);
  if (names === null) {
    return [{ field: "text", message: t("Write placeholders as {example} and nothing else in braces.", { example: "{code}" }) }];
  }
  const unknown = names.filter((n) => !spec.placeholders.includes(n));
  if (unknown.length) {
    return [{ field: "text", message: t("Unknown placeholder {names}; this message can use {usable}.", {
      names: unknown.map((n) => `{${n}}`).join(", "),
      usable: spec.placeholders.map((n) => `{${n}}`).join(", ") || "–",
    }) }];
  }
  const missing = spec.required.filter((n) => !names.includes(n));
  if (missing.length) {
    return [{ field: "text", message: t("The placeholder {names} is missing; the citizen needs it in this message.", {
      names: missing.map((n) => `{${n}}`).join(", "),
    }) }];
  }
  return [];
}

/**
 * The organisation's closure days with one added (or its reason changed), in date order.
 * @param {{ day: string, reason: string }[]} list
 * @param {string} day
 * @param {string} reason
 * @returns {{ closures: { day: string, reason: string }[], problems: Problem[] }}
 */
export function withClosure(list, day, reason) {
  /** @type {Problem[]} */
  const problems = [];
  const parsed = new Date(`${day}T12:00:00Z`);
  if (!DAY.test(day) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
    problems.push({ field: "day", message: t("Write a date like 2026-12-24.") });
  }
  const why = reason.trim();
  if (!why) problems.push({ field: "reason", message: t("Say why the organisation is closed (shown to staff).") });
  else if (why.length > 200) problems.push({ field: "reason", message: t("At most {n} characters.", { n: 200 }) });
  if (problems.length) return { closures: list, problems };
  const closures = [...list.filter((c) => c.day !== day), { day, reason: why }].sort((a, b) => a.day.localeCompare(b.day));
  return { closures, problems };
}
