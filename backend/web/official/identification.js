// @ts-check
// Pure helpers for identification in a call: the official's view of where it
// stands, from the server's ident.status messages. No DOM, no sockets, so Node
// tests it (tests/unit/web/identification.test.mjs). Texts are in the page's
// language (i18n.js; English in the tests).

import { t } from "./i18n.js";

/** @typedef {import("./protocol.js").IdentStatus} IdentStatus */
/**
 * Where identification stands in the call; `lastFailure` is the booth's last
 * failure while the citizen tries again (e.g. a wrong PIN), so the official
 * still sees it while the booth asks for the PIN again.
 * @typedef {{
 *   state: IdentStatus["state"],
 *   name: string | null,
 *   code: string | null,
 *   triesLeft: number | null,
 *   lastFailure: string | null,
 * }} IdentRecord
 */

/** States in which the citizen is busy at the booth: the official waits (and may still identify in person). */
const UNDER_WAY = new Set(["requested", "waiting_card", "typing_pin", "signing"]);

/**
 * The record after `message`.
 * @param {IdentRecord | null} previous
 * @param {IdentStatus} message
 * @returns {IdentRecord}
 */
export function nextIdent(previous, message) {
  const failed = message.state === "failed";
  const retrying = message.state === "typing_pin" || message.state === "waiting_card";
  return {
    state: message.state,
    name: message.name ?? null,
    code: message.code ?? null,
    triesLeft: message.tries_left ?? (retrying && previous ? previous.triesLeft : null),
    lastFailure: failed ? message.code ?? null : retrying && previous ? previous.lastFailure : null,
  };
}

/** Whether the booth is busy with it: asking again now would start over. @param {IdentRecord | null} record */
export function identUnderWay(record) {
  return Boolean(record && UNDER_WAY.has(record.state));
}

/** Whether the citizen is identified (with the card or in person). @param {IdentRecord | null} record */
export function identDone(record) {
  return Boolean(record && (record.state === "identified" || record.state === "in_person"));
}

/** Why the card did not do, in words. @param {string | null} code @param {number | null} triesLeft */
export function failureText(code, triesLeft) {
  switch (code) {
    case "wrong_pin":
      return triesLeft === 1 ? t("Wrong PIN; one try left before the card locks") : t("Wrong PIN");
    case "pin_locked": return t("The card's PIN is locked; identify the citizen in person");
    case "card_removed": return t("The card was taken out of the reader");
    case "no_card": return t("No card in the reader");
    case "cancelled": return t("The citizen went back to the meeting");
    case "expired": return t("The card's certificate has expired");
    case "untrusted": return t("The card's certificate is not from a trusted issuer");
    case "bad_signature": return t("The card's signature did not check out");
    case "not_configured": return t("Identification with the ID card is not set up on this server");
    default: return t("Identification did not succeed ({code})", { code: code || "?" });
  }
}

/**
 * The status line: text and a kind for its colour ("" hides it).
 * @param {IdentRecord | null} record
 * @returns {{ text: string, kind: "" | "busy" | "ok" | "error" }}
 */
export function identView(record) {
  if (!record) return { text: "", kind: "" };
  const again = record.lastFailure ? `${failureText(record.lastFailure, record.triesLeft)}. ` : "";
  switch (record.state) {
    case "requested": return { text: t("Identification asked for; waiting for the booth"), kind: "busy" };
    case "waiting_card": return { text: again + t("The citizen is asked to insert the ID card"), kind: "busy" };
    case "typing_pin": return { text: again + t("The citizen is typing the PIN"), kind: "busy" };
    case "signing": return { text: t("The card is signing; checking the certificate"), kind: "busy" };
    case "identified":
      return { text: t("Strongly identified: {name}", { name: record.name || "?" }), kind: "ok" };
    case "in_person": return { text: t("Identified in person"), kind: "ok" };
    case "cancelled": return { text: failureText("cancelled", null), kind: "error" };
    case "failed": return { text: failureText(record.code, record.triesLeft), kind: "error" };
    default: return { text: "", kind: "" };
  }
}
