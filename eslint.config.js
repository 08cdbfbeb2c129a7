// @ts-check
// ESLint for the browser apps (official/, advisor/) and their tests (flat config). Run: npx eslint
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: [
      "node_modules/", ".venv/", "backend/web/official/protocol-validator.js", "backend/web/admin/vendor/", "build/",
      "artifacts/",
    ],
  },
  js.configs.recommended,
  {
    files: ["backend/web/official/**/*.js", "backend/web/admin/*.js", "backend/web/advisor/**/*.js", "backend/web/guest/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
    rules: { "no-console": ["error", { allow: ["warn", "error"] }] }, // no personal data in logs: say why
  },
  {
    files: ["backend/web/advisor/sw.js"], // the advisor app's service worker: a worker, not a page
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.serviceworker } },
  },
  {
    files: ["tests/unit/web/**/*.mjs", "scripts/**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
  {
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-var": "error",
      "prefer-const": "error",
      "no-restricted-properties": ["error",
        { property: "innerHTML", message: "Put message fields in the page with textContent only." },
        { property: "outerHTML", message: "Put message fields in the page with textContent only." }],
    },
  },
];
