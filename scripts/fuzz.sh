#!/usr/bin/env bash
# Run every cargo-fuzz target for a bounded time, seeded from the shared fixtures.
# Usage: scripts/fuzz.sh [seconds per target]   (make fuzz: 60 s; make test: a short run)
# A crash leaves its input in fuzz/artifacts/<target>/: turn it into a fixture or unit test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
# cargo-fuzz needs nightly-only flags; the one stable toolchain here accepts them this way.
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install -q cargo-fuzz --locked
python3 - <<'PY'
import glob, json, os, struct
root = "fuzz/corpus"
def put(target, name, data):
    d = os.path.join(root, target); os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
n = 0
# Seeds from the transcripts (tests/fixtures/README.md): every op call as the host ABI takes it.
for path in sorted(glob.glob("tests/fixtures/*.json")):
    suite = json.load(open(path, encoding="utf-8"))
    for case in suite.get("cases", []):
        for step in case.get("setup", suite.get("setup", [])) + case["steps"]:
            n += 1; args = step.get("args")
            put("host_call", f"c{n}", json.dumps({"op": step["op"], "args": args}))
            if step["op"] == "configure":
                for t in args.get("templates", []):
                    n += 1; put("template_parse", f"t{n}", t.get("body", ""))
                continue
            note = args.get("notification", args) if isinstance(args, dict) else {}
            if isinstance(note, dict) and isinstance(note.get("recipient"), dict):
                put("phone_normalize", f"p{n}", note["recipient"].get("phone", ""))
                put("host_call", f"s{n}", json.dumps({"op": "dispatchStart", "args": {"notification": note, "nowMs": 1}}))
            for j, r in enumerate(args.get("responses", []) if isinstance(args, dict) else []):
                resp = r.get("response")
                if resp:
                    put("classify_response", f"r{n}_{j}", struct.pack("<H", resp.get("status", 200)) + resp.get("body", "").encode())
PY
targets=$(cd fuzz && cargo fuzz list)
for t in $targets; do
  echo "fuzz: $t for ${seconds}s"
  (cd fuzz && cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=4096 -print_final_stats=0 2>&1 | tail -n 3)
done
echo "fuzz: no crash in $(echo $targets | wc -w) targets"
