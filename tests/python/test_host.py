"""Plain-Python tests of the Odoo addon's engine host (no Odoo needed).

    python -m pytest tests/python                     # needs wasmtime + the host-ABI wasm

The host is ``odoo_addon/sicantik_whatsapp/engine/host.py``; the Wasm module is the host-ABI build
(``make addon`` puts it next to host.py; ``$SICANTIK_WHATSAPP_WASM`` may point at another one).
This file covers the host's own behaviour: buffer reuse, errors, missing or broken files, an
address-space limit like Odoo's, several configurations and threads sharing one instance, the
dispatch loop over a fake transport, and the ``requests`` transport against a local HTTP server.
The shared fixtures run through the same host in ``test_fixtures.py``.
"""

import copy
import http.server
import json
import os
import socket
import sys
import threading
import time

import pytest
from engine_package import submodule

DEFAULT_NOW_MS = 1_764_000_000_000

host = submodule("host")
testing = submodule("testing")
fast_call = submodule("fast_call")

pytest.importorskip("wasmtime", reason="wasmtime is not installed (pip install wasmtime)")


@pytest.fixture(scope="module")
def engine():
    try:
        return host.get_engine()
    except host.EngineUnavailable as e:
        pytest.fail(str(e))


CONFIG = {
    "providers": [
        {
            "id": "meta",
            "kind": "meta",
            "state": "configured",
            "name": "Meta",
            "baseUrl": "https://graph.meta.test",
            "apiVersion": "v25.0",
            "credentials": {
                "accessToken": "EAAG-SECRET-py",
                "phoneNumberId": "100000000000001",
                "wabaId": "2000",
            },
        },
        {
            "id": "fonnte",
            "kind": "fonnte",
            "state": "configured",
            "name": "Fonnte",
            "baseUrl": "https://api.fonnte.test",
            "credentials": {"token": "fonnte-SECRET-py"},
        },
        {
            "id": "watzap",
            "kind": "watzap",
            "state": "configured",
            "name": "Watzap",
            "baseUrl": "https://api.watzap.test/v1",
            "credentials": {"apiKey": "wz-SECRET-key", "numberKey": "wz-SECRET-number"},
        },
    ],
    "templates": [
        {
            "code": "permit_ready",
            "name": "Izin terbit",
            "language": "id",
            "body": "Yth. {{partner_name}}, izin {{permit_number}} telah terbit.",
            "meta": {"templateName": "permit_ready", "language": "id"},
        },
    ],
}
SECRETS = ["EAAG-SECRET-py", "fonnte-SECRET-py", "wz-SECRET-key", "wz-SECRET-number"]


def notification(opt_in=True, **extra):
    n = {
        "template": "permit_ready",
        "recipient": {
            "phone": "0812-3456-7890",
            "name": "Budi",
            "metaOptIn": opt_in,
            "optInUrl": "https://odoo.test/sicantik_whatsapp/consent/tok",
        },
        "values": {"partner_name": "Budi", "permit_number": "503/PBG/2026/0142"},
    }
    n.update(extra)
    return n


# ---------------------------------------------------------------------------------------------
# The host itself
# ---------------------------------------------------------------------------------------------


def test_version_and_phone(engine):
    assert engine.version()
    assert engine.normalize_phone("0812-3456-7890") == "6281234567890"
    assert engine.normalize_phone("+62 812 3456 7890") == "6281234567890"


def test_errors_have_stable_codes(engine):
    with pytest.raises(host.EngineError) as err:
        engine.normalize_phone("0812-CALL-ME")
    assert err.value.code == "phone.invalid"
    with pytest.raises(host.EngineError) as err:
        engine.call("no_such_op")
    assert err.value.code == "input.invalid"


