# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ctypes fast path into the engine: ``sw_call`` without wasmtime-py's per-call overhead.

``Func.__call__`` looks up the function's type and converts every argument on each call: about
18 us per crossing, more than the engine needs to plan a message. Here the call goes straight to
the C API (``wasmtime_func_call_unchecked``, one i32 in, one i64 out) and the buffers are copied
with ``ctypes.memmove``/``string_at``: about 4 us.

It relies on wasmtime-py internals (:data:`INTERNALS`), so :func:`attach` only uses it when
:func:`probe` accepts the installed wasmtime (a verified version that has every internal) *and* a
probe call answers byte for byte as the public API does; otherwise the instance keeps the
portable path (wasmtime's public API, ``instance.py``), which needs nothing of this module.
"""

import importlib.metadata
import json
import logging
import os

_logger = logging.getLogger(__name__)

#: ``1``: cross through wasmtime's public API only. ``0``: try the fast path on any wasmtime
#: version that has the internals (still checked by the probe call). Unset: verified versions.
PORTABLE_ENV = "SICANTIK_WHATSAPP_WASM_PORTABLE"
#: wasmtime-py major versions whose internals this module was checked against (before adding
#: one, run scripts/python_tests on it: test_direct_crossing_answers_as_the_public_api).
VERIFIED_MAJORS = frozenset({51})
#: The private names of wasmtime-py the fast path uses: ``_bindings`` functions and types, class
#: attributes, and the attributes of an instance's objects holding their raw C structs.
INTERNALS = {
    "_bindings": (
        "wasmtime_func_call_unchecked",
        "wasmtime_memory_data",
        "wasmtime_memory_data_size",
        "wasmtime_val_raw",
        "wasm_trap_t",
    ),
    "Store": ("_context",),
    "WasmtimeError": ("_from_ptr",),
    "Trap": ("_from_ptr",),
}
INSTANCE_INTERNALS = {"sw_call": "_func", "memory": "_memory"}


def installed_version():
    """The installed wasmtime-py version (``"51.0.0"``), ``None`` when unknown."""
    try:
        return importlib.metadata.version("wasmtime")
    except importlib.metadata.PackageNotFoundError:
        return None


def probe(wasmtime, inst=None, version=None):
    """Why the fast path cannot be used with this ``wasmtime`` module and instance (``None``: it
    can): forced off, an unverified version, or a missing internal."""
    mode = os.environ.get(PORTABLE_ENV)
    if mode == "1":
        return f"{PORTABLE_ENV}=1"
    version = installed_version() if version is None else version
    major = (version or "").split(".")[0]
    if mode != "0" and not (major.isdigit() and int(major) in VERIFIED_MAJORS):
        return f"wasmtime {version or '?'} is not a verified version (set {PORTABLE_ENV}=0 to try)"
    try:
        from wasmtime import _bindings  # pylint: disable=import-outside-toplevel
    except ImportError:
        return f"wasmtime {version}: no _bindings"
    for owner, names in INTERNALS.items():
        target = _bindings if owner == "_bindings" else getattr(wasmtime, owner, None)
        missing = [n for n in names if target is None or not hasattr(target, n)]
        if missing:
            return f"wasmtime {version}: {owner} has no {', '.join(missing)}"
    for field, name in INSTANCE_INTERNALS.items() if inst is not None else ():
        if not hasattr(getattr(inst, field), name):
            return f"wasmtime {version}: {field} has no {name}"
    return None


def attach(inst, wasmtime):
    """A :class:`DirectCall` on ``inst`` (an ``instance.Instance``) when the probe and a probe
    call agree with the public API; else ``None`` (the portable path)."""
    reason = probe(wasmtime, inst)
    if reason is None:
        payload = json.dumps({"op": "version"}).encode("utf-8")
        try:
            direct = DirectCall(inst, wasmtime)
            inst._reserve(len(payload))  # pylint: disable=protected-access
            if direct.call(inst.input_addr, payload) == inst.call_portable(payload):
                return direct
            reason = "its answer differs from wasmtime's public API"
        except Exception as e:  # pylint: disable=broad-except
            reason = str(e)
    _logger.info("engine: direct Wasm calls unavailable (%s); using wasmtime's public API", reason)
    return None


class DirectCall:
    """``sw_call`` of one instance through wasmtime's C API (see the module's docstring)."""

    def __init__(self, inst, wasmtime):
        import ctypes  # pylint: disable=import-outside-toplevel

        from wasmtime import _bindings as ffi  # pylint: disable=import-outside-toplevel

        self._ctypes = ctypes
        self._wasmtime = wasmtime
        self._ffi = ffi
        self._call = ffi.wasmtime_func_call_unchecked
        self._data = ffi.wasmtime_memory_data
        self._ctx = inst.store._context()  # pylint: disable=protected-access
        self._func = ctypes.byref(inst.sw_call._func)  # pylint: disable=protected-access
        self._memory = ctypes.byref(inst.memory._memory)  # pylint: disable=protected-access
        self._raw = (ffi.wasmtime_val_raw * 1)()
        self._keep = inst  # the store must outlive the raw context pointer

    def memory_bytes(self):
        return self._ffi.wasmtime_memory_data_size(self._ctx, self._memory)

    def _base(self):
        return self._ctypes.addressof(self._data(self._ctx, self._memory).contents)

    def call(self, addr, data):
        ctypes = self._ctypes
        # The memory may have moved since the last call (it grows): fetch its address each time.
        ctypes.memmove(self._base() + addr, data, len(data))
        self._raw[0].i32 = len(data)
        trap = ctypes.POINTER(self._ffi.wasm_trap_t)()
        error = self._call(self._ctx, self._func, self._raw, 1, ctypes.byref(trap))
        if error:
            raise self._wasmtime.WasmtimeError._from_ptr(error)  # pylint: disable=protected-access
        if trap:
            raise self._wasmtime.Trap._from_ptr(trap)  # pylint: disable=protected-access
        packed = self._raw[0].i64 & 0xFFFFFFFFFFFFFFFF
        out, length = packed >> 32, packed & 0xFFFFFFFF
        return ctypes.string_at(self._base() + out, length).decode("utf-8")
