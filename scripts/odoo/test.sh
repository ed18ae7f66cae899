#!/usr/bin/env bash
# Run the Odoo addons' tests (odoo_addon/sicantik_whatsapp and the example addon
# odoo_addon/sicantik_whatsapp_example) in a real Odoo 18 on a fresh database.
#
#   ODOO_SRC=/path/to/odoo-18.0 ODOO_PYTHON=/path/to/venv/bin/python scripts/odoo/test.sh
#   scripts/odoo/test.sh --find-lab    exit 0 when a lab is found (used by `make odoo-test`)
#
# Environment:
#   ODOO_SRC         Odoo 18.0 source tree (the one holding odoo-bin). Unset: read, with ODOO_PYTHON,
#                    from ~/.config/sicantik-whatsapp/odoo.env (`make odoo-lab-config`); neither:
#                    the tests are skipped (exit 0) with a "SKIPPED: …" line saying why.
#   ODOO_PYTHON      Python that has Odoo's requirements + wasmtime + phonenumbers +
#                    websocket-client installed. Unset: python3 from PATH, with a warning.
#   ODOO_TEST_TAGS   --test-tags value (default /sicantik_whatsapp,/sicantik_whatsapp_example).
#   ODOO_ADDONS_DIR  the addons directory holding the module (default odoo_addon/ of this checkout;
#                    e.g. <dir>/odoo/addons after `pip install --target <dir>` of the wheel).
#   SICANTIK_WHATSAPP_REPO  the checkout whose simulator and tests/fixtures the addon's tests use
#                    (default: this one).
#   ODOO_DB_PREFIX   database name prefix (default sw_test); a timestamp is appended.
#   KEEP_DB=1        keep the database afterwards (default: dropped).
#   ODOO_LOG         where to write Odoo's full log (default: a temporary file, shown on failure).
#
# Installs (Debian, idempotent) PostgreSQL, wkhtmltopdf and pdftotext for the proof-report test, and
# chromium for the tours. Needs: PostgreSQL reachable through its Unix socket by the current user (Debian's cluster is
# started here when it is down; as root, a superuser role for root is created if missing), and
# the engine built into the addon (make addon → odoo_addon/sicantik_whatsapp/engine/*.wasm).
# Nothing here downloads or builds Odoo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ADDONS="${ODOO_ADDONS_DIR:-$ROOT/odoo_addon}"
# Where the addon's tests find the simulator and the shared fixtures, also when the module runs
# from an installed wheel (tests/test_fault_matrix.py).
export SICANTIK_WHATSAPP_REPO="${SICANTIK_WHATSAPP_REPO:-$ROOT}"
MODULE=sicantik_whatsapp
# Installed and tested with it: the example addon (a permit model using the mixin).
MODULES="$MODULE,sicantik_whatsapp_example"

. "$ROOT/scripts/odoo/lab.sh"
if ! odoo_lab_load; then
    [ "${1:-}" = --find-lab ] && exit 1
    echo "SKIPPED: no Odoo 18 lab on this machine: ODOO_SRC is not set and $ODOO_LAB_CONFIG does not exist (run \`make odoo-lab-config ODOO_SRC=... ODOO_PYTHON=...\` once to run the Odoo addon tests here)"
    exit 0
fi
if [ "${1:-}" = --find-lab ]; then
    exit 0
fi
echo "Odoo lab: $ODOO_SRC (from $ODOO_LAB_FROM)"
odoo_lab_require "$ADDONS" "$MODULE"
if ! "$ODOO_PYTHON" -c 'import wasmtime' 2>/dev/null; then
    echo "ERROR: $ODOO_PYTHON cannot import wasmtime (pip install wasmtime in Odoo's environment)" >&2
    exit 2
fi
"$ROOT/scripts/setup.sh" odoo

odoo_lab_postgres

DB="${ODOO_DB_PREFIX:-sw_test}_$(date +%Y%m%d_%H%M%S)_$$"
PORT="$("$ODOO_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
LOG="${ODOO_LOG:-$(mktemp -t odoo-test-XXXXXX.log)}"

cleanup() {
    if [ "${KEEP_DB:-0}" != 1 ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "${HOME:-/root}/.local/share/Odoo/filestore/$DB" 2>/dev/null || true
    else
        echo "Database kept: $DB"
    fi
}
trap cleanup EXIT

echo "Odoo tests of $MODULES on database $DB (port $PORT), log: $LOG"
# Fresh database without demo data (the tests create what they need); post_install tests run
# after the module is installed. --log-level=test shows each test's result.
set +e
"$ODOO_PYTHON" "$ODOO_SRC/odoo-bin" \
    -d "$DB" \
    --addons-path="$ODOO_SRC/addons,$ADDONS" \
    -i "$MODULES" \
    --without-demo=all \
    --test-enable \
    --test-tags "${ODOO_TEST_TAGS:-/$MODULE,/sicantik_whatsapp_example}" \
    --stop-after-init \
    --http-port="$PORT" \
    --gevent-port="$((PORT + 1))" \
    --workers=0 \
    --max-cron-threads=0 \
    --log-level=test \
    >"$LOG" 2>&1
RC=$?
set -e

SUMMARY="$(grep -E '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOG" | tail -n1 || true)"
FAILED=1
if [ -n "$SUMMARY" ]; then
    read -r NFAIL NERR NTESTS < <(sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' <<<"$SUMMARY")
    if [ "$RC" = 0 ] && [ "$NFAIL" = 0 ] && [ "$NERR" = 0 ] && [ "$NTESTS" -gt 0 ]; then
        FAILED=0
    fi
fi
# Errors outside the tests (install problems) count too.
if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$LOG"; then
    FAILED=1
fi

if [ "$FAILED" = 0 ]; then
    echo "PASSED: $SUMMARY"
    exit 0
fi
echo "----- failures and errors -----"
grep -nE ' (ERROR|CRITICAL|FAIL) |^(FAIL|ERROR):|Traceback' "$LOG" | head -n 60 || true
echo "-------------------------------"
echo "FAILED: ${SUMMARY:-no test summary found (exit code $RC)}; full log: $LOG"
exit 1
