// Unit tests for the page's message check (run: node --test tests/unit/web/):
// Ajv's generated validator for the real wire protocol, and the texts its
// errors become. They name the field and the rule, and never a value.
import assert from "node:assert/strict";
import { test } from "node:test";

import { checkMessage, describeErrors, fieldPath } from "../../../backend/web/official/validation.js";

const problems = (message) => {
  const result = checkMessage(message);
  return result.ok ? [] : result.errors;
};

const welcome = () => ({ v: 1, type: "welcome", role: "official", name: "Official", server_time: 1700000000.5 });
const entry = (extra = {}) => ({
  session_id: "s-1", booth_id: "b-1", booth_name: "Imatra booth 1", point: "Imatra", waiting_since: 1700000000,
  ...extra,
});
const presence = (lobby = [entry()]) => ({ v: 1, type: "presence", booths: [], lobby });

test("valid messages pass and come back typed as they were", () => {
  const result = checkMessage(welcome());
  assert.equal(result.ok, true);
  assert.deepEqual(result.message, welcome());
  assert.deepEqual(problems(presence()), []);
  assert.deepEqual(problems({ type: "presence", booths: [], lobby: [] }), [], "v has a default");
});

test("a nullable field accepts null and its own type", () => {
  const error = { v: 1, type: "error", code: "busy", reason: "busy" };
  assert.deepEqual(problems({ ...error, ref: null }), []);
  assert.deepEqual(problems({ ...error, ref: "session.admit" }), []);
});

test("a nullable field reports the inner rule, or the kinds it accepts", () => {
  const error = { v: 1, type: "error", code: "busy", reason: "busy" };
  assert.deepEqual(problems({ ...error, ref: "x".repeat(65) }), ["ref: must be at most 64 characters"]);
  assert.deepEqual(problems({ ...error, ref: 5 }), ["ref: must be a string or null"]);
});

test("missing required field, and the tag the backend always sends", () => {
  const message = welcome();
  delete message.server_time;
  assert.deepEqual(problems(message), ["server_time: is required"]);
  assert.deepEqual(problems({ v: 1, name: "x" }), ["type: is required"]);
  assert.deepEqual(problems({ type: 7 }), ["type: must be a string"]);
});

test("wrong types, and a message that is not an object", () => {
  assert.deepEqual(problems({ ...welcome(), server_time: "now" }), ["server_time: must be a number"]);
  assert.deepEqual(problems({ ...welcome(), v: 1.5 }), ["v: must be an integer"], "one mistake, one line");
  assert.deepEqual(problems(presence({})), ["lobby: must be an array"]);
  assert.deepEqual(problems([welcome()]), ["message: must be an object"]);
  assert.deepEqual(problems(null), ["message: must be an object"]);
});

test("const, enum, pattern, lengths and bounds name the rule", () => {
  assert.deepEqual(problems({ ...welcome(), v: 2 }), ["v: must be 1"]);
  assert.deepEqual(problems({ v: 1, type: "session.ended", session_id: "s", reason: "bored" }), [
    'reason: must be one of "hung_up", "booth_offline", "cancelled", "media_failed"',
  ]);
  assert.deepEqual(problems(presence([entry({ session_id: "s 1" })])), [
    "lobby[0].session_id: must match the pattern ^[A-Za-z0-9_.:-]+$",
  ]);
  assert.deepEqual(problems({ ...welcome(), name: "" }), ["name: must not be empty"]);
  assert.deepEqual(problems({ v: 1, type: "rtc.ice", session_id: "s", peer: "booth", candidate: "", sdp_mline_index: 65 }), [
    "sdp_mline_index: must be at most 64",
  ]);
});

test("lengths count characters, not UTF-16 units", () => {
  assert.deepEqual(problems({ ...welcome(), name: "😀".repeat(120) }), [], "120 characters in 240 units");
  assert.deepEqual(problems({ ...welcome(), name: "ä".repeat(121) }), ["name: must be at most 120 characters"]);
});

test("an unknown message type is reported without echoing it", () => {
  assert.deepEqual(problems({ v: 1, type: "session.bogus" }), ["type: is not a known message type"]);
});

test("the tag picks the branch: errors are about that message type only", () => {
  assert.deepEqual(problems({ ...welcome(), type: "presence" }).sort(), [
    "booths: is required",
    "lobby: is required",
    "name: is not an allowed field",
    "role: is not an allowed field",
    "server_time: is not an allowed field",
  ]);
});

test("nested errors carry their path", () => {
  assert.deepEqual(problems(presence([entry(), { ...entry(), session_id: 42, extra: "x" }])).sort(), [
    "lobby[1].extra: is not an allowed field",
    "lobby[1].session_id: must be a string",
  ]);
  assert.deepEqual(problems(presence([entry(), "not an object"])), ["lobby[1]: must be an object"]);
});

test("errors never echo field values", () => {
  const secret = "Matti Meikäläinen <img src=x>";
  const messages = [
    presence([entry({ session_id: secret, language: secret })]),
    { ...welcome(), type: secret },
    { ...welcome(), [secret]: secret },
    { v: 1, type: "session.ended", session_id: "s", reason: secret },
  ];
  for (const message of messages) {
    const errors = problems(message);
    assert.ok(errors.length > 0);
    for (const error of errors) assert.ok(!error.includes("Matti"), error);
  }
});

test("the error texts for rules the wire schema does not use yet", () => {
  assert.deepEqual(describeErrors([
    { instancePath: "/a/0", schemaPath: "", keyword: "maxItems", params: { limit: 2 } },
    { instancePath: "/b", schemaPath: "", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 } },
    { instancePath: "/c", schemaPath: "", keyword: "oneOf", params: { passingSchemas: [0, 1] } },
    { instancePath: "/d", schemaPath: "", keyword: "format", params: { format: "date" } },
    { instancePath: "/d", schemaPath: "", keyword: "format", params: { format: "date" } },
  ]), [
    "a[0]: must have at most 2 items",
    "b: must be greater than 0",
    "c: matches more than one allowed form",
    'd: breaks the rule "format"',
  ], "one line per problem, repeats dropped");
});

test("JSON Pointers become field paths", () => {
  assert.equal(fieldPath(""), "");
  assert.equal(fieldPath("/lobby/0/session_id"), "lobby[0].session_id");
  assert.equal(fieldPath("/booths/2/devices/0/role"), "booths[2].devices[0].role");
  assert.equal(fieldPath("/a~1b/c"), "[*].c", "a name that is not an identifier is not shown");
});

test("an extra field is named only when its name looks like a field name", () => {
  assert.deepEqual(problems({ ...welcome(), extra: 1 }), ["extra: is not an allowed field"]);
  assert.deepEqual(problems({ ...welcome(), "Matti M.": 1 }), ["message: has a field that is not allowed"]);
});
