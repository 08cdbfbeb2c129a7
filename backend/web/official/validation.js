// @ts-check
// Every frame from the server is checked against the wire protocol before the
// page acts on it, by Ajv's standalone validator compiled from `etapiste
// schema` (protocol-validator.js, generated: see scripts/generate-web.mjs).
//
// This module turns Ajv's error objects into short lines that name the field
// and the rule ("lobby[0].session_id: must match the pattern ^[A-Za-z0-9_.:-]+$")
// and never echo a field's value, so they are safe to show and log: messages
// carry citizens' booth names and SDP. They are for developers and the
// console, so they stay in English.
//
// No browser-only APIs here: Node imports this module in the unit tests.

import { validate } from "./protocol-validator.js";

/** @typedef {import("./protocol-validator.js").ValidationError} ValidationError */
/** @typedef {import("./protocol.js").EtapisteWireMessage} WireMessage */

/**
 * One problem, before it becomes text. `kinds` is set for "this value is of
 * the wrong kind" (so an anyOf can say "must be a string or null").
 * @typedef {{ path: string, text: string, kinds?: string[] }} Problem
 */

const TYPE_WORDS = /** @type {Record<string, string>} */ ({
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  array: "an array",
  object: "an object",
  null: "null",
});

/**
 * Check a parsed frame. Returns the message, typed, when it is valid;
 * otherwise the list of "field: problem" lines.
 * @param {unknown} message
 * @returns {{ ok: true, message: WireMessage } | { ok: false, errors: string[] }}
 */
export function checkMessage(message) {
  if (validate(message)) return { ok: true, message: /** @type {WireMessage} */ (message) };
  return { ok: false, errors: describeErrors(validate.errors || []) };
}

/** Ajv's errors as "field: problem" lines, in order, without repeats. @param {readonly ValidationError[]} errors */
export function describeErrors(errors) {
  /** @type {Problem[]} */
  const problems = [];
  for (const error of errors) {
    const path = fieldPath(error.instancePath);
    if (error.keyword === "anyOf" || (error.keyword === "oneOf" && !error.params.passingSchemas)) {
      problems.push(...collapseAlternatives(problems, path));
    } else {
      problems.push(describe(error, path));
    }
  }
  // A value of the wrong kind makes its other rules meaningless: one mistake, one line.
  const wrongKind = new Set(problems.filter((problem) => problem.kinds).map((problem) => problem.path));
  const lines = problems
    .filter((problem) => problem.kinds || !wrongKind.has(problem.path))
    .map((problem) => `${problem.path || "message"}: ${problem.text}`);
  return [...new Set(lines)];
}

/**
 * An anyOf failed at `path`: the branch errors just before it (at `path` or
 * below) are replaced by one verdict. When some branch accepted this kind of
 * value, its rule errors are the useful ones ("must be at most 64
 * characters"); when none did, say which kinds would have been accepted.
 * @param {Problem[]} problems
 * @param {string} path
 * @returns {Problem[]}
 */
function collapseAlternatives(problems, path) {
  let start = problems.length;
  while (start > 0 && isWithin(problems[start - 1].path, path)) start -= 1;
  const branch = problems.splice(start);
  const rules = branch.filter((problem) => !problem.kinds || problem.path !== path);
  if (rules.length) return rules;
  const kinds = [...new Set(branch.flatMap((problem) => problem.kinds || []))];
  if (!kinds.length) return [{ path, text: "does not match any allowed form" }];
  return [{ path, text: `must be ${joinOr(kinds.map((kind) => TYPE_WORDS[kind] || kind))}`, kinds }];
}

/** @param {ValidationError} error @param {string} path @returns {Problem} */
function describe(error, path) {
  const { params } = error;
  switch (error.keyword) {
    case "type": {
      const kinds = String(params.type).split(",");
      return { path, text: `must be ${joinOr(kinds.map((kind) => TYPE_WORDS[kind] || kind))}`, kinds };
    }
    case "required":
      return { path: joinPath(path, String(params.missingProperty)), text: "is required" };
    case "additionalProperties": {
      // A field name is the sender's text too: named only when it looks like protocol vocabulary.
      const name = String(params.additionalProperty);
      if (isIdentifier(name)) return { path: joinPath(path, name), text: "is not an allowed field" };
      return { path, text: "has a field that is not allowed" };
    }
    case "discriminator": {
      const tag = joinPath(path, String(params.tag));
      if (params.error === "mapping") return { path: tag, text: "is not a known message type" };
      if (params.tagValue === undefined) return { path: tag, text: "is required" };
      return { path: tag, text: "must be a string" };
    }
    case "const":
      return { path, text: `must be ${JSON.stringify(params.allowedValue)}` };
    case "enum":
      return { path, text: `must be one of ${params.allowedValues.map((/** @type {unknown} */ v) => JSON.stringify(v)).join(", ")}` };
    case "minLength":
      return { path, text: params.limit === 1 ? "must not be empty" : `must be at least ${params.limit} characters` };
    case "maxLength":
      return { path, text: `must be at most ${params.limit} characters` };
    case "pattern":
      return { path, text: `must match the pattern ${params.pattern}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path, text: `${COMPARISONS[params.comparison] || "must be within"} ${params.limit}` };
    case "minItems":
      return { path, text: `must have at least ${params.limit} items` };
    case "maxItems":
      return { path, text: `must have at most ${params.limit} items` };
    case "oneOf":
      return { path, text: "matches more than one allowed form" };
    default:
      return { path, text: `breaks the rule "${error.keyword}"` };
  }
}

const COMPARISONS = /** @type {Record<string, string>} */ ({
  ">=": "must be at least",
  "<=": "must be at most",
  ">": "must be greater than",
  "<": "must be less than",
});

/** "/lobby/0/session_id" -> "lobby[0].session_id" ("" for the message itself). @param {string} pointer */
export function fieldPath(pointer) {
  let path = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    path = /^\d+$/.test(part) ? `${path}[${part}]` : joinPath(path, part);
  }
  return path;
}

/** Field names that are safe to show: short identifiers, as the protocol's own. @param {string} name */
function isIdentifier(name) {
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name);
}

/** `path.name`, or `path[*]` for a name that is not an identifier (never echoed). @param {string} path @param {string} name */
function joinPath(path, name) {
  if (!isIdentifier(name)) return `${path}[*]`;
  return path ? `${path}.${name}` : name;
}

/** Whether `path` is `parent` or a field inside it. @param {string} path @param {string} parent */
function isWithin(path, parent) {
  return path === parent || parent === "" || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`);
}

/** @param {string[]} words */
function joinOr(words) {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}
