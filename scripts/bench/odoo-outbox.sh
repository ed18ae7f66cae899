#!/usr/bin/env bash
# Odoo outbox throughput for `make bench` (issue 7): the addon's cron with 1 and 2 workers against
# the provider simulator, plus gateway pacing with 2 workers, plus the list composer (issue 16) on
# the example addon's permits: enqueue time per record, then the drain by 2 workers. Prints JSON
# lines on stdout (dispatch.odoo.w1, dispatch.odoo.w2, dispatch.odoo.pacing,
# dispatch.odoo.composer); progress on stderr.
#
#   ODOO_SRC=/path/to/odoo-18.0 ODOO_PYTHON=/path/to/python scripts/bench/odoo-outbox.sh
#
# Environment: ODOO_SRC and ODOO_PYTHON as for scripts/odoo-test.sh, or the lab config file (none: one skip row
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
. "$ROOT/scripts/lib/odoo-lab.sh"
odoo_lab_load || skip "no Odoo 18 lab: ODOO_SRC is not set and $ODOO_LAB_CONFIG does not exist (make odoo-lab-config)"
[ -f "$ODOO_SRC/odoo-bin" ] || { echo "ERROR: $ODOO_SRC/odoo-bin not found" >&2; exit 2; }
ODOO_PYTHON="${ODOO_PYTHON:-$(command -v python3)}"
[ -f "$ADDONS/$MODULE/engine/sicantik_whatsapp_engine.wasm" ] \
  || { echo "ERROR: the engine is not in the addon: make addon" >&2; exit 2; }

# PostgreSQL as scripts/odoo-test.sh does it: start Debian's cluster when nothing answers.
if ! pg_isready -q 2>/dev/null && command -v pg_lsclusters >/dev/null 2>&1; then
  read -r PG_VERSION PG_CLUSTER _ < <(pg_lsclusters --no-header | head -n1)
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
fi
pg_isready -q || { echo "ERROR: PostgreSQL is not reachable" >&2; exit 2; }

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
  if [ "${KEEP_DB:-0}" != 1 ]; then
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "${HOME:-/root}/.local/share/Odoo/filestore/$DB" 2>/dev/null || true
  else
    echo "Database kept: $DB" >&2
  fi
  rm -f "$SIMLOG"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # `timeout` in run.sh: clean up (database, simulator) on the way out

echo "odoo-bench: installing $MODULE on $DB (log: $LOG)" >&2
"$ODOO_PYTHON" "$ODOO_SRC/odoo-bin" -d "$DB" --addons-path="$ODOO_SRC/addons,$ADDONS" -i "$MODULE,${MODULE}_example" \
  --without-demo=all --stop-after-init --workers=0 --max-cron-threads=0 --http-port=0 --log-level=warn \
  >"$LOG" 2>&1 || { tail -20 "$LOG" >&2; echo "ERROR: installing the addon failed" >&2; exit 1; }

node "$ROOT/scripts/simulator.mjs" --port 0 --quiet >"$SIMLOG" 2>&1 &
SIM_PID=$!
SIM_URL=""
for _ in $(seq 100); do
  SIM_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$SIMLOG" | head -1 || true)
  [ -n "$SIM_URL" ] && break
  sleep 0.1
done
[ -n "$SIM_URL" ] || { cat "$SIMLOG" >&2; echo "ERROR: the simulator did not start" >&2; exit 1; }

"$ODOO_PYTHON" "$ROOT/scripts/bench/odoo_outbox.py" --odoo-src "$ODOO_SRC" \
  --addons-path "$ODOO_SRC/addons,$ADDONS" --db "$DB" --sim "$SIM_URL" --sim-pid "$SIM_PID" --messages "$N" \
  --pacing "${ODOO_BENCH_PACING_RATE:-600}" --pacing-messages "$PACED" --composer "$C" \
  ${ODOO_BENCH_PROFILE:+--profile "$ODOO_BENCH_PROFILE"} &
PY_PID=$!
wait "$PY_PID"  # in the background so that a TERM is handled at once
