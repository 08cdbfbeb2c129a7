// @ts-check
// Pure helpers for the official's day view: my bookings of a day as rows to
// show, in the page's language. No DOM (Node tests: tests/unit/web/day.test.mjs);
// dayview.js fetches /api/my-day and puts the rows on the page.

import { t } from "./i18n.js";

/**
 * @typedef {{ code: string, start: string, end: string, status: string, service_names: Record<string, string>,
 *   language: string, point_id: string, booth_id: string }} DayEntry
 */

/** A clock time in Helsinki, e.g. "9.30" in Finnish style. @param {string} iso */
export function clockOf(iso) {
  return new Date(iso).toLocaleTimeString("fi-FI", { hour: "numeric", minute: "2-digit", timeZone: "Europe/Helsinki" });
}

/** The booking's status in words. @param {string} status */
export function statusWords(status) {
  switch (status) {
    case "booked": return t("Booked");
    case "checked_in": return t("Checked in");
    case "in_lobby": return t("Waiting in the lobby");
    case "in_call": return t("In a call");
    case "completed": return t("Completed");
    case "cancelled": return t("Cancelled");
    case "citizen_no_show": return t("The citizen did not come");
    case "official_no_show": return t("The official did not join");
    default: return status;
  }
}

/** Whether the citizen is at the booth now (the row stands out). @param {string} status */
export function isHere(status) {
  return status === "checked_in" || status === "in_lobby";
}

/**
 * The rows of the day view.
 * @param {readonly DayEntry[]} entries @param {string} lang
 * @returns {{ code: string, time: string, service: string, status: string, here: boolean, state: string }[]}
 */
export function dayRows(entries, lang) {
  return [...entries]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((e) => ({
      code: e.code,
      time: `${clockOf(e.start)}–${clockOf(e.end)}`,
      service: e.service_names[lang] || e.service_names.fi || "",
      status: statusWords(e.status),
      here: isHere(e.status),
      state: e.status,
    }));
}
