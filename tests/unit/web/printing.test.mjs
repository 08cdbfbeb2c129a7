// Unit tests for the print status line and the slip's language (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { printFailure, printStatusView, slipLanguage } from "../../../backend/web/official/printing.js";

const status = (state, extra = {}) => ({ v: 1, type: "print.status", session_id: "s-1", job: "summary", state, ...extra });

test("printing, printed with the printer's state, and failed with the reason", () => {
  assert.deepEqual(printStatusView(status("printing")), { text: "The visit summary is printing at the booth…", kind: "busy" });
  const done = printStatusView(status("printed", { printer_before: "ok", printer_after: "paper near end" }));
  assert.deepEqual(done, { text: "The visit summary was printed at the booth. Printer: paper near end.", kind: "ok" });
  const failed = printStatusView(status("failed", { job: "document", code: "out_of_paper", printer_before: "paper out" }));
  assert.equal(failed.text, "The document was not printed: the printer is out of paper. Printer: paper out.");
  assert.equal(failed.kind, "error");
  assert.equal(printFailure("jam"), "the printer reported a problem (jam)");
});

test("the slip speaks the citizen's language when known", () => {
  assert.equal(slipLanguage("sv", "fi"), "sv");
  assert.equal(slipLanguage(null, "en"), "en");
  assert.equal(slipLanguage("xx", "yy"), "fi");
});
