// @ts-check
// Report figures (GET /api/reports) as the page shows them: one table and one
// chart per section, the organisation's own figure beside the all-organisation
// comparison. Pure, so Node tests it (tests/unit/web/admin-report.test.mjs);
// views.js draws it with Chart.js and the DOM.

/** @typedef {{ section: string, key: string, value: number }} Figure */
/** @typedef {{ key: string, own: number, all: number | null }} Row */
/** @typedef {{ section: string, rows: Row[] }} Section */

/** Sections shown as charts (counts by something); the others are tables of single figures. */
export const CHARTED = Object.freeze([
  "bookings_by_status", "bookings_by_channel", "bookings_by_language", "bookings_by_service", "bookings_by_point",
  "booking_lead_time", "served_by_language", "meetings_by_identification", "third_parties_by_role",
]);

/**
 * Group figures into sections in the order they came, pairing each own figure with the comparison's.
 * A key only the comparison has (another organisation's service) is not shown: its name is not theirs to see.
 * @param {Figure[]} own
 * @param {Figure[]} all
 * @returns {Section[]}
 */
export function sections(own, all) {
  const every = new Map(all.map((f) => [`${f.section}\u0000${f.key}`, f.value]));
  /** @type {Map<string, Row[]>} */
  const bySection = new Map();
  for (const f of own) {
    const rows = bySection.get(f.section) ?? [];
    const other = every.get(`${f.section}\u0000${f.key}`);
    rows.push({ key: f.key, own: f.value, all: all.length ? (other ?? 0) : null });
    bySection.set(f.section, rows);
  }
  return [...bySection].map(([section, rows]) => ({ section, rows }));
}

/**
 * A number as a Finn reads it: a decimal comma, at most two decimals, no thousands separator surprises.
 * @param {number} value
 * @param {string} language
 */
export function formatNumber(value, language) {
  const locale = language === "sv" ? "sv-FI" : language === "en" ? "en-GB" : "fi-FI";
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/**
 * The chart's data for one section: own figures, and the comparison as shares when there is one
 * (counts of one organisation and of all are not comparable as such; their distributions are).
 * @param {Section} section
 * @returns {{ labels: string[], own: number[], allShare: number[] | null, ownShare: number[] }}
 */
export function chartData(section) {
  const labels = section.rows.map((r) => r.key);
  const own = section.rows.map((r) => r.own);
  const ownTotal = own.reduce((a, b) => a + b, 0);
  const ownShare = own.map((v) => (ownTotal ? Math.round((1000 * v) / ownTotal) / 10 : 0));
  if (section.rows.some((r) => r.all === null)) return { labels, own, allShare: null, ownShare };
  const all = section.rows.map((r) => r.all ?? 0);
  const allTotal = all.reduce((a, b) => a + b, 0);
  const allShare = all.map((v) => (allTotal ? Math.round((1000 * v) / allTotal) / 10 : 0));
  return { labels, own, allShare, ownShare };
}

/** The default period: the last 30 days up to today, as ISO dates. @param {Date} today */
export function defaultPeriod(today) {
  const end = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()));
  const start = new Date(end.getTime() - 29 * 86400000);
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}
