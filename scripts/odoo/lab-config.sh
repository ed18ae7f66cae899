#!/usr/bin/env bash
# Remember where this machine's Odoo 18 lab is, so that `make test` (and CI on this machine) runs
# the addon's tests without exported variables:
#
#   make odoo-lab-config ODOO_SRC=/path/to/odoo-18.0 ODOO_PYTHON=/path/to/venv/bin/python
#
# Writes ~/.config/sicantik-whatsapp/odoo.env after checking that the tree has odoo-bin and that
# the Python can import Odoo's dependencies and wasmtime. `make odoo-lab-config ODOO_SRC=` (empty)
# removes the file.
set -euo pipefail
. "$(dirname "$0")/lab.sh"

if [ -z "${ODOO_SRC:-}" ]; then
    rm -f "$ODOO_LAB_CONFIG"
    echo "odoo-lab-config: removed $ODOO_LAB_CONFIG (the Odoo tests will be skipped)"
    exit 0
fi
ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
    echo "odoo-lab-config: $ODOO_SRC/odoo-bin not found: ODOO_SRC must be an Odoo 18.0 source tree" >&2
    exit 2
fi
ODOO_PYTHON="${ODOO_PYTHON:-$(command -v python3)}"
if ! "$ODOO_PYTHON" -c 'import psycopg2, lxml, werkzeug, wasmtime, requests' 2>/dev/null; then
    echo "odoo-lab-config: $ODOO_PYTHON lacks Odoo's requirements or wasmtime/requests" >&2
    exit 2
fi
mkdir -p "$(dirname "$ODOO_LAB_CONFIG")"
printf 'ODOO_SRC=%q\nODOO_PYTHON=%q\n' "$ODOO_SRC" "$ODOO_PYTHON" > "$ODOO_LAB_CONFIG"
echo "odoo-lab-config: wrote $ODOO_LAB_CONFIG"
cat "$ODOO_LAB_CONFIG"
