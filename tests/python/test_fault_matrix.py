"""The fault matrix (tests/fixtures/fault-matrix.json) through the Odoo server's host: engine/host.py over
wasmtime, HTTP with ``requests``, against the provider simulator in a node subprocess. The node
host runs the same rows (tests/node/fault-matrix.test.mjs)."""

import copy
import json
import os
import re
import shutil
import socket
import subprocess
import urllib.request

import pytest

from engine_package import ROOT, submodule

host = submodule("host")

WASM = os.path.join(ROOT, "odoo_addon", "sicantik_whatsapp", "engine", "sicantik_whatsapp_engine.wasm")
with open(os.path.join(ROOT, "tests", "fixtures", "fault-matrix.json"), encoding="utf-8") as f:
    MATRIX = json.load(f)
with open(os.path.join(ROOT, "tests", "fixtures", "routing.json"), encoding="utf-8") as f:
    BASE_CONFIG = json.load(f)["setup"][0]["args"]  # the suite's configure step

# The simulator's own harmless credentials (simulator/index.mjs DEFAULT_CREDENTIALS).
SIM_CREDENTIALS = {
    "meta": {"accessToken": "sim-meta-token", "phoneNumberId": "100000000000001", "wabaId": "200000000000001"},
    "watzap": {"apiKey": "sim-watzap-key", "numberKey": "sim-watzap-number"},
    "fonnte": {"token": "sim-fonnte-token"},
}
SECRETS = ["sim-meta-token", "sim-watzap-key", "sim-watzap-number", "sim-fonnte-token"]


@pytest.fixture(scope="module")
def simulator():
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    proc = subprocess.Popen(
        ["node", os.path.join(ROOT, "simulator", "index.mjs"), "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, f"the simulator did not print its URL: {line!r}"
        yield match.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def control(url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_for(url, row):
    config = copy.deepcopy(BASE_CONFIG)
    for p in config["providers"]:
        p["baseUrl"] = f"{url}/{p['kind']}"
        p["timeoutMs"] = MATRIX["timeoutMs"]
        p["credentials"] = dict(SIM_CREDENTIALS[p["kind"]])
        if row.get("refused") == p["id"]:
            p["baseUrl"] = f"http://127.0.0.1:{closed_port()}/{p['kind']}"
    if row.get("fallbackOrder"):
        config["fallbackOrder"] = row["fallbackOrder"]
    return config


NOTIFICATION = {
    "template": "permit_ready",
    "recipient": {"phone": "0812-3456-7890", "name": "Budi Santoso"},
    "values": {
        "partner_name": "Budi Santoso",
        "permit_type": "PBG",
        "permit_number": "503/PBG/2026/0142",
        "office_name": "DPMPTSP Kabupaten Karo",
    },
}


@pytest.mark.parametrize("row", MATRIX["rows"], ids=[r["name"] for r in MATRIX["rows"]])
def test_fault_matrix(simulator, row):
    control(simulator, "POST", "/_sim/reset")
    if row.get("fault"):
        control(simulator, "POST", "/_sim/faults", row["fault"])
    handle = host.WasmEngine(WASM).configured(config_for(simulator, row))
    notification = copy.deepcopy(NOTIFICATION)
    notification["recipient"]["metaOptIn"] = row["optIn"]
    outcome = handle.dispatch(notification, host.RequestsTransport())

    expect = row["expect"]
    assert outcome["status"] == expect["status"], outcome
    assert outcome["provider"] == expect["provider"]
    if "code" in expect:
        assert outcome["code"] == expect["code"]
    assert [a["classification"] for a in outcome["attempts"]] == expect["classifications"]
    stats = control(simulator, "GET", "/_sim/stats")
    for provider, count in expect["received"].items():
        assert stats[provider]["received"] == count, f"requests that reached {provider}"
    assert stats["duplicates"] == 0, "no message may be delivered twice"
    text = json.dumps(outcome)
    assert not [s for s in SECRETS if s in text], "a credential leaked into the outcome"


def test_requests_transport_sends_fonnte_multipart_unchanged(simulator):
    """The server host's transport posts the engine's body bytes and Content-Type as built: the
    simulator's record of what arrived (size, SHA-256, content type, parsed fields) matches."""
    import hashlib  # pylint: disable=import-outside-toplevel

    control(simulator, "POST", "/_sim/reset")
    handle = host.WasmEngine(WASM).configured(config_for(simulator, {}))
    notification = copy.deepcopy(NOTIFICATION)
    notification["recipient"]["metaOptIn"] = False
    notification["forceProvider"] = "fonnte"
    notification["values"]["partner_name"] = "Budi & Ani ✓"
    built = handle.render(notification, "fonnte")["request"]
    assert built["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    outcome = handle.dispatch(notification, host.RequestsTransport())
    assert outcome["status"] == "sent", outcome
    (got,) = control(simulator, "GET", "/_sim/requests?provider=fonnte")["requests"]
    raw = built["body"].encode("utf-8")
    assert got["headers"]["content-type"] == built["headers"]["Content-Type"]
    assert got["bodyBytes"] == len(raw)
    assert got["bodySha256"] == hashlib.sha256(raw).hexdigest()
    assert got["body"]["target"] == "6281234567890"
    assert got["body"]["message"].startswith("Yth. Budi & Ani ✓, izin PBG")
