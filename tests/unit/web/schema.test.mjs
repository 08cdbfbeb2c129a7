// Unit tests for the official app's message validator (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";

import { loadSchema, validate } from "../../../backend/web/official/schema.js";

// Same shape as pydantic's TypeAdapter(...).json_schema() for the wire union:
// a discriminated oneOf of $refs, nullable fields as anyOf [X, null], arrays
// of nested models via $ref, additionalProperties false everywhere.
const SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  "x-protocol-version": 1,
  oneOf: [{ $ref: "#/$defs/Welcome" }, { $ref: "#/$defs/Presence" }],
  discriminator: {
    propertyName: "type",
    mapping: { welcome: "#/$defs/Welcome", presence: "#/$defs/Presence" },
  },
  $defs: {
    Welcome: {
      type: "object",
      title: "Welcome",
      properties: {
        v: { const: 1, default: 1, type: "integer" },
        type: { const: "welcome", default: "welcome", type: "string" },
        name: { type: "string", minLength: 1, maxLength: 120 },
        server_time: { type: "number" },
        ref: { anyOf: [{ type: "string", maxLength: 8 }, { type: "null" }], default: null },
      },
      required: ["name", "server_time"],
      additionalProperties: false,
    },
    Presence: {
      type: "object",
      title: "Presence",
      properties: {
        v: { const: 1, default: 1, type: "integer" },
        type: { const: "presence", default: "presence", type: "string" },
        lobby: { type: "array", items: { $ref: "#/$defs/LobbyEntry" } },
      },
      required: ["lobby"],
      additionalProperties: false,
    },
    LobbyEntry: {
      type: "object",
      properties: {
        session_id: { type: "string", minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.:-]+$" },
        waiting_since: { type: "number", minimum: 0 },
        state: { $ref: "#/$defs/State" },
      },
      required: ["session_id", "waiting_since"],
      additionalProperties: false,
    },
    State: { type: "string", enum: ["waiting", "admitted"] },
  },
};

const welcome = () => ({ v: 1, type: "welcome", name: "Official", server_time: 1700000000.5 });
const presence = () => ({
  v: 1,
  type: "presence",
  lobby: [
    { session_id: "s-1", waiting_since: 1700000000 },
    { session_id: "s-2", waiting_since: 1700000010.25, state: "waiting" },
  ],
});

test("valid messages pass", () => {
  assert.deepEqual(validate(SCHEMA, welcome()), []);
  assert.deepEqual(validate(SCHEMA, presence()), []);
  assert.deepEqual(validate(SCHEMA, { type: "presence", lobby: [] }), [], "v has a default");
});

test("nullable field accepts null and its own type", () => {
  assert.deepEqual(validate(SCHEMA, { ...welcome(), ref: null }), []);
  assert.deepEqual(validate(SCHEMA, { ...welcome(), ref: "hello" }), []);
});

test("nullable field reports the inner rule or the allowed types", () => {
  assert.deepEqual(validate(SCHEMA, { ...welcome(), ref: "far too long" }), [
    "ref: must be at most 8 characters",
  ]);
  assert.deepEqual(validate(SCHEMA, { ...welcome(), ref: 5 }), ["ref: must be a string or null"]);
});

test("missing required field", () => {
  const msg = welcome();
  delete msg.server_time;
  assert.deepEqual(validate(SCHEMA, msg), ["server_time: is required"]);
});

test("wrong type", () => {
  assert.deepEqual(validate(SCHEMA, { ...welcome(), server_time: "now" }), [
    "server_time: must be a number",
  ]);
  assert.deepEqual(validate(SCHEMA, { ...welcome(), v: 1.5 }), ["v: must be an integer"]);
  assert.deepEqual(validate(SCHEMA, { ...presence(), lobby: {} }), ["lobby: must be an array"]);
});

test("const and enum", () => {
  assert.deepEqual(validate(SCHEMA, { ...welcome(), v: 2 }), ["v: must be 1"]);
  const msg = presence();
  msg.lobby[1].state = "gone";
  assert.deepEqual(validate(SCHEMA, msg), ['lobby[1].state: must be one of "waiting", "admitted"']);
});

test("additional property", () => {
  assert.deepEqual(validate(SCHEMA, { ...welcome(), extra: true }), ["extra: is not an allowed field"]);
});

