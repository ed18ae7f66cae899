# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Credentials go only where a system administrator sent them.

Two real HTTP servers on 127.0.0.1: the endpoint the administrator configured (answering like a
provider) and a capture server standing for the attacker's. A WhatsApp Manager who is not a
system administrator tries every path that could point a request elsewhere, then every path that
sends with the credentials (real ``requests`` transport, no mock); the capture server must never
see a request. The same attempt by an administrator reaches it (the test can fail).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SECRETS
from .roles import SicantikWhatsappRolesCommon


class _Recorder(BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.captured.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers),
                "body": body.decode("latin-1"),
            }
        )
        path = self.path
        if "/fonnte" in path:
            payload = {
                "status": True,
                "id": ["80367170"],
                "target": ["6281311112222"],
                "process": "pending",
            }
        elif "/watzap" in path:
            payload = {"status": "200", "message": "Successfully", "data": {}}
        elif "message_templates" in path:
            payload = {"data": [], "paging": {}}
        else:
            payload = {
                "messages": [{"id": "wamid.CAPTURE"}],
                "id": "100000000000001",
                "verified_name": "DPMPTSP",
            }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


class _Server:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        self.httpd.captured = []
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def captured(self):
        return self.httpd.captured

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@tagged("post_install", "-at_install")
class TestCredentialDestination(SicantikWhatsappRolesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legit = _Server()
        cls.capture = _Server()
        cls.addClassCleanup(cls.legit.close)
        cls.addClassCleanup(cls.capture.close)
        for provider, path in (
            (cls.meta, "/meta"),
            (cls.fonnte, "/fonnte"),
            (cls.watzap, "/watzap"),
        ):
            provider.sudo().base_url = cls.legit.url + path
        cls.manager = cls.users["manager"]

    def setUp(self):
        super().setUp()
        # The engine configuration is cached per registry: never reuse one built by another
        # test's (rolled back) profile values.
        self.env.registry.clear_cache()
        self.addCleanup(self.env.registry.clear_cache)
        self.capture.captured.clear()
        self.legit.captured.clear()

    def assertNothingCaptured(self):
        self.assertEqual(
            [(c["method"], c["path"]) for c in self.capture.captured],
            [],
            "a request reached the capture server",
        )

    def _try(self, label, action):
        """Run an attempt; refusals are expected, anything else is fine too — what counts is
        where the requests went."""
        try:
            with self.env.cr.savepoint():
                with mute_logger(
                    "odoo.models",
                    "odoo.addons.sicantik_whatsapp.models.sicantik_whatsapp_dispatcher",
                    "odoo.addons.sicantik_whatsapp.models.sicantik_whatsapp_outbox",
                ):
                    action()
        except (AccessError, UserError):
            return False
        return True

    def test_no_credential_reaches_a_manager_chosen_server(self):
        evil = self.capture.url
        Provider = self.env["sicantik.whatsapp.provider"].with_user(self.manager)
        providers = self.providers.with_user(self.manager)
        redirected = []
        for provider in providers:
            for vals in (
                {"base_url": evil + "/" + provider.kind},
                {"base_url": evil},
                {"api_version": "v25.0/../../"},
                {"kind": "meta" if provider.kind != "meta" else "fonnte"},
                {"company_id": False},
            ):
                if self._try(f"write {vals}", lambda p=provider, v=vals: p.write(v)):
                    redirected.append((provider.name, vals))
            # Duplicating a configured profile with another Base URL.
            if self._try("copy", lambda p=provider: p.copy({"base_url": evil})):
                redirected.append((provider.name, "copy"))
        self.assertEqual(redirected, [], "a manager changed where credentials go")
        # A new profile pointing at the capture server (it would hold no credentials anyway).
        self.assertFalse(
            self._try(
                "create",
                lambda: Provider.create({"name": "Evil", "kind": "fonnte", "base_url": evil}),
            )
        )
        # web.base.url and other system parameters are not theirs either.
        self.assertFalse(
            self._try(
                "icp",
                lambda: self.env["ir.config_parameter"]
                .with_user(self.manager)
                .set_param("web.base.url", evil),
            )
        )

        # Now every path that sends with the credentials, as the manager.
        dispatcher = self.env["sicantik.whatsapp.dispatcher"].with_user(self.manager)
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        for provider in providers:
            self._try(f"test connection {provider.name}", provider.action_test_connection)
        self._try(
            "send",
            lambda: dispatcher.send(self.partner_gateway, "permit_ready", self.permit_values),
        )
        self._try(
            "send meta",
            lambda: dispatcher.send(self.partner_opted_in, "permit_ready", self.permit_values),
        )
        for provider in providers:
            self._try(
                f"forced {provider.name}",
                lambda p=provider: dispatcher.send(
                    self.partner_gateway, "permit_ready", self.permit_values, p
                ),
            )
        queued = dispatcher.enqueue(
            self.partner_gateway | self.partner_opted_in, "permit_ready", self.permit_values
        )
        self.env["sicantik.whatsapp.outbox"].sudo()._cron_process_outbox()
        self.assertTrue(all(m.state in ("sent", "failed", "unknown") for m in queued.sudo()))
        self._try(
            "meta sync",
            self.env["sicantik.whatsapp.template.master"]
            .with_user(self.manager)
            .action_sync_from_meta,
        )
        for provider in providers:
            wizard = (
                self.env["sicantik.whatsapp.test.wizard"]
                .with_user(self.manager)
                .create(
                    {
                        "partner_id": self.partner_gateway.id,
                        "template_id": template.id,
                        "values_json": json.dumps(self.permit_values),
                        "mode": "forced",
                        "provider_id": provider.id,
                        "run_mode": "send",
                    }
                )
            )
            self._try(f"wizard {provider.name}", wizard.action_run)
        for message in queued.with_user(self.manager):
            self._try("send now", message.action_send_now)

        self.assertNothingCaptured()
        # The administrator's endpoint got the real credentials: the paths above did send.
        legit = json.dumps(self.legit.captured)
        for secret in ("access_token", "token", "api_key"):
            self.assertIn(
                SECRETS[secret], legit, f"{secret} was sent to the administrator's endpoint"
            )

    def test_an_administrator_decides_the_destination(self):
        """Control: the capture server does capture, when a system administrator points a
        profile at it."""
        admin = self.users["admin"]
        self.fonnte.with_user(admin).write({"base_url": self.capture.url + "/fonnte"})
        self.fonnte.with_user(admin).action_test_connection()
        self.assertEqual(len(self.capture.captured), 1)
        self.assertEqual(self.capture.captured[0]["headers"].get("Authorization"), SECRETS["token"])
