// Unit tests for the third-party invitation form and the guest's joining page (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { codeProblem, stepOf, tokenOf } from "../../../backend/web/guest/flow.js";
import { inviteRequest, revocable, roleText } from "../../../backend/web/official/guests.js";

const form = { role: "spoken_interpreter", language: " AR ", name: "  Aino   Tulkki ", phone: "040 123 4567", email: "", messageLanguage: "sv" };

test("an interpreter's invitation carries the language; the others do not", () => {
  assert.deepEqual(inviteRequest(form).body, {
    role: "spoken_interpreter", name: "Aino Tulkki", language: "ar", phone: "040 123 4567", message_language: "sv",
  });
  const support = inviteRequest({ ...form, role: "support_person", phone: "", email: "tuki@example.fi" });
  assert.deepEqual(support.body, { role: "support_person", name: "Aino Tulkki", email: "tuki@example.fi", message_language: "sv" });
});

test("the form names what is missing or wrong", () => {
  assert.match(String(inviteRequest({ ...form, role: "" }).problem), /Choose who/);
  assert.match(String(inviteRequest({ ...form, name: "  " }).problem), /name/);
  assert.match(String(inviteRequest({ ...form, language: "arabic" }).problem), /language/);
  assert.match(String(inviteRequest({ ...form, phone: "", email: "" }).problem), /phone number or an e-mail/);
  assert.match(String(inviteRequest({ ...form, phone: "abc" }).problem), /phone number/);
  assert.match(String(inviteRequest({ ...form, phone: "", email: "nope" }).problem), /e-mail/);
});

test("roles read as people, and only live invitations can be cancelled", () => {
  assert.equal(roleText("sign_interpreter"), "Sign-language interpreter");
  const inv = { id: "1", role: "support_person", language: null, name: "A", valid_from: 0, valid_until: 1, state: "invited" };
  assert.equal(revocable(inv), true);
  assert.equal(revocable({ ...inv, state: "revoked" }), false);
  assert.equal(revocable({ ...inv, state: "expired" }), false);
});

test("the joining page: a dead link is one page, a verified browser skips the code", () => {
  assert.equal(stepOf({ state: "no_longer_valid" }, false), "gone");
  assert.equal(stepOf({ state: "not_yet" }, false), "not_yet");
  assert.equal(stepOf({ state: "valid" }, false), "devices");
  assert.equal(stepOf({ state: "valid" }, true), "notice");
  assert.equal(tokenOf("#abcdefghijklmnop_-12"), "abcdefghijklmnop_-12");
  assert.equal(tokenOf("#short"), null);
  assert.equal(tokenOf("#<script>alert(1)</script>xxxxxxxx"), null);
});

test("a refused code says what to do; a locked or dead link goes to the dead-link page", () => {
  assert.deepEqual(codeProblem(410, "link: this link is no longer valid"), { text: "This link is no longer valid.", gone: true });
  assert.equal(codeProblem(400, "code: that is not the code that was sent; 2 tries left").triesLeft, 2);
  assert.equal(codeProblem(429, "code: a code was just sent; ask again in 17 s").wait, 17);
  assert.match(codeProblem(409, "code: the code has expired; ask for a new one").text, /expired/);
});
