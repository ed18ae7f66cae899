# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Python host of the sicantik-whatsapp engine (the ``host-abi`` Wasm build).

This module has no Odoo import on purpose: it can be used (and tested) by any Python program.

The engine is *sans-IO*: it decides which provider gets a notification, builds the exact HTTP
request and understands the answer, but it never touches the network or the clock. This module

* loads the Wasm module through ``wasmtime`` **once per process** (module-level cache guarded by a
  lock, because Odoo's threaded server runs several requests in one process);
* speaks the JSON protocol of ``docs/host-abi.md``: the call is written into the engine's input
  buffer (address obtained from ``sw_input`` and cached while messages fit), one ``sw_call`` per
  operation, and the answer is read from the engine's memory;
* runs the dispatch loop over a :class:`Transport` (``requests`` in production, a scripted fake in
  tests), never logging a request that carries credentials.

The parts: ``instance.py`` (wasmtime loading, one instance, the portable call), ``fast_call.py``
(the ctypes fast path, used only when its probe accepts the installed wasmtime),
``dispatch.py`` (a configured engine and the dispatch loop), ``transport.py``, ``pacer.py`` and
``errors.py``. Import from here: every public name is re-exported.

Several configurations (several Odoo databases, several companies) can share the single instance:
:meth:`WasmEngine.configured` returns a handle that re-sends ``configure`` only when the instance
currently holds another configuration. A dispatch keeps no state inside the instance (its state
travels with each step), so interleaved dispatches of different configurations are safe.
"""

import json
import logging
import os
import threading

from .dispatch import ConfiguredEngine, _response
from .errors import EngineError, EngineUnavailable, PaceDeferred, TransportFailure
from .fast_call import PORTABLE_ENV
from .instance import DEFAULT_WASM_PATH, WASM_PATH_ENV, Instance, load, wasm_path
from .pacer import Pacer, now_ms
from .transport import RequestsTransport, Transport

__all__ = [
    "DEFAULT_WASM_PATH",
    "PORTABLE_ENV",
    "WASM_PATH_ENV",
    "ConfiguredEngine",
    "Engine",
    "EngineError",
    "EngineUnavailable",
    "PaceDeferred",
    "Pacer",
    "RequestsTransport",
    "Transport",
    "TransportFailure",
    "WasmEngine",
    "_response",
    "get_engine",
    "now_ms",
    "reset_engines",
    "wasm_path",
]

_logger = logging.getLogger(__name__)

#: Wasm linear memory only grows. When a call leaves the instance larger than this, the instance
#: is dropped and the next call starts a fresh one (re-sending ``configure``): one large call does
#: not keep the worker inflated. Everyday calls stay far below (a configured engine uses ~2 MiB).
MEMORY_RESET_BYTES = 64 * 1024 * 1024


class WasmEngine:
    """The process-wide engine. Get it with :func:`get_engine`; all calls are serialized."""

    memory_reset_bytes = MEMORY_RESET_BYTES
    #: How many times a grown instance was replaced (tests, diagnostics).
    memory_resets = 0

    def __init__(self, path):
        self._wasmtime, self._wasm_engine, self._module = load(path)
        self.path = path
        self._lock = threading.RLock()
        self._inst = None
        #: Default pacer of :meth:`ConfiguredEngine.dispatch` in this process.
        self.pacer = Pacer()

    # -- low level -------------------------------------------------------------------------

    def _instance(self):
        if self._inst is None:
            self._inst = Instance(self._wasm_engine, self._module, self._wasmtime)
        return self._inst

    def _discard(self):
        inst, self._inst = self._inst, None
        if inst is not None:
            try:
                inst.close()
            except Exception:  # pylint: disable=broad-except
                # Already unusable; the memory goes with the object.
                _logger.debug("engine: closing a discarded instance failed", exc_info=True)

    def _call_locked(self, op, args):
        payload = json.dumps({"op": op, "args": args}, ensure_ascii=False, separators=(",", ":"))
        inst = self._instance()
        try:
            answer = inst.call_raw(payload)
        except (self._wasmtime.Trap, self._wasmtime.WasmtimeError) as e:
            # A trap (the engine aborts on a bug): the instance is unusable. Start over with a
            # fresh one on the next call, and report the op that failed.
            self._discard()
            lines = [line.strip() for line in str(e).splitlines() if line.strip()]
            reason = next(
                (line for line in lines if "trap" in line.lower()), lines[0] if lines else ""
            )
            raise EngineError("engine.trap", f"the engine stopped on {op!r}: {reason}") from None
        if inst.memory_bytes() > self.memory_reset_bytes:
            self._discard()
            self.memory_resets += 1
        result = json.loads(answer)
        if "error" in result:
            err = result["error"] or {}
            raise EngineError(
                err.get("code") or "engine.error",
                err.get("message") or "",
                err.get("suggestion"),
                err.get("args"),
            )
        return result.get("ok")

    def call(self, op, args=None):
        """Run one op that needs no configuration (``version``, ``normalizePhone``,
        ``lintTemplate``, ``describeTemplate`` with an inline template...)."""
        with self._lock:
            return self._call_locked(op, args)

    def version(self):
        return self.call("version")

    def limits(self):
        """The engine's input limits (``limits`` op: ``callBytes``, ``templateTextBytes``,
        ``placeholders``, ``valueBytes``, ``messageBytes``, ``batch``); read them, never copy."""
        limits = self.__dict__.get("_limits")
        if limits is None:
            limits = self._limits = self.call("limits")
        return limits

    def check_credentials(self, kind, credentials):
        """Problems of a profile's credentials (``checkCredentials``): ``[{"field", "code",
        "message"}]``, empty when they are fine. Messages never contain a credential."""
        return self.call("checkCredentials", {"kind": kind, "credentials": credentials})

    def normalize_phone(self, phone, default_country=None):
        args = {"phone": phone or ""}
        if default_country:
            args["defaultCountry"] = default_country
        return self.call("normalizePhone", args)

    def lint_template(self, template):
        return self.call("lintTemplate", template)

    def catalogue(self):
        """The engine's catalogue (``catalogue`` op), read once per process: ``{"codes": {code:
        {"args", "id", "en"}}, "credentials": [{"kind", "fields": [{"name", "secret"}]}],
        "defaults": {"country", "optInText", "metaApiVersion", "language", "timeoutMs",
        "retryAfterMs", "secretMask"}}``. Hosts render codes and take defaults from it; never
        copy."""
        catalogue = self.__dict__.get("_catalogue")
        if catalogue is None:
            catalogue = self._catalogue = self.call("catalogue")
        return catalogue

    def mask_config(self, config):
        """``config`` (an ``EngineConfig`` dict) for a browser: every secret credential replaced
        by the engine's mask, the public identifiers kept (``maskConfig``)."""
        return self.call("maskConfig", config)

    def describe_template(self, template):
        """What ``template`` (a ``MasterTemplate`` dict) asks for (``describeTemplate``):
        ``{"params": [{"name", "positional", "role", "ask", "in"}], "reserved", "error"}``, the
        parameters in canonical order as the renderer reads them. Never scan placeholders here."""
        return self.call("describeTemplate", {"template": template})

    def lint_profile(self, provider, now_ms):
        """``[LintIssue]`` of a provider profile (no credentials needed) at ``now_ms``."""
        return self.call("lintProfile", {"provider": provider, "nowMs": int(now_ms)})

    def configured(self, config, key=None):
        """A handle on this engine holding ``config`` (an ``EngineConfig`` dict).

        ``key`` identifies the configuration (e.g. database, company and a write-date signature);
        when omitted it is derived from the JSON. ``configure`` is sent only when the instance holds
        another configuration. Raises :class:`EngineError` (``config.invalid``) at first use when
        the configuration is refused.
        """
        if key is None:
            key = json.dumps(config, sort_keys=True)
        return ConfiguredEngine(self, config, key)

    def _ensure(self, handle):
        inst = self._instance()
        if inst.config_key != handle.key:
            inst.config_key = None
            summary = self._call_locked("configure", handle.config)
            inst = self._instance()
            inst.config_key = handle.key
            handle.summary = summary

    def _call_configured(self, handle, op, args):
        with self._lock:
            self._ensure(handle)
            try:
                return self._call_locked(op, args)
            except EngineError as e:
                if e.code == "engine.trap":
                    handle.summary = None
                raise


#: The name the brief and the docs use for the process-wide engine.
Engine = WasmEngine

_ENGINES = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(path=None):
    """The process-wide :class:`WasmEngine` for ``path`` (default: next to this file, or
    ``$SICANTIK_WHATSAPP_WASM``). Raises :class:`EngineUnavailable` with instructions when it
    cannot be loaded; a later call retries (so installing the file needs no restart of the code
    path, only of stale workers)."""
    path = os.path.abspath(path or wasm_path())
    engine = _ENGINES.get(path)
    if engine is not None:
        return engine
    with _ENGINES_LOCK:
        engine = _ENGINES.get(path)
        if engine is None:
            engine = WasmEngine(path)
            _ENGINES[path] = engine
            _logger.info("sicantik_whatsapp engine %s loaded from %s", engine.version(), path)
        return engine


def reset_engines():
    """Forget the cached engines (tests, or after replacing the Wasm file)."""
    with _ENGINES_LOCK:
        _ENGINES.clear()
