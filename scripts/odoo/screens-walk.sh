#!/usr/bin/env bash
# The admin's walk (issue 19): a fresh Odoo 18 database with both addons, Indonesian (id_ID) for
# the admin, seeded with simulator profiles and a message in every state
# (scripts/odoo/screens_walk_seed.py), then headless Chromium through providers, settings, templates,
# the test wizard (valid and invalid phone), messages, confirmations, reports, the example permit's
# composer and the consent page (scripts/odoo/screens-walk.mjs). Screenshots go to OUT: look at them.
#
#   scripts/odoo/screens-walk.sh [steps]     steps: comma list of providers,settings,templates,wizard,
#                                       messages,reports,permit,consent (default: all)
# Environment: ODOO_SRC / ODOO_PYTHON (or `make odoo-lab-config`), OUT (default
# /tmp/sicantik-screens), CHROMIUM_PATH (default /usr/bin/chromium), KEEP_DB=1 to keep the database.
# Needs the engine in the addon (make addon) and npm's playwright-core (npm ci).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/odoo/lab.sh"
odoo_lab_load || { echo "SKIPPED: no Odoo 18 lab (set ODOO_SRC and ODOO_PYTHON)"; exit 0; }
PY="${ODOO_PYTHON:-python3}"
OUT="${OUT:-/tmp/sicantik-screens}"
mkdir -p "$OUT"
DB="sw_screens_$(date +%Y%m%d_%H%M%S)"
ADDONS="$ODOO_SRC/addons,$ROOT/odoo_addon"
port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(port)
LOG="$OUT/odoo.log"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
    odoo_lab_drop "$DB"
}
trap cleanup EXIT
# Simulator on a free port, in its own process group.
setsid node "$ROOT/simulator/index.mjs" --port 0 >"$OUT/simulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    SIM_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$OUT/simulator.log" | head -1 || true)
    [ -n "$SIM_URL" ] && break
    sleep 0.1
done
[ -n "${SIM_URL:-}" ] || { echo "simulator did not start" >&2; exit 1; }
echo "screens-walk: database $DB, simulator $SIM_URL, Odoo on port $PORT, screenshots in $OUT"
"$PY" "$ODOO_SRC/odoo-bin" -d "$DB" --addons-path "$ADDONS" -i sicantik_whatsapp,sicantik_whatsapp_example \
    --load-language id_ID --without-demo all --stop-after-init --log-level warn >"$LOG" 2>&1
SIM_URL="$SIM_URL" "$PY" "$ODOO_SRC/odoo-bin" shell -d "$DB" --addons-path "$ADDONS" --no-http --log-level warn \
    <"$ROOT/scripts/odoo/screens_walk_seed.py" >>"$LOG" 2>&1
setsid "$PY" "$ODOO_SRC/odoo-bin" -d "$DB" --db-filter "^$DB\$" --addons-path "$ADDONS" --http-interface 127.0.0.1 \
    --http-port "$PORT" --gevent-port "$(port)" --log-level warn >>"$LOG" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$PORT/web/health" >/dev/null && break
    sleep 0.5
done
ODOO_URL="http://127.0.0.1:$PORT" OUT="$OUT" node "$ROOT/scripts/odoo/screens-walk.mjs" "${1:-}"