def test_describe_template_inline_and_by_code(engine):
    """The wrappers of ``describeTemplate``: the form's fields come from the engine, not a regex."""
    d = engine.describe_template({"code": "x", "body": "Yth. {{1}}, izin {{2}}"})
    assert [(p["name"], p["ask"]) for p in d["params"]] == [("1", True), ("2", True)]
    assert d["error"] is None
    assert engine.describe_template({"code": "x", "body": "Yth. {{\nname}}"})["error"]["code"] == "template.malformed"
    handle = engine.configured(CONFIG)
    by_code = handle.describe_template("permit_ready")
    assert [(p["name"], p["role"]) for p in by_code["params"]] == [
        ("partner_name", "partnerName"),
        ("permit_number", "value"),
    ]


def test_catalogue_has_both_sentences_for_every_code(engine):
    """A host renders from the catalogue: a code without its Indonesian or English sentence, or a
    sentence naming an argument it does not declare, fails here."""
    catalogue = engine.catalogue()
    assert catalogue is engine.catalogue(), "read once per process"
    codes = catalogue["codes"]
    for code in ("template.missing_param", "route.skip_no_opt_in", "meta.param_count", "engine.not_configured"):
        assert code in codes, code
    for code, entry in codes.items():
        for lang in ("id", "en"):
            text = entry[lang]
            assert text.strip(), (code, lang)
            filled = text
            for arg in entry["args"]:
                filled = filled.replace("{%s}" % arg, "x")
            assert "{" not in filled.replace("{{…}}", "").replace("{{x}}", ""), (code, lang, text)
    assert catalogue["defaults"]["country"] == "62"
    assert catalogue["defaults"]["secretMask"] == "\u2022\u2022\u2022"
    secret = {(k["kind"], f["name"]): f["secret"] for k in catalogue["credentials"] for f in k["fields"]}
    assert secret[("meta", "accessToken")] and not secret[("meta", "phoneNumberId")]


def test_errors_carry_their_sentence_arguments(engine):
    handle = engine.configured(CONFIG)
    n = notification()
    del n["values"]["permit_number"]
    with pytest.raises(host.EngineError) as err:
        handle.call("decide", n)
    assert err.value.code == "template.missing_param"
    assert err.value.fields == {"template": "permit_ready", "param": "permit_number"}
    declared = engine.catalogue()["codes"]["template.missing_param"]["args"]
    assert sorted(declared) == sorted(err.value.fields)


def test_mask_config_keeps_only_public_identifiers(engine):
    masked = engine.mask_config(CONFIG)
    text = json.dumps(masked)
    for secret in SECRETS:
        assert secret not in text
    meta = next(p for p in masked["providers"] if p["id"] == "meta")
    assert meta["credentials"]["phoneNumberId"] == "100000000000001"
    assert meta["credentials"]["accessToken"] == engine.catalogue()["defaults"]["secretMask"]


def test_engine_is_cached_per_process(engine):
    assert host.get_engine() is engine


def test_input_buffer_grows_and_is_reused(engine):
    inst = engine._instance()
    engine.normalize_phone("0812345678")
    addr, cap = inst.input_addr, inst.input_cap
    engine.normalize_phone("0812345679")
    assert (inst.input_addr, inst.input_cap) == (addr, cap), "the cached address is reused"
    with pytest.raises(host.EngineError):
        engine.normalize_phone("9" * (cap + 10))
    assert inst.input_cap > cap
    assert engine.normalize_phone("0812345678") == "62812345678"


def test_direct_crossing_answers_as_the_public_api(engine):
    """The fast path (wasmtime's C API through ctypes) is used on the pinned wasmtime and gives
    byte for byte what the public API gives."""
    inst = engine._instance()
    assert inst.crossing == "direct"
    handle = engine.configured(CONFIG)
    handle.call("version")  # configures the instance
    for op, args in [
        ("version", None),
        ("normalizePhone", {"phone": "0812-3456-7890"}),
        ("normalizePhone", {"phone": "x"}),
        ("plan", {"template": "permit_ready", "recipient": {"phone": "0812", "metaOptIn": True},
                  "values": {"partner_name": "Siti \u2013 \U0001F64F"}}),
    ]:
        payload = json.dumps({"op": op, "args": args}, ensure_ascii=False)
        assert inst.call_raw(payload) == inst.call_portable(payload.encode("utf-8"))


