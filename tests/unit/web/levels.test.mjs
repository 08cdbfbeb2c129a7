// Unit tests for the device check's microphone meter (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { FLOOR_DBFS, heard, levelDbfs, meterPercent, rms } from "../../../backend/web/official/levels.js";

const sine = (amplitude, n = 4800) => Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin(i / 7));

test("a full-scale sine is about -3 dBFS and fills most of the meter; silence is the floor", () => {
  assert.ok(Math.abs(levelDbfs(sine(1)) + 3) < 0.2);
  assert.equal(meterPercent(levelDbfs(sine(1))), 95);
  assert.equal(levelDbfs(new Float32Array(480)), FLOOR_DBFS);
  assert.equal(meterPercent(FLOOR_DBFS), 0);
  assert.equal(rms([]), 0);
});

test("a voice is heard, a whisper of noise is not", () => {
  assert.ok(heard(levelDbfs(sine(0.1))));
  assert.ok(!heard(levelDbfs(sine(0.001))));
});
