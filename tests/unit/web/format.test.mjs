// Unit tests for the views' small formatting rules (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { errorText, formatDuration, roleWords, secondsSince } from "../../../backend/web/official/format.js";

test("durations are minutes:seconds, never negative", () => {
  assert.deepEqual([0, 7.9, 750, 4502, -3].map(formatDuration), ["0:00", "0:07", "12:30", "75:02", "0:00"]);
});

test("waiting time is measured on the server's clock", () => {
  assert.equal(secondsSince(1000, 1_005_000, 0), 5);
  assert.equal(secondsSince(1000, 1_005_000, 2.5), 7.5, "the server's clock is 2.5 s ahead of ours");
});

test("an error is described by its kind and message", () => {
  assert.equal(errorText(Object.assign(new Error("denied"), { name: "NotAllowedError" })), "NotAllowedError: denied");
  assert.equal(errorText(new Error("plain")), "plain");
  assert.equal(errorText("text"), "text");
  assert.equal(errorText(null), "unknown error");
});

test("an unknown device role is shown in words", () => {
  assert.equal(roleWords("queue_display"), "Queue display");
});
