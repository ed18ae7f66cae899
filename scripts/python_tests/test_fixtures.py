"""The shared fixtures (tests/fixtures/*.json) through the host-ABI Wasm build and wasmtime.

Same rules as tests/common/mod.rs (native, node, Chromium): a case may bring its own ``config`` or
a ``configPatch`` (RFC 7386 merge patch); ``expect`` is matched as a subset (objects: listed keys;
arrays: same length, element-wise); ``expect.requests`` lists every request sent, in order.
"""

import copy
import glob
import json
import os

import pytest

from engine_package import ROOT, submodule

host = submodule("host")  # the plain-Python host of the addon

DEFAULT_NOW_MS = 1_764_000_000_000
WASM = os.path.join(ROOT, "odoo_addon", "sicantik_whatsapp", "engine", "sicantik_whatsapp_engine.wasm")


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def subset(expected, actual, path="expect"):
    """Raise AssertionError naming the first difference."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            subset(value, actual.get(key), f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        assert len(expected) == len(actual), f"{path}: expected {len(expected)} items, got {len(actual)}: {actual}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            subset(e, a, f"{path}[{i}]")
    else:
        # JSON equality: 1 == 1.0, but True is not 1.
        same = expected == actual and isinstance(expected, bool) == isinstance(actual, bool)
        assert same, f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}"


def run_case(engine, suite_config, case):
    config = merge_patch(case.get("config", suite_config), case.get("configPatch", {}))
    handle = engine.configured(config, key=json.dumps(config, sort_keys=True))
    notification = case.get("notification")
    now = case.get("nowMs", DEFAULT_NOW_MS)
    expect = case["expect"]
    actual = {}

    def call(op, args):
        try:
            return handle.call(op, args), None
        except host.EngineError as e:
            error = {"code": e.code, "message": e.message}
            if e.suggestion is not None:
                error["suggestion"] = e.suggestion
            return None, error

    # A pacing case: the ``pace`` op for each of its args, in order (tests/fixtures/pacing.json).
    if "pace" in case:
        actual["pace"] = []
        for args in case["pace"]:
            answer, error = call("pace", args)
            if error:
                actual["error"] = error
                break
            actual["pace"].append(answer)
        return actual

    # A calls case: each ``{"op", "args"}`` in order; ``expect.calls`` lists the answers
    # (tests/fixtures/evidence.json).
    if "calls" in case:
        actual["calls"] = []
        for c in case["calls"]:
            answer, error = call(c["op"], c.get("args"))
            if error:
                actual["error"] = error
                break
            actual["calls"].append(answer)
        return actual

    # A batch case: one ``planBatch`` call (tests/fixtures/batch.json).
    if "batch" in case:
        answer, error = call("planBatch", {"notifications": case["batch"], "compact": bool(case.get("compact"))})
        return {"error": error} if error else {"planBatch": answer}

    actual["decision"], error = call("decide", notification)
    if error:
        return {"error": error}
    if "preview" in expect:
        actual["preview"], error = call("preview", notification)
        if error:
            actual["error"] = error
    if "outcome" in expect or "requests" in expect:
        requests, scripted = [], list(case.get("responses", []))
        step, error = call("dispatchStart", {"notification": notification, "nowMs": now})
        while error is None:
            action = step["action"]
            if action["type"] == "done":
                actual["outcome"] = action["outcome"]
                break
            requests.append(action["request"])
            if not scripted:
                error = {"code": "fixture.unscripted_request", "message": json.dumps(action["request"])}
                break
            feed = dict(scripted.pop(0), state=step["state"], nowMs=now)
            step, error = call("dispatchFeed", feed)
        if error:
            actual["error"] = error
        actual["requests"] = requests
    return actual


def cases():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "*.json"))):
        with open(path, encoding="utf-8") as f:
            suite = json.load(f)
        for case in suite["cases"]:
            yield pytest.param(suite["config"], case, id=f"{os.path.basename(path)}::{case['name']}")


@pytest.fixture(scope="module", params=["direct", "portable"])
def engine(request):
    """Every fixture through both crossings: the ctypes fast path, and the fallback taken when its
    probe refuses the installed wasmtime (forced here as an unverified version would force it)."""
    saved = os.environ.get(host.PORTABLE_ENV)
    os.environ[host.PORTABLE_ENV] = "1" if request.param == "portable" else "0"
    try:
        engine = host.WasmEngine(WASM)
        assert engine._instance().crossing == request.param
    finally:
        if saved is None:
            os.environ.pop(host.PORTABLE_ENV)
        else:
            os.environ[host.PORTABLE_ENV] = saved
    return engine


@pytest.mark.parametrize("suite_config,case", list(cases()))
def test_fixture(engine, suite_config, case):
    actual = run_case(engine, suite_config, case)
    if "error" in actual and "error" not in case["expect"]:
        pytest.fail(f"unexpected error {actual['error']}")
    subset(case["expect"], actual)
