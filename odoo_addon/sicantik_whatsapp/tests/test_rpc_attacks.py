# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The attacks of issue 13 over real JSON-RPC (``/web/dataset/call_kw`` and the widget's routes),
logged in as each role through the HTTP stack."""

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import fonnte_ok
from .roles import SicantikWhatsappRolesCommon, portal_readable_fields


@tagged("post_install", "-at_install")
class TestRpcAttacks(HttpCase, SicantikWhatsappRolesCommon):
    def login(self, role):
        self.authenticate(f"wa_role_{role}", f"wa_role_{role}")

    def call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def assertRefused(self, model, method, args, kwargs=None):
        with self.assertRaises(JsonRpcException) as caught:
            self.call(model, method, args, kwargs)
        name = str(caught.exception)
        self.assertRegex(name, r"^odoo\.exceptions\.(AccessError|UserError)$")
        return caught.exception

    @mute_logger("odoo.http", "odoo.models")
    def test_webhook_token_over_rpc(self):
        token = self.fonnte.sudo().webhook_verify_token
        for role in ("portal", "internal", "wa_user", "consent", "manager_b"):
            with self.subTest(role=role):
                self.login(role)
                self.assertRefused(
                    "sicantik.whatsapp.provider",
                    "action_regenerate_webhook_token",
                    [[self.fonnte.id]],
                )
                self.fonnte.invalidate_recordset()
                self.assertEqual(self.fonnte.sudo().webhook_verify_token, token)
        self.login("manager")
        self.call(
            "sicantik.whatsapp.provider", "action_regenerate_webhook_token", [[self.fonnte.id]]
        )
        self.fonnte.invalidate_recordset()
        self.assertNotEqual(self.fonnte.sudo().webhook_verify_token, token)

    @mute_logger("odoo.http", "odoo.models")
    def test_consent_over_rpc(self):
        for role in ("portal", "internal", "wa_user", "manager", "admin"):
            with self.subTest(role=role):
                self.login(role)
                self.assertRefused(
                    "res.partner", "action_wa_record_opt_out", [[self.partner_gateway.id]]
                )
                self.assertRefused(
                    "res.partner", "write", [[self.partner_gateway.id], {"wa_meta_opt_in": True}]
                )
                self.assertRefused(
                    "res.partner", "_wa_record_opt_in", [[self.partner_gateway.id], "manual"]
                )
        self.partner_gateway.invalidate_recordset()
        self.assertFalse(self.partner_gateway.wa_opted_out or self.partner_gateway.wa_meta_opt_in)
        self.login("consent")
        self.assertRefused("res.partner", "action_wa_record_opt_in", [[self.partner_opted_out.id]])
        self.call("res.partner", "action_wa_record_opt_in", [[self.partner_gateway.id]])
        self.partner_gateway.invalidate_recordset()
        self.assertTrue(self.partner_gateway.wa_meta_opt_in)
        consent = self.env["sicantik.whatsapp.consent"].search(
            [("partner_id", "=", self.partner_gateway.id)]
        )
        self.assertEqual(consent.user_id, self.users["consent"])

    @mute_logger("odoo.http", "odoo.models")
    def test_message_actions_over_rpc(self):
        message = self.env["sicantik.whatsapp.message"].create(
            {
                "partner_id": self.partner_gateway.id,
                "template_code": "permit_ready",
                "state": "unknown",
            }
        )
        for role in ("portal", "internal", "wa_user", "consent", "manager_b"):
            with self.subTest(role=role):
                self.login(role)
                for method in ("action_requeue", "action_send_now", "action_cancel"):
                    self.assertRefused("sicantik.whatsapp.message", method, [[message.id]])
                message.invalidate_recordset()
                self.assertEqual(message.state, "unknown")

    @mute_logger("odoo.http", "odoo.models")
    def test_manager_cannot_redirect_credentials_over_rpc(self):
        self.login("manager")
        self.assertRefused(
            "sicantik.whatsapp.provider",
            "write",
            [[self.fonnte.id], {"base_url": "http://127.0.0.1:9/evil"}],
        )
        self.assertRefused("sicantik.whatsapp.dispatcher", "_health_check", [self.fonnte.id])
        self.assertRefused(
            "sicantik.whatsapp.provider",
            "create",
            [{"name": "Evil", "kind": "fonnte", "base_url": "http://127.0.0.1:9/"}],
        )
        self.fonnte.invalidate_recordset()
        self.assertNotIn("127.0.0.1:9", self.fonnte.base_url or "")

    @mute_logger("odoo.http", "odoo.models")
    def test_partner_read_over_rpc(self):
        self.login("internal")
        values = self.call("res.partner", "read", [[self.partner_gateway.id]])[0]
        self.assertNotIn("wa_consent_ids", values)
        self.login("portal")
        portal_partner = self.users["portal"].partner_id.with_user(self.users["portal"])
        values = self.call(
            "res.partner", "read", [[portal_partner.id], portal_readable_fields(portal_partner)]
        )[0]
        self.assertEqual(values["id"], self.users["portal"].partner_id.id)
        self.login("wa_user")
        values = self.call("res.partner", "read", [[self.partner_gateway.id]])[0]
        self.assertIn("wa_consent_ids", values)

    @mute_logger("odoo.http", "odoo.models")
    def test_wizard_and_preview_across_companies_over_rpc(self):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        self.login("wa_user")
        with self.mock_transport(responses=[fonnte_ok()]) as fake:
            self.assertRefused(
                "sicantik.whatsapp.template.master",
                "sicantik_preview_send",
                [[template.id]],
                {"partner_id": self.partner_b.id, "values": self.permit_values},
            )
            # The wizard: created for company B's citizen, then run.
            wizard_id = None
            try:
                wizard_id = self.call(
                    "sicantik.whatsapp.test.wizard",
                    "create",
                    [
                        {
                            "partner_id": self.partner_b.id,
                            "template_id": template.id,
                            "run_mode": "send",
                        }
                    ],
                )
            except JsonRpcException:
                wizard_id = None  # refused at creation: nothing to run
            if wizard_id:
                self.assertRefused("sicantik.whatsapp.test.wizard", "action_run", [[wizard_id]])
            # A value for opt_in_link cannot replace the citizen's own link.
            result = self.call(
                "sicantik.whatsapp.template.master",
                "sicantik_preview_send",
                [[self.env.ref("sicantik_whatsapp.template_meta_opt_in_request").id]],
                {
                    "partner_id": self.partner_gateway.id,
                    "values": {"opt_in_link": "https://phish.example/x"},
                },
            )
        self.assertEqual(result["state"], "sent", result)
        self.assertEqual(len(fake.requests), 1, "only the legitimate send left")
        self.assertNotIn("phish.example", fake.requests[0]["body"])
        # Another user's wizard results are not readable.
        other = (
            self.env["sicantik.whatsapp.test.wizard"]
            .with_user(self.users["manager"])
            .create({"partner_id": self.partner_gateway.id, "template_id": template.id})
        )
        self.assertRefused(
            "sicantik.whatsapp.test.wizard", "read", [[other.id], ["result_payloads"]]
        )
