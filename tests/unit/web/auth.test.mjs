// Unit tests for signing in over HTTP (run: node --test tests/unit/web/): what the
// official is told for each answer, with a stand-in for fetch.
import assert from "node:assert/strict";
import { test } from "node:test";

import { requestLogin } from "../../../backend/web/official/auth.js";

const answer = (status, body, headers = {}) => async () => ({
  ok: status >= 200 && status < 300,
  status,
  headers: { get: (name) => headers[name] ?? null },
  json: async () => (body === undefined ? Promise.reject(new SyntaxError("no JSON")) : body),
});

test("a good sign-in gives the token and the name; the request carries both fields as JSON", async () => {
  let sent;
  const fetchFn = async (url, init) => {
    sent = { url, init };
    return answer(200, { token: "tok", name: "Veera Virkailija" })();
  };
  assert.deepEqual(await requestLogin("veera", "secret", fetchFn), { token: "tok", name: "Veera Virkailija" });
  assert.equal(sent.url, "/api/login");
  assert.equal(sent.init.method, "POST");
  assert.deepEqual(JSON.parse(sent.init.body), { username: "veera", password: "secret" });
});

test("each failure is explained, and nothing is thrown", async () => {
  assert.deepEqual(await requestLogin("a", "b", answer(401, { detail: "wrong username or password" })),
    { error: "Wrong username or password." });
  assert.deepEqual(await requestLogin("a", "b", answer(422, {})), { error: "Enter your username and password." });
  assert.deepEqual(await requestLogin("a", "b", answer(429, {}, { "Retry-After": "42" })),
    { error: "Too many failed sign-ins. Try again in 42 s." });
  assert.deepEqual(await requestLogin("a", "b", answer(429, {})), { error: "Too many failed sign-ins. Try again in a moment." });
  assert.deepEqual(await requestLogin("a", "b", answer(503)), { error: "Sign-in failed (HTTP 503). Please try again." });
  assert.deepEqual(await requestLogin("a", "b", answer(200, { name: "no token" })),
    { error: "The server gave an unexpected answer. Please try again." });
  const offline = async () => {
    throw new TypeError("Failed to fetch");
  };
  assert.deepEqual(await requestLogin("a", "b", offline),
    { error: "Cannot reach the server. Check the network connection and try again." });
});
