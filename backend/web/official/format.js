// @ts-check
// Small pure formatting rules shared by the views (Node tests them in
// tests/unit/web/format.test.mjs).

/** minutes:seconds, e.g. 0:07, 12:30, 75:02. @param {number} seconds */
export function formatDuration(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/**
 * Seconds since `unixSeconds` by the server's clock: `nowMs` is ours and
 * `clockOffset` the server's lead over it in seconds (from welcome.server_time).
 * @param {number} unixSeconds @param {number} nowMs @param {number} clockOffset
 */
export function secondsSince(unixSeconds, nowMs, clockOffset) {
  return nowMs / 1000 + clockOffset - unixSeconds;
}

/** A short description of an error: its kind (e.g. NotAllowedError) and message. @param {unknown} err */
export function errorText(err) {
  if (!err) return "unknown error";
  if (typeof err !== "object") return String(err);
  const { name, message } = /** @type {{ name?: unknown, message?: unknown }} */ (err);
  const kind = typeof name === "string" && name !== "Error" ? name : "";
  const text = typeof message === "string" ? message : "";
  if (kind && text) return `${kind}: ${text}`;
  return text || kind || String(err);
}

/** "Face camera" from a device role such as "face_camera". @param {string} role */
export function roleWords(role) {
  const text = role.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
