#!/usr/bin/env bash
# wasm-bindgen tests in headless Chromium, in a page and in a dedicated Worker. Fails unless the
# runner really ran browser tests: a file without run_in_browser is skipped with exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
for mode in page worker; do
  out=$(mktemp)
  if [ "$mode" = worker ]; then export WASM_BINDGEN_USE_DEDICATED_WORKER=1; fi
  WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" \
    -- --features js,transcript --test wasm_browser 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  [ "$status" -eq 0 ] || exit "$status"
  grep -q "Running headless tests in Chrome" "$out" || { echo "browser tests did not run ($mode)" >&2; exit 1; }
  grep -Eq "test result: ok\. [1-9][0-9]* passed" "$out" || { echo "no browser test passed ($mode)" >&2; exit 1; }
  rm -f "$out"
done
