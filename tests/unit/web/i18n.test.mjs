// Unit tests for the page's texts (run: node --test tests/unit/web/): lookup,
// fallback to English, plurals, placeholders, the catalogue's shape and the
// choice of language. fixtures/web-sv.json has the endpoint's shape.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  catalogueUrl, chooseLanguage, compilePlural, currentLanguage, ENGLISH, interpolate, languageOf, loadLanguage, lookup,
  lookupPlural, parseCatalogue, setCatalogue, t, tp, tn,
} from "../../../backend/web/official/i18n.js";

const SV_JSON = JSON.parse(readFileSync(new URL("./fixtures/web-sv.json", import.meta.url), "utf8"));
const sv = () => parseCatalogue(SV_JSON, "sv");

test("a translated text is looked up; a missing or empty one falls back to the English msgid", () => {
  assert.equal(lookup(sv(), "Sign in"), "Logga in");
  assert.equal(lookup(sv(), "Sign out"), "Sign out", "not in the catalogue");
  assert.equal(lookup(sv(), "Untranslated"), "Untranslated", "an empty msgstr is untranslated");
  assert.equal(lookup(ENGLISH, "Sign in"), "Sign in");
});

test("a context keys the text as msgctxt \\u0004 msgid", () => {
  assert.equal(lookup(sv(), "Online", "Open"), "Ansluten");
  assert.equal(lookup(sv(), "Online"), "Online", "without its context it is another text");
});

test("plurals pick the catalogue's form, and English when it has no complete set", () => {
  assert.equal(lookupPlural(sv(), "one citizen waiting", "{n} citizens waiting", 1), "en kund väntar");
  assert.equal(lookupPlural(sv(), "one citizen waiting", "{n} citizens waiting", 0), "{n} kunder väntar");
  assert.equal(lookupPlural(sv(), "one citizen waiting", "{n} citizens waiting", 5), "{n} kunder väntar");
  assert.equal(lookupPlural(sv(), "Half plural", "Half plurals", 2), "Half plurals", "an empty form: English");
  assert.equal(lookupPlural(ENGLISH, "one alert", "{n} alerts", 1), "one alert");
  assert.equal(lookupPlural(ENGLISH, "one alert", "{n} alerts", 2), "{n} alerts");
});

test("placeholders are filled by name after the lookup; unknown ones stay visible", () => {
  assert.equal(interpolate("{booth} · {code}", { booth: "Imatra booth 1", code: "K7Q-42X" }),
    "Imatra booth 1 · K7Q-42X");
  assert.equal(interpolate("Retry in {n} s", { n: 4 }), "Retry in 4 s");
  assert.equal(interpolate("Hello {nobody}", { n: 1 }), "Hello {nobody}");
  assert.equal(interpolate("{a}{a}", { a: "{a}" }), "{a}{a}", "a value is never expanded again");
});

test("t, tp and tn use the current catalogue, and English before one loads", () => {
  setCatalogue(ENGLISH);
  assert.equal(t("A citizen is waiting for you at {booth}", { booth: "B1" }), "A citizen is waiting for you at B1");
  setCatalogue(sv());
  try {
    assert.equal(currentLanguage(), "sv");
    assert.equal(t("A citizen is waiting for you at {booth}", { booth: "B1" }), "En kund väntar på dig vid B1");
    assert.equal(tp("Open", "Online"), "Ansluten");
    assert.equal(tn("one citizen waiting", "{n} citizens waiting", 3), "3 kunder väntar");
    assert.equal(tn("one citizen waiting", "{n} citizens waiting", 1), "en kund väntar");
  } finally {
    setCatalogue(ENGLISH);
  }
});

test("plural expressions are parsed, not evaluated", () => {
  const germanic = compilePlural("(n != 1)");
  assert.deepEqual([0, 1, 2, 11].map(germanic), [1, 0, 1, 1]);
  const polish = compilePlural("(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)");
  assert.deepEqual([1, 2, 5, 12, 22, 25].map(polish), [0, 1, 2, 2, 1, 2]);
  assert.deepEqual([0, 1, 2].map(compilePlural("0")), [0, 0, 0]);
  for (const bad of ["alert(1)", "n != ", "(n != 1", "n; 1", "constructor"]) {
    assert.throws(() => compilePlural(bad), Error, bad);
  }
});

test("the catalogue's shape is checked; bad entries are dropped", () => {
  const catalogue = sv();
  assert.equal(catalogue.language, "sv");
  assert.equal("Broken" in catalogue.messages, false);
  assert.throws(() => parseCatalogue(SV_JSON, "fi"), /another language/);
  assert.throws(() => parseCatalogue([], "sv"), /not a JSON object/);
  assert.throws(() => parseCatalogue({ language: "sv" }, "sv"), /no messages/);
  assert.throws(() => parseCatalogue({ ...SV_JSON, plural: "n; 1" }, "sv"), /plural/);
});

test("a language tag names one of the page's languages, or none", () => {
  assert.deepEqual(["fi", "fi-FI", "SV-fi", "sv_FI", "en-GB", " en "].map(languageOf), ["fi", "fi", "sv", "sv", "en", "en"]);
  assert.deepEqual(["", undefined, null, "de", "finnish"].map(languageOf), [null, null, null, null, null]);
});

test("the language: the remembered choice, else the browser's Finnish or Swedish, else English", () => {
  assert.equal(chooseLanguage("sv", ["fi-FI"]), "sv");
  assert.equal(chooseLanguage(null, ["de-DE", "sv-FI", "fi"]), "sv");
  assert.equal(chooseLanguage(null, ["fi-FI"]), "fi");
  assert.equal(chooseLanguage(null, ["en-GB", "fi"]), "fi", "English is the fallback, not a preference to honour");
  assert.equal(chooseLanguage("de", ["de-DE"]), "en");
  assert.equal(chooseLanguage(null, []), "en");
});

test("loadLanguage fetches /i18n/web/{lang}.json, and falls back to English when it cannot", async () => {
  assert.equal(catalogueUrl("fi"), "/i18n/web/fi.json");
  const asked = [];
  const ok = async (url) => {
    asked.push(url);
    return { ok: true, status: 200, json: async () => SV_JSON };
  };
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal((await loadLanguage("sv", ok)).language, "sv");
    assert.deepEqual(asked, ["/i18n/web/sv.json"]);
    assert.equal(t("Sign in"), "Logga in");
    const missing = async () => ({ ok: false, status: 404, json: async () => null });
    assert.equal((await loadLanguage("fi", missing)).language, "en");
    assert.equal(t("Sign in"), "Sign in");
    const offline = async () => {
      throw new TypeError("Failed to fetch");
    };
    assert.equal((await loadLanguage("sv", offline)).language, "en");
  } finally {
    console.warn = warn;
    setCatalogue(ENGLISH);
  }
});

test("of two quick switches the last one wins, whichever answer comes first", async () => {
  let release;
  const slow = () => new Promise((resolve) => {
    release = () => resolve({ ok: true, status: 200, json: async () => SV_JSON });
  });
  const first = loadLanguage("sv", slow);
  await loadLanguage("en", async () => ({ ok: true, status: 200, json: async () => ({ ...ENGLISH, plural: "(n != 1)" }) }));
  release();
  await first;
  assert.equal(currentLanguage(), "en");
  setCatalogue(ENGLISH);
});
