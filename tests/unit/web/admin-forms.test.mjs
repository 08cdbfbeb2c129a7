// Unit tests for the admin app's form rules (run: node --test tests/unit/web/): weekly hours,
// closure days, the backend's problems, booth.toml, the set-password link, the menu by role.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  boothConfig, closureDays, enrollingBoothConfig, helsinkiDay, messageTextProblems, placeholdersIn, problemsOf,
  faultLine, sectionsFor, setPasswordToken, softwareLine, weeklyHours, withClosure,
} from "../../../backend/web/admin/forms.js";

test("weekly hours: empty rows are closed days, bad rows are named by weekday and field", () => {
  const { hours, problems } = weeklyHours([
    { weekday: 1, opens: "09:00", closes: "15:00" },
    { weekday: 2, opens: "", closes: "" },
    { weekday: 3, opens: "9", closes: "15:00" },
    { weekday: 4, opens: "15:00", closes: "09:00" },
    { weekday: 5, opens: "09:00", closes: "24:00" },
  ]);
  assert.deepEqual(hours, [{ weekday: 1, opens: "09:00", closes: "15:00" }]);
  assert.deepEqual(problems.map((p) => p.field), ["hours.3.opens", "hours.4", "hours.5.closes"]);
});

test("closure days: one per line or comma, sorted, duplicates dropped, impossible dates refused", () => {
  assert.deepEqual(closureDays("2026-12-24\n2026-12-06, 2026-12-24\n\n").days, ["2026-12-06", "2026-12-24"]);
  assert.equal(closureDays("2026-02-30").problems.length, 1);
  assert.equal(closureDays("24.12.2026").problems.length, 1);
  assert.deepEqual(closureDays("").days, []);
});

test("the backend's 422 names each field; other refusals give their one detail", () => {
  const body = { detail: [{ loc: ["body", "email"], msg: "String should match pattern" }, { loc: ["path", "point_id"], msg: "x" }] };
  assert.deepEqual(problemsOf(422, body).map((p) => p.field), ["email", "point_id"]);
  assert.match(problemsOf(422, body)[0].message, /String should match pattern/);
  assert.deepEqual(problemsOf(409, { detail: "username is taken; choose another" }),
    [{ field: "", message: "username is taken; choose another" }]);
  assert.deepEqual(problemsOf(500, null), [{ field: "", message: "HTTP 500" }]);
});

test("booth.toml's [backend] table points at the page's own server over ws(s)", () => {
  assert.equal(boothConfig("https://e.example.fi", "joensuu-1", "s3cret"),
    '[backend]\nurl = "wss://e.example.fi/ws"\nbooth_id = "joensuu-1"\nsecret = "s3cret"\n');
  assert.match(boothConfig("http://127.0.0.1:8000", "b", "s"), /url = "ws:\/\/127\.0\.0\.1:8000\/ws"/);
});

test("the set-password link's token is read from the address, and nothing else is", () => {
  assert.equal(setPasswordToken("#set-password=abcDEF123_-xyz"), "abcDEF123_-xyz");
  assert.equal(setPasswordToken("#set-password=short"), null);
  assert.equal(setPasswordToken("#reports"), null);
  assert.equal(setPasswordToken("#set-password=abc<script>defgh"), null);
});

test("the menu by role: master, authority admin, reporter, official", () => {
  const none = { master: false, official: false, admin_of: [], reporter_of: [] };
  assert.deepEqual(sectionsFor({ ...none, master: true }),
    ["organisations", "points", "booths", "accounts", "reports", "calls", "audit", "support"]);
  assert.deepEqual(sectionsFor({ ...none, support: true }), ["support"]);
  assert.deepEqual(sectionsFor({ ...none, admin_of: ["kela"] }),
    ["accounts", "services", "skills", "texts", "closures", "reports", "calls"]);
  assert.deepEqual(sectionsFor({ ...none, reporter_of: ["kela"] }), ["reports"]);
  assert.deepEqual(sectionsFor({ ...none, official: true }), ["mine"]);
  assert.deepEqual(sectionsFor(none), []);
});

