#!/usr/bin/env node
// Sizes of both Wasm builds, raw and gzip -9, as JSON lines: the web build browsers download
// (pkg/web/sicantik_whatsapp_bg.wasm, with its budget from scripts/build-pkg.sh, the one place it
// is set) and the host-ABI build run by wasmtime in the Odoo server.

import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const emit = (r) => process.stdout.write(`${JSON.stringify(r)}\n`);

let budget = {};
try {
  const script = readFileSync(`${ROOT}/scripts/build-pkg.sh`, "utf8");
  const raw = /^BUDGET_RAW_KB=(\d+)/m.exec(script);
  const gz = /^BUDGET_GZIP_KB=(\d+)/m.exec(script);
  budget = { raw: raw ? Number(raw[1]) * 1024 : null, gzip: gz ? Number(gz[1]) * 1024 : null };
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
