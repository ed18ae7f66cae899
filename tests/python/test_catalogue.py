"""The catalogue through the Python host (``WasmEngine.catalogue``): every code the engine can
emit has its Indonesian and English sentence, and every trace step and error of the shared
fixtures gives the arguments its sentence names: each case's steps run through the transcript
runner's ``call`` (test_fixtures.py) in a fresh host, and the walk reads every answer and error.
The rules live with the addon's tests (odoo_addon/sicantik_whatsapp/tests/catalogue_walk.py),
which Odoo runs too."""

import json
import os
import sys

import pytest

from test_fixtures import ROOT, WASM, call, case_steps, host, transcripts

sys.path.insert(0, os.path.join(ROOT, "odoo_addon", "sicantik_whatsapp", "tests"))

import catalogue_walk as walk  # noqa: E402  (plain Python, no Odoo import)


@pytest.fixture(scope="module")
def engine():
    return host.WasmEngine(WASM)


@pytest.fixture(scope="module")
def catalogue(engine):
    return engine.catalogue()


def answers(engine, suite, case):
    """Every answer and error of the case's steps, whether or not a step expects it."""
    state, out = {"handle": None}, []
    for step in case_steps(suite, case):
        answer, error = call(engine, state, step["op"], step.get("args"))
        out.append({"error": error} if error else answer)
    return out


def test_every_code_has_both_sentences(catalogue):
    assert len(catalogue["codes"]) > 60
    assert walk.missing_sentences(catalogue) == []


def test_every_engine_code_of_the_fixtures_is_in_the_catalogue(catalogue):
    seen = {}
    for name, suite in transcripts():
        for code in walk.engine_codes_in(suite["cases"], catalogue):
            seen.setdefault(code, name)
    assert len(seen) > 50
    assert {c: f for c, f in seen.items() if c not in catalogue["codes"]} == {}


def test_every_step_and_error_of_the_fixtures_gives_its_arguments(engine, catalogue):
    problems, checked = [], set()
    for name, suite in transcripts():
        for case in suite["cases"]:
            for item in walk.steps_and_errors(answers(engine, suite, case)):
                problem = walk.code_problem(item, catalogue)
                if problem:
                    problems.append(f"{name} › {case['name']}: {problem}")
                checked.add(item["code"])
    assert problems == []
    assert len(checked) > 40, sorted(checked)


def test_the_checks_catch_a_broken_catalogue(catalogue):
    broken = json.loads(json.dumps(catalogue))
    broken["codes"]["route.selected"]["id"] = ""
    broken["codes"]["route.fallback"]["en"] = "{provider} is fallback {nomor}."
    assert sorted(walk.missing_sentences(broken)) == [
        "route.fallback (en): {nomor} is not among its arguments",
        "route.selected: no id sentence",
    ]
    assert "no sentence" in walk.code_problem({"code": "route.nope"}, catalogue)
    step = {"code": "route.fallback", "provider": "meta", "args": {}}
    assert "lacks {number}" in walk.code_problem(step, catalogue)
    step["args"]["number"] = "1"
    assert walk.code_problem(step, catalogue) is None
    assert walk.code_problem({"code": "meta.131026"}, catalogue) is None
