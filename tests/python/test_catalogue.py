"""The catalogue through the Python host (``WasmEngine.catalogue``): every code the engine can
emit has its Indonesian and English sentence, and every trace step and error of the shared
fixtures gives the arguments its sentence names. The rules live with the addon's tests
(odoo_addon/sicantik_whatsapp/tests/catalogue_walk.py), which Odoo runs too."""

import glob
import json
import os
import sys

import pytest

from test_fixtures import ROOT, WASM, host, run_case

sys.path.insert(0, os.path.join(ROOT, "odoo_addon", "sicantik_whatsapp", "tests"))

import catalogue_walk as walk  # noqa: E402  (plain Python, no Odoo import)


@pytest.fixture(scope="module")
def engine():
    return host.WasmEngine(WASM)


@pytest.fixture(scope="module")
def catalogue(engine):
    return engine.catalogue()


def suites():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "*.json"))):
        with open(path, encoding="utf-8") as f:
            yield os.path.basename(path), json.load(f)


def test_every_code_has_both_sentences(catalogue):
    assert len(catalogue["codes"]) > 60
    assert walk.missing_sentences(catalogue) == []


def test_every_engine_code_of_the_fixtures_is_in_the_catalogue(catalogue):
    seen = {}
    for name, suite in suites():
        for code in walk.engine_codes_in(suite["cases"], catalogue):
            seen.setdefault(code, name)
    assert len(seen) > 50
    assert {c: f for c, f in seen.items() if c not in catalogue["codes"]} == {}


def test_every_step_and_error_of_the_fixtures_gives_its_arguments(engine, catalogue):
    problems, checked = [], set()
    for name, suite in suites():
        for case in suite["cases"]:
            for item in walk.steps_and_errors(run_case(engine, suite["config"], case)):
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
