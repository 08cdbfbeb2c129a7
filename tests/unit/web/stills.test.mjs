// Unit tests for viewing a document still: fit, zoom about a point, pan within bounds (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { clampView, fitView, MAX_SCALE, panBy, zoomAt, zoomPercent } from "../../../backend/web/official/stills.js";

const A4 = { width: 2480, height: 3508 }; // 300 dpi
const FRAME = { width: 800, height: 600 };

test("a page fits the frame whole and centred; a small picture is never blown up", () => {
  const view = fitView(A4, FRAME);
  assert.equal(view.scale, 600 / 3508);
  assert.ok(Math.abs(view.x * 2 + A4.width * view.scale - FRAME.width) < 1e-9 && view.y === 0);
  assert.deepEqual(fitView({ width: 400, height: 300 }, FRAME), { scale: 1, x: 200, y: 150 });
});

test("zooming keeps the point under the pointer in place, and stops at the limits", () => {
  const fit = fitView(A4, FRAME);
  const zoomed = zoomAt(fit, 8, 400, 300, A4, FRAME);
  // The image point under (400, 300) before is still under it after.
  const before = { u: (400 - fit.x) / fit.scale, v: (300 - fit.y) / fit.scale };
  const after = { u: (400 - zoomed.x) / zoomed.scale, v: (300 - zoomed.y) / zoomed.scale };
  assert.ok(Math.abs(before.u - after.u) < 1e-6 && Math.abs(before.v - after.v) < 1e-6);
  assert.equal(zoomAt(zoomed, 1000, 0, 0, A4, FRAME).scale, MAX_SCALE);
  assert.equal(zoomAt(zoomed, 1e-6, 0, 0, A4, FRAME).scale, fit.scale);
  assert.equal(zoomPercent({ scale: 1.5, x: 0, y: 0 }), "150 %");
});

test("panning moves a zoomed page but never off screen", () => {
  const zoomed = { scale: 1, x: -100, y: -100 };
  assert.deepEqual(panBy(zoomed, -50, 20, A4, FRAME), { scale: 1, x: -150, y: -80 });
  assert.deepEqual(panBy(zoomed, 500, 500, A4, FRAME), { scale: 1, x: 0, y: 0 });
  const far = panBy(zoomed, -1e6, -1e6, A4, FRAME);
  assert.deepEqual(far, { scale: 1, x: FRAME.width - A4.width, y: FRAME.height - A4.height });
  assert.deepEqual(clampView(fitView(A4, FRAME), A4, FRAME), fitView(A4, FRAME));
});
