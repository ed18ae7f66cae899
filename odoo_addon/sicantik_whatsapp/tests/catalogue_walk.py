# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The catalogue checks every Python host runs (tests/python/test_catalogue.py and the
Odoo test_catalogue.py; node and the page follow the same rules in tests/node/catalogue-walk.mjs).

Plain Python, no Odoo import: a code is an engine code when its family is one of the catalogue's
families and its name a plain identifier (``route.fallback``; not a provider's ``meta.131026``);
its sentences exist in Indonesian and English and name only its declared arguments; a trace step
or an error gives every argument its sentence names (``provider`` from the step's own field).
"""

import re

_ARG = re.compile(r"\{(\w+)\}")
_PLAIN = re.compile(r"^[a-z][a-z_]*$")


def is_engine_code(code, catalogue):
    if not isinstance(code, str) or code.count(".") != 1:
        return False
    family, name = code.split(".")
    families = {c.split(".")[0] for c in catalogue["codes"]}
    return family in families and bool(_PLAIN.match(name))


def missing_sentences(catalogue):
    """Every problem of the catalogue's own entries, as sentences."""
    problems = []
    for code, entry in catalogue["codes"].items():
        for lang in ("id", "en"):
            text = entry.get(lang)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{code}: no {lang} sentence")
                continue
            for name in _ARG.findall(text):
                if name not in entry["args"]:
                    problems.append(f"{code} ({lang}): {{{name}}} is not among its arguments")
    return problems


def engine_codes_in(value, catalogue, found=None):
    """Every engine-shaped ``code`` value anywhere in ``value`` (a fixture's cases)."""
    found = set() if found is None else found
    if isinstance(value, list):
        for v in value:
            engine_codes_in(v, catalogue, found)
    elif isinstance(value, dict):
        if is_engine_code(value.get("code"), catalogue):
            found.add(value["code"])
        for v in value.values():
            engine_codes_in(v, catalogue, found)
    return found


def steps_and_errors(value, out=None):
    """The trace steps (any ``trace`` list) and errors (any ``error`` dict) of an answer."""
    out = [] if out is None else out
    if isinstance(value, list):
        for v in value:
            steps_and_errors(v, out)
    elif isinstance(value, dict):
        for key, v in value.items():
            if key == "trace" and isinstance(v, list):
                out.extend(s for s in v if isinstance(s, dict) and s.get("code"))
            elif (
                key == "error"
                and isinstance(v, dict)
                and isinstance(v.get("code"), str)
                and not v["code"].startswith("fixture.")
            ):
                out.append(v)
            steps_and_errors(v, out)
    return out


def code_problem(item, catalogue):
    """``None`` when ``item`` (a step or an error) can be written from the catalogue, else why."""
    code = item.get("code")
    if not is_engine_code(code, catalogue):
        return None  # a provider's own code
    entry = catalogue["codes"].get(code)
    if entry is None:
        return f"{code} has no sentence in the catalogue"
    args = item.get("args") or {}
    for lang in ("id", "en"):
        for name in _ARG.findall(entry[lang]):
            given = args.get(name)
            if name == "provider":
                given = item.get("provider") or given
            if given in (None, ""):
                return f"{code} lacks {{{name}}} ({lang}): {item}"
    return None
