// @ts-check
// Pure helpers for the end of the appointment on the official's page: the
// print status line from the booth's print.status, and the language of the
// slip's headings. No DOM (Node tests: tests/unit/web/printing.test.mjs).

import { t } from "./i18n.js";

/** @typedef {import("./protocol.js").PrintStatus} PrintStatus */

/** Why a print failed, in words. @param {string | null | undefined} code */
export function printFailure(code) {
  switch (code) {
    case "no_printer": return t("this booth has no printer for it");
    case "out_of_paper": return t("the printer is out of paper");
    case "cover_open": return t("the printer's cover is open");
    case "unreachable": return t("the printer does not answer");
    default: return t("the printer reported a problem ({code})", { code: code || "?" });
  }
}

/**
 * The status line for a print job at the booth, with the printer's state before and after.
 * @param {PrintStatus} message
 * @returns {{ text: string, kind: "busy" | "ok" | "error" }}
 */
export function printStatusView(message) {
  const what = message.job === "summary" ? t("The visit summary") : t("The document");
  const printer = message.printer_after || message.printer_before;
  const state = printer ? ` ${t("Printer: {state}.", { state: printer })}` : "";
  if (message.state === "printing") return { text: t("{what} is printing at the booth…", { what }), kind: "busy" };
  if (message.state === "printed") return { text: t("{what} was printed at the booth.", { what }) + state, kind: "ok" };
  return { text: t("{what} was not printed: {why}.", { what, why: printFailure(message.code) }) + state, kind: "error" };
}

/**
 * The slip's language: the citizen's (their booking or their choice at the booth), else the page's.
 * @param {string | null | undefined} citizen @param {string} page @returns {"fi" | "sv" | "en"}
 */
export function slipLanguage(citizen, page) {
  for (const lang of [citizen, page]) if (lang === "fi" || lang === "sv" || lang === "en") return lang;
  return "fi";
}
