"""Python benchmark of the host-ABI engine through wasmtime against a pure-Python baseline.

    .venv/bin/python benches/python/engine.py [--config FILE] [--wasm FILE]

Prints one JSON line per measurement on stdout (read by benches/report.mjs), progress on
stderr. The engine is driven through the Odoo addon's own host (``engine/host.py``:
``WasmEngine(path).configured(config)``), exactly as the server does. The baseline is what a Python
developer would write instead: ``re.sub`` for the ``{{placeholders}}``, ``json.dumps`` for the Meta
and Watzap bodies, a hand-written multipart body for Fonnte's form. Its bytes are compared with the
engine's masked requests once, before any timing. Engine and baseline are timed side by side in
alternating rounds; the ratio is baseline time / engine time (> 1: the engine is faster).

The configuration is the demo one of ``cli/lib/common.mjs`` (asked from node, so node and
Python measure the same thing) unless ``--config`` names a JSON file.
"""

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENGINE_DIR = os.path.join(ROOT, "odoo_addon", "sicantik_whatsapp", "engine")
DEFAULT_WASM = os.path.join(ROOT, "odoo_addon", "sicantik_whatsapp", "engine", "sicantik_whatsapp_engine.wasm")
PROVIDERS = ("meta", "watzap", "fonnte")
MASK = "•••"
BOUNDARY = "sicantik-whatsapp-form-boundary"  # the engine's (src/providers/common.rs)
SECRET_FIELDS = {"accessToken", "apiKey", "numberKey", "token"}
QUICK = os.environ.get("BENCH_QUICK") == "1"


def emit(record):
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def note(text):
    sys.stderr.write("bench: %s\n" % text)
    sys.stderr.flush()


def load_host():
    """``engine/host.py`` as the addon imports it: a module of the ``engine`` package (loaded
    without the Odoo addon around it)."""
    name = "sicantik_whatsapp_engine_bench"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, os.path.join(ENGINE_DIR, "__init__.py"), submodule_search_locations=[ENGINE_DIR]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    return sys.modules[name + ".host"]


def demo_config():
    script = (
        'import("./cli/lib/common.mjs")'
        ".then((m) => process.stdout.write(JSON.stringify(m.demoConfig())))"
    )
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout)


# --- the notifications (the same as benches/node/common.mjs) -----------------------------------


def notification(i):
    provider = PROVIDERS[i % 3]
    return {
        "template": "permit_ready",
        "recipient": {"phone": "0812%08d" % (i % 100_000_000), "name": "Budi", "metaOptIn": provider == "meta"},
        "values": {
            "partner_name": "Warga %d" % i,
            "permit_type": "PBG",
            "permit_number": "503/PBG/2026/%05d" % i,
            "office_name": "DPMPTSP Kabupaten Karo",
        },
        "forceProvider": provider,
    }


def verification_set():
    odd = [
        ("0812-3456-7890", 'Budi "Santoso" & Co – Ñandú'),
        ("+62 812 3456 7891", "Siti\nNurhaliza     binti  Ahmad"),
        ("62 813-0000-0001", "Tono <b>'Ganteng'</b> 🙏 50% =+?/# ~tilde *star \\back"),
        ("0821 1111 2222", "  Leading and trailing\t"),
    ]
    out = []
    for provider in PROVIDERS:
        for k, (phone, name) in enumerate(odd):
            out.append({
                "template": "permit_ready",
                "recipient": {"phone": phone, "name": "x", "metaOptIn": provider == "meta" or k == 3},
                "values": {
                    "partner_name": name,
                    "permit_type": "PBG & SLF",
                    "permit_number": "503/PBG/2026/%d" % k,
                    "office_name": "DPMPTSP Kabupaten Karo, Jl. Letjen Jamin Ginting No.17",
                },
                "forceProvider": provider,
            })
    return out


# --- the pure-Python baseline -------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
NON_DIGITS = re.compile(r"\D+")
META_BAD = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]| {5}")
META_GAP = re.compile(r"[ \t\n\r\v\f\x85\u2028\u2029]+")


def phone62(text):
    d = NON_DIGITS.sub("", text)
    if d.startswith("00"):
        d = d[2:]
    if d.startswith("0"):
        return "62" + d[1:]
    if d.startswith("620"):
        return "62" + d[3:]
    return d


def sanitize_meta(v):
    if not META_BAD.search(v):
        return v

    def gap(m):
        g = m.group(0)
        if g.strip(" ") == "" and len(g) <= 4:
            return g
        return "" if m.start() == 0 or m.end() == len(v) else " "

    return META_GAP.sub(gap, v)


