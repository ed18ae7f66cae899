#!/usr/bin/env bash
# Crash test of the Odoo outbox (issue 13) in a real Odoo 18: the cron killed with `kill -9`
# mid-batch and restarted, then a hanging provider under `--workers=2` and Odoo's cron limits.
# Counts every send at the provider simulator and prints a PASS/FAIL table
# (scripts/odoo/crash_test.py says what each row means).
#
#   ODOO_SRC=/path/to/odoo-18.0 ODOO_PYTHON=/path/to/venv/bin/python scripts/odoo/crash-test.sh
#
# Environment: ODOO_SRC and ODOO_PYTHON as for scripts/odoo/test.sh (unset ODOO_SRC: SKIPPED,
# exit 0); CRASH_SCENARIOS (default kill,hang); CRASH_CRON_LIMIT=seconds for
# --limit-time-real-cron (default: Odoo's own, i.e. limit_time_real, 120 s); KEEP_DB=1 to keep
# the database and the Odoo logs. A fresh database with the addon installed is created and
# dropped at the end. Nothing here downloads or builds Odoo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ADDONS="$ROOT/odoo_addon"
MODULE=sicantik_whatsapp

. "$ROOT/scripts/odoo/lab.sh"
if ! odoo_lab_load; then
  echo "SKIPPED: no Odoo 18 lab: ODOO_SRC is not set and $ODOO_LAB_CONFIG does not exist (make odoo-lab-config), so the outbox crash test did not run"
  exit 0
fi
odoo_lab_require "$ADDONS" "$MODULE"

odoo_lab_postgres

DB="sw_crash_$(date +%Y%m%d_%H%M%S)_$$"
LOGDIR="$(mktemp -d -t odoo-crash-XXXXXX)"
SIMLOG="$LOGDIR/simulator.log"
SIM_PID=""
PY_PID=""
cleanup() {
  [ -n "$PY_PID" ] && kill "$PY_PID" 2>/dev/null && wait "$PY_PID" 2>/dev/null
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  odoo_lab_drop "$DB" "$LOGDIR"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

echo "crash-test: installing $MODULE on $DB (logs: $LOGDIR)" >&2
odoo_lab_install "$DB" "$ODOO_SRC/addons,$ADDONS" "$MODULE" "$LOGDIR/install.log"

odoo_lab_simulator "$SIMLOG"

set +e
"$ODOO_PYTHON" "$ROOT/scripts/odoo/crash_test.py" --odoo-src "$ODOO_SRC" \
  --addons-path "$ODOO_SRC/addons,$ADDONS" --db "$DB" --sim "$SIM_URL" --log-dir "$LOGDIR" \
  --scenarios "${CRASH_SCENARIOS:-kill,hang}" --cron-limit "${CRASH_CRON_LIMIT:-0}" &
PY_PID=$!
wait "$PY_PID"  # in the background so that a TERM is handled at once
RC=$?
PY_PID=""
set -e
if [ "$RC" != 0 ] && [ "${KEEP_DB:-0}" != 1 ]; then
  for f in "$LOGDIR"/kill-*.log "$LOGDIR"/hang.log; do
    [ -f "$f" ] && { echo "----- $(basename "$f") (errors) -----"; grep -E ' (ERROR|CRITICAL) |timeout after' "$f" | tail -n 20; }
  done
fi
exit "$RC"
