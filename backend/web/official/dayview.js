// @ts-check
// The official's day: my bookings of today (or a chosen day) with their
// status, kept live without a reload: fetched again shortly after anything
// that can change a status (a presence snapshot, a check-in, a call ending),
// at most once every few seconds, and once a minute anyway.

import { append, el, setText } from "./dom.js";
import { currentLanguage, t } from "./i18n.js";
import { dayRows } from "./day.js";
import { state } from "./state.js";

/** @typedef {import("./day.js").DayEntry} DayEntry */

const COALESCE_MS = 1_500;
const EVERY_MS = 60_000;
/** @type {DayEntry[]} */
let entries = [];
/** @type {ReturnType<typeof setTimeout> | undefined} */
let pending;
let loading = false;
/** A change came while a fetch was under way: that fetch may have left before it, so fetch once more after. */
let again = false;

/** Start the day view once, at start-up. */
export function initDayView() {
  el.dayDate.addEventListener("change", () => refreshDay());
  setInterval(() => refreshDay(), EVERY_MS);
}

/** Something happened that may change a status: fetch again soon (several events, one fetch). */
export function dayMayHaveChanged() {
  if (pending !== undefined) return;
  pending = setTimeout(() => {
    pending = undefined;
    refreshDay();
  }, COALESCE_MS);
}

/** Fetch my bookings of the chosen day and show them. */
export function refreshDay() {
  if (!state.token) return;
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  const day = el.dayDate.value;
  const url = day ? `/api/my-day?day=${encodeURIComponent(day)}` : "/api/my-day";
  fetch(url, { headers: { Authorization: `Bearer ${state.token}` }, cache: "no-store" })
    .then(async (response) => {
      if (response.status === 403) {
        el.daySection.hidden = true; // not an official (an advisor): no day of bookings of one's own
        return;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      entries = await response.json();
      el.daySection.hidden = false;
      renderDay();
    })
    .catch((err) => {
      console.warn("Could not load the day view:", err instanceof Error ? err.message : String(err));
    })
    .finally(() => {
      loading = false;
      if (again) {
        again = false;
        refreshDay();
      }
    });
}

export function renderDay() {
  const rows = dayRows(entries, currentLanguage());
  el.dayList.replaceChildren();
  for (const row of rows) {
    const li = append(el.dayList, "li", row.here ? "day-entry is-here" : "day-entry");
    li.dataset.code = row.code;
    li.dataset.state = row.state;
    append(li, "span", "day-time").textContent = row.time;
    append(li, "span", "day-service").textContent = row.service;
    append(li, "span", "day-status").textContent = row.status;
  }
  setText(el.dayEmpty, rows.length ? "" : t("No bookings on this day."));
  el.dayEmpty.hidden = rows.length > 0;
}
