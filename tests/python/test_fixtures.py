"""The shared transcripts (tests/fixtures/*.json with ``cases``; rules in tests/fixtures/README.md)
through the host-ABI Wasm build and wasmtime, as the Odoo server calls the engine."""

import glob
import json
import os

import pytest

from engine_package import ROOT, submodule

host = submodule("host")  # the plain-Python host of the addon

WASM = os.path.join(ROOT, "odoo_addon", "sicantik_whatsapp", "engine", "sicantik_whatsapp_engine.wasm")


def subset(expected, actual, path="expect"):
    """Raise AssertionError naming the first difference (objects: the listed keys, a missing key
    reads as null; arrays: same length, element-wise; anything else: JSON equality)."""
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


def call(engine, state, op, args):
    """One op call as ``(answer, error)``: ``configure`` makes a configured handle."""
    try:
        if op == "configure":
            state["handle"] = None  # a refused configuration leaves none
            handle = engine.configured(args, key=json.dumps(args, sort_keys=True))
            handle.configure()
            state["handle"] = handle
            return {}, None
        return (state["handle"] or engine).call(op, args), None
    except host.EngineError as e:
        error = {"code": e.code, "message": e.message, "suggestion": e.suggestion}
        # The arguments of the code's catalogue sentence (``phone.invalid``'s ``reasonCode``...).
        return None, (dict(error, args=e.fields) if e.fields else error)


def check_step(step, answer, error):
    if "expectError" in step:
        assert error is not None, f"expected an error, got {json.dumps(answer)}"
        subset(step["expectError"], error, "expectError")
    else:
        assert error is None, f"unexpected error {error}"
        if "expect" in step:
            subset(step["expect"], answer)


def transcripts():
    """``(file name, suite)`` of every transcript file, sorted by name."""
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "*.json"))):
        with open(path, encoding="utf-8") as f:
            suite = json.load(f)
        if "cases" in suite:
            yield os.path.basename(path), suite


def case_steps(suite, case):
    """A case's steps: its own ``setup`` (else the file's), then its ``steps``."""
    return case.get("setup", suite.get("setup", [])) + case["steps"]


def cases():
    for name, suite in transcripts():
        for case in suite["cases"]:
            yield pytest.param(case_steps(suite, case), id=f"{name}::{case['name']}")


@pytest.fixture(scope="module", params=["direct", "portable"])
def engine(request):
    """Every transcript through both crossings: the ctypes fast path, and the fallback taken when
    its probe refuses the installed wasmtime (forced here as an unverified version would force it)."""
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


@pytest.mark.parametrize("steps", list(cases()))
def test_fixture(engine, steps):
    state = {"handle": None}
    for i, step in enumerate(steps):
        answer, error = call(engine, state, step["op"], step.get("args"))
        try:
            check_step(step, answer, error)
        except AssertionError as e:
            raise AssertionError(f"step {i} ({step['op']}): {e}") from None


def test_the_matching_rule_fails_on_differences():
    subset({"a": None}, {})
    for expected, actual in (({"a": [1]}, {"a": [1, 2]}), ({"a": "1"}, {"a": 1}), ({"a": True}, {"a": 1})):
        with pytest.raises(AssertionError):
            subset(expected, actual)
    with pytest.raises(AssertionError, match="expected an error"):
        check_step({"expectError": {"code": "x"}}, {}, None)
    with pytest.raises(AssertionError, match="unexpected error"):
        check_step({}, None, {"code": "x"})
