// The booth's microphone level and volume in the official's call view (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { levelFraction, micWarning, volumeMessage } from "../../../backend/web/official/booth_audio.js";
import { frame } from "../../../backend/web/official/signalling.js";
import { checkMessage } from "../../../backend/web/official/validation.js";

test("the meter follows the level between -70 dBFS and full scale", () => {
  assert.equal(levelFraction(-120), 0);
  assert.equal(levelFraction(0), 1);
  assert.equal(levelFraction(-35), 0.5);
});

test("a warning for each trouble, none when the citizen is heard", () => {
  assert.equal(micWarning("ok"), "");
  for (const state of /** @type {const} */ (["quiet", "silent", "clipping", "missing"])) {
    assert.ok(micWarning(state).length > 10, state);
  }
  assert.match(micWarning("quiet"), /closer/);
});

test("louder and quieter become valid booth.volume messages within 0..100", () => {
  assert.deepEqual(volumeMessage("s-1", 70, 1), { type: "booth.volume", session_id: "s-1", volume: 80 });
  assert.equal(volumeMessage("s-1", 95, 1).volume, 100);
  assert.equal(volumeMessage("s-1", 5, -1).volume, 0);
  const wire = JSON.parse(frame(volumeMessage("s-1", 70, -1)));
  assert.deepEqual(checkMessage(wire), { ok: true, message: wire });
});
