// @ts-check
// The page's texts in Finnish, Swedish or English.
//
// Every visible string is written in English in the code, as t("English text")
// or tn("one citizen waiting", "{n} citizens waiting", n), and looked up in the
// catalogue the backend serves at /i18n/web/{lang}.json (made from
// texts/locale/{lang}/LC_MESSAGES/web.po):
//
//   {"language": "sv", "plural": "(n != 1)",
//    "messages": {"English msgid": "translation" | ["form0", "form1"],
//                 "context\u0004msgid": "translation with a msgctxt"}}
//
// Until a catalogue loads, or for a text it lacks, the English msgid is shown:
// the page always works, in English at worst. Placeholders are {name}-style and
// filled after the lookup, so a translation may move them.
//
// The lookup, plural and placeholder rules are pure (Node tests them in
// tests/unit/web/i18n.test.mjs); only loadLanguage and the remembered choice
// touch the browser.

import { readStored, store } from "./storage.js";

/** @typedef {"fi" | "sv" | "en"} Language */
/** @typedef {Record<string, string | number>} Values */

/**
 * A loaded catalogue: `messages` maps a msgid (or "context\u0004msgid") to a
 * translation, or to its plural forms; `plural` picks the form for a count.
 * @typedef {{
 *   language: Language,
 *   plural: (n: number) => number,
 *   messages: Record<string, string | string[]>,
 * }} Catalogue
 */

/** The languages the page offers, each named in itself (as the selector shows them). */
export const LANGUAGES = Object.freeze(/** @type {const} */ ([
  { code: "fi", name: "Suomi" },
  { code: "sv", name: "Svenska" },
  { code: "en", name: "English" },
]));

/** Where the chosen language is remembered (localStorage: across sessions, unlike the token). */
const LANGUAGE_KEY = "etapiste.official.language";

const CONTEXT_SEPARATOR = "\u0004";

/** English: the msgids themselves, with English plurals. */
export const ENGLISH = Object.freeze(/** @type {Catalogue} */ ({
  language: "en",
  plural: (n) => (n !== 1 ? 1 : 0),
  messages: {},
}));

/** @type {Catalogue} */
let current = ENGLISH;

/** @type {Set<() => void>} */
const listeners = new Set();

// --- pure rules ------------------------------------------------------------------------

/** "fi", "sv" or "en" from a language tag such as "sv-FI" (null when none of ours). */
export function languageOf(/** @type {unknown} */ tag) {
  const base = String(tag || "").trim().toLowerCase().split(/[-_]/)[0];
  return base === "fi" || base === "sv" || base === "en" ? base : null;
}

/**
 * The page's language: the user's remembered choice, else the browser's first
 * preference that is Finnish or Swedish, else English.
 * @param {string | null} stored
 * @param {readonly string[]} preferred navigator.languages (or [navigator.language])
 * @returns {Language}
 */
export function chooseLanguage(stored, preferred) {
  const remembered = languageOf(stored);
  if (remembered) return remembered;
  for (const tag of preferred) {
    const lang = languageOf(tag);
    if (lang === "fi" || lang === "sv") return lang;
  }
  return "en";
}

/**
 * Fill {name} placeholders from `values`; an unknown placeholder is left as it
 * is, so a mistake shows rather than silently vanishing.
 * @param {string} text
 * @param {Values} [values]
 */
export function interpolate(text, values) {
  if (!values) return text;
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name) => (
    Object.hasOwn(values, name) ? String(values[name]) : whole
  ));
}

/**
 * The translation of `msgid` (with an optional msgctxt), or the msgid itself.
 * @param {Catalogue} catalogue
 * @param {string} msgid
 * @param {string} [context]
 */
export function lookup(catalogue, msgid, context) {
  const entry = catalogue.messages[context ? context + CONTEXT_SEPARATOR + msgid : msgid];
  if (typeof entry === "string" && entry) return entry;
  if (Array.isArray(entry) && typeof entry[0] === "string" && entry[0]) return entry[0];
  return msgid;
}

/**
 * The plural form for `n`: the catalogue's own forms when it has them all,
 * otherwise English (`singular` for 1, `plural` for anything else).
 * @param {Catalogue} catalogue
 * @param {string} singular
 * @param {string} plural
 * @param {number} n
 * @param {string} [context]
 */