test("string lengths", () => {
  assert.deepEqual(validate(SCHEMA, { ...welcome(), name: "" }), ["name: must not be empty"]);
  assert.deepEqual(validate(SCHEMA, { ...welcome(), name: "ä".repeat(120) }), [], "counts characters");
  assert.deepEqual(validate(SCHEMA, { ...welcome(), name: "x".repeat(121) }), [
    "name: must be at most 120 characters",
  ]);
});

test("pattern mismatch", () => {
  const msg = presence();
  msg.lobby[0].session_id = "no spaces allowed";
  assert.deepEqual(validate(SCHEMA, msg), ["lobby[0].session_id: must match the pattern ^[A-Za-z0-9_.:-]+$"]);
});

test("minimum", () => {
  const msg = presence();
  msg.lobby[0].waiting_since = -1;
  assert.deepEqual(validate(SCHEMA, msg), ["lobby[0].waiting_since: must be at least 0"]);
});

test("unknown discriminator value", () => {
  const errors = validate(SCHEMA, { v: 1, type: "session.bogus" });
  assert.deepEqual(errors, ['type: unknown value "session.bogus"']);
});

test("missing or non-string discriminator, non-object message", () => {
  assert.deepEqual(validate(SCHEMA, { v: 1, name: "x" }), ["type: is required"]);
  assert.deepEqual(validate(SCHEMA, { type: 7 }), ["type: must be a string"]);
  assert.deepEqual(validate(SCHEMA, [welcome()]), ["message: must be an object"]);
  assert.deepEqual(validate(SCHEMA, null), ["message: must be an object"]);
});

test("discriminator picks the branch: errors are about that message type only", () => {
  // A welcome-shaped body under the presence tag reports presence's rules.
  const errors = validate(SCHEMA, { ...welcome(), type: "presence" });
  assert.deepEqual(errors.sort(), [
    "lobby: is required",
    "name: is not an allowed field",
    "server_time: is not an allowed field",
  ]);
});

test("nested item error path", () => {
  const msg = presence();
  msg.lobby[1] = { session_id: 42, waiting_since: 1, extra: "x" };
  assert.deepEqual(validate(SCHEMA, msg).sort(), [
    "lobby[1].extra: is not an allowed field",
    "lobby[1].session_id: must be a string",
  ]);
  msg.lobby[1] = "not an object";
  assert.deepEqual(validate(SCHEMA, msg), ["lobby[1]: must be an object"]);
});

test("errors never echo field values", () => {
  const secret = "Matti Meikäläinen";
  const msg = presence();
  msg.lobby[0].session_id = secret;
  msg.lobby[0].state = secret;
  for (const error of validate(SCHEMA, msg)) assert.ok(!error.includes(secret), error);
});

test("oneOf without a discriminator needs exactly one match", () => {
  const schema = { oneOf: [{ type: "integer" }, { type: "number", minimum: 10 }] };
  assert.deepEqual(validate(schema, 2.5), ["message: must be at least 10"]);
  assert.deepEqual(validate(schema, 3), []);
  assert.deepEqual(validate(schema, 11), ["message: matches more than one allowed form"]);
  assert.deepEqual(validate(schema, "x"), ["message: must be an integer or a number"]);
});

test("prefixItems and item counts", () => {
  const schema = {
    type: "array",
    prefixItems: [{ type: "string" }, { type: "integer" }],
    maxItems: 2,
  };
  assert.deepEqual(validate(schema, ["a", 1]), []);
  assert.deepEqual(validate(schema, ["a", "b"]), ["[1]: must be an integer"]);
  assert.deepEqual(validate(schema, ["a", 1, 2]), ["message: must have at most 2 items"]);
});

test("a dangling $ref is reported, a self-referencing one does not hang", () => {
  assert.deepEqual(validate({ $ref: "#/$defs/Nope" }, {}), [
    "message: cannot be checked: the schema has no #/$defs/Nope",
  ]);
  const loop = { $defs: { A: { $ref: "#/$defs/A" } }, $ref: "#/$defs/A" };
  assert.equal(validate(loop, {}).length, 1);
});

test("loadSchema fetches and parses, and explains failures", async () => {
  const server = createServer((req, res) => {
    if (req.url === "/schema.json") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(SCHEMA));
    } else if (req.url === "/garbage") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("{not json");
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    assert.deepEqual(await loadSchema(`${base}/schema.json`), SCHEMA);
    await assert.rejects(loadSchema(`${base}/missing`), /HTTP 404/);
    await assert.rejects(loadSchema(`${base}/garbage`), /not return valid JSON/);
  } finally {
    server.close();
  }
});
