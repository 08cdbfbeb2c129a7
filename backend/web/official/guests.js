// @ts-check
// Third parties by one-time link (interpreters, support persons), as pure logic: the invitation
// form's request and checks (the backend checks again with the domain's rules, backend/domain/
// guests.py) and how an invitation reads in a list. Shared by the official's call view and the
// advisor's booking view; no DOM here.

import { t } from "./i18n.js";

/** @typedef {"spoken_interpreter" | "sign_interpreter" | "support_person"} GuestRole */
/** @typedef {{ id: string, role: string, language: string | null, name: string | null,
 *   valid_from: number, valid_until: number, state: string }} Invitation */

export const GUEST_ROLES = /** @type {const} */ (["spoken_interpreter", "sign_interpreter", "support_person"]);

/** The role's name, translated. @param {string} role */
export function roleText(role) {
  switch (role) {
    case "spoken_interpreter": return t("Interpreter");
    case "sign_interpreter": return t("Sign-language interpreter");
    case "support_person": return t("Support person");
    default: return t("Third party");
  }
}

/** The invitation's state, translated. @param {string} state */
export function stateText(state) {
  switch (state) {
    case "invited": return t("Link sent");
    case "code_sent": return t("Opened the link");
    case "verified": return t("Code confirmed");
    case "admitted": return t("In the call");
    case "removed": return t("Removed");
    case "revoked": return t("Link cancelled");
    case "locked": return t("Locked: too many wrong codes");
    case "expired": return t("Link expired");
    default: return t("Unknown");
  }
}

/** Whether the inviter can still cancel the link. @param {Invitation} inv */
export function revocable(inv) {
  return ["invited", "code_sent", "verified", "admitted"].includes(inv.state);
}

/**
 * The request body of an invitation from the form's fields, or the first problem (translated,
 * naming the field).
 * @param {{ role: string, language: string, name: string, phone: string, email: string, messageLanguage: string }} f
 * @returns {{ body: Record<string, string>, problem?: undefined } | { problem: string, body?: undefined }}
 */
export function inviteRequest(f) {
  const role = GUEST_ROLES.find((r) => r === f.role);
  if (!role) return { problem: t("Choose who you invite.") };
  const name = f.name.trim().replace(/\s+/g, " ");
  if (!name) return { problem: t("Give the person's name.") };
  if (name.length > 120) return { problem: t("The name is too long.") };
  const language = f.language.trim().toLowerCase();
  if (role === "spoken_interpreter" && !/^[a-z]{2,3}$/.test(language)) {
    return { problem: t("Give the interpreter's language as a two-letter code, e.g. ar or so.") };
  }
  const phone = f.phone.trim();
  const email = f.email.trim();
  if (!phone && !email) return { problem: t("Give a phone number or an e-mail address for the link.") };
  if (phone && !/^\+?[\d\s()-]{7,20}$/.test(phone)) return { problem: t("The phone number does not look right.") };
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { problem: t("The e-mail address does not look right.") };
  /** @type {Record<string, string>} */
  const body = { role, name, message_language: ["fi", "sv", "en"].includes(f.messageLanguage) ? f.messageLanguage : "fi" };
  if (role === "spoken_interpreter") body.language = language;
  if (phone) body.phone = phone;
  if (email) body.email = email;
  return { body };
}
