#!/usr/bin/env bash
# Assemble the Odoo addon with both engine builds (generated, not committed) and zip it under dist/.
# Expects `make abi` and `make pkg` to have run (the Makefile's `addon` target does that).
set -euo pipefail
cd "$(dirname "$0")/../.."
addon=odoo_addon/sicantik_whatsapp
lib=$addon/static/lib/sicantik_whatsapp
[ -f "$addon/engine/sicantik_whatsapp_engine.wasm" ] || { echo "missing host-ABI build: run make abi" >&2; exit 1; }
[ -f pkg/web/sicantik_whatsapp_bg.wasm ] || { echo "missing web build: run make pkg" >&2; exit 1; }
rm -rf "$lib" && mkdir -p "$lib"
# The web build of the engine for the Odoo web client (static/lib is not transpiled by Odoo).
cp pkg/web/sicantik_whatsapp.js pkg/web/sicantik_whatsapp_bg.wasm pkg/web/sicantik_whatsapp.d.ts "$lib/"
cp LICENSE "$lib/LICENSE"
# One zip per addon: the module and its example (a permit model using the mixin).
mkdir -p dist
for name in sicantik_whatsapp sicantik_whatsapp_example; do
  version=$(python3 -c "import ast,sys; print(ast.literal_eval(open('odoo_addon/$name/__manifest__.py').read())['version'])")
  zip_path=dist/$name-$version.zip
  rm -f "$zip_path"
  python3 - "$zip_path" "odoo_addon/$name" <<'PY'
import os, sys, zipfile
out, src = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in sorted(files):
            if f.endswith(".pyc"):
                continue
            path = os.path.join(root, f)
            z.write(path, os.path.relpath(path, "odoo_addon"))
PY
  echo "addon: $zip_path ($(du -k "$zip_path" | cut -f1) KB)"
done
