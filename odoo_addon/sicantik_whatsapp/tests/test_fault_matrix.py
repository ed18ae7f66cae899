# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The shared fault matrix (``tests/fixtures/fault-matrix.json`` of the repository), in the addon.

The other hosts run the same rows: node (``tests/node/fault-matrix.test.mjs``) and the bare Python
host (``tests/python/test_fault_matrix.py``). Here every row goes through the real
``sicantik.whatsapp.dispatcher.send`` with the production transport (``RequestsTransport``, no
fake) against the provider simulator (``simulator/index.mjs``) running in a node subprocess, and
the assertions are on the stored ``sicantik.whatsapp.message``.

The repository is ``$SICANTIK_WHATSAPP_REPO`` (``scripts/odoo-test.sh`` sets it, so the matrix
also runs from the installed wheel) or the one holding this addon. Skipped when ``node`` is not
installed or no repository is found (no simulator).
"""

import json
import os
import re
import select
import shutil
import socket
import subprocess
import time
import unittest
import urllib.request

from odoo.tests import tagged

from .common import SicantikWhatsappCommon


def _repo_root():
    """The repository with the simulator and the matrix: ``$SICANTIK_WHATSAPP_REPO``, else the
    one holding this addon (odoo_addon/sicantik_whatsapp/tests/../../..), if any."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("SICANTIK_WHATSAPP_REPO")]
    candidates += [os.path.join(b, "..", "..", "..") for b in (here, os.path.realpath(here))]
    for root in filter(None, candidates):
        root = os.path.normpath(root)
        if os.path.isfile(os.path.join(root, "simulator", "index.mjs")) and os.path.isfile(
            os.path.join(root, MATRIX_PATH)
        ):
            return root
    return None


MATRIX_PATH = os.path.join("tests", "fixtures", "fault-matrix.json")
ROOT = _repo_root()
MATRIX = {"timeoutMs": 1000, "rows": []}
if ROOT:
    with open(os.path.join(ROOT, MATRIX_PATH), encoding="utf-8") as f:
        MATRIX = json.load(f)

#: The simulator's own credentials (simulator/index.mjs DEFAULT_CREDENTIALS).
SIM_CREDENTIALS = {
    "meta": {
        "access_token": "sim-meta-token",
        "phone_number_id": "100000000000001",
        "waba_id": "200000000000001",
    },
    "watzap": {"api_key": "sim-watzap-key", "number_key": "sim-watzap-number"},
    "fonnte": {"token": "sim-fonnte-token"},
}
SIM_SECRETS = ["sim-meta-token", "sim-watzap-key", "sim-watzap-number", "sim-fonnte-token"]
#: The default chain of the matrix (its description: meta → watzap → fonnte).
DEFAULT_ORDER = ["meta", "watzap", "fonnte"]

PERMIT_VALUES = {
    "partner_name": "Budi Santoso",
    "permit_type": "PBG",
    "permit_number": "503/PBG/2026/0142",
    "office_name": "DPMPTSP Kabupaten Karo",
}


