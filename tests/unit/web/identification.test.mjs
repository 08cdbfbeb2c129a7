// Unit tests for the official's view of identification in a call (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  failureText, identDone, identUnderWay, identView, nextIdent,
} from "../../../backend/web/official/identification.js";

const status = (state, extra = {}) => ({ v: 1, type: "ident.status", session_id: "s-1", state, ...extra });

test("a wrong PIN stays visible while the citizen types it again", () => {
  let record = nextIdent(null, status("requested"));
  record = nextIdent(record, status("typing_pin"));
  record = nextIdent(record, status("failed", { code: "wrong_pin", tries_left: 1 }));
  record = nextIdent(record, status("typing_pin"));
  assert.equal(record.state, "typing_pin");
  assert.equal(identView(record).text, "Wrong PIN; one try left before the card locks. The citizen is typing the PIN");
  assert.equal(identView(record).kind, "busy");
  assert.ok(identUnderWay(record));
});

test("strongly identified shows the certificate's name; a new request forgets the old failure", () => {
  let record = nextIdent(null, status("failed", { code: "card_removed" }));
  record = nextIdent(record, status("waiting_card"));
  assert.match(identView(record).text, /^The card was taken out of the reader\. /);
  record = nextIdent(record, status("requested"));
  assert.equal(record.lastFailure, null);
  record = nextIdent(record, status("identified", { name: "TESTINEN TEPPO" }));
  assert.deepEqual(identView(record), { text: "Strongly identified: TESTINEN TEPPO", kind: "ok" });
  assert.ok(identDone(record) && !identUnderWay(record));
});

test("in person, locked, refused and unknown codes each say what happened", () => {
  assert.deepEqual(identView(nextIdent(null, status("in_person"))), { text: "Identified in person", kind: "ok" });
  const locked = identView(nextIdent(null, status("failed", { code: "pin_locked" })));
  assert.equal(locked.kind, "error");
  assert.match(locked.text, /locked.*in person/);
  assert.equal(failureText("untrusted", null), "The card's certificate is not from a trusted issuer");
  assert.equal(failureText("strange_thing", null), "Identification did not succeed (strange_thing)");
  assert.deepEqual(identView(null), { text: "", kind: "" });
});