test("message texts: placeholders are bare names; empty, unknown and missing ones are named like the backend does", () => {
  assert.deepEqual(placeholdersIn("Aika {when}, koodi {code} {when}"), ["code", "when"]);
  assert.equal(placeholdersIn("Aika {when} {"), null);
  assert.equal(placeholdersIn("Aika {when!r}"), null);
  const spec = { placeholders: ["code", "point", "when"], required: ["code", "when"] };
  assert.deepEqual(messageTextProblems(spec, "Aika {when}, koodi {code}."), []);
  const one = (/** @type {string} */ text) => {
    const problems = messageTextProblems(spec, text);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].field, "text");
    return problems[0].message;
  };
  assert.match(one("  "), /default/);
  assert.match(one("Aika {when} {code} {servise}"), /\{servise\}.*\{code\}, \{point\}, \{when\}/);
  assert.match(one("Aika {when}."), /\{code\}/);
  assert.match(one("Aika {when} {code} }"), /braces/);
});

test("closure days: added in date order, a day once (its reason replaced), bad day and empty reason named", () => {
  const list = [{ day: "2026-12-28", reason: "Koulutus" }];
  assert.deepEqual(withClosure(list, "2026-12-24", " Aatto ").closures.map((c) => c.day), ["2026-12-24", "2026-12-28"]);
  assert.deepEqual(withClosure(list, "2026-12-28", "Uusi syy").closures, [{ day: "2026-12-28", reason: "Uusi syy" }]);
  const bad = withClosure(list, "2026-02-30", "");
  assert.deepEqual(bad.problems.map((p) => p.field), ["day", "reason"]);
  assert.equal(bad.closures, list);
  assert.deepEqual(withClosure(list, "2026-12-24", "x".repeat(201)).problems.map((p) => p.field), ["reason"]);
});

test("an enrolling booth's booth.toml names only the backend and the identity folder", () => {
  const text = enrollingBoothConfig("https://e.example.fi");
  assert.match(text, /url = "wss:\/\/e\.example\.fi\/ws"/);
  assert.match(text, /identity_dir = /);
  assert.doesNotMatch(text, /secret|booth_id/);
});

test("a certificate's last day is the day in Helsinki, not in UTC", () => {
  // 2026-12-06 22:30 UTC is already the 7th in Helsinki (UTC+2).
  assert.equal(helsinkiDay(Date.UTC(2026, 11, 6, 22, 30) / 1000), "2026-12-07");
});

test("a booth's software line: version and slot, the update state, since when it runs", () => {
  const started = Date.UTC(2026, 10, 30, 7, 5) / 1000; // 09:05 in Helsinki
  assert.equal(softwareLine({ version: "0.1+2026", slot: "A", update_state: "good", started_at: started }),
    "0.1+2026 (A), good; 2026-11-30 09:05");
  assert.equal(softwareLine({ version: "", slot: "", update_state: "not an image", started_at: started }),
    "not an image; 2026-11-30 09:05");
  assert.equal(softwareLine({ version: "", slot: "", update_state: "", started_at: null }), null);
});

test("a booth's fault line: the time in Helsinki and what happened, unknown kinds shown as they came", () => {
  const at = Date.UTC(2026, 10, 30, 7, 5, 9) / 1000; // 09:05:09 in Helsinki
  assert.equal(faultLine({ at, kind: "device_fault", detail: "printer: missing" }),
    "2026-11-30 09:05:09 Device stopped working: printer: missing");
  assert.equal(faultLine({ at, kind: "reconnected", detail: "12 s" }), "2026-11-30 09:05:09 Connected again after 12 s");
  assert.equal(faultLine({ at, kind: "something_new", detail: "x" }), "2026-11-30 09:05:09 something_new x");
});
