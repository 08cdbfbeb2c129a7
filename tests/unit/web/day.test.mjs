// Unit tests for the official's day view rows (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { dayRows, isHere, statusWords } from "../../../backend/web/official/day.js";

const entry = (code, start, end, status) => ({
  code, start, end, status, language: "fi", point_id: "imatra", booth_id: "imatra-1",
  service_names: { fi: "Henkilöverotus", sv: "Personbeskattning", en: "Personal taxation" },
});

test("my bookings in time order, Helsinki clock, the matter in my language, the status in words", () => {
  const rows = dayRows([
    entry("B2", "2026-11-24T10:00:00+02:00", "2026-11-24T10:30:00+02:00", "booked"),
    entry("A1", "2026-11-24T09:00:00+02:00", "2026-11-24T09:30:00+02:00", "in_lobby"),
  ], "sv");
  assert.deepEqual(rows.map((r) => [r.code, r.time, r.service, r.status, r.here]), [
    ["A1", "9.00–9.30", "Personbeskattning", "Waiting in the lobby", true],
    ["B2", "10.00–10.30", "Personbeskattning", "Booked", false],
  ]);
});

test("every lifecycle status has words, and only a citizen at the booth stands out", () => {
  for (const s of ["booked", "checked_in", "in_lobby", "in_call", "completed", "cancelled", "citizen_no_show",
    "official_no_show"]) {
    assert.notEqual(statusWords(s), s);
  }
  assert.ok(isHere("checked_in") && !isHere("in_call") && !isHere("booked"));
});
