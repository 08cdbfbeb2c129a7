// The page's texts reach the translators and come back (run: node --test tests/unit/web/).
// Whether every text is in texts/locale/*/web.po, translated, with the same
// {placeholders}, and whether any entry is stale, is checked once for every
// domain by `scripts/texts check` (tests/unit/texts/test_catalogues.py). Here:
// what that extraction cannot see (a t() call whose text is not a literal is
// silently skipped by it), and the real catalogue, as the backend serves it at
// /i18n/web/{lang}.json (texts.web_catalogue), driving i18n.js.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { lookup, lookupPlural, parseCatalogue } from "../../../backend/web/official/i18n.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const WEB = `${REPO}backend/web/official/`;

/** The page's modules without their comments (whose examples are not texts). */
function pageCode() {
  return readdirSync(WEB).filter((file) => file.endsWith(".js") && !file.startsWith("protocol")).map((name) => ({
    name,
    code: readFileSync(WEB + name, "utf8").split("\n").filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line)).join("\n"),
  }));
}

/** The catalogue exactly as the backend serves it (the project's .venv, made by ./scripts/setup). */
function served(lang) {
  const script = `import json, sys; from texts import web_catalogue; print(json.dumps(web_catalogue(sys.argv[1])))`;
  return JSON.parse(execFileSync(`${REPO}.venv/bin/python`, ["-c", script, lang], { cwd: REPO, encoding: "utf8" }));
}

test("every t, tn and tp call names its English text as a literal (so it can be found and translated)", () => {
  const bad = [];
  for (const { name, code } of pageCode()) {
    for (const m of code.matchAll(/(?<![\w.])(t|tn|tp)\((?!")/g)) {
      const line = code.slice(0, m.index).split("\n").length;
      const text = code.split("\n")[line - 1];
      // index.html's data-i18n texts are found in index.html itself.
      if (!/\bfunction (t|tn|tp)\(/.test(text) && !/t\(node\.dataset\.i18n(Label)?\)/.test(text)) bad.push(`${name}:${line}: ${text.trim()}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("the served catalogues drive i18n.js", () => {
  const fi = parseCatalogue(served("fi"), "fi");
  const sv = parseCatalogue(served("sv"), "sv");
  const en = parseCatalogue(served("en"), "en");
  assert.equal(lookup(fi, "Sign in"), "Kirjaudu sisään");
  assert.equal(lookup(sv, "Sign in"), "Logga in");
  assert.equal(lookup(en, "Sign in"), "Sign in", "English: the msgid");
  assert.equal(lookupPlural(fi, "one citizen waiting", "{n} citizens waiting", 3), "{n} asiakasta odottaa");
  assert.equal(lookupPlural(sv, "one citizen waiting", "{n} citizens waiting", 1), "en kund väntar");
  assert.equal(lookupPlural(en, "one citizen waiting", "{n} citizens waiting", 2), "{n} citizens waiting");
});
