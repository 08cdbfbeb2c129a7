// The committed generated files (Ajv's standalone validator, the message
// types) must match what scripts/generate-web.mjs makes from today's
// `etapiste schema`: a protocol change without `npm run generate` fails here.
// Skipped only when the project's CLI is not installed (no .venv, no etapiste).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { generatedFiles, readWireSchema } from "../../../scripts/generate-web.mjs";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

let schema = null;
let why = "";
try {
  schema = readWireSchema();
} catch (err) {
  why = `etapiste schema is not available: ${err.message}`;
}

test("the committed validator and types are generated from today's wire schema", { skip: schema ? false : why },
  async () => {
    const files = await generatedFiles(schema);
    assert.deepEqual(Object.keys(files).sort(), [
      "backend/web/official/protocol-validator.d.ts",
      "backend/web/official/protocol-validator.js",
      "backend/web/official/protocol.d.ts",
    ]);
    for (const [path, text] of Object.entries(files)) {
      const committed = readFileSync(REPO + path, "utf8");
      assert.ok(committed === text, `${path} is stale: run \`npm run generate\` and commit the result`);
    }
  });

test("a changed schema makes the generated files differ (the check can fail)", { skip: schema ? false : why },
  async () => {
    const changed = structuredClone(schema);
    changed.$defs.Welcome.properties.name.maxLength += 1;
    const before = await generatedFiles(schema);
    const after = await generatedFiles(changed);
    assert.notEqual(after["backend/web/official/protocol-validator.js"],
      before["backend/web/official/protocol-validator.js"]);
  });

test("the generated validator runs without Node: no require, no Node imports", () => {
  const code = readFileSync(`${REPO}backend/web/official/protocol-validator.js`, "utf8");
  assert.ok(!/\brequire\(/.test(code), "a require() would fail in the browser");
  assert.ok(!/^import /m.test(code), "the page serves this file alone");
  assert.match(code, /export const validate = /);
  assert.match(code, /export const PROTOCOL_VERSION = 1;/);
});
