#!/usr/bin/env bash
# The addon as a wheel, built by OCA's whool (dist/odoo_addon_sicantik_whatsapp-*.whl), with both
# engine builds inside: engine/*.wasm (server) and static/lib/ (browser). Those are build outputs
# that git ignores and whool, in a git checkout, packs only what git tracks: so the addon is staged
# outside git first, as built by `make addon` (the Makefile's `wheel` target runs that before).
set -euo pipefail
cd "$(dirname "$0")/../.."
addon=odoo_addon/sicantik_whatsapp
for f in "$addon/engine/sicantik_whatsapp_engine.wasm" "$addon/static/lib/sicantik_whatsapp/sicantik_whatsapp_bg.wasm"; do
  [ -f "$f" ] || { echo "build-wheel: missing $f: run make addon" >&2; exit 1; }
done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# What git has or would add (tracked and new files), plus the engine builds; no caches.
{ git ls-files --cached --others --exclude-standard -- "$addon"; git ls-files --others --ignored --exclude-standard -- "$addon/engine" "$addon/static/lib"; } |
  grep -v -e '__pycache__/' -e '\.pyc$' | sed "s|^odoo_addon/||" |
  (cd odoo_addon && xargs cp --parents -t "$stage")
mkdir -p dist
# Outside git whool cannot count commits since the version bump: the version is the manifest's.
WHOOL_POST_VERSION_STRATEGY_OVERRIDE=none .venv-lint/bin/pip wheel -q --disable-pip-version-check \
  --no-deps --no-build-isolation -w dist "$stage/sicantik_whatsapp"
wheel=$(ls -t dist/odoo_addon_sicantik_whatsapp-*.whl | head -n1)
# Both engine builds must be in it.
listing=$(.venv-lint/bin/python -m zipfile -l "$wheel")
for f in engine/sicantik_whatsapp_engine.wasm static/lib/sicantik_whatsapp/sicantik_whatsapp_bg.wasm \
         static/lib/sicantik_whatsapp/sicantik_whatsapp.js; do
  grep -q "odoo/addons/sicantik_whatsapp/$f" <<<"$listing" ||
    { echo "build-wheel: $f is not in $wheel" >&2; exit 1; }
done
echo "wheel: $wheel ($(du -k "$wheel" | cut -f1) KB)"
