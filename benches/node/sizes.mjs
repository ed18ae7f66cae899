#!/usr/bin/env node
// Sizes of both Wasm builds, raw and gzip -9, as JSON lines: the web build browsers download
// (pkg/web/sicantik_whatsapp_bg.wasm, with its budget) and the host-ABI build run by wasmtime in
// the Odoo server.

import {execFileSync} from "node:child_process";
import {readFileSync, statSync} from "node:fs";
import {gzipSync} from "node:zlib";
import {fileURLToPath} from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const emit = (r) => process.stdout.write(`${JSON.stringify(r)}\n`);

// The budget is Cargo.toml's [package.metadata.size-budget] (build-pkg.sh enforces it).
let budget = {};
try {
  const out = execFileSync(
    "cargo",
    ["metadata", "--no-deps", "--format-version", "1", "--offline"],
    {
      cwd: ROOT,
      encoding: "utf8",
    }
  );
  const m = JSON.parse(out).packages[0].metadata?.["size-budget"];
  if (m)
    budget = {raw: m["web-wasm-raw-kb"] * 1024, gzip: m["web-wasm-gzip-kb"] * 1024};
} catch {
  // no budget known: the report shows no target
}

const builds = [
  {id: "web", path: "pkg/web/sicantik_whatsapp_bg.wasm", budget},
  {
    id: "abi",
    path: "odoo_addon/sicantik_whatsapp/engine/sicantik_whatsapp_engine.wasm",
    budget: {},
  },
];
for (const b of builds) {
  let bytes = null;
  try {
    bytes = readFileSync(`${ROOT}/${b.path}`);
  } catch (e) {
    emit({
      bench: `size.${b.id}`,
      path: b.path,
      error: `missing: ${e.code ?? e.message}`,
    });
    continue;
  }
  emit({
    bench: `size.${b.id}`,
    path: b.path,
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, {level: 9}).length,
    budgetRawBytes: b.budget.raw ?? null,
    budgetGzipBytes: b.budget.gzip ?? null,
    modified: statSync(`${ROOT}/${b.path}`).mtime.toISOString(),
  });
}
