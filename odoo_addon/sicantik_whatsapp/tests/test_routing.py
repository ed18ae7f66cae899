# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import tagged

from .common import (
    SECRETS,
    SicantikWhatsappCommon,
    TransportFailure,
    fonnte_ok,
    http_error,
    meta_error,
    meta_ok,
    request_text,
    watzap_ok,
)


@tagged("post_install", "-at_install")
class TestRouting(SicantikWhatsappCommon):
    """Routing through the real engine; the transport is scripted."""

    def test_opted_in_goes_to_meta(self):
        message, fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.A1")])
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.meta)
        self.assertEqual(message.provider_message_id, "wamid.A1")
        self.assertEqual(message.phone, "6281234567890")
        self.assertFalse(message.opt_in_link_appended)
        self.assertEqual(len(fake.requests), 1)
        request = fake.requests[0]
        self.assertTrue(request["url"].startswith("https://graph.meta.test/"), request["url"])
        # The real request carries the credential; nothing stored does.
        self.assertIn(SECRETS["access_token"], " ".join(request["headers"].values()))
        self.assertEqual(message.attempt_ids.classification, "accepted")
        self.assertIn("route.selected", message.decision_text)
        # Logged in the partner's chatter.
        notes = self.partner_opted_in.message_ids.filtered(
            lambda m: "permit_ready" in (m.body or "") or "Izin terbit" in (m.body or "")
        )
        self.assertTrue(notes, "the sent message is posted in the partner's chatter")
        self.assertEqual(message.template_id.usage_count, 1)

    def test_not_opted_in_goes_to_gateway_with_opt_in_link(self):
        message, fake = self.send(self.partner_gateway, responses=[fonnte_ok("80367170")])
        self.assertEqual(message.state, "sent")
        self.assertEqual(
            message.provider_id, self.fonnte, "Meta skipped (no opt-in), Fonnte is next by sequence"
        )
        self.assertEqual(message.provider_message_id, "80367170")
        self.assertTrue(message.opt_in_link_appended)
        text = request_text(fake.requests[0])
        # The Fonnte body carries the personal consent link (a new one per invitation).
        self.consent_tokens(text, self.partner_gateway)
        self.assertIn("503/PBG/2026/0142", text)
        self.assertIn("route.skip_no_opt_in", message.decision_text)
        self.assertEqual(
            self.consent_tokens(message.body_text, self.partner_gateway),
            self.consent_tokens(text, self.partner_gateway),
        )

    def test_opted_out_gets_nothing(self):
        message, fake = self.send(self.partner_opted_out)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "route.opted_out")
        self.assertFalse(fake.requests)
        self.assertFalse(message.attempt_ids)

    def test_default_provider_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "sicantik_whatsapp.default_provider_id", self.watzap.id
        )
        message, fake = self.send(self.partner_opted_in, responses=[watzap_ok()])
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.watzap)
        self.assertIn("api.watzap.test", fake.requests[0]["url"])

    def test_default_provider_through_settings_form(self):
        settings = self.env["res.config.settings"].create(
            {"sicantik_wa_default_provider_id": self.fonnte.id}
        )
        settings.execute()
        message, _fake = self.send(self.partner_opted_in, responses=[fonnte_ok()])
        self.assertEqual(message.provider_id, self.fonnte)

    def test_forced_provider(self):
        message, fake = self.send(
            self.partner_opted_in, force_provider=self.watzap, responses=[watzap_ok()]
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.watzap)
        self.assertEqual(message.force_provider_id, self.watzap)
        self.assertEqual(len(fake.requests), 1)
        self.assertIn("route.forced", message.decision_text)

    def test_fallback_when_provider_down(self):
        message, fake = self.send(self.partner_gateway, responses=[http_error(503), watzap_ok()])
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.watzap)
        self.assertEqual(len(fake.requests), 2)
        self.assertEqual(
            message.attempt_ids.mapped("classification"), ["provider_down", "accepted"]
        )
        self.assertEqual(message.attempt_ids.mapped("provider_id"), self.fonnte | self.watzap)

    def test_fallback_when_connection_refused(self):
        message, fake = self.send(
            self.partner_gateway,
            responses=[TransportFailure("connect", False, "connection refused"), watzap_ok()],
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.watzap)
        self.assertEqual(len(fake.requests), 2)

    def test_no_fallback_on_timeout_after_send(self):
        message, fake = self.send(
            self.partner_gateway,
            responses=[TransportFailure("timeout", True, "read timeout")],
        )
        self.assertEqual(message.state, "unknown")
        self.assertEqual(message.provider_id, self.fonnte, "the provider that may have the message")
        self.assertEqual(len(fake.requests), 1, "never resent to another provider")
        self.assertEqual(message.attempt_ids.classification, "unknown")

    def test_meta_rejection_for_recipient_is_final(self):
        message, fake = self.send(
            self.partner_opted_in, responses=[meta_error(131026, "Message undeliverable")]
        )
        self.assertEqual(message.state, "failed")
        self.assertEqual(len(fake.requests), 1)
        self.assertEqual(message.attempt_ids.classification, "rejected")
        self.assertIn("131026", message.error_code or "")

    def test_throttled_is_deferred(self):
        message, _fake = self.send(
            self.partner_opted_in, responses=[meta_error(130429, "Rate limit hit")]
        )
        self.assertEqual(message.state, "deferred")
        self.assertTrue(message.scheduled_date)
        self.assertEqual(message.retry_count, 1)

    def test_meta_only_database_with_default_unset(self):
        (self.fonnte | self.watzap).write({"active": False})
        message, fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.ONLY")])
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.meta)
        self.assertIn("route.default_meta", message.decision_text)
        # A citizen without opt-in has no eligible provider: nothing sent.
        message2, fake2 = self.send(self.partner_gateway)
        self.assertEqual(message2.state, "failed")
        self.assertFalse(fake2.requests)

    def test_invalid_phone_is_a_failed_message(self):
        partner = self.env["res.partner"].create({"name": "No Phone", "mobile": "0812-CALL-ME"})
        message, fake = self.send(partner)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "phone.invalid")
        self.assertFalse(fake.requests)

    def test_missing_value_is_a_failed_message(self):
        message, fake = self.send(self.partner_opted_in, values={"permit_type": "PBG"})
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "template.missing_param")
        self.assertFalse(fake.requests)

    def test_provider_test_connection(self):
        with self.mock_transport(
            responses=[
                {
                    "status": 200,
                    "headers": {"content-type": "application/json"},
                    "body": '{"device":"6281200000000","device_status":"connect",'
                    '"name":"DPMPTSP","quota":"78","status":true}',
                }
            ]
        ) as fake:
            self.fonnte.action_test_connection()
        self.assertEqual(len(fake.requests), 1)
        self.assertTrue(self.fonnte.last_check_ok, self.fonnte.last_check_result)
        self.assertEqual(self.fonnte.state, "configured")
        with self.mock_transport(
            responses=[
                {
                    "status": 200,
                    "headers": {"content-type": "application/json"},
                    "body": '{"reason":"token invalid","status":false}',
                }
            ]
        ):
            self.fonnte.action_test_connection()
        self.assertFalse(self.fonnte.last_check_ok)
        self.assertEqual(self.fonnte.state, "error")
        self.assertNotIn(SECRETS["token"], self.fonnte.last_check_result or "")

    def test_meta_graph_version_check(self):
        """The engine's ``lintProfile`` on the form and with *Test connection*, at a given now."""
        clock = "odoo.addons.sicantik_whatsapp.models.sicantik_whatsapp_provider.now_ms"
        dec_2026, feb_2027 = 1_796_515_200_000, 1_801_440_000_000
        with patch(clock, return_value=dec_2026):
            self.meta.invalidate_recordset(["version_error", "version_warning"])
            self.assertFalse(self.meta.version_error or self.meta.version_warning)
            self.meta.api_version = "v21.0"
            self.assertFalse(self.meta.version_error)
            self.assertIn("2027-01-21 (in 46 days)", self.meta.version_warning)
            health = {
                "status": 200,
                "headers": {"content-type": "application/json"},
                "body": '{"display_phone_number":"+62 812-0000","verified_name":"DPMPTSP",'
                '"quality_rating":"GREEN","code_verification_status":"VERIFIED","id":"1"}',
            }
            with self.mock_transport(responses=[health]) as fake:
                action = self.meta.action_test_connection()
            self.assertIn("/v21.0/", fake.requests[0]["url"])
            self.assertTrue(self.meta.last_check_ok)
            self.assertEqual(action["params"]["type"], "warning")
            self.assertIn("move to v25.0", action["params"]["message"])
            self.assertIn("move to v25.0", self.meta.last_check_result)
        with patch(clock, return_value=feb_2027):
            self.meta.invalidate_recordset(["version_error", "version_warning"])
            self.assertIn("stopped working on 2027-01-21", self.meta.version_error)
            self.assertFalse(self.meta.version_warning)
            self.meta.api_version = "id-ID"
            self.assertIn("not a Graph API version", self.meta.version_error)
            self.meta.api_version = False
            self.assertFalse(self.meta.version_error or self.meta.version_warning)
        # Gateways have no version.
        self.assertFalse(self.fonnte.version_error or self.fonnte.version_warning)
