// @ts-check
// The guest's joining page as pure logic: which step to show from what the backend said about
// the link, and what a refused code means. The steps: device check, then a one-time code sent to
// the invited phone or e-mail, then the privacy notice, then the lobby until the official admits.
// A dead link (unknown, used on another device, revoked, removed, locked, expired) is one page.

import { t } from "../official/i18n.js";

/** @typedef {"checking" | "not_yet" | "gone" | "devices" | "code" | "notice" | "lobby"} Step */

/**
 * The step after the backend answered POST /api/guest/link.
 * @param {{ state: string }} link @param {boolean} verified the browser holds this link's device token
 * @returns {Step}
 */
export function stepOf(link, verified) {
  if (link.state === "not_yet") return "not_yet";
  if (link.state !== "valid") return "gone";
  return verified ? "notice" : "devices";
}

/** The link's token from the page's address: it is in the fragment, never sent to a server. @param {string} hash */
export function tokenOf(hash) {
  const token = hash.replace(/^#/, "");
  return /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : null;
}

/**
 * What a refused code or code request means for the guest (translated) and
 * whether the page must show the dead-link page instead.
 * @param {number} status @param {string} detail
 * @returns {{ text: string, gone: boolean, wait?: number, triesLeft?: number }}
 */
export function codeProblem(status, detail) {
  if (status === 410) return { text: t("This link is no longer valid."), gone: true };
  if (status === 429) {
    const m = /(\d+) s/.exec(detail);
    return { text: t("A code was just sent. Wait a moment before asking again."), gone: false, wait: m ? Number(m[1]) : 30 };
  }
  if (/expired/.test(detail)) return { text: t("The code has expired. Ask for a new one."), gone: false };
  if (status === 400) {
    const m = /(\d+) tries left/.exec(detail);
    return { text: t("That is not the code that was sent."), gone: false, triesLeft: m ? Number(m[1]) : undefined };
  }
  return { text: t("Something went wrong. Try again."), gone: false };
}
