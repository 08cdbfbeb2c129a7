// The page's texts and their translations agree (run: node --test tests/unit/web/):
// every English text the page shows (t/tn/tc calls, data-i18n attributes) is in
// texts/locale/{fi,sv,en}/LC_MESSAGES/web.po, translated in Finnish and Swedish
// with the same {placeholders}, and no translation is left for a text the page
// no longer shows. The catalogues, turned into the /i18n/web/{lang}.json shape,
// drive i18n.js as the backend's would.
import assert from "node:assert/strict";
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

/** The texts in the page's code: "msgid" or "msgid\u0000plural" keys, with msgctxt as "ctxt\u0004msgid". */
function pageTexts() {
  const texts = new Set();
  const string = String.raw`"((?:[^"\\]|\\.)*)"`;
  for (const { code } of pageCode()) {
    for (const m of code.matchAll(new RegExp(String.raw`\bt\(${string}`, "g"))) texts.add(JSON.parse(`"${m[1]}"`));
    for (const m of code.matchAll(new RegExp(String.raw`\btc\(${string},\s*${string}`, "g"))) {
      texts.add(`${JSON.parse(`"${m[1]}"`)}\u0004${JSON.parse(`"${m[2]}"`)}`);
    }
    for (const m of code.matchAll(new RegExp(String.raw`\btn\(${string},\s*${string}`, "g"))) {
      texts.add(`${JSON.parse(`"${m[1]}"`)}\u0000${JSON.parse(`"${m[2]}"`)}`);
    }
  }
  const html = readFileSync(`${WEB}index.html`, "utf8");
  for (const m of html.matchAll(/data-i18n(?:-label)?="([^"]*)"/g)) texts.add(m[1]);
  return texts;
}

/** A small reader for the PO files we write: msgctxt, msgid, msgid_plural, msgstr, msgstr[n]. */
function readPo(path) {
  const entries = [];
  let entry = {};
  let field = null;
  const flush = () => {
    if (entry.msgid !== undefined) entries.push(entry);
    entry = {};
    field = null;
  };
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line) {
      flush();
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = line.match(/^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$/);
    if (m) {
      if (m[1] === "msgctxt" || (m[1] === "msgid" && entry.msgstr !== undefined)) flush();
      field = m[2] !== undefined ? ["msgstr", Number(m[2])] : [m[1]];
      set(entry, field, JSON.parse(m[3]));
    } else if (line.startsWith('"') && field) {
      set(entry, field, get(entry, field) + JSON.parse(line));
    } else {
      throw new Error(`${path}: cannot read the line ${JSON.stringify(line)}`);
    }
  }
  flush();
  return entries;
}
const set = (entry, [key, index], value) => {
  if (index === undefined) entry[key] = value;
  else (entry[key] ??= [])[index] = value;
};
const get = (entry, [key, index]) => (index === undefined ? entry[key] : entry[key][index]);

/** The catalogue as the backend's /i18n/web/{lang}.json serves it. */
function asEndpointJson(entries, language) {
  const header = entries.find((e) => e.msgid === "").msgstr;
  const plural = header.match(/plural=([^;]+);/)[1];
  const messages = {};
  for (const e of entries.filter((x) => x.msgid !== "")) {
    const key = e.msgctxt !== undefined ? `${e.msgctxt}\u0004${e.msgid}` : e.msgid;
    messages[key] = e.msgstr; // a string, or the plural forms
  }
  return { language, plural, messages };
}

const keyOf = (e) => (e.msgctxt !== undefined ? `${e.msgctxt}\u0004` : "") + e.msgid
  + (e.msgid_plural !== undefined ? `\u0000${e.msgid_plural}` : "");
const placeholders = (text) => [...text.matchAll(/\{[A-Za-z_][A-Za-z0-9_]*\}/g)].map((m) => m[0]).sort();
const po = (lang) => readPo(`${REPO}texts/locale/${lang}/LC_MESSAGES/web.po`);

test("every t, tn and tc call names its English text as a literal (so it can be found and translated)", () => {
  const bad = [];
  for (const { name, code } of pageCode()) {
    for (const m of code.matchAll(/(?<![\w.])(t|tn|tc)\((?!")/g)) {
      const line = code.slice(0, m.index).split("\n").length;
      const text = code.split("\n")[line - 1];
      // index.html's data-i18n texts are found in index.html itself.
      if (!/\bfunction (t|tn|tc)\(/.test(text) && !/t\(node\.dataset\.i18n(Label)?\)/.test(text)) bad.push(`${name}:${line}: ${text.trim()}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("the page's code has texts to translate (the extraction works)", () => {
  const texts = pageTexts();
  assert.ok(texts.has("Sign in") && texts.has("Admit") && texts.has("one citizen waiting\u0000{n} citizens waiting"));
  assert.ok(texts.size > 50, `${texts.size} texts`);
});

for (const lang of ["fi", "sv", "en"]) {
  test(`web.po (${lang}) has every text of the page and no text the page no longer shows`, () => {
    const entries = po(lang);
    const header = entries.find((e) => e.msgid === "");
    assert.match(header.msgstr, /Plural-Forms: nplurals=2; plural=\(n != 1\);/);
    assert.match(header.msgstr, new RegExp(`Language: ${lang}\\n`));
    const inPo = new Set(entries.filter((e) => e.msgid !== "").map(keyOf));
    const texts = pageTexts();
    assert.deepEqual([...texts].filter((text) => !inPo.has(text)), [], "texts missing from the catalogue");
    assert.deepEqual([...inPo].filter((text) => !texts.has(text)), [], "texts the page no longer shows");
  });
}

for (const lang of ["fi", "sv"]) {
  test(`every ${lang} translation is there and keeps the English text's placeholders`, () => {
    for (const e of po(lang).filter((x) => x.msgid !== "")) {
      if (e.msgid_plural !== undefined) {
        assert.equal(e.msgstr.length, 2, e.msgid);
        assert.ok(e.msgstr.every(Boolean), `untranslated: ${e.msgid}`);
        assert.deepEqual(placeholders(e.msgstr[1]), placeholders(e.msgid_plural), e.msgid);
      } else {
        assert.ok(e.msgstr, `untranslated: ${e.msgid}`);
        assert.deepEqual(placeholders(e.msgstr), placeholders(e.msgid), e.msgid);
      }
    }
  });
}

test("the catalogues in the endpoint's shape drive i18n.js", () => {
  const fi = parseCatalogue(asEndpointJson(po("fi"), "fi"), "fi");
  const sv = parseCatalogue(asEndpointJson(po("sv"), "sv"), "sv");
  const en = parseCatalogue(asEndpointJson(po("en"), "en"), "en");
  assert.equal(lookup(fi, "Sign in"), "Kirjaudu sisään");
  assert.equal(lookup(sv, "Sign in"), "Logga in");
  assert.equal(lookup(en, "Sign in"), "Sign in", "English: the msgid");
  assert.equal(lookupPlural(fi, "one citizen waiting", "{n} citizens waiting", 3), "{n} asiakasta odottaa");
  assert.equal(lookupPlural(sv, "one citizen waiting", "{n} citizens waiting", 1), "en kund väntar");
  assert.equal(lookupPlural(en, "one citizen waiting", "{n} citizens waiting", 2), "{n} citizens waiting");
});