def make_baseline(config):
    templates = {t["code"]: t for t in config["templates"]}
    providers = {p["id"]: p for p in config["providers"]}
    invitation = ("Ingin menerima notifikasi resmi melalui WhatsApp Business kami? Setujui di sini: "
                  + (config.get("optIn") or {}).get("url", ""))
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def gateway_text(t, values, opted_in):
        text = PLACEHOLDER.sub(lambda m: values[m.group(1)], t["body"])
        return text if opted_in else text + "\n\n" + invitation

    def meta(p, t, to, values, _opted_in):
        m = t["meta"]
        names = m.get("bodyParams") or list(values)
        c = p["credentials"]
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "template": {
                "components": [{"parameters": [{"text": sanitize_meta(values[n]), "type": "text"} for n in names],
                                "type": "body"}],
                "language": {"code": m["language"], "policy": "deterministic"},
                "name": m["templateName"],
            },
            "to": to,
            "type": "template",
        }
        return None, {
            "method": "POST",
            "url": "%s/%s/%s/messages" % (p["baseUrl"], p["apiVersion"], c["phoneNumberId"]),
            "headers": {"Authorization": "Bearer " + c["accessToken"], "Content-Type": "application/json"},
            "body": dumps(body),
            "timeoutMs": p.get("timeoutMs"),
        }

    def watzap(p, t, to, values, opted_in):
        text = gateway_text(t, values, opted_in)
        c = p["credentials"]
        body = {"api_key": c["apiKey"], "message": text, "number_key": c["numberKey"], "phone_no": to}
        return text, {
            "method": "POST",
            "url": p["baseUrl"] + "/send_message",
            "headers": {"Content-Type": "application/json"},
            "body": dumps(body),
            "timeoutMs": p.get("timeoutMs"),
        }

    def multipart(fields):
        # The engine's multipart bytes, by hand (fixed boundary: src/providers/common.rs).
        parts = ['--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (BOUNDARY, k, v)
                 for k, v in fields]
        return "".join(parts) + "--%s--\r\n" % BOUNDARY

    def fonnte(p, t, to, values, opted_in):
        text = gateway_text(t, values, opted_in)
        return text, {
            "method": "POST",
            "url": p["baseUrl"] + "/send",
            "headers": {"Authorization": p["credentials"]["token"],
                        "Content-Type": "multipart/form-data; boundary=" + BOUNDARY},
            "body": multipart([("target", to), ("message", text), ("countryCode", "62")]),
            "timeoutMs": p.get("timeoutMs"),
        }

    build = {"meta": meta, "watzap": watzap, "fonnte": fonnte}

    def plan(n):
        t = templates[n["template"]]
        opted_in = bool(n["recipient"].get("metaOptIn"))
        pid = n.get("forceProvider") or ("meta" if opted_in else "watzap")
        p = providers[pid]
        to = phone62(n["recipient"]["phone"])
        text, request = build[p["kind"]](p, t, to, n["values"], opted_in)
        return {"provider": pid, "phone": to, "text": text, "request": request}

    return plan


def masked_config(config):
    out = dict(config)
    out["providers"] = [
        dict(p, credentials={k: (MASK if k in SECRET_FIELDS else v) for k, v in p["credentials"].items()})
        for p in config["providers"]
    ]
    return out


def compare(label, engine_req, engine_text, base, check_text=True):
    diffs = []
    r = base["request"]
    for key in ("method", "url", "body", "timeoutMs"):
        if engine_req.get(key) != r[key]:
            diffs.append("%s: %s differs\n  engine:   %r\n  baseline: %r" % (label, key, engine_req.get(key), r[key]))
    if sorted((engine_req.get("headers") or {}).items()) != sorted(r["headers"].items()):
        diffs.append("%s: headers differ: %r vs %r" % (label, engine_req.get("headers"), r["headers"]))
    if check_text and engine_text != base["text"]:
        diffs.append("%s: text differs\n  engine:   %r\n  baseline: %r" % (label, engine_text, base["text"]))
    return diffs


# --- timing -------------------------------------------------------------------------------------


def run_for(fn, calls):
    t0 = time.perf_counter_ns()
    for i in range(calls):
        fn(i)
    return time.perf_counter_ns() - t0


