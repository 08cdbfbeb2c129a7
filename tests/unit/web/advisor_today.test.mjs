// Unit tests for the advisor app's pure rules (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  base64UrlBytes, bookingActions, bookingStatusLabel, boothView, contactBody, helsinkiClock, helsinkiDay,
  identificationText, identifyStep, keptIdentifySteps, orderBookings, serviceView,
} from "../../../backend/web/advisor/today.js";

const booth = (extra = {}) => ({
  booth_id: "b1", name: "Imatra 1", point: "Imatra", online: true, devices: [], assist: "none", use: "free", ...extra,
});

test("a booth shows the most urgent thing first: help, then faults, offline, use", () => {
  assert.equal(boothView(booth()).state, "free");
  assert.equal(boothView(booth({ use: "in_call" })).label, "In a call");
  assert.equal(boothView(booth({ use: "citizen_inside" })).state, "citizen_inside");
  assert.equal(boothView(booth({ online: false })).state, "offline");
  const faulty = boothView(booth({ devices: [{ role: "printer", state: "degraded", reason: "" }] }));
  assert.deepEqual([faulty.state, faulty.faults], ["fault", ["printer"]]);
  assert.equal(boothView(booth({ online: false, assist: "requested" })).state, "help");
  assert.equal(boothView(booth({ assist: "acknowledged" })).label, "Help is on the way");
  assert.equal(boothView(booth({ assist: "requested", use: "in_call" })).label, "Help requested · In a call");
});

test("booking statuses read as the desk says them, and only a booked one can be moved or cancelled", () => {
  assert.equal(bookingStatusLabel("checked_in"), "Arrived");
  assert.equal(bookingStatusLabel("citizen_no_show"), "Customer did not come");
  assert.equal(bookingStatusLabel("something_new"), "something_new");
  assert.deepEqual(bookingActions("booked"), ["checkin", "reschedule", "cancel", "resend"]);
  assert.deepEqual(bookingActions("checked_in"), ["resend"]);
  assert.deepEqual(bookingActions("cancelled"), []);
});

test("the day's bookings in time order, and times in Helsinki wherever the phone is", () => {
  const list = orderBookings([{ code: "B", start: "2026-11-24T10:00:00+00:00" }, { code: "A", start: "2026-11-24T08:00:00+00:00" }]);
  assert.deepEqual(list.map((b) => b.code), ["A", "B"]);
  assert.equal(helsinkiClock("2026-11-24T08:00:00+00:00"), "10.00");
  assert.equal(helsinkiDay(Date.parse("2026-11-24T22:30:00Z")), "2026-11-25"); // already tomorrow in Finland
});

test("a service says up front what identification it needs", () => {
  const service = {
    id: "s", names: { fi: "Passi", en: "Passport" }, descriptions: { fi: "Uusi passi" }, identification: "in_person",
    languages: ["fi"], duration_min: 30,
  };
  const view = serviceView(service, "en");
  assert.deepEqual([view.name, view.description, view.needsName], ["Passport", "Uusi passi", true]);
  assert.match(identificationText("strong_eid"), /bank codes/);
  assert.equal(identificationText("none"), "No identification needed");
});

test("contact details: a phone or an e-mail is required, bad ones are named", () => {
  assert.equal(contactBody({ name: "", phone: "", email: "" }).ok, false);
  assert.match(contactBody({ name: "", phone: "12", email: "" }).error, /phone number/);
  assert.match(contactBody({ name: "", phone: "", email: "x@" }).error, /e-mail/);
  assert.deepEqual(contactBody({ name: " Maija ", phone: "+358 40 123 4567", email: "" }), {
    ok: true, body: { citizen_name: "Maija", phone: "+358 40 123 4567" },
  });
});

test("a VAPID key in base64url becomes the bytes PushManager takes", () => {
  const bytes = base64UrlBytes("BAEC_-8");
  assert.deepEqual([...bytes], [4, 1, 2, 255, 239]);
});

test("'identified in person' is offered only for a booth with a citizen in it, then confirmed, then shown", () => {
  assert.equal(identifyStep(booth(), undefined), "none");
  assert.equal(identifyStep(booth({ use: "in_call", online: false }), undefined), "none");
  assert.equal(identifyStep(booth({ use: "citizen_inside" }), undefined), "offer");
  assert.equal(identifyStep(booth({ use: "in_call" }), "confirm"), "confirm");
  assert.equal(identifyStep(booth({ use: "in_call" }), "done"), "done");
  assert.equal(identifyStep(booth({ use: "free" }), "done"), "none"); // the citizen left
});

test("a booth seen free forgets its identification, so the next citizen starts unidentified", () => {
  const steps = { b1: "done", b2: "confirm", gone: "done" };
  const booths = [booth({ use: "free" }), booth({ booth_id: "b2", use: "in_call" })];
  assert.deepEqual(keptIdentifySteps(steps, booths), { b2: "confirm" });
});
