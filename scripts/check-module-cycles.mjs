#!/usr/bin/env node
// Fails when the engine's modules (src/) import each other in a cycle.
//
// One node per top-level module (src/x.rs and everything under src/x/ are module `x`); the
// providers are their own nodes (`providers::meta` for src/providers/meta.rs or
// src/providers/meta/), beside `providers` (src/providers/mod.rs). An edge is any path through
// `crate::…` or `super::…` in the code (comments and strings left out), tests included: a test
// that reaches into a sibling ties the two modules as much as the code does. A parent reaching its
// own children (mod.rs dispatching to each provider) is containment, not an import: only a child
// using its parent, or a module using another, counts.
//
//   node scripts/check-module-cycles.mjs [src-dir]
import {readdirSync, readFileSync, statSync} from "node:fs";
import {dirname, join, relative, sep} from "node:path";

const root = process.argv[2] ?? new URL("../src", import.meta.url).pathname;

function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith(".rs") ? [path] : [];
  });
}

// Files declared with `#[path = "x_tests.rs"] mod tests;` belong to the declaring module.
const declared = new Map(); // file → its module path
for (const file of rustFiles(root)) {
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(
    /#\[path\s*=\s*"([^"]+)"\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;/g
  )) {
    declared.set(join(dirname(file), m[1]), {parent: file, name: m[2]});
  }
}

// Module path of a file: src/a/b.rs and src/a/b/mod.rs → ["a", "b"]; src/lib.rs → [].
function modulePath(file) {
  const d = declared.get(file);
  if (d) return [...modulePath(d.parent), d.name];
  const parts = relative(root, file).split(sep);
  const last = parts.pop().replace(/\.rs$/, "");
  if (last !== "mod" && last !== "lib") parts.push(last);
  return parts;
}

// Modules nested below `providers` are nodes of their own; every other module is its top level.
const GROUPS = new Set(["providers"]);
function node(path) {
  if (path.length === 0) return null; // the crate root: helpers shared by everyone
  if (GROUPS.has(path[0]) && path.length > 1) return `${path[0]}::${path[1]}`;
  return path[0];
}

// The code without comments, string and char literals (which may mention `crate::…`).
function code(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/r(#*)"[\s\S]*?"\1/g, '""')
    .replace(/"(?:[^"\\]|\\[\s\S])*"/g, '""')
    .replace(/'(?:[^'\\\n]|\\.[^'\n]*?)'/g, "' '")
    .replace(/\/\/.*$/gm, " ");
}

// A module's children declared as files (`mod x;`), to tell `crate::providers::meta` (a node)
// from `crate::providers::Content` (an item of `providers`).
const files = rustFiles(root);
const known = new Set(files.map((f) => modulePath(f).join("::")));

function resolve(segments) {
  // Longest prefix that is a module file; items and inline modules belong to it.
  for (let n = segments.length; n > 0; n--) {
    if (known.has(segments.slice(0, n).join("::"))) return segments.slice(0, n);
  }
  return segments.slice(0, 1);
}

const edges = new Map(); // node → Map(target → "file: path")
for (const file of files) {
  const self = modulePath(file);
  const from = node(self);
  if (!from) continue;
  const text = code(readFileSync(file, "utf8"));
  // Inline modules (`mod tests { … }`) shift what `super` means: track them by brace depth.
  const inline = []; // depths at which an inline module opened
  let depth = 0;
  const token =
    /\bmod\s+[A-Za-z_]\w*\s*\{|[{}]|\b((?:crate|super|self)(?:\s*::\s*(?:super|[A-Za-z_]\w*))*)\s*::\s*(\{[^;]*?\}|[A-Za-z_*]\w*)/g;
  for (const m of text.matchAll(token)) {
    const t = m[0];
    if (t.startsWith("mod")) {
      depth++;
      inline.push(depth);
      continue;
    }
    if (t === "{") {
      depth++;
      continue;
    }
    if (t === "}") {
      if (inline.at(-1) === depth) inline.pop();
      depth--;
      continue;
    }
    const head = m[1].split(/\s*::\s*/);
    const tails = m[2].startsWith("{")
      ? m[2]
          .slice(1, -1)
          .split(",")
          .map(
            (s) =>
              s
                .trim()
                .split(/\s*::\s*/)[0]
                .split(/\s/)[0]
          )
          .filter(Boolean)
      : [m[2]];
    let base = null;
    if (head[0] === "crate") base = [];
    else {
      // `self`/`super` start from the innermost inline module of this file.
      base = [...self, ...inline.map(() => "<inline>")];
      if (head[0] === "super") base.pop();
    }
    for (const seg of head.slice(1)) {
      if (seg === "super") base.pop();
      else base.push(seg);
    }
    if (base.includes("<inline>")) continue; // inside this file's own inline module
    for (const tail of tails) {
      const target = node(
        resolve([...base, tail].filter((s) => s !== "*" && s !== "self"))
      );
      if (!target || target === from) continue;
      // A parent reaching its own child module is containment (see the header).
      if (target.startsWith(`${from}::`)) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from).has(target)) {
        edges
          .get(from)
          .set(
            target,
            `${relative(join(root, ".."), file)}: ${m[0].replace(/\s+/g, " ")}`
          );
      }
    }
  }
}

// Tarjan's strongly connected components: every one with two or more modules is a cycle.
let index = 0;
const stack = [];
const info = new Map();
const cycles = [];
function visit(v) {
  info.set(v, {index, low: index, onStack: true});
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!info.has(w)) {
      visit(w);
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
    } else if (info.get(w).onStack) {
      info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
  }
  if (info.get(v).low === info.get(v).index) {
    const scc = [];
    let w = null;
    do {
      w = stack.pop();
      info.get(w).onStack = false;
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) cycles.push(scc.sort());
  }
}
for (const v of [...edges.keys()].sort()) if (!info.has(v)) visit(v);

if (cycles.length === 0) {
  console.log(
    `check-module-cycles: no import cycle between the ${edges.size} modules of src/`
  );
  process.exit(0);
}
for (const scc of cycles) {
  console.error(
    `check-module-cycles: these modules import each other: ${scc.join(", ")}`
  );
  const members = new Set(scc);
  for (const from of scc) {
    for (const [to, where] of edges.get(from) ?? []) {
      if (members.has(to)) console.error(`  ${from} → ${to}   (${where})`);
    }
  }
}
process.exit(1);
