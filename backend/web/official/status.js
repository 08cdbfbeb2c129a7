// @ts-check
// The status line under the top bar: one message at a time, in the page's
// language, set by whoever has news. Errors are kept for the e2e tests.

import { el } from "./dom.js";
import { errorText } from "./format.js";
import { t } from "./i18n.js";
import { state } from "./state.js";

/**
 * Show one line of status. `key` marks who set it, so that e.g. a recovered
 * peer connection clears only its own warning.
 * @param {string} text
 * @param {"info" | "error"} [kind]
 * @param {string | null} [key]
 */
export function setStatus(text, kind = "info", key = null) {
  el.status.textContent = text;
  el.status.dataset.kind = kind;
  state.statusKey = text ? key : null;
  if (text && kind === "error") state.lastError = text;
}

/** Clear the line if `key` set it. @param {string} key */
export function clearStatus(key) {
  if (state.statusKey === key) setStatus("");
}

/** Last line of defence: no failure may pass silently or leave the UI stuck. @param {unknown} err */
export function unexpected(err) {
  console.error("Unexpected error in the official app:", errorText(err));
  setStatus(t("Something went wrong ({error}). If the page stops responding, reload it.", { error: errorText(err) }),
    "error");
}
