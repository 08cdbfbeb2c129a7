#!/usr/bin/env node
// @ts-check
// Generates the officials' page's protocol files from the wire protocol's JSON
// Schema (`etapiste schema`, the same document the backend serves at
// /api/protocol/schema.json), so the page checks and types exactly what the
// backend speaks:
//
//   backend/web/official/protocol-validator.js    Ajv's standalone validator (ESM, no Node at run time)
//   backend/web/official/protocol-validator.d.ts  its type
//   backend/web/official/protocol.d.ts            the messages as TypeScript types (json-schema-to-typescript)
//
// Run `npm run generate` (or `node scripts/generate-web.mjs`) after changing
// protocol/messages.py; tests/unit/web/generated.test.mjs fails while the
// committed files are stale. `--check` only compares, and exits 1 when stale.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import Ajv2020 from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { compile } from "json-schema-to-typescript";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const OUT = "backend/web/official/";

/** The wire schema, from the project's own CLI (the .venv's, else one on PATH). */
export function readWireSchema() {
  const venv = `${REPO}.venv/bin/etapiste`;
  const command = existsSync(venv) ? venv : "etapiste";
  const run = spawnSync(command, ["schema"], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  if (run.error || run.status !== 0) {
    throw new Error(`\`${command} schema\` failed: ${run.error ? run.error.message : run.stderr.trim()}`);
  }
  return JSON.parse(run.stdout);
}

/**
 * The schema as the generators need it. Pydantic gives every message's `type`
 * a default, so it is not "required" in the schema, yet a discriminated union
 * cannot be decoded without it: the backend always sends it. Ajv's
 * discriminator needs the tag required and derives the mapping itself from
 * the branches' `const` tags (it refuses an explicit `mapping`). Property
 * titles only make json-schema-to-typescript emit an alias per field.
 * @param {any} schema
 */
export function prepareSchema(schema) {
  const prepared = structuredClone(schema);
  prepared.type = "object";
  const tag = prepared.discriminator.propertyName;
  delete prepared.discriminator.mapping;
  for (const branch of prepared.oneOf) {
    const def = prepared.$defs[branch.$ref.replace("#/$defs/", "")];
    def.required = [tag, ...(def.required || []).filter((/** @type {string} */ name) => name !== tag)];
  }
  for (const def of Object.values(prepared.$defs)) {
    for (const property of Object.values(def.properties || {})) delete property.title;
  }
  return prepared;
}

const ANNOTATIONS = ["title", "description", "examples", "default"];
const SCHEMA_MAPS = ["properties", "$defs", "patternProperties"];
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];
const SCHEMA_VALUES = ["items", "additionalProperties", "not", "if", "then", "else", "contains"];

/**
 * The schema without annotations (titles, descriptions, defaults): they do not
 * change what is valid, and Ajv would embed them in the page's validator.
 * Walks only schema positions, so a field named "title" keeps its schema.
 * @param {any} schema
 * @returns {any}
 */
export function withoutAnnotations(schema) {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema;
  /** @type {Record<string, any>} */
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.includes(key)) continue;
    if (SCHEMA_MAPS.includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, withoutAnnotations(sub)]));
    } else if (SCHEMA_LISTS.includes(key)) {
      out[key] = value.map(withoutAnnotations);
    } else if (SCHEMA_VALUES.includes(key)) {
      out[key] = withoutAnnotations(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Ajv's runtime helper for string lengths in code points, inlined so the file needs no Node. */
const UCS2LENGTH_REQUIRE = 'require("ajv/dist/runtime/ucs2length").default';
const UCS2LENGTH_INLINE = "((s) => [...s].length)";

/**
 * The standalone validator: `validate(message)` returns true or sets
 * `validate.errors`, and `PROTOCOL_VERSION` is the schema's `x-protocol-version`.
 * @param {any} schema the schema as `etapiste schema` prints it
 */
export function validatorSource(schema) {
  const ajv = new Ajv2020.default({
    code: { source: true, esm: true, lines: true },
    discriminator: true,
    allErrors: true, // every problem in one message, like the backend's pydantic errors
    strict: true,
  });
  ajv.addKeyword("x-protocol-version");
  ajv.addKeyword("x-client-messages");
  const validate = ajv.compile(withoutAnnotations(prepareSchema(schema)));
  const code = standaloneCode.default(ajv, validate).split(UCS2LENGTH_REQUIRE).join(UCS2LENGTH_INLINE);
  if (code.includes("require(")) throw new Error("the generated validator still needs a Node module");
  return [
    "// Generated by scripts/generate-web.mjs from `etapiste schema`: do not edit.",
    "// Ajv's standalone validator for every wire message (see protocol-validator.d.ts).",
    "/* eslint-disable */",
    code.replace(/^"use strict";/, ""),
    `export const PROTOCOL_VERSION = ${JSON.stringify(schema["x-protocol-version"])};`,
    "",
  ].join("\n");
}

export const VALIDATOR_TYPES = `// Generated by scripts/generate-web.mjs: do not edit.
// The type of Ajv's standalone validator in protocol-validator.js.

/** One problem Ajv found (see https://ajv.js.org/api.html#error-objects). */
export interface ValidationError {
  /** JSON Pointer to the field, e.g. "/lobby/0/session_id" ("" for the message itself). */
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, any>;
  message?: string;
}

export interface Validator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}

export declare const validate: Validator;
export default validate;
export declare const PROTOCOL_VERSION: number;
`;

/**
 * The messages as TypeScript types, for the page's JSDoc.
 * @param {any} schema the schema as `etapiste schema` prints it
 */
export async function typesSource(schema) {
  return compile(prepareSchema(schema), "WireMessage", {
    bannerComment: "// Generated by scripts/generate-web.mjs from `etapiste schema`: do not edit.\n"
      + "// The wire protocol's messages, for the JSDoc types in backend/web/official/.",
    additionalProperties: false,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
  });
}

/** Every generated file: repository path -> content. @param {any} schema */
export async function generatedFiles(schema) {
  return {
    [`${OUT}protocol-validator.js`]: validatorSource(schema),
    [`${OUT}protocol-validator.d.ts`]: VALIDATOR_TYPES,
    [`${OUT}protocol.d.ts`]: await typesSource(schema),
  };
}

async function main() {
  const check = process.argv.includes("--check");
  const files = await generatedFiles(readWireSchema());
  let stale = 0;
  for (const [path, text] of Object.entries(files)) {
    const target = REPO + path;
    const current = existsSync(target) ? readFileSync(target, "utf8") : null;
    if (current === text) continue;
    stale += 1;
    if (check) console.error(`stale: ${path}`);
    else {
      writeFileSync(target, text);
      console.log(`wrote ${path}`);
    }
  }
  if (check && stale) {
    console.error("run: npm run generate");
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
