#!/usr/bin/env bash
# OCA's checks over every addon in odoo_addon/ (see the Makefile's `lint`): pylint-odoo with
# OCA's mandatory settings, oca-checks-odoo-module, oca-checks-po, ruff (lint and format),
# prettier over the JS/XML of PRETTIER_PATHS and eslint with OCA's rules (eslint.config.cjs) over
# the JS of the same folders. Every check runs; the exit status says if any failed.
# Usage: scripts/oca-lint.sh   (after scripts/setup.sh lint; PRETTIER_PATHS from the Makefile)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv-lint/bin
PRETTIER_PATHS=${PRETTIER_PATHS:-odoo_addon www scripts tests simulator cli benches}
PRETTIER_EXT=${PRETTIER_EXT:-js,mjs,ts,xml,css,scss,html}
addons=()
for manifest in odoo_addon/*/__manifest__.py; do addons+=("$(basename "$(dirname "$manifest")")"); done

failed=()
step() {
  local name=$1; shift
  printf '\033[1mlint: %s\033[0m\n' "$name"
  "$@" || failed+=("$name")
}

# OCA runs pylint from the addons directory, where .pylintrc-mandatory lives.
step "pylint-odoo (OCA mandatory)" bash -c 'cd odoo_addon && "$0" --rcfile=.pylintrc-mandatory "$@"' \
  "$BIN/pylint" "${addons[@]}"
step "oca-checks-odoo-module" "$BIN/oca-checks-odoo-module" odoo_addon/*/__manifest__.py
step "oca-checks-po" "$BIN/oca-checks-po" --disable=po-pretty-format odoo_addon/*/i18n/*.po odoo_addon/*/i18n/*.pot
step "ruff check" "$BIN/ruff" check --no-fix --output-format=concise odoo_addon
step "ruff format --check" "$BIN/ruff" format --check odoo_addon
globs=()
for path in $PRETTIER_PATHS; do globs+=("$path/**/*.{$PRETTIER_EXT}"); done
step "prettier --check ($PRETTIER_PATHS)" env NODE_PATH="$ROOT/.tools/lint/node_modules" \
  "$ROOT/.tools/lint/node_modules/.bin/prettier" --check "${globs[@]}"
# As OCA's pre-commit hook: errors fail, warnings are reported.
# shellcheck disable=SC2086  # PRETTIER_PATHS is a list of folders
step "eslint ($PRETTIER_PATHS)" env NODE_PATH="$ROOT/.tools/lint/node_modules" \
  "$ROOT/.tools/lint/node_modules/.bin/eslint" --no-warn-ignored $PRETTIER_PATHS eslint.config.cjs \
  prettier.config.cjs

if [ ${#failed[@]} -gt 0 ]; then
  printf 'lint: failed: %s\n' "$(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')" >&2
  exit 1
fi
echo "lint: all OCA checks passed"
