#!/usr/bin/env bash
# Run a command with the provider simulator listening on a free loopback port.
# Exports SIM_URL (the simulator) and SIM_CLOSED_PORT (a loopback port where nothing listens).
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
node simulator/index.mjs --port 0 >"$log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  SIM_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
  [ -n "$SIM_URL" ] && break
  kill -0 $sim 2>/dev/null || { cat "$log" >&2; echo "simulator did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$SIM_URL" ] || { echo "simulator did not print its URL" >&2; exit 1; }
SIM_CLOSED_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export SIM_URL SIM_CLOSED_PORT
"$@"
