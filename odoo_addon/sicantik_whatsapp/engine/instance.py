# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Loading the engine with ``wasmtime`` and one instance of it: the input buffer and the call
across the Wasm boundary (wasmtime's public API; the ctypes fast path of ``fast_call.py`` when
its probe accepts the installed wasmtime)."""

import os

from . import fast_call
from .errors import EngineUnavailable

#: Where ``make addon`` puts the engine (next to this file).
DEFAULT_WASM_PATH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "sicantik_whatsapp_engine.wasm"
)
#: Environment variable that may point at another build of the engine.
WASM_PATH_ENV = "SICANTIK_WHATSAPP_WASM"


def wasm_path():
    return os.environ.get(WASM_PATH_ENV) or DEFAULT_WASM_PATH


def load(path):
    """``(wasmtime, engine, module)`` of the Wasm file ``path``, or :class:`EngineUnavailable`
    saying what to do."""
    try:
        import wasmtime  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise EngineUnavailable(
            "The Python package 'wasmtime' is not installed in the Odoo server's Python. "
            "Install it with 'pip install wasmtime' (in the environment that runs Odoo) and "
            "restart Odoo."
        ) from None
    if not os.path.isfile(path):
        raise EngineUnavailable(
            f"The WhatsApp engine file is missing: {path}. Build it from the project with "
            "'make addon' (or install the packaged addon zip, which contains it) and restart "
            "Odoo."
        )
    try:
        wasm_engine = wasmtime.Engine(_wasmtime_config(wasmtime))
        module = wasmtime.Module.from_file(wasm_engine, path)
    except Exception as e:  # wasmtime raises WasmtimeError / ValueError for bad files
        raise EngineUnavailable(
            f"The WhatsApp engine file {path} cannot be loaded ({e}). Rebuild it with 'make addon' "
            "and restart Odoo."
        ) from None
    return wasmtime, wasm_engine, module


def _wasmtime_config(wasmtime):
    """Small virtual-memory footprint.

    By default wasmtime reserves 4 GiB (+ guard pages) of address space per linear memory. Odoo
    limits its workers' address space (``limit_memory_hard``, RLIMIT_AS, 2.5 GiB by default), so
    that reservation fails with "mmap failed to reserve". The engine needs a few MiB: reserve
    little, keep small guard pages and let the memory move when it grows (bounds checks are
    explicit then; the cost is negligible next to an HTTP request).
    """
    config = wasmtime.Config()
    config.memory_reservation = 0
    config.memory_guard_size = 64 * 1024
    config.memory_reservation_for_growth = 16 * 1024 * 1024
    config.memory_may_move = True
    return config


class Instance:
    """One wasmtime instance of the engine and its cached input buffer."""

    def __init__(self, wasm_engine, module, wasmtime):
        self.store = wasmtime.Store(wasm_engine)
        self.instance = wasmtime.Instance(self.store, module, [])
        exports = self.instance.exports(self.store)
        self.memory = exports["memory"]
        self.sw_input = exports["sw_input"]
        self.sw_call = exports["sw_call"]
        self.input_addr = None
        self.input_cap = 0
        #: Signature of the configuration the instance holds (``None``: not configured).
        self.config_key = None
        self._direct = fast_call.attach(self, wasmtime)

    @property
    def crossing(self):
        """``"direct"`` or ``"portable"``: how calls cross into the engine (benchmarks, tests)."""
        return "direct" if self._direct else "portable"

    def _reserve(self, size):
        """Make the input buffer hold ``size`` bytes; ``False`` when the engine refuses (above
        its call limit: ``sw_input`` answers 0 and allocates nothing)."""
        if self.input_addr is None or size > self.input_cap:
            # Grow geometrically so the address can be reused by the next calls.
            cap = max(size, 2 * self.input_cap, 4096)
            addr = self.sw_input(self.store, cap)
            if not addr and cap > size:
                cap = size
                addr = self.sw_input(self.store, cap)
            if not addr:
                return False
            self.input_addr, self.input_cap = addr, cap
        return True

    def call_raw(self, payload):
        data = payload.encode("utf-8")
        if not self._reserve(len(data)):
            return self._refused(len(data))
        if self._direct:
            return self._direct.call(self.input_addr, data)
        return self.call_portable(data)

    def call_portable(self, data):
        """One call through wasmtime's public API (``Func.__call__``, ``Memory.read/write``)."""
        if not self._reserve(len(data)):
            return self._refused(len(data))
        self.memory.write(self.store, data, self.input_addr)
        return self._answer(self.sw_call(self.store, len(data)))

    def _refused(self, length):
        # Nothing is written: ``sw_call`` of more than the buffer holds answers the engine's own
        # ``limit.call`` error.
        return self._answer(self.sw_call(self.store, min(length, 0xFFFFFFFF)))

    def _answer(self, packed):
        packed &= 0xFFFFFFFFFFFFFFFF
        addr, length = packed >> 32, packed & 0xFFFFFFFF
        return bytes(self.memory.read(self.store, addr, addr + length)).decode("utf-8")

    def memory_bytes(self):
        if self._direct:
            return self._direct.memory_bytes()
        return self.memory.data_len(self.store)

    def close(self):
        """Free the instance's memory now (the direct-call helper refers back to it)."""
        self._direct = None
        self.store.close()
