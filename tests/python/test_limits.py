"""The Python host and the engine's input limits (issue 13): oversize calls are refused before the
engine allocates, a worker's memory does not stay inflated after one large call, and a credential
that cannot be encoded fails before anything is sent, without its text in the exception.

The limits' numbers are read from the engine (``limits`` op), never written here.
"""

import pytest

from test_host import CONFIG, host, server  # noqa: F401  (server is a fixture)


def fresh_engine():
    """An engine of its own: these tests replace instances and must not disturb the shared one."""
    return host.WasmEngine(host.get_engine().path)


def notification(i=0, **values):
    return {
        "template": "permit_ready",
        "recipient": {"phone": "0812%08d" % i, "name": "Budi"},
        "values": {"partner_name": "Budi %d" % i, "permit_number": "503/%d" % i, **values},
    }


def test_limits_come_from_the_engine():
    eng = fresh_engine()
    limits = eng.limits()
    assert set(limits) == {"callBytes", "templateTextBytes", "placeholders", "valueBytes", "messageBytes", "batch"}
    handle = eng.configured(CONFIG)
    with pytest.raises(host.EngineError) as err:
        handle.decide(notification(partner_name="x" * (limits["valueBytes"] + 1)))
    assert err.value.code == "limit.value"
    assert "x" * 50 not in err.value.message, "the value itself is never in the error"
    assert handle.decide(notification(partner_name="x" * limits["valueBytes"]))["provider"]


def test_a_call_above_the_limit_is_refused_before_the_engine_allocates():
    eng = fresh_engine()
    limit = eng.limits()["callBytes"]
    inst = eng._instance()
    before = inst.memory_bytes()
    assert inst.sw_input(inst.store, limit + 1) == 0, "sw_input refuses instead of allocating"
    with pytest.raises(host.EngineError) as err:
        eng.call("normalizePhone", {"phone": "9" * (limit + 1)})
    assert err.value.code == "limit.call"
    assert eng._instance() is inst, "a refused call is an answer, not a trap"
    assert inst.memory_bytes() - before < limit // 4, "nothing of the size of the call was allocated"
    assert eng.normalize_phone("0812345678") == "62812345678"


def _big_batch(handle, count):
    return handle.plan_batch([notification(i) for i in range(count)])


def test_memory_is_given_back_after_a_large_call():
    eng = fresh_engine()
    eng.memory_reset_bytes = 16 * 1024 * 1024
    handle = eng.configured(CONFIG)
    small = handle.plan_batch([notification(1)])
    inst = eng._instance()
    baseline = inst.memory_bytes()
    assert baseline < eng.memory_reset_bytes
    # ~20 MiB of answers: the instance's memory grows past the threshold during the call.
    plans = _big_batch(handle, 12000)
    assert len(plans) == 12000 and all("ok" in p for p in plans)
    assert eng.memory_resets == 1
    assert eng._inst is None, "the grown instance was dropped"
    # The next call gets a fresh, small instance, configured again, with the same answers.
    assert handle.plan_batch([notification(1)]) == small
    assert eng._instance().memory_bytes() <= baseline * 2
    assert eng._instance() is not inst


def test_without_the_reset_the_memory_would_stay_grown():
    """The measurement the reset is about (and proof the test above can fail)."""
    eng = fresh_engine()
    eng.memory_reset_bytes = 1 << 40
    handle = eng.configured(CONFIG)
    handle.plan_batch([notification(1)])
    _big_batch(handle, 12000)
    assert eng.memory_resets == 0
    assert eng._instance().memory_bytes() > 16 * 1024 * 1024


def test_a_credential_that_cannot_be_encoded_is_not_sent_and_not_repeated(server):  # noqa: F811
    url = "http://127.0.0.1:%d/send" % server.server_address[1]
    seen = len(server.seen)
    token = "EAAG-SECRET-zw\u200b"
    with pytest.raises(host.TransportFailure) as err:
        host.RequestsTransport().send(
            {
                "method": "POST",
                "url": url,
                "headers": {"Authorization": "Bearer " + token},
                "body": "{}",
                "timeoutMs": 5000,
            }
        )
    failure = err.value
    assert (failure.kind, failure.maybe_sent) == ("connect", False)
    assert failure.__cause__ is None and failure.__suppress_context__
    for text in [str(failure), repr(failure.args), failure.message]:
        assert "SECRET" not in text
    assert len(server.seen) == seen, "no request reached the server"


def test_the_engine_falls_back_when_a_credential_cannot_be_encoded(server):  # noqa: F811
    """Through the dispatch loop: nothing left, so the outcome is never ``unknown``."""
    base = "http://127.0.0.1:%d" % server.server_address[1]
    config = {
        "providers": [
            {"id": "fonnte", "kind": "fonnte", "state": "configured", "baseUrl": base,
             "credentials": {"token": "fonnte-SECRET\u200b"}},
        ],
        "templates": CONFIG["templates"],
    }
    outcome = fresh_engine().configured(config).dispatch(notification(), host.RequestsTransport(), pacer=None)
    assert outcome["status"] == "failed", outcome
    assert "SECRET" not in str(outcome)


def test_check_credentials():
    eng = fresh_engine()
    assert eng.check_credentials("fonnte", {"token": "Ab-1_x.y~z/+="}) == []
    issues = eng.check_credentials("meta", {"accessToken": "EAAG SECRET", "wabaId": "12\u200b3"})
    assert [(i["field"], i["code"]) for i in issues] == [
        ("accessToken", "credentials.invalid"),
        ("wabaId", "credentials.invalid"),
    ]
    assert "SECRET" not in str(issues)

