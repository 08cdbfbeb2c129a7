// Unit tests for the report's model (run: node --test tests/unit/web/): sections with the comparison,
// shares for the charts, Finnish numbers, the default period.
import assert from "node:assert/strict";
import { test } from "node:test";

import { chartData, defaultPeriod, formatNumber, sections } from "../../../backend/web/admin/report-model.js";

const own = [
  { section: "bookings", key: "count", value: 4 },
  { section: "bookings_by_status", key: "completed", value: 3 },
  { section: "bookings_by_status", key: "cancelled", value: 1 },
];
const all = [
  { section: "bookings", key: "count", value: 10 },
  { section: "bookings_by_status", key: "completed", value: 5 },
  { section: "bookings_by_status", key: "no_show_elsewhere", value: 5 },
];

test("sections pair each own figure with the comparison; the comparison's other keys stay out", () => {
  const s = sections(own, all);
  assert.deepEqual(s.map((x) => x.section), ["bookings", "bookings_by_status"]);
  assert.deepEqual(s[1].rows, [{ key: "completed", own: 3, all: 5 }, { key: "cancelled", own: 1, all: 0 }]);
  assert.deepEqual(sections(own, [])[0].rows, [{ key: "count", own: 4, all: null }]);
});

test("charts compare shares, since one organisation's counts and all of them differ in size", () => {
  const d = chartData(sections(own, all)[1]);
  assert.deepEqual(d.labels, ["completed", "cancelled"]);
  assert.deepEqual(d.ownShare, [75, 25]);
  assert.deepEqual(d.allShare, [100, 0]);
  assert.equal(chartData(sections(own, [])[1]).allShare, null);
});

test("numbers as Finns, Swedish-speaking Finns and English readers write them", () => {
  assert.equal(formatNumber(12.5, "fi"), "12,5");
  assert.equal(formatNumber(12.5, "sv"), "12,5");
  assert.equal(formatNumber(12.5, "en"), "12.5");
  assert.equal(formatNumber(3, "fi"), "3");
});

test("the default period is the last 30 days up to today", () => {
  assert.deepEqual(defaultPeriod(new Date(2026, 10, 30, 15)), { start: "2026-11-01", end: "2026-11-30" });
});
