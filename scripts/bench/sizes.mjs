#!/usr/bin/env node
// Sizes of both Wasm builds, raw and gzip -9, as JSON lines: the web build browsers download
// (pkg/web/sicantik_whatsapp_bg.wasm, with its budget) and the host-ABI build run by wasmtime in
// the Odoo server.

import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const emit = (r) => process.stdout.write(`${JSON.stringify(r)}\n`);

// The budget is the README's "Size budget" line, the one place it is written (build-pkg.sh
// enforces it from there too).
let budget = {};
try {
  const readme = readFileSync(`${ROOT}/README.md`, "utf8");
  const m = /^Size budget.*\*\*(\d+) KB raw \/ (\d+) KB gzip\*\*/m.exec(readme);
  if (m) budget = { raw: Number(m[1]) * 1024, gzip: Number(m[2]) * 1024 };
} catch {
  // no budget known: the report shows no target
}

const builds = [
  { id: "web", path: "pkg/web/sicantik_whatsapp_bg.wasm", budget },
  { id: "abi", path: "odoo_addon/sicantik_whatsapp/engine/sicantik_whatsapp_engine.wasm", budget: {} },
];
for (const b of builds) {
  let bytes;
  try {
    bytes = readFileSync(`${ROOT}/${b.path}`);
  } catch (e) {
    emit({ bench: `size.${b.id}`, path: b.path, error: `missing: ${e.code ?? e.message}` });
    continue;
  }
  emit({
    bench: `size.${b.id}`,
    path: b.path,
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    budgetRawBytes: b.budget.raw ?? null,
    budgetGzipBytes: b.budget.gzip ?? null,
    modified: statSync(`${ROOT}/${b.path}`).mtime.toISOString(),
  });
}
