// The admin's call timeline in words (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  causeText, eventText, sampleCells, sinceStart, verdictText, who,
} from "../../../backend/web/admin/timeline-model.js";

test("every cause has a headline that says whose trouble it was", () => {
  assert.equal(causeText("network"), "Network trouble");
  assert.equal(causeText("device"), "Device trouble");
  assert.equal(causeText("system"), "System trouble");
  assert.equal(causeText("person"), "Ended by a person");
  assert.equal(causeText("none"), "No trouble");
});

test("the verdict's sentence names the device, the place and the figure", () => {
  assert.equal(verdictText({ cause: "device", code: "device_fault", peer: "booth", detail: "face_camera" }),
    "A device stopped working: Camera (Booth).");
  assert.equal(verdictText({ cause: "network", code: "connection_failed", peer: "o1" }),
    "The connection failed (Official o1).");
  assert.equal(verdictText({ cause: "network", code: "poor_loss_pct", peer: "booth" }),
    "The connection was poor for a long time (Booth): packet loss.");
  assert.match(verdictText({ cause: "system", code: "booth_offline", peer: "booth" }), /network was working/);
  assert.equal(verdictText({ cause: "system", code: "media_poor", peer: "o1", detail: "concealed_pct" }),
    "The picture or sound suffered although no packets were lost (Official o1): broken-up sound. A computer did not keep up.");
  assert.equal(verdictText({ cause: "person", code: "cancelled_in_lobby" }), "The citizen left before being admitted.");
  assert.match(verdictText({ cause: "none", code: "hung_up", peer: "o1" }), /connection was good/);
});

test("events read as sentences, people as peer ids", () => {
  assert.equal(who("booth"), "Booth");
  assert.equal(who("g2"), "Guest g2");
  assert.equal(eventText({ at: 1, peer: "o1", role: "official", kind: "joined" }), "Joined: Official o1");
  assert.equal(eventText({ at: 1, peer: "booth", role: "booth", kind: "connection_state", detail: "failed",
    about_peer: "o1" }), "Connection Booth → Official o1: failed");
  assert.equal(eventText({ at: 1, peer: "booth", role: "booth", kind: "ended", detail: "hung_up" }),
    "The official ended the call.");
  assert.equal(eventText({ at: 1, peer: "booth", role: "booth", kind: "device_ok", detail: "microphone" }),
    "Works again: Microphone");
});

test("a quality report becomes a table row with the reason for its level", () => {
  const cells = sampleCells({ at: 5, peer: "o1", role: "official", about_peer: "booth", rtt_ms: 41, loss_pct: 12.25,
    fps: 29, width: 640, height: 480, pair: "relay_tls", level: "poor", reasons: ["loss_pct"] },
  (n, digits = 0) => (n == null ? "–" : n.toFixed(digits)));
  assert.deepEqual(cells, ["Official o1 ← Booth", "Poor: packet loss", "41", "12.3", "29", "640×480",
    "TURN relay (TLS)"]);
  assert.equal(sinceStart(100 + 75, 100), "1:15");
});
