// @ts-check
// The document stills of the call on the official's page: the strip of
// pages as they arrive, and the viewer that zooms (wheel, buttons, double
// click) and pans (drag) one of them. The geometry is stills.js's; the
// pictures are fetched with the sign-in token and shown from object URLs,
// which are revoked when the call ends: nothing of the citizen's papers stays
// in the page (the server answers them no-store, so not in the cache either).

import { append, el, setText } from "./dom.js";
import { t } from "./i18n.js";
import { fitView, panBy, zoomAt, zoomPercent } from "./stills.js";
import { state } from "./state.js";

/** @typedef {{ stillId: string, width: number, height: number, url: string }} StillRecord */
/** @typedef {import("./stills.js").View} View */

/** @type {{ still: StillRecord | null, view: View | null, drag: { x: number, y: number } | null }} */
const viewer = { still: null, view: null, drag: null };

/** Fetch a still the server announced and add it to the call's strip. @param {import("./protocol.js").StillReady} message */
export async function receiveStill(message) {
  const call = state.call;
  if (!call || call.sessionId !== message.session_id) return;
  const response = await fetch(`/api/stills/${encodeURIComponent(message.still_id)}`, {
    headers: { Authorization: `Bearer ${state.token}` },
    cache: "no-store",
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const blob = await response.blob();
  if (state.call !== call) return; // the call ended while it came
  const still = { stillId: message.still_id, width: message.width, height: message.height, url: URL.createObjectURL(blob) };
  call.stills.push(still);
  renderStills();
  openStill(still); // the official sees it at once
}

/** Forget the call's pictures (object URLs revoked, viewer closed). @param {StillRecord[]} stills */
export function dropStills(stills) {
  for (const still of stills) URL.revokeObjectURL(still.url);
  stills.length = 0;
  closeStill();
  el.stills.replaceChildren();
  el.stillsPanel.hidden = true;
}

export function renderStills() {
  const stills = state.call ? state.call.stills : [];
  el.stillsPanel.hidden = stills.length === 0;
  const shown = new Set([...el.stills.children].map((li) => li instanceof HTMLElement ? li.dataset.stillId : ""));
  stills.forEach((still, i) => {
    if (shown.has(still.stillId)) return;
    const li = append(el.stills, "li", "still-thumb");
    li.dataset.stillId = still.stillId;
    const button = append(li, "button", "still-open");
    button.type = "button";
    button.dataset.testid = `still-${i + 1}`;
    button.setAttribute("aria-label", t("Page {n}", { n: i + 1 }));
    const img = append(button, "img");
    img.src = still.url;
    img.alt = "";
    append(li, "span", "still-label").textContent = t("Page {n}", { n: i + 1 });
    button.addEventListener("click", () => openStill(still));
  });
}

/** @param {StillRecord} still */
function openStill(still) {
  viewer.still = still;
  el.stillViewer.hidden = false;
  el.stillImage.src = still.url;
  el.stillImage.dataset.stillId = still.stillId;
  el.stillImage.style.width = `${still.width}px`;
  el.stillImage.style.height = `${still.height}px`;
  viewer.view = fitView(still, frameSize());
  applyView();
}

export function closeStill() {
  viewer.still = null;
  viewer.view = null;
  el.stillViewer.hidden = true;
  el.stillImage.removeAttribute("src");
}

function frameSize() {
  const box = el.stillFrame.getBoundingClientRect();
  return { width: Math.max(1, box.width), height: Math.max(1, box.height) };
}

function applyView() {
  const view = viewer.view;
  if (!view) return;
  el.stillImage.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
  setText(el.stillZoom, zoomPercent(view));
}

/** @param {number} factor @param {number} [px] @param {number} [py] */
function zoom(factor, px, py) {
  if (!viewer.still || !viewer.view) return;
  const frame = frameSize();
  viewer.view = zoomAt(viewer.view, factor, px ?? frame.width / 2, py ?? frame.height / 2, viewer.still, frame);
  applyView();
}

/** Wire the viewer's controls once, at start-up. */
export function initStillViewer() {
  el.stillZoomIn.addEventListener("click", () => zoom(1.5));
  el.stillZoomOut.addEventListener("click", () => zoom(1 / 1.5));
  el.stillFit.addEventListener("click", () => {
    if (viewer.still) viewer.view = fitView(viewer.still, frameSize());
    applyView();
  });
  el.stillClose.addEventListener("click", closeStill);
  el.stillFrame.addEventListener("wheel", (event) => {
    event.preventDefault();
    const box = el.stillFrame.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - box.left, event.clientY - box.top);
  }, { passive: false });
  el.stillFrame.addEventListener("dblclick", (event) => {
    const box = el.stillFrame.getBoundingClientRect();
    zoom(2, event.clientX - box.left, event.clientY - box.top);
  });
  el.stillFrame.addEventListener("pointerdown", (event) => {
    viewer.drag = { x: event.clientX, y: event.clientY };
    el.stillFrame.setPointerCapture(event.pointerId);
  });
  el.stillFrame.addEventListener("pointermove", (event) => {
    if (!viewer.drag || !viewer.still || !viewer.view) return;
    viewer.view = panBy(viewer.view, event.clientX - viewer.drag.x, event.clientY - viewer.drag.y, viewer.still,
      frameSize());
    viewer.drag = { x: event.clientX, y: event.clientY };
    applyView();
  });
  const stop = () => { viewer.drag = null; };
  el.stillFrame.addEventListener("pointerup", stop);
  el.stillFrame.addEventListener("pointercancel", stop);
}
