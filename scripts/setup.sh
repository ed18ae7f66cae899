#!/usr/bin/env bash
# Idempotent set-up of what the build and tests need, from the package registries only.
# Usage: scripts/setup.sh rust|wasm|node|browser|python|odoo|lint|all ...
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
WASM_PACK_VERSION=0.15.1
BINARYEN_VERSION=132.0.0

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  if [ ! -f /var/lib/apt/periodic/.sicantik-updated ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    apt-get update -qq && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/.sicantik-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

setup_rust() {
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
}

# The version of a crate as resolved in Cargo.lock (generating the lock file if needed).
locked_version() {
  [ -f Cargo.lock ] || cargo generate-lockfile -q
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup_wasm() {
  rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
  local want; want=$(locked_version wasm-bindgen)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "cargo install wasm-bindgen-cli $want (a few minutes, once)"
    # Not --locked: a locked transitive dependency can be newer than the registry has.
    cargo install -q wasm-bindgen-cli --version "$want" --force
  fi
  if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
    say "cargo install wasm-pack $WASM_PACK_VERSION (a few minutes, once)"
    cargo install -q wasm-pack --version "$WASM_PACK_VERSION" --locked --force
  fi
  # wasm-opt from npm's binaryen: Debian's (108) writes broken modules from wasm-bindgen output.
  if [ "$("$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
    say "npm install binaryen@$BINARYEN_VERSION into .tools"
    mkdir -p "$TOOLS"
    [ -f "$TOOLS/package.json" ] || echo '{"private": true}' > "$TOOLS/package.json"
    npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

setup_node() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --silent
  fi
}

setup_browser() {
  apt_install chromium chromium-driver
}

# What the Odoo addon's tests use besides Odoo itself: the database server, the PDF renderer the
# proof report needs (its test is skipped without it), pdftotext to read the PDF back, and the
# browser for tours.
setup_odoo() {
  apt_install postgresql wkhtmltopdf poppler-utils chromium
}

setup_python() {
  if [ ! -x .venv/bin/python ]; then
    say "python venv .venv"
    python3 -m venv .venv
  fi
  if ! .venv/bin/python -c 'import wasmtime, pytest, requests' 2>/dev/null; then
    say "pip install -r requirements-dev.txt"
    .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  fi
}

# OCA's linters at the versions OCA's addon template pins for Odoo 18 (its .pre-commit-config.yaml):
# Python ones in their own venv (.venv-lint), node ones under .tools/lint (found through NODE_PATH,
# so prettier.config.cjs and eslint.config.cjs stay as OCA writes them). whool builds the wheel.
LINT_PY=(pylint-odoo==9.1.3 oca-odoo-pre-commit-hooks==0.0.33 ruff==0.6.8 whool==1.3.1)
LINT_NODE=(prettier@3.3.3 @prettier/plugin-xml@3.4.1 eslint@9.12.0 eslint-plugin-jsdoc@50.3.1 globals@16.0.0)
setup_lint() {
  [ -x .venv-lint/bin/python ] || { say "python venv .venv-lint"; python3 -m venv .venv-lint; }
  local stamp=.venv-lint/.sicantik-lint
  if [ "$(cat "$stamp" 2>/dev/null)" != "${LINT_PY[*]}" ]; then
    say "pip install ${LINT_PY[*]} into .venv-lint"
    .venv-lint/bin/pip install -q --disable-pip-version-check "${LINT_PY[@]}"
    echo "${LINT_PY[*]}" > "$stamp"
  fi
  stamp=$TOOLS/lint/.sicantik-lint
  if [ "$(cat "$stamp" 2>/dev/null)" != "${LINT_NODE[*]}" ]; then
    say "npm install ${LINT_NODE[*]} into .tools/lint"
    mkdir -p "$TOOLS/lint"
    [ -f "$TOOLS/lint/package.json" ] || echo '{"private": true}' > "$TOOLS/lint/package.json"
    npm install --prefix "$TOOLS/lint" --no-audit --no-fund --silent "${LINT_NODE[@]}"
    echo "${LINT_NODE[*]}" > "$stamp"
  fi
}

[ $# -gt 0 ] || set -- all
for what in "$@"; do
  case "$what" in
    rust) setup_rust ;;
    wasm) setup_rust; setup_wasm ;;
    node) setup_node ;;
    browser) setup_browser ;;
    python) setup_python ;;
    odoo) setup_odoo ;;
    lint) setup_lint ;;
    all) setup_rust; setup_wasm; setup_node; setup_browser; setup_python; setup_lint ;;
    *) echo "setup.sh: unknown part $what" >&2; exit 2 ;;
  esac
done
