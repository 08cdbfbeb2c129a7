// @ts-check
// Pure helpers for viewing a document still: fit, zoom about a point, pan,
// kept within sensible bounds. No DOM, so Node tests it
// (tests/unit/web/stills.test.mjs); stillview.js applies the view as a CSS
// transform (translate, then scale) on the image inside its frame.

/** @typedef {{ scale: number, x: number, y: number }} View  image pixel (u, v) shows at frame point (x + u*scale, y + v*scale) */
/** @typedef {{ width: number, height: number }} Size */

/** Largest zoom: 4 screen pixels per image pixel (8 pt text on a 300-dpi page is then huge). */
export const MAX_SCALE = 4;

/**
 * The whole image, centred, as large as fits the frame (never above 1:1 for a small image).
 * @param {Size} image @param {Size} frame @returns {View}
 */
export function fitView(image, frame) {
  const scale = Math.min(frame.width / image.width, frame.height / image.height, 1);
  return { scale, x: (frame.width - image.width * scale) / 2, y: (frame.height - image.height * scale) / 2 };
}

/**
 * Zoom by `factor` keeping the image point under frame point (px, py) where it is.
 * The scale stays between the fitting one and MAX_SCALE.
 * @param {View} view @param {number} factor @param {number} px @param {number} py @param {Size} image @param {Size} frame
 * @returns {View}
 */
export function zoomAt(view, factor, px, py, image, frame) {
  const min = fitView(image, frame).scale;
  const scale = Math.min(MAX_SCALE, Math.max(min, view.scale * factor));
  const ratio = scale / view.scale;
  return clampView({ scale, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio }, image, frame);
}

/** Move the image by (dx, dy) frame pixels. @param {View} view @param {number} dx @param {number} dy @param {Size} image @param {Size} frame */
export function panBy(view, dx, dy, image, frame) {
  return clampView({ scale: view.scale, x: view.x + dx, y: view.y + dy }, image, frame);
}

/**
 * Keep the image on screen: a side smaller than the frame is centred, a larger one
 * may not leave a gap at either edge.
 * @param {View} view @param {Size} image @param {Size} frame @returns {View}
 */
export function clampView(view, image, frame) {
  const w = image.width * view.scale;
  const h = image.height * view.scale;
  const x = w <= frame.width ? (frame.width - w) / 2 : Math.min(0, Math.max(frame.width - w, view.x));
  const y = h <= frame.height ? (frame.height - h) / 2 : Math.min(0, Math.max(frame.height - h, view.y));
  return { scale: view.scale, x, y };
}

/** The zoom as the official reads it. @param {View} view */
export function zoomPercent(view) {
  return `${Math.round(view.scale * 100)} %`;
}
