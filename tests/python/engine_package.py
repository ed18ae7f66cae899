"""Import the addon's ``engine/`` as a package without importing the Odoo addon around it (the
tests' and benchmarks' way to reach ``engine/host.py`` and its sibling modules)."""

import importlib
import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENGINE_DIR = os.path.join(ROOT, "odoo_addon", "sicantik_whatsapp", "engine")
NAME = "sicantik_whatsapp_engine_host"


def load_package():
    if NAME in sys.modules:
        return sys.modules[NAME]
    spec = importlib.util.spec_from_file_location(
        NAME, os.path.join(ENGINE_DIR, "__init__.py"), submodule_search_locations=[ENGINE_DIR]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module
    spec.loader.exec_module(module)
    return module


def submodule(name):
    """``engine/<name>.py`` of the package (``host``, ``testing``, ``fast_call``...)."""
    return importlib.import_module(f"{load_package().__name__}.{name}")
