#!/usr/bin/env bash
# Odoo outbox throughput for `make bench` (issue 7): the addon's cron with 1 and 2 workers against
# the provider simulator, plus gateway pacing with 2 workers, plus the list composer (issue 16) on
# the example addon's permits: enqueue time per record, then the drain by 2 workers. Prints JSON
# lines on stdout (dispatch.odoo.w1, dispatch.odoo.w2, dispatch.odoo.pacing,
# dispatch.odoo.composer); progress on stderr.
#
#   ODOO_SRC=/path/to/odoo-18.0 ODOO_PYTHON=/path/to/python benches/odoo/outbox.sh
#
# Environment: ODOO_SRC and ODOO_PYTHON as for scripts/odoo/test.sh, or the lab config file (none: one skip row
# per figure, exit 0); BENCH_QUICK=1 for 300 messages instead of 2,000 (composer: 1,000 records
# instead of 10,000); ODOO_BENCH_MESSAGES and ODOO_BENCH_COMPOSER to choose; ODOO_BENCH_PROFILE=prefix to cProfile each worker; KEEP_DB=1 to keep the database.
# A fresh database with the addon installed is created and dropped at the end. Nothing here
# downloads or builds Odoo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ADDONS="$ROOT/odoo_addon"
MODULE=sicantik_whatsapp

skip() {
  for b in w1 w2 pacing composer; do printf '{"bench":"dispatch.odoo.%s","skipped":"%s"}\n' "$b" "$1"; done
  echo "SKIPPED: $1" >&2
  exit 0
}
. "$ROOT/scripts/odoo/lab.sh"
odoo_lab_load || skip "no Odoo 18 lab: ODOO_SRC is not set and $ODOO_LAB_CONFIG does not exist (make odoo-lab-config)"
odoo_lab_require "$ADDONS" "$MODULE"

odoo_lab_postgres

if [ "${BENCH_QUICK:-}" = 1 ]; then N="${ODOO_BENCH_MESSAGES:-300}"; PACED=30; C="${ODOO_BENCH_COMPOSER:-1000}"
else N="${ODOO_BENCH_MESSAGES:-2000}"; PACED=60; C="${ODOO_BENCH_COMPOSER:-10000}"; fi
DB="sw_bench_$(date +%Y%m%d_%H%M%S)_$$"
LOG="$(mktemp -t odoo-bench-XXXXXX.log)"
SIMLOG="$(mktemp -t odoo-bench-sim-XXXXXX.log)"
SIM_PID=""
PY_PID=""
cleanup() {
  [ -n "$PY_PID" ] && kill "$PY_PID" 2>/dev/null && wait "$PY_PID" 2>/dev/null
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  odoo_lab_drop "$DB"
  rm -f "$SIMLOG"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # `timeout` in run.sh: clean up (database, simulator) on the way out

echo "odoo-bench: installing $MODULE on $DB (log: $LOG)" >&2
odoo_lab_install "$DB" "$ODOO_SRC/addons,$ADDONS" "$MODULE,${MODULE}_example" "$LOG"

odoo_lab_simulator "$SIMLOG"

"$ODOO_PYTHON" "$ROOT/benches/odoo/outbox.py" --odoo-src "$ODOO_SRC" \
  --addons-path "$ODOO_SRC/addons,$ADDONS" --db "$DB" --sim "$SIM_URL" --sim-pid "$SIM_PID" --messages "$N" \
  --pacing "${ODOO_BENCH_PACING_RATE:-600}" --pacing-messages "$PACED" --composer "$C" \
  ${ODOO_BENCH_PROFILE:+--profile "$ODOO_BENCH_PROFILE"} &
PY_PID=$!
wait "$PY_PID"  # in the background so that a TERM is handled at once