def _closed_port():
    """A loopback port where nothing listens: bind one, note it, close it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@tagged("post_install", "-at_install")
class TestFaultMatrix(SicantikWhatsappCommon):
    """Each row of the fault matrix: dispatcher + ``RequestsTransport`` + the simulator."""

    @classmethod
    def setUpClass(cls):
        if not ROOT:
            raise unittest.SkipTest(
                "fault matrix: simulator/index.mjs / tests/fixtures/fault-matrix.json not found "
                "in $SICANTIK_WHATSAPP_REPO or next to the addon (odoo_addon/sicantik_whatsapp/"
                "tests/../../..): set SICANTIK_WHATSAPP_REPO to a checkout of the repository"
            )
        node = shutil.which("node")
        if not node:
            raise unittest.SkipTest(
                "fault matrix: node is not on PATH (needed to run the provider simulator)"
            )
        super().setUpClass()
        cls.sim_proc = subprocess.Popen(
            [node, os.path.join(ROOT, "simulator", "index.mjs"), "--port", "0", "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        cls.addClassCleanup(cls._stop_simulator)
        cls.sim_url = cls._read_simulator_url(cls.sim_proc)
        # The matrix's own chain (meta → watzap → fonnte); rows may change it (provider sequence).
        cls.by_kind = {"meta": cls.meta, "watzap": cls.watzap, "fonnte": cls.fonnte}
        timeout_ms = MATRIX["timeoutMs"]
        assert timeout_ms % 1000 == 0, "the addon's provider timeout is in whole seconds"
        for kind, provider in cls.by_kind.items():
            provider.write(
                dict(SIM_CREDENTIALS[kind], timeout=timeout_ms // 1000, api_version="v25.0")
            )

    @classmethod
    def _read_simulator_url(cls, proc, timeout=20):
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([proc.stdout], [], [], 0.2)
            if ready:
                line = proc.stdout.readline()
                break
            if proc.poll() is not None:
                break
        match = re.search(r"http://127\.0\.0\.1:\d+", line or "")
        if not match:
            raise AssertionError(f"the provider simulator did not print its URL: {line!r}")
        return match.group(0)

    @classmethod
    def _stop_simulator(cls):
        proc = cls.sim_proc
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()

    # -- helpers ------------------------------------------------------------------------------

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.sim_url + path,
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    def configure_for(self, row):
        order = list(DEFAULT_ORDER)
        if row.get("fallbackOrder"):
            # The addon has no fallback list: providers are tried by sequence (Meta, the default
            # provider, leads unless the recipient has not opted in).
            order = ["meta"] + [k for k in row["fallbackOrder"] if k != "meta"]
            order += [k for k in DEFAULT_ORDER if k not in order]
        for sequence, kind in enumerate(order, 1):
            base_url = f"{self.sim_url}/{kind}"
            if row.get("refused") == kind:
                base_url = f"http://127.0.0.1:{_closed_port()}/{kind}"
            self.by_kind[kind].write(
                {"sequence": sequence, "base_url": base_url, "state": "configured"}
            )

    def assertNoSimSecret(self, text, where):
        for secret in SIM_SECRETS:
            self.assertNotIn(secret, text, f"simulator credential {secret!r} leaked in {where}")

    def run_row(self, row):
        self.control("POST", "/_sim/reset")
        if row.get("fault"):
            self.control("POST", "/_sim/faults", row["fault"])
        self.configure_for(row)
        partner = self.env["res.partner"].create(
            {
                "name": "Budi Santoso",
                "mobile": "0812-3456-7890",
                "wa_meta_opt_in": bool(row["optIn"]),
            }
        )
        message = self.dispatcher.send(partner, "permit_ready", dict(PERMIT_VALUES))

        expect = row["expect"]
        self.assertEqual(
            message.state,
            expect["status"],
            f"state (error {message.error_code}: {message.error_message}; "
            f"outcome {message.outcome_json})",
        )
        self.assertEqual(message.provider_id.kind, expect["provider"], "provider kind")
        self.assertEqual(message.provider_kind, expect["provider"])
        if "code" in expect:
            self.assertEqual(message.error_code, expect["code"])
        attempts = message.attempt_ids.sorted(lambda a: (a.date, a.id))
        self.assertEqual(
            attempts.mapped("classification"), expect["classifications"], "attempt classifications"
        )
        stats = self.control("GET", "/_sim/stats")
        for provider, count in expect["received"].items():
            self.assertEqual(
                stats[provider]["received"], count, f"requests that reached {provider}"
            )
        self.assertEqual(stats["duplicates"], 0, "no message may be delivered twice")

        # Nothing stored holds a credential: the message, its attempts, the chatter.
        self.assertNoSimSecret(self.record_texts(message), "the message")
        self.assertNoSimSecret(message.outcome_json or "", "the outcome JSON")
        self.assertNoSimSecret(message.decision_json or "", "the decision JSON")
        self.assertNoSimSecret(message.notification_json or "", "the notification JSON")
        self.assertNoSimSecret(self.record_texts(message.attempt_ids), "the attempts")
        chatter = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "=", partner.id)])
        )
        self.assertNoSimSecret(self.record_texts(chatter), "the partner's chatter")
        if message.state == "sent":
            self.assertTrue(
                chatter.filtered(lambda m: "503/PBG/2026/0142" in (m.body or "")),
                "the sent message is logged in the partner's chatter",
            )
        return message


def _make_test(row):
    def test(self):
        self.run_row(row)

    test.__doc__ = row["name"]
    return test


def _add_row_tests():
    for i, row in enumerate(MATRIX["rows"], 1):
        slug = re.sub(r"[^a-z0-9]+", "_", row["name"].lower()).strip("_")[:60]
        setattr(TestFaultMatrix, "test_row_%02d_%s" % (i, slug), _make_test(row))


_add_row_tests()