export function lookupPlural(catalogue, singular, plural, n, context) {
  const entry = catalogue.messages[context ? context + CONTEXT_SEPARATOR + singular : singular];
  if (Array.isArray(entry) && entry.length && entry.every((form) => typeof form === "string" && form)) {
    const index = catalogue.plural(n);
    if (index >= 0 && index < entry.length) return entry[index];
  }
  return n === 1 ? singular : plural;
}

/**
 * A gettext Plural-Forms expression such as "(n != 1)" or
 * "(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2)" as a function, parsed rather than
 * evaluated (the catalogue comes from the network). Throws on anything else.
 * @param {string} expression
 * @returns {(n: number) => number}
 */
export function compilePlural(expression) {
  const tokens = String(expression).match(/\s*(\d+|n|==|!=|<=|>=|&&|\|\||[<>!?:%()+\-*/])\s*/gy);
  const joined = tokens ? tokens.join("") : "";
  if (!tokens || joined.length !== String(expression).length) {
    throw new Error("the plural expression has characters it may not have");
  }
  const list = tokens.map((token) => token.trim());
  let at = 0;
  const peek = () => list[at];
  const take = (/** @type {string} */ expected) => {
    if (list[at] !== expected) throw new Error(`the plural expression needs "${expected}"`);
    at += 1;
  };
  /** @typedef {(n: number) => number} Node */
  /** @returns {Node} */
  const ternary = () => {
    const test = binary(0);
    if (peek() !== "?") return test;
    at += 1;
    const yes = ternary();
    take(":");
    const no = ternary();
    return (n) => (test(n) ? yes(n) : no(n));
  };
  /** @type {string[][]} operators by precedence, loosest first */
  const LEVELS = [["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"]];
  /** @returns {Node} */
  const binary = (/** @type {number} */ level) => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    while (LEVELS[level].includes(peek())) {
      const op = list[at++];
      const a = left;
      const b = binary(level + 1);
      left = (n) => operate(op, a(n), b(n));
    }
    return left;
  };
  /** @returns {Node} */
  const unary = () => {
    const token = list[at++];
    if (token === "!") {
      const inner = unary();
      return (n) => (inner(n) ? 0 : 1);
    }
    if (token === "(") {
      const inner = ternary();
      take(")");
      return inner;
    }
    if (token === "n") return (n) => n;
    if (token !== undefined && /^\d+$/.test(token)) {
      const value = Number(token);
      return () => value;
    }
    throw new Error("the plural expression is incomplete");
  };
  const root = ternary();
  if (at !== list.length) throw new Error("the plural expression has extra text");
  return (n) => Math.trunc(root(Math.abs(Math.trunc(n))));
}

/** @param {string} op @param {number} a @param {number} b */
function operate(op, a, b) {
  switch (op) {
    case "||": return a || b ? 1 : 0;
    case "&&": return a && b ? 1 : 0;
    case "==": return a === b ? 1 : 0;
    case "!=": return a !== b ? 1 : 0;
    case "<": return a < b ? 1 : 0;
    case ">": return a > b ? 1 : 0;
    case "<=": return a <= b ? 1 : 0;
    case ">=": return a >= b ? 1 : 0;
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return b ? Math.trunc(a / b) : 0;
    default: return b ? a % b : 0; // "%"
  }
}

/**
 * A catalogue from the endpoint's JSON, or an Error saying what is wrong with
 * it. Entries that are neither a string nor a list of strings are dropped.
 * @param {unknown} json
 * @param {Language} expected the language asked for
 * @returns {Catalogue}
 */
export function parseCatalogue(json, expected) {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error("the catalogue is not a JSON object");
  }
  const data = /** @type {Record<string, unknown>} */ (json);
  if (languageOf(data.language) !== expected) throw new Error("the catalogue is for another language");
  const plural = typeof data.plural === "string" ? compilePlural(data.plural) : ENGLISH.plural;
  const raw = data.messages;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error("the catalogue has no messages object");
  }
  /** @type {Record<string, string | string[]>} */
  const messages = {};
  for (const [msgid, value] of Object.entries(raw)) {
    if (typeof value === "string") messages[msgid] = value;
    else if (Array.isArray(value) && value.every((form) => typeof form === "string")) messages[msgid] = value;
  }
  return { language: expected, plural, messages };
}

// --- the page's current language -------------------------------------------------------

