// Screen sharing's stages and the booth's share transceiver (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { nextShare, shareTransceiver } from "../../../backend/web/official/share_flow.js";

test("a window reaches the booth only after the preview was confirmed", () => {
  assert.equal(nextShare("idle", "confirm"), "idle");
  assert.equal(nextShare("choosing", "confirm"), "choosing");
  let stage = nextShare("idle", "start");
  assert.equal(stage, "choosing");
  stage = nextShare(stage, "picked");
  assert.equal(stage, "preview");
  assert.equal(nextShare(stage, "confirm"), "sharing");
});

test("stopping, cancelling, the browser ending the capture and the call ending all go back to idle", () => {
  for (const action of /** @type {const} */ (["stop", "cancel", "ended", "call-over"])) {
    assert.equal(nextShare("sharing", action), "idle", action);
    assert.equal(nextShare("preview", action), "idle", action);
  }
});

test("the share transceiver is the booth's second video m-line; an older booth has none", () => {
  const tr = (/** @type {string} */ kind, /** @type {string} */ name) => ({ name, receiver: { track: { kind } } });
  const three = [tr("video", "camera"), tr("audio", "mic"), tr("video", "share")];
  assert.equal(shareTransceiver(three)?.name, "share");
  assert.equal(shareTransceiver([tr("video", "camera"), tr("audio", "mic")]), null);
});
