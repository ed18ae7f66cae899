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

Several configurations (several Odoo databases, several companies) can share the single instance:
:meth:`WasmEngine.configured` returns a handle that re-sends ``configure`` only when the instance
currently holds another configuration. A dispatch keeps no state inside the instance (its state
travels with each step), so interleaved dispatches of different configurations are safe.
"""

import json
import logging
import os
import threading
import time

_logger = logging.getLogger(__name__)

#: Where ``make addon`` puts the engine (next to this file).
DEFAULT_WASM_PATH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "sicantik_whatsapp_engine.wasm"
)
#: Environment variable that may point at another build of the engine.
WASM_PATH_ENV = "SICANTIK_WHATSAPP_WASM"

DEFAULT_TIMEOUT_MS = 15000


class EngineUnavailable(Exception):
    """The engine cannot be loaded (``wasmtime`` missing, Wasm file missing or broken).

    The message is English and says what to do; UIs translate a short lead-in and show it.
    """


class EngineError(Exception):
    """An error answered by the engine, with its stable ``code`` (``phone.invalid``...) and, when
    the engine has one, a ``suggestion``: the corrected input the person probably meant (e.g.
    ``0812…`` for ``phone.trunk_zero_doubled``). ``fields`` are the arguments of the code's
    catalogue sentence (``{"template": …, "param": …}``): fill the sentence from them, never
    parse ``message`` (``args`` is Python's own tuple of an exception)."""

    def __init__(self, code, message, suggestion=None, fields=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.suggestion = suggestion
        self.fields = fields or {}


class TransportFailure(Exception):
    """No HTTP response was obtained.

    ``kind`` is ``connect`` (nothing was sent), ``timeout`` or ``other``; ``maybe_sent`` says
    whether the provider may have received the request. It decides between falling back to the
    next provider (``False``) and stopping with an ``unknown`` outcome (``True``).
    """

    def __init__(self, kind, maybe_sent, message=""):
        super().__init__(message or kind)
        self.kind = kind
        self.maybe_sent = bool(maybe_sent)
        self.message = message or kind

    def to_engine(self):
        return {"kind": self.kind, "maybeSent": self.maybe_sent, "message": self.message}


class PaceDeferred(Exception):
    """A pacer refused to wait for ``provider``'s next slot (``at_ms``) before a dispatch's first
    request. Nothing was sent: the caller may queue the notification for that time."""

    def __init__(self, provider, at_ms):
        super().__init__("%s: next slot at %s" % (provider, at_ms))
        self.provider = provider
        self.at_ms = int(at_ms)


class Pacer:
    """Gateway pacing for one process: each rate-limited provider's next free time in memory.

    Before each request, :meth:`ConfiguredEngine.dispatch` calls ``pacer.before_send(engine,
    provider, first)``; the engine's ``pace`` op computes the slot (strict spacing of
    ``ceil(60000 / ratePerMinute)`` ms) and this object sleeps until it. Reserving moves the next
    free time on at once, so threads sending to the same provider queue behind each other.
    ``max_wait_ms`` bounds the wait before a dispatch's *first* request: beyond it
    :class:`PaceDeferred` is raised instead (nothing was sent yet). Several processes need a
    shared store instead (the Odoo addon keeps the next free time in the database).
    """

    def __init__(self, max_wait_ms=None, sleep=time.sleep, clock=None):
        self.max_wait_ms = max_wait_ms
        self._sleep = sleep
        self._clock = clock or now_ms
        self._next_free = {}
        self._lock = threading.Lock()

    #: A send waking up later than this after its slot (or 5 % of the interval, if more) takes a
    #: new one (at most ``late_retries`` times): a late thread never leaves right next to the
    #: following slot's owner.
    late_ms = 3
    late_retries = 3

    def before_send(self, engine, provider, first):
        """Wait for ``provider``'s next slot; returns the milliseconds waited."""
        if not engine.rate_per_minute(provider):
            return 0
        waited = 0
        for retry in range(self.late_retries + 1):
            with self._lock:
                slot = engine.pace(provider, self._clock(), self._next_free.get(provider))
                if first and self.max_wait_ms is not None and slot["waitMs"] > self.max_wait_ms:
                    raise PaceDeferred(provider, slot["atMs"])
                self._next_free[provider] = slot["nextFreeMs"]
            wait = slot["atMs"] - self._clock()
            if wait > 0:
                self._sleep(wait / 1000.0)
                waited += wait
            late_ok = max(self.late_ms, slot["intervalMs"] // 20)
            if self._clock() - slot["atMs"] <= late_ok or retry == self.late_retries:
                break
        return waited


class Transport:
    """Performs one engine ``HttpRequest`` and returns an ``HttpResponse``.

    ``request`` is ``{"method", "url", "headers", "body", "timeoutMs"}``; the result must be
    ``{"status": int, "headers": {str: str}, "body": str}``. Raise :class:`TransportFailure` when
    no response was obtained. Requests carry real credentials: never log them.
    """

    def send(self, request):
        raise NotImplementedError


class RequestsTransport(Transport):
    """Transport over the ``requests`` library (imported lazily).

    Without an explicit ``session``, requests go through one ``requests.Session`` per thread, so
    consecutive sends reuse their TCP (and TLS) connection instead of opening one per message.
    """

    #: A pooled connection idle for longer than this is not reused. Servers close idle keep-alive
    #: connections (node's default: after 5 s), and a POST written into a connection the server is
    #: closing fails like a dropped request, i.e. "maybe sent": an unknown outcome for nothing.
    KEEP_ALIVE_IDLE_S = 2.0
    _local = threading.local()

    def __init__(self, session=None, default_timeout_ms=DEFAULT_TIMEOUT_MS):
        self._session = session
        self.default_timeout_ms = default_timeout_ms

    @classmethod
    def _thread_session(cls, requests):
        local = cls._local
        session = getattr(local, "session", None)
        if session is not None and time.monotonic() - local.last_used > cls.KEEP_ALIVE_IDLE_S:
            session.close()
            session = None
        if session is None:
            # pylint: disable-next=import-outside-toplevel
            from http.cookiejar import DefaultCookiePolicy

            session = local.session = requests.Session()
            # Providers' cookies are never sent back: each request stands alone, as without a session.
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        return session

    @classmethod
    def _release(cls, failed):
        local = cls._local
        if failed and getattr(local, "session", None) is not None:
            # A broken exchange: start the next one on fresh connections.
            local.session.close()
            local.session = None
        local.last_used = time.monotonic()

    def send(self, request):
        import requests  # pylint: disable=import-outside-toplevel

        shared = self._session is None
        session = self._session or self._thread_session(requests)
        try:
            response = self._send(requests, session, request)
        except BaseException:
            if shared:
                self._release(failed=True)
            raise
        if shared:
            self._release(failed=False)
        return response

    def _send(self, requests, session, request):
        timeout = (request.get("timeoutMs") or self.default_timeout_ms) / 1000.0
        body = request.get("body")
        try:
            resp = session.request(
                request.get("method") or "POST",
                request["url"],
                headers=request.get("headers") or {},
                data=body.encode("utf-8") if isinstance(body, str) else body,
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.exceptions.ConnectTimeout as e:
            # The TCP connection was never established: nothing reached the provider.
            raise TransportFailure(
                "connect", False, "connection timed out: %s" % _safe_reason(e)
            ) from None
        except requests.exceptions.ReadTimeout as e:
            # The request left; the provider may have taken it.
            raise TransportFailure(
                "timeout", True, "no answer in time: %s" % _safe_reason(e)
            ) from None
        except requests.exceptions.SSLError as e:
            raise TransportFailure("other", False, "TLS error: %s" % _safe_reason(e)) from None
        except requests.exceptions.ConnectionError as e:
            # Refused / DNS failures happen before sending; a reset in the middle of the exchange
            # (ProtocolError, "Connection aborted") may happen after the provider got the request.
            maybe_sent = _looks_mid_exchange(e)
            kind = "other" if maybe_sent else "connect"
            raise TransportFailure(
                kind, maybe_sent, "connection failed: %s" % _safe_reason(e)
            ) from None
        except requests.exceptions.RequestException as e:
            raise TransportFailure("other", True, "request failed: %s" % _safe_reason(e)) from None
        except UnicodeError:
            # A header (a credential pasted with an invisible character) cannot be encoded: that
            # fails while the request is written, before any byte leaves. The exception's
            # arguments hold the header's text, so it goes no further.
            raise TransportFailure(
                "connect",
                False,
                "the request cannot be encoded (a credential with a non-ASCII character?)",
            ) from None
        return {
            "status": resp.status_code,
            "headers": dict(resp.headers.items()),
            "body": resp.text,
        }


def _safe_reason(exc):
    """The exception's class name only: urllib3 messages embed the URL, which may carry a token
    (Fonnte's GET variant, webhook secrets). Never the headers."""
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", None)
    return type(reason or inner or exc).__name__


def _looks_mid_exchange(exc):
    text = repr(exc.args[0] if exc.args else exc)
    return "Connection aborted" in text or "RemoteDisconnected" in text or "ProtocolError" in text


def now_ms():
    return int(time.time() * 1000)


def wasm_path():
    return os.environ.get(WASM_PATH_ENV) or DEFAULT_WASM_PATH


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


#: Set to 1 to cross into the engine through wasmtime's public API only (see ``_DirectCall``).
PORTABLE_ENV = "SICANTIK_WHATSAPP_WASM_PORTABLE"


class _Instance:
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
        self._direct = _DirectCall.attach(self, wasmtime)

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


class _DirectCall:
    """``sw_call`` without wasmtime-py's per-call overhead.

    ``Func.__call__`` looks up the function's type and converts every argument on each call:
    about 18 us per crossing, more than the engine needs to plan a message. Here the call goes
    straight to the C API (``wasmtime_func_call_unchecked``, one i32 in, one i64 out) and the
    buffers are copied with ``ctypes.memmove``/``string_at``: about 4 us.

    It uses wasmtime-py internals (``_bindings``, ``Func._func``, ``Memory._memory``,
    ``Store._context``), so it is only attached when they exist *and* a probe call answers exactly
    as the public API does; otherwise (another wasmtime version) calls take the portable path.
    """

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

    @classmethod
    def attach(cls, inst, wasmtime):
        if os.environ.get(PORTABLE_ENV) == "1":
            return None
        probe = json.dumps({"op": "version"}).encode("utf-8")
        try:
            direct = cls(inst, wasmtime)
            inst._reserve(len(probe))  # pylint: disable=protected-access
            if direct.call(inst.input_addr, probe) == inst.call_portable(probe):
                return direct
        except Exception as e:  # pylint: disable=broad-except
            _logger.info(
                "engine: direct Wasm calls unavailable (%s); using wasmtime's public API", e
            )
            return None
        _logger.info("engine: direct Wasm calls disagree with wasmtime's public API; not used")
        return None

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
                "The WhatsApp engine file is missing: %s. Build it from the project with "
                "'make addon' (or install the packaged addon zip, which contains it) and restart "
                "Odoo." % path
            )
        self._wasmtime = wasmtime
        self.path = path
        try:
            self._wasm_engine = wasmtime.Engine(_wasmtime_config(wasmtime))
            self._module = wasmtime.Module.from_file(self._wasm_engine, path)
        except Exception as e:  # wasmtime raises WasmtimeError / ValueError for bad files
            raise EngineUnavailable(
                "The WhatsApp engine file %s cannot be loaded (%s). Rebuild it with 'make addon' "
                "and restart Odoo." % (path, e)
            ) from None
        self._lock = threading.RLock()
        self._inst = None
        #: Default pacer of :meth:`ConfiguredEngine.dispatch` in this process.
        self.pacer = Pacer()

    # -- low level -------------------------------------------------------------------------

    def _instance(self):
        if self._inst is None:
            self._inst = _Instance(self._wasm_engine, self._module, self._wasmtime)
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
            raise EngineError(
                "engine.trap", "the engine stopped on %r: %s" % (op, reason)
            ) from None
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
        "retryAfterMs", "secretMask"}}``. Hosts render codes and take defaults from it; never copy."""
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

_DEFAULT = object()


class ConfiguredEngine:
    """The engine with one configuration. Cheap to create; every call takes the process lock."""

    def __init__(self, engine, config, key):
        self.engine = engine
        self.config = config
        self.key = key
        #: Answer of the last ``configure`` (providers, templates, lint by template code).
        self.summary = None

    def call(self, op, args=None):
        return self.engine._call_configured(self, op, args)

    def configure(self):
        """Force the configuration in and return its summary (``{"providers", "templates",
        "lint"}``)."""
        with self.engine._lock:
            self.engine._ensure(self)
            if self.summary is None:
                self.summary = self.engine._call_locked("configure", self.config)
            return self.summary

    def decide(self, notification):
        return self.call("decide", notification)

    def preview(self, notification):
        return self.call("preview", notification)

    def render(self, notification, provider):
        return self.call("render", {"notification": notification, "provider": provider})

    def plan_batch(self, notifications, compact=False):
        """Plans for many notifications; ``compact=True`` answers compact plans (trace codes and
        the request, no words or separate text: about half the JSON to parse)."""
        args = {"notifications": list(notifications)}
        if compact:
            args["compact"] = True
        return self.call("planBatch", args)

    def rate_per_minute(self, provider):
        """The configured ``ratePerMinute`` of ``provider`` (0: unlimited), without a Wasm call."""
        rates = self.__dict__.get("_rates")
        if rates is None:
            rates = self._rates = {
                p.get("id"): int(p.get("ratePerMinute") or 0)
                for p in self.config.get("providers") or []
            }
        return rates.get(provider, 0)

    def pace(self, provider, now_ms, next_free_ms=None):
        """The slot of a send to ``provider`` at ``now_ms`` given the ``next_free_ms`` stored after
        the previous one: ``{"provider", "atMs", "waitMs", "nextFreeMs", "intervalMs"}``."""
        return self.call(
            "pace", {"provider": provider, "nowMs": int(now_ms), "nextFreeMs": next_free_ms}
        )

    def normalize_phone(self, phone, default_country=None):
        args = {"phone": phone or ""}
        if default_country is None:
            default_country = self.config.get("defaultCountry")
        if default_country:
            args["defaultCountry"] = default_country
        return self.call("normalizePhone", args)

    def lint_template(self, template):
        return self.call("lintTemplate", template)

    def describe_template(self, template):
        """``describeTemplate`` of a template code of this configuration, or an inline template."""
        return self.call("describeTemplate", {"template": template})

    def health_check_request(self, provider):
        return self.call("healthCheckRequest", {"provider": provider})

    def health_check_parse(self, provider, response):
        return self.call("healthCheckParse", {"provider": provider, "response": response})

    def free_text_options(self, args):
        """Which providers may carry a free text now (``FreeTextArgs``), and why."""
        return self.call("freeTextOptions", args)

    def free_text_request(self, args):
        """The request carrying a free text through ``args["provider"]``."""
        return self.call("freeTextRequest", args)

    def free_text_classify(self, provider, response=None, transport_error=None):
        args = {"provider": provider}
        if transport_error is not None:
            args["transportError"] = transport_error
        else:
            args["response"] = response
        return self.call("freeTextClassify", args)

    def meta_templates_request(self, provider, after=None):
        args = {"provider": provider}
        if after:
            args["after"] = after
        return self.call("metaTemplatesRequest", args)

    def meta_templates_parse(self, response):
        return self.call("metaTemplatesParse", {"response": response})

    def dispatch(
        self,
        notification,
        transport,
        now_ms=None,
        on_attempt=None,
        transport_for=None,
        pacer=_DEFAULT,
    ):
        """Send ``notification`` through its provider chain; return the engine's ``Outcome``.

        ``transport`` performs each request (``transport_for(provider_id)`` may pick another one per
        provider, e.g. Odoo Enterprise's WhatsApp for a Meta profile). ``now_ms`` is a clock
        (callable returning milliseconds) or a fixed number; default: the wall clock.
        ``on_attempt(provider_id, request, response_or_failure)`` is called after each request; the
        request given to it carries credentials, so it must not be stored or logged as is (the
        outcome's attempts hold masked copies).
        ``pacer.before_send(engine, provider_id, first)`` runs before each request and waits for
        a rate-limited provider's slot (default: the process-wide :class:`Pacer`; ``None``: no
        pacing). It may raise :class:`PaceDeferred` before the first request only.
        """
        clock = (
            now_ms
            if callable(now_ms)
            else ((lambda: now_ms) if now_ms is not None else globals()["now_ms"])
        )
        if pacer is _DEFAULT:
            pacer = self.engine.pacer
        step = self.call("dispatchStart", {"notification": notification, "nowMs": clock()})
        first = True
        while True:
            action = step["action"]
            if action["type"] != "send":
                return action["outcome"]
            request = action["request"]
            provider = action.get("provider")
            tr = (transport_for(provider) if transport_for else None) or transport
            if pacer is not None:
                pacer.before_send(self, provider, first)
            first = False
            try:
                response = tr.send(request)
            except TransportFailure as failure:
                if on_attempt:
                    on_attempt(provider, request, failure)
                feed = {
                    "state": step["state"],
                    "nowMs": clock(),
                    "transportError": failure.to_engine(),
                }
            else:
                if on_attempt:
                    on_attempt(provider, request, response)
                feed = {"state": step["state"], "nowMs": clock(), "response": _response(response)}
            step = self.call("dispatchFeed", feed)


def _response(resp):
    return {
        "status": int(resp.get("status") or 0),
        "headers": {str(k): str(v) for k, v in (resp.get("headers") or {}).items()},
        "body": resp.get("body")
        if isinstance(resp.get("body"), str)
        else json.dumps(resp.get("body") or ""),
    }


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
