#!/usr/bin/env bash
# Assemble the npm package in pkg/: wasm-pack's web (ES module) and nodejs (CommonJS) builds,
# overlaid with pkg-template/ (package.json, facade, README) and the repo's LICENSE.
#
#   pkg/index.js, index.d.ts, package.json, README.md, LICENSE   from pkg-template/ + LICENSE
#   pkg/web/   sicantik_whatsapp.js (+ .d.ts) and sicantik_whatsapp_bg.wasm   (--target web)
#   pkg/node/  sicantik_whatsapp.js (+ .d.ts) and sicantik_whatsapp_bg.wasm   (--target nodejs)
#
# The bundler target is not built: the facade over the web glue already works with bundlers (it
# takes a URL, a Response or bytes), and a third copy of the .wasm would only grow the tarball.
#
# Nothing is downloaded: wasm-pack runs with --mode no-install, wasm-bindgen comes from
# ~/.cargo/bin (scripts/setup.sh wasm), wasm-opt from npm's binaryen in .tools (Debian's writes
# broken modules from wasm-bindgen output, so .tools must come first on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# The size budget of the web build's .wasm, from Cargo.toml's [package.metadata.size-budget].
read -r BUDGET_RAW_KB BUDGET_GZIP_KB < <(cargo metadata --no-deps --format-version 1 --offline 2>/dev/null |
  node -e 'const m = JSON.parse(require("fs").readFileSync(0)).packages[0].metadata["size-budget"] || {};
           console.log(m["web-wasm-raw-kb"] ?? "", m["web-wasm-gzip-kb"] ?? "")')
if [ -z "$BUDGET_RAW_KB" ] || [ -z "$BUDGET_GZIP_KB" ]; then
  echo "build-pkg: Cargo.toml has no [package.metadata.size-budget] web-wasm-raw-kb / web-wasm-gzip-kb" >&2
  exit 1
fi

OUT=$ROOT/pkg
NAME=sicantik_whatsapp

wasm_opt=$(command -v wasm-opt || true)
case "$("$wasm_opt" --version 2>/dev/null)" in
  *"version 132"*) ;;
  *) echo "build-pkg: need npm binaryen 132's wasm-opt first on PATH (scripts/setup.sh wasm); found '${wasm_opt:-none}'" >&2
     exit 1 ;;
esac

rm -rf "$OUT"
for target in web nodejs; do
  dir=web; [ "$target" = nodejs ] && dir=node
  echo "build-pkg: wasm-pack --target $target → pkg/$dir"
  wasm-pack --log-level warn build --mode no-install --release --target "$target" \
    --out-dir "$OUT/$dir" --out-name "$NAME" -- --features js
  # The per-target package.json/README/.gitignore would shadow the real package's metadata.
  rm -f "$OUT/$dir/package.json" "$OUT/$dir/README.md" "$OUT/$dir/.gitignore" "$OUT/$dir/LICENSE"*
done
# The nodejs glue is CommonJS; inside a "type": "module" package it needs its own marker.
echo '{"type": "commonjs"}' > "$OUT/node/package.json"

cp -R pkg-template/. "$OUT/"
cp LICENSE "$OUT/LICENSE"
# The version comes from Cargo.toml, the one place it is set.
version=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
node -e '
  const fs = require("fs"), file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = process.argv[2];
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$OUT/package.json" "$version"

# Sizes: raw and gzip -9 of each .wasm and JS glue.
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
printf '\n%-38s %12s %12s\n' "file (pkg/)" raw gzip
for f in web/$NAME.js web/${NAME}_bg.wasm node/$NAME.js node/${NAME}_bg.wasm index.js; do
  raw=$(wc -c < "$OUT/$f"); gz=$(gzip -9 -c "$OUT/$f" | wc -c)
  printf '%-38s %12s %12s\n' "$f" "$(kb "$raw")" "$(kb "$gz")"
done

wasm=$OUT/web/${NAME}_bg.wasm
raw=$(wc -c < "$wasm"); gz=$(gzip -9 -c "$wasm" | wc -c)
if [ "$raw" -gt $((BUDGET_RAW_KB * 1024)) ] || [ "$gz" -gt $((BUDGET_GZIP_KB * 1024)) ]; then
  echo "build-pkg: web/${NAME}_bg.wasm is over budget: $(kb "$raw") raw / $(kb "$gz") gzip" \
       "(budget ${BUDGET_RAW_KB} KB / ${BUDGET_GZIP_KB} KB, set in Cargo.toml)" >&2
  exit 1
fi
echo "build-pkg: pkg/ v$version ready; web .wasm within budget (${BUDGET_RAW_KB} KB raw / ${BUDGET_GZIP_KB} KB gzip)"
