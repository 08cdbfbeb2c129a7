// Copies the browser libraries the web apps serve from npm into the served folders, with their licences,
// so the backend serves them itself (offline, no CDN). Run after changing their versions in package.json:
//   node scripts/vendor-web.mjs
// ./scripts/test checks that the copies match node_modules (node scripts/vendor-web.mjs --check).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const FILES = [
  ["node_modules/chart.js/dist/chart.umd.min.js", "backend/web/admin/vendor/chart.umd.min.js"],
  ["node_modules/chart.js/LICENSE.md", "backend/web/admin/vendor/chart.js-LICENSE.md"],
];
const check = process.argv.includes("--check");
let stale = 0;
for (const [from, to] of FILES) {
  const source = readFileSync(join(root, from));
  if (check) {
    let current = null;
    try { current = readFileSync(join(root, to)); } catch { /* missing */ }
    if (!current || !current.equals(source)) {
      console.error(`${to} is not the copy of ${from}: run node scripts/vendor-web.mjs`);
      stale += 1;
    }
  } else {
    mkdirSync(dirname(join(root, to)), { recursive: true });
    copyFileSync(join(root, from), join(root, to));
    console.log(`${from} -> ${to}`);
  }
}
process.exit(stale ? 1 : 0);