def test_the_probe_accepts_the_installed_wasmtime(engine):
    import wasmtime

    inst = engine._instance()
    assert fast_call.probe(wasmtime, inst) is None, "the verified wasmtime has every internal"


@pytest.mark.parametrize(
    "breakage,reason",
    [
        ("version", "is not a verified version"),
        ("bindings", "_bindings has no wasmtime_func_call_unchecked"),
        ("instance", "sw_call has no _func"),
    ],
)
def test_a_failed_probe_falls_back_to_the_public_api(monkeypatch, breakage, reason):
    """Another wasmtime (unverified version, or internals renamed): the instance crosses through
    wasmtime's public API, and answers the same."""
    import wasmtime
    from wasmtime import _bindings

    monkeypatch.delenv(host.PORTABLE_ENV, raising=False)
    if breakage == "version":
        monkeypatch.setattr(fast_call, "installed_version", lambda: "999.0.0")
    elif breakage == "bindings":
        monkeypatch.delattr(_bindings, "wasmtime_func_call_unchecked")
    else:
        monkeypatch.setitem(fast_call.INSTANCE_INTERNALS, "sw_call", "_func_renamed")
    inst = host.Instance(*host.load(host.get_engine().path)[1:], wasmtime)
    assert reason in fast_call.probe(wasmtime, inst)
    assert inst.crossing == "portable"
    eng = host.WasmEngine(host.get_engine().path)
    assert eng._instance().crossing == "portable"
    assert eng.normalize_phone("0812-3456-7890") == "6281234567890"
    assert eng.configured(CONFIG).decide(notification()) == host.get_engine().configured(
        CONFIG
    ).decide(notification())


def test_portable_crossing_can_be_forced(monkeypatch):
    monkeypatch.setenv(host.PORTABLE_ENV, "1")
    eng = host.WasmEngine(host.get_engine().path)
    assert eng._instance().crossing == "portable"
    assert eng.normalize_phone("0812-3456-7890") == "6281234567890"


# A stand-in engine that traps (`unreachable`) when the op starts with "b": what the real engine
# does if it ever aborts. Its answer to anything else is {"ok":"fake"}.
TRAPPING_WAT = r"""
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"ok\":\"fake\"}")
  (func (export "sw_input") (param i32) (result i32) (i32.const 1024))
  (func (export "sw_call") (param $len i32) (result i64)
    (if (i32.eq (i32.load8_u (i32.const 1031)) (i32.const 98)) (then unreachable))
    (i64.const 13)))
"""


@pytest.mark.parametrize("portable", ["0", "1"])
def test_a_trap_is_an_engine_error_and_the_next_call_works(tmp_path, monkeypatch, portable):
    import wasmtime

    monkeypatch.setenv(host.PORTABLE_ENV, portable)
    path = tmp_path / "trapping.wasm"
    path.write_bytes(wasmtime.wat2wasm(TRAPPING_WAT))
    eng = host.WasmEngine(str(path))
    assert eng._instance().crossing == ("portable" if portable == "1" else "direct")
    assert eng.call("version") == "fake"
    with pytest.raises(host.EngineError) as err:
        eng.call("boom")
    assert err.value.code == "engine.trap"
    assert eng.call("version") == "fake", "a fresh instance replaces the trapped one"