def side_by_side(engine, baseline, msgs_per_call=1, rounds=7, round_ms=150, warmup_ms=300):
    """Alternating rounds of engine and baseline after a warm-up; median ns per message each."""
    if QUICK:
        rounds, round_ms, warmup_ms = 3, max(50, round_ms // 3), max(100, warmup_ms // 3)

    def calibrate(fn):
        calls, ns = 1, 0.0
        deadline = time.perf_counter() + warmup_ms / 1000
        while time.perf_counter() < deadline or ns == 0:
            ns = run_for(fn, calls) / calls
            calls = min(calls * 2, 1 << 20)
        return max(1, round(round_ms * 1e6 / ns))

    calls_e, calls_b = calibrate(engine), calibrate(baseline)
    e, b = [], []
    for _ in range(rounds):
        e.append(run_for(engine, calls_e) / (calls_e * msgs_per_call))
        b.append(run_for(baseline, calls_b) / (calls_b * msgs_per_call))
    me, mb = statistics.median(e), statistics.median(b)
    return {
        "nsPerOp": round(me, 1),
        "baselineNsPerOp": round(mb, 1),
        "ratio": round(mb / me, 3),
        "rounds": rounds,
        "spread": {"engine": [round(min(e), 1), round(max(e), 1)], "baseline": [round(min(b), 1), round(max(b), 1)]},
    }


def cold_init(wasm, config):
    """In a fresh process: load host.py + compile the module + instantiate + configure."""
    t0 = time.perf_counter()
    host = load_host()
    engine = host.WasmEngine(wasm)
    t1 = time.perf_counter()
    handle = engine.configured(config)
    handle.configure()
    t2 = time.perf_counter()
    print(json.dumps({"compileMs": (t1 - t0) * 1000, "configureMs": (t2 - t1) * 1000}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config")
    ap.add_argument("--wasm", default=os.environ.get("SICANTIK_WHATSAPP_WASM") or DEFAULT_WASM)
    ap.add_argument("--cold-init", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            config = json.load(f)
    else:
        config = demo_config()
    if args.cold_init:
        return cold_init(args.wasm, config)

    host = load_host()
    handle = host.WasmEngine(args.wasm).configured(config)
    handle.configure()
    baseline = make_baseline(config)

    # 1. byte equality, once, before timing
    masked = make_baseline(masked_config(config))
    checked = verification_set() + [notification(i) for i in range(300)]
    diffs = []
    for k, n in enumerate(checked):
        plan = handle.call("plan", n)
        diffs += compare("plan #%d (%s)" % (k, n["forceProvider"]), plan["request"], plan["text"], masked(n))
        r = handle.render(n, n["forceProvider"])
        diffs += compare("render #%d" % k, r["request"], r["text"], masked(n), check_text=n["forceProvider"] != "meta")
    for k, item in enumerate(handle.plan_batch(checked)):
        if "ok" not in item:
            diffs.append("planBatch #%d: %r" % (k, item))
        else:
            diffs += compare("planBatch #%d" % k, item["ok"]["request"], item["ok"]["text"], masked(checked[k]))
    for k, item in enumerate(handle.plan_batch(checked, compact=True)):
        if "ok" not in item:
            diffs.append("planBatch compact #%d: %r" % (k, item))
        else:
            diffs += compare("planBatch compact #%d" % k, item["ok"]["request"], None, masked(checked[k]),
                             check_text=False)
    emit({"bench": "python.verify", "ok": not diffs, "checked": len(checked) * 4, "differences": len(diffs)})
    if diffs:
        for d in diffs[:5]:
            sys.stderr.write(d + "\n")
        note("python: the baseline does not build the engine's bytes (%d differences); no timing" % len(diffs))
        return 1
    note("python: baseline bytes equal the engine's masked requests (%d notifications x plan/render/planBatch)"
         % len(checked))

    # 2. single calls and batches
    pool = [notification(i) for i in range(3 * 1024)]
    size = len(pool)
    sink = []

    note("python: single plan")
    r = side_by_side(lambda i: sink.append(handle.call("plan", pool[i % size])["request"]["body"]),
                     lambda i: sink.append(baseline(pool[i % size])["request"]["body"]))
    emit({"bench": "python.single.plan", "unit": "ns/msg", **r})
    sink.clear()

    note("python: single render")
    r = side_by_side(
        lambda i: sink.append(handle.render(pool[i % size], pool[i % size]["forceProvider"])["request"]["body"]),
        lambda i: sink.append(baseline(pool[i % size])["request"]["body"]))
    emit({"bench": "python.single.render", "unit": "ns/msg", **r})
    sink.clear()

    # Full plans (decision with the trace's words, text) and compact ones (what a bulk sender needs).
    for compact, n_batch in ((False, 1_000), (False, 10_000), (True, 1_000), (True, 10_000)):
        note("python: batch of %d, %s plans" % (n_batch, "compact" if compact else "full"))
        batch = [notification(i) for i in range(n_batch)]

        def engine_batch(_i, batch=batch, compact=compact):
            for item in handle.plan_batch(batch, compact=compact):
                sink.append(item["ok"]["request"]["body"])
            sink.clear()

        def baseline_batch(_i, batch=batch):
            for item in [baseline(n) for n in batch]:
                sink.append(item["request"]["body"])
            sink.clear()

        r = side_by_side(engine_batch, baseline_batch, msgs_per_call=n_batch, rounds=5, round_ms=300, warmup_ms=400)
        name = "python.batch.%s%dk" % ("compact." if compact else "", n_batch // 1000)
        emit({"bench": name, "unit": "ns/msg", "batch": n_batch, **r})

    # Where a batch's time goes: json.dumps of the call, the Wasm call itself (write input,
    # sw_call, read output), json.loads of the answer.
    batch = [notification(i) for i in range(10_000)]
    # The live instance at each use: a call that leaves the memory above the engine's reset
    # threshold replaces it (timing-dependent: calibration decides how many calls ran before).
    def inst():
        return handle.engine._instance()

    def t(fn, reps=2 if QUICK else 5):
        xs = []
        for _ in range(reps):
            t0 = time.perf_counter_ns()
            fn()
            xs.append((time.perf_counter_ns() - t0) / len(batch))
        return round(statistics.median(xs), 1)

    for compact in (False, True):
        args_ = {"notifications": batch, **({"compact": True} if compact else {})}
        payload = json.dumps({"op": "planBatch", "args": args_}, ensure_ascii=False, separators=(",", ":"))
        answer = inst().call_raw(payload)
        emit({
            "bench": "python.batch.%s10k.breakdown" % ("compact." if compact else ""),
            "unit": "ns/msg",
            "total": t(lambda compact=compact: handle.plan_batch(batch, compact=compact)),
            "dumpsArgs": t(lambda args_=args_: json.dumps({"op": "planBatch", "args": args_},
                                                         ensure_ascii=False, separators=(",", ":"))),
            "wasmCall": t(lambda payload=payload: inst().call_raw(payload)),
            "loadsAnswer": t(lambda answer=answer: json.loads(answer)),
            "argsBytesPerMsg": round(len(payload.encode()) / len(batch)),
            "answerBytesPerMsg": round(len(answer.encode()) / len(batch)),
            "crossing": inst().crossing,
        })
    # The same for one call: the fixed cost of crossing into the engine, and a single plan's parts.
    one = json.dumps({"op": "version", "args": None})
    per = lambda fn, n=2000: round(statistics.median(run_for(fn, n) / n for _ in range(5)), 1)  # noqa: E731
    emit({"bench": "python.call.version", "unit": "ns/call", "nsPerOp": per(lambda _i: inst().call_raw(one))})
    n0 = pool[1]
    call = json.dumps({"op": "plan", "args": n0}, ensure_ascii=False, separators=(",", ":"))
    plan_answer = inst().call_raw(call)
    emit({
        "bench": "python.single.breakdown",
        "unit": "ns/msg",
        "total": per(lambda _i: handle.call("plan", n0)),
        "dumpsArgs": per(lambda _i: json.dumps({"op": "plan", "args": n0}, ensure_ascii=False, separators=(",", ":"))),
        "wasmCall": per(lambda _i: inst().call_raw(call)),
        "loadsAnswer": per(lambda _i: json.loads(plan_answer)),
    })

    # 3. cold start in fresh processes (each Odoo worker pays it once)
    runs = 2 if QUICK else 3
    note("python: cold WasmEngine() + configure in %d fresh processes" % runs)
    samples = []
    cfg_args = ["--config", args.config] if args.config else []
    cfg_env = dict(os.environ)
    if not args.config:
        import tempfile  # pylint: disable=import-outside-toplevel

        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(config, tmp)
        tmp.close()
        cfg_args = ["--config", tmp.name]
    try:
        for _ in range(runs):
            out = subprocess.run([sys.executable, __file__, "--cold-init", "--wasm", args.wasm] + cfg_args,
                                 capture_output=True, text=True, timeout=120, env=cfg_env)
            if out.returncode == 0:
                samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
            else:
                note("python: cold-init child failed: %s" % out.stderr[-500:])
    finally:
        if not args.config:
            os.unlink(tmp.name)
    if samples:
        emit({
            "bench": "python.instantiate",
            "ms": round(statistics.median(s["compileMs"] + s["configureMs"] for s in samples), 1),
            "compileMs": round(statistics.median(s["compileMs"] for s in samples), 1),
            "configureMs": round(statistics.median(s["configureMs"] for s in samples), 1),
            "samples": [round(s["compileMs"] + s["configureMs"], 1) for s in samples],
        })
    else:
        emit({"bench": "python.instantiate", "error": "every cold-init child failed"})
    note("python: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