/** The text for `msgid` in the page's language, placeholders filled. @param {string} msgid @param {Values} [values] */
export function t(msgid, values) {
  return interpolate(lookup(current, msgid), values);
}

/**
 * `t` with a msgctxt, for one English word that needs two translations.
 * @param {string} context @param {string} msgid @param {Values} [values]
 */
export function tp(context, msgid, values) {
  return interpolate(lookup(current, msgid, context), values);
}

/**
 * The singular or plural text for `n`; `{n}` is filled with `n`.
 * @param {string} singular @param {string} plural @param {number} n @param {Values} [values]
 */
export function tn(singular, plural, n, values) {
  return interpolate(lookupPlural(current, singular, plural, n), { n, ...values });
}

/** @returns {Language} */
export function currentLanguage() {
  return current.language;
}

/** Use `catalogue` from now on and tell the listeners (they re-render). @param {Catalogue} catalogue */
export function setCatalogue(catalogue) {
  current = catalogue;
  for (const listener of listeners) listener();
}

/** Call `listener` whenever the language changes; returns the way to stop. @param {() => void} listener */
export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The language the official chose last time on this browser, if any. */
export function storedLanguage() {
  return readStored("local", LANGUAGE_KEY);
}

/** Remember the official's choice of language on this browser. @param {Language} lang */
export function storeLanguage(lang) {
  store("local", LANGUAGE_KEY, lang);
}

/**
 * Translate a page's fixed texts: an element with data-i18n shows the translation of
 * that English text, data-i18n-label does it for aria-label (every app's pages).
 * @param {ParentNode} [root]
 */
export function translateStatic(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    if (node instanceof HTMLElement && node.dataset.i18n) {
      const text = t(node.dataset.i18n);
      if (node.textContent !== text) node.textContent = text;
    }
  }
  for (const node of root.querySelectorAll("[data-i18n-label]")) {
    if (node instanceof HTMLElement && node.dataset.i18nLabel) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  }
}

/**
 * The page's language choosers (e.g. the sign-in form's and the top bar's): each lists the
 * languages in their own names and shows the choice — the remembered one, else the browser's,
 * else English; a new choice is remembered, shown in every chooser and loaded. Every app's pages
 * use this one; register `onLanguageChange` first, so the first catalogue re-renders the page.
 * @param {HTMLSelectElement[]} choosers @param {(error: unknown) => void} failed
 */
export function offerLanguages(choosers, failed) {
  /** @param {Language} lang */
  const show = (lang) => { for (const chooser of choosers) chooser.value = lang; };
  for (const chooser of choosers) {
    chooser.replaceChildren(...LANGUAGES.map(({ code, name }) => {
      const option = document.createElement("option");
      option.value = code;
      option.textContent = name;
      option.lang = code;
      return option;
    }));
    chooser.addEventListener("change", () => {
      const lang = languageOf(chooser.value) || "en";
      storeLanguage(lang);
      show(lang);
      loadLanguage(lang).catch(failed);
    });
  }
  const lang = chooseLanguage(storedLanguage(), navigator.languages || [navigator.language]);
  show(lang);
  loadLanguage(lang).catch(failed);
}

/** The catalogue endpoint for a language. @param {Language} lang */
export function catalogueUrl(lang) {
  return `/i18n/web/${lang}.json`;
}

let loading = 0;

/**
 * Switch the page to `lang`: the catalogue when it arrives (until then the
 * texts stay as they are). A missing or broken catalogue means English, and
 * the console says why (never the texts themselves). Of two quick switches
 * the last one wins, whichever answer comes first. English needs no request.
 * @param {Language} lang
 * @param {typeof fetch} [fetchFn]
 * @returns {Promise<Catalogue>}
 */
export async function loadLanguage(lang, fetchFn = fetch) {
  const ticket = ++loading;
  /** @type {Catalogue} */
  let catalogue = ENGLISH;
  if (lang !== "en") { // English is the msgids themselves: nothing to fetch
    try {
      const response = await fetchFn(catalogueUrl(lang), { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      catalogue = parseCatalogue(await response.json(), lang);
    } catch (err) {
      console.warn(`No ${lang} texts (${err instanceof Error ? err.message : "unknown error"}); showing English`);
    }
  }
  if (ticket === loading) setCatalogue(catalogue);
  return catalogue;
}
