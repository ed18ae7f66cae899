#!/usr/bin/env node
// Fails when a source file outgrows the size the tree keeps to, so no module grows into a
// catch-all again: every Rust file (src/, tests/, fuzz/, benches/) under 800 lines, every Python
// module of the Odoo addon under 400.
//
//   node scripts/check-file-sizes.mjs rust     the Rust files (part of `make check`)
//   node scripts/check-file-sizes.mjs python   the addon's Python modules (`make check-sizes`)
import {existsSync, readdirSync, readFileSync, statSync} from "node:fs";
import {join, relative} from "node:path";

const root = new URL("..", import.meta.url).pathname;
const RULES = {
  rust: {dirs: ["src", "tests", "fuzz/fuzz_targets", "benches"], ext: ".rs", max: 800},
  python: {dirs: ["odoo_addon"], ext: ".py", max: 400},
};

function files(dir, ext) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === "node_modules" || name.startsWith(".") ? [] : files(path, ext);
    }
    return name.endsWith(ext) ? [path] : [];
  });
}

const kinds = process.argv.slice(2);
if (kinds.length === 0 || kinds.some((k) => !RULES[k])) {
  console.error(`usage: check-file-sizes.mjs ${Object.keys(RULES).join("|")} …`);
  process.exit(2);
}
let failed = false;
for (const kind of kinds) {
  const {dirs, ext, max} = RULES[kind];
  const all = dirs.flatMap((d) => files(join(root, d), ext));
  const over = all
    .map((f) => ({f, lines: readFileSync(f, "utf8").split("\n").length - 1}))
    .filter(({lines}) => lines >= max)
    .sort((a, b) => b.lines - a.lines);
  for (const {f, lines} of over) {
    console.error(
      `check-file-sizes: ${relative(root, f)} has ${lines} lines (limit: under ${max})`
    );
  }
  if (over.length) failed = true;
  else
    console.log(
      `check-file-sizes: the ${all.length} ${kind} files are all under ${max} lines`
    );
}
process.exit(failed ? 1 : 0);