def test_plan_batch_compact_matches_the_full_plans(engine):
    handle = engine.configured(CONFIG)
    notifications = [
        {"template": "permit_ready", "recipient": {"phone": "0812-3456-7890", "metaOptIn": opt_in},
         "values": {"partner_name": "Siti", "permit_number": "503/2026/1"}}
        for opt_in in (True, False)
    ] + [{"template": "permit_ready", "recipient": {"phone": "x"}, "values": {}}]
    full = handle.plan_batch(notifications)
    compact = handle.plan_batch(notifications, compact=True)
    for f, c in zip(full[:2], compact[:2]):
        f, c = f["ok"], c["ok"]
        assert set(c) == {"provider", "phone", "appendOptInLink", "trace", "request"}
        assert c["request"] == f["request"]
        assert c["trace"] == [step["code"] for step in f["decision"]["trace"]]
    assert compact[2] == full[2]


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(host.EngineUnavailable) as err:
        host.WasmEngine(str(tmp_path / "nope.wasm"))
    assert "make addon" in str(err.value)


def test_broken_file_says_what_to_do(tmp_path):
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"not wasm")
    with pytest.raises(host.EngineUnavailable) as err:
        host.WasmEngine(str(bad))
    assert "Rebuild" in str(err.value)


def test_works_under_an_address_space_limit(engine):
    """Odoo limits workers' address space (limit_memory_hard): a new instance must fit."""
    import subprocess

    code = (
        "import resource, sys, importlib.util;"
        "resource.setrlimit(resource.RLIMIT_AS, (2560 * 1024 * 1024, resource.RLIM_INFINITY));"
        "sys.path.insert(0, %r); import engine_package;"
        "h = engine_package.submodule('host');"
        "print(h.get_engine(%r).normalize_phone('0812-3456-7890'))"
    ) % (os.path.dirname(os.path.abspath(__file__)), engine.path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "6281234567890"


def test_configurations_do_not_leak_between_handles(engine):
    a = engine.configured(CONFIG, key="a")
    b_config = copy.deepcopy(CONFIG)
    b_config["defaultProvider"] = "watzap"
    b = engine.configured(b_config, key="b")
    assert a.decide(notification())["provider"] == "meta"
    assert b.decide(notification())["provider"] == "watzap"
    assert a.decide(notification())["provider"] == "meta"


def test_invalid_config_is_an_engine_error(engine):
    bad = copy.deepcopy(CONFIG)
    bad["defaultProvider"] = "twilio"
    with pytest.raises(host.EngineError) as err:
        engine.configured(bad, key="bad").decide(notification())
    assert err.value.code == "config.invalid"
    # The instance is still usable with a good configuration.
    assert engine.configured(CONFIG, key="good").decide(notification())["provider"] == "meta"


def test_threads_share_the_instance(engine):
    handle = engine.configured(CONFIG, key="threads")
    other = engine.configured(dict(CONFIG, defaultProvider="fonnte"), key="threads-other")
    errors = []

    def work(h, expected):
        try:
            for _ in range(50):
                assert h.decide(notification())["provider"] == expected
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(handle, "meta")) for _ in range(4)]
    threads += [threading.Thread(target=work, args=(other, "fonnte")) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_dispatch_meta(engine):
    handle = engine.configured(CONFIG, key="dispatch")
    fake = testing.FakeTransport([testing.meta_ok("wamid.PY")])
    seen = []
    outcome = handle.dispatch(
        notification(), fake, now_ms=DEFAULT_NOW_MS, on_attempt=lambda p, r, res: seen.append(p)
    )
    assert outcome["status"] == "sent"
    assert outcome["provider"] == "meta"
    assert outcome["messageIds"] == ["wamid.PY"]
    assert seen == ["meta"]
    assert fake.requests[0]["url"].startswith("https://graph.meta.test/")
    assert "EAAG-SECRET-py" in json.dumps(fake.requests[0]), "the real request carries the token"
    for secret in SECRETS:
        assert secret not in json.dumps(outcome), "attempts are masked"


def test_dispatch_fallback_and_unknown(engine):
    handle = engine.configured(CONFIG, key="dispatch")
    fake = testing.FakeTransport([testing.http_error(503), testing.watzap_ok()])
    outcome = handle.dispatch(notification(opt_in=False), fake, now_ms=DEFAULT_NOW_MS)
    assert outcome["status"] == "sent"
    assert [a["classification"] for a in outcome["attempts"]] == ["provider_down", "accepted"]
    fake = testing.FakeTransport([testing.FakeTransport.timeout_after_send()])
    outcome = handle.dispatch(notification(opt_in=False), fake, now_ms=DEFAULT_NOW_MS)
    assert outcome["status"] == "unknown"
    assert len(fake.requests) == 1


def test_dispatch_per_provider_transport(engine):
    handle = engine.configured(CONFIG, key="dispatch")
    default = testing.FakeTransport()
    meta_only = testing.FakeTransport([testing.meta_ok("wamid.X")])
    outcome = handle.dispatch(
        notification(),
        default,
        now_ms=DEFAULT_NOW_MS,
        transport_for=lambda provider: meta_only if provider == "meta" else None,
    )
    assert outcome["status"] == "sent"
    assert not default.requests and len(meta_only.requests) == 1


# ---------------------------------------------------------------------------------------------
# RequestsTransport against a local server
# ---------------------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/slow":
            time.sleep(1.0)
        self.server.seen.append((self.path, dict(self.headers), body))
        payload = json.dumps({"ok": True, "echo": body.decode()}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("requests")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.seen = []
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()


def test_requests_transport_roundtrip(server):
    url = "http://127.0.0.1:%d/send" % server.server_address[1]
    resp = host.RequestsTransport().send(
        {
            "method": "POST",
            "url": url,
            "headers": {"Authorization": "tok", "Content-Type": "application/json"},
            "body": '{"a": "é"}',
            "timeoutMs": 5000,
        }
    )
    assert resp["status"] == 201
    assert json.loads(resp["body"])["echo"] == '{"a": "é"}'
    assert server.seen[-1][1]["Authorization"] == "tok"


def test_requests_transport_connection_refused_is_not_sent():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(host.TransportFailure) as err:
        host.RequestsTransport().send(
            {"method": "POST", "url": "http://127.0.0.1:%d/x" % port, "body": "", "timeoutMs": 2000}
        )
    assert err.value.kind == "connect"
    assert err.value.maybe_sent is False


def test_requests_transport_refuses_a_request_without_its_timeout(server):
    # The engine writes timeoutMs into every request; the transport keeps no default of its own
    # and refuses before anything leaves rather than wait without end.
    url = "http://127.0.0.1:%d/send" % server.server_address[1]
    before = len(server.seen)
    for timeout in (None, 0, "5000", True):
        request = {"method": "POST", "url": url, "body": "x"}
        if timeout is not None:
            request["timeoutMs"] = timeout
        with pytest.raises(host.TransportFailure) as err:
            host.RequestsTransport().send(request)
        assert err.value.kind == "connect"
        assert err.value.maybe_sent is False
    assert len(server.seen) == before


def test_requests_transport_read_timeout_may_be_sent(server):
    url = "http://127.0.0.1:%d/slow" % server.server_address[1]
    with pytest.raises(host.TransportFailure) as err:
        host.RequestsTransport().send(
            {
                "method": "POST",
                "url": url,
                "headers": {"Authorization": "SECRET-HDR"},
                "body": "x",
                "timeoutMs": 200,
            }
        )
    assert err.value.kind == "timeout"
    assert err.value.maybe_sent is True
    assert "SECRET-HDR" not in str(err.value)


# --- gateway pacing in one process (host.Pacer) ---------------------------------------------------


class FakeClock:
    """A clock that only moves when the pacer sleeps."""

    def __init__(self, ms=DEFAULT_NOW_MS):
        self.ms = ms
        self.sleeps = []

    def now(self):
        return self.ms

    def sleep(self, seconds):
        self.sleeps.append(round(seconds * 1000))
        self.ms += round(seconds * 1000)


def paced_config(rate):
    config = copy.deepcopy(CONFIG)
    for p in config["providers"]:
        if p["id"] == "fonnte":
            p["ratePerMinute"] = rate
    return config


def test_pacer_spaces_sends_to_a_rate_limited_gateway(engine):
    handle = engine.configured(paced_config(600), key="paced-600")
    clock = FakeClock()
    pacer = host.Pacer(sleep=clock.sleep, clock=clock.now)
    sent_at = []
    for _ in range(3):
        fake = testing.FakeTransport([testing.fonnte_ok()])
        outcome = handle.dispatch(notification(opt_in=False, forceProvider="fonnte"), fake,
                                  now_ms=clock.now(), pacer=pacer,
                                  on_attempt=lambda p, r, res: sent_at.append(clock.now()))
        assert outcome["status"] == "sent"
    assert [b - a for a, b in zip(sent_at, sent_at[1:])] == [100, 100], "600/min: 100 ms apart"
    assert clock.sleeps == [100, 100]


def test_a_late_wake_up_takes_a_new_slot_as_the_engine_decides(engine):
    """The first paced sleep overshoots by 70 ms (a busy machine): the engine's ``pace`` answers
    ``reserve`` (``pace.late``) and the send takes the next free slot instead of leaving late."""
    handle = engine.configured(paced_config(600), key="paced-600-late")
    clock = FakeClock()
    overshoot = [70]
    plain_sleep = clock.sleep

    def late_sleep(seconds):
        plain_sleep(seconds)
        clock.ms += overshoot.pop() if overshoot else 0

    pacer = host.Pacer(sleep=late_sleep, clock=clock.now)
    sent_at = []
    for _ in range(2):
        handle.dispatch(notification(opt_in=False, forceProvider="fonnte"),
                        testing.FakeTransport([testing.fonnte_ok()]), now_ms=clock.now, pacer=pacer,
                        on_attempt=lambda p, r, res: sent_at.append(clock.now()))
    assert [t - DEFAULT_NOW_MS for t in sent_at] == [0, 200]
    assert clock.sleeps == [100, 30]
    late = handle.pace("fonnte", DEFAULT_NOW_MS + 170, slot_at_ms=DEFAULT_NOW_MS + 100)
    assert (late["action"], late["code"], late["lateMs"]) == ("reserve", "pace.late", 70)
    assert engine.catalogue()["codes"]["pace.late"]["id"], "the code has its Indonesian sentence"


def test_pacer_defers_rather_than_wait_long_and_sends_nothing(engine):
    handle = engine.configured(paced_config(6), key="paced-6")  # one send per 10 s
    clock = FakeClock()
    pacer = host.Pacer(max_wait_ms=2000, sleep=clock.sleep, clock=clock.now)
    n = notification(opt_in=False, forceProvider="fonnte")
    handle.dispatch(n, testing.FakeTransport([testing.fonnte_ok()]), now_ms=clock.now(), pacer=pacer)
    fake = testing.FakeTransport([testing.fonnte_ok()])
    with pytest.raises(host.PaceDeferred) as deferred:
        handle.dispatch(n, fake, now_ms=clock.now(), pacer=pacer)
    assert deferred.value.provider == "fonnte"
    assert deferred.value.at_ms == DEFAULT_NOW_MS + 10_000
    assert fake.requests == [], "nothing was sent"


def test_unlimited_providers_never_wait(engine):
    handle = engine.configured(paced_config(0), key="paced-0")
    clock = FakeClock()
    pacer = host.Pacer(sleep=clock.sleep, clock=clock.now)
    for _ in range(3):
        fake = testing.FakeTransport([testing.fonnte_ok()])
        handle.dispatch(notification(opt_in=False, forceProvider="fonnte"), fake, now_ms=clock.now(), pacer=pacer)
    assert clock.sleeps == []
