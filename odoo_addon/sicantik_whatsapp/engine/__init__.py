# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Python host of the Wasm engine (plain Python, no Odoo import). See ``host.py``."""

from .host import (  # noqa: F401
    ConfiguredEngine,
    Engine,
    EngineError,
    EngineUnavailable,
    PaceDeferred,
    Pacer,
    RequestsTransport,
    Transport,
    TransportFailure,
    WasmEngine,
    get_engine,
    now_ms,
    reset_engines,
)
