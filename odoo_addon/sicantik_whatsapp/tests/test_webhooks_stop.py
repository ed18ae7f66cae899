# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""STOP through each provider's webhook as the engine reads it (``parseWebhook``), and the
engine's refusals answered as HTTP statuses."""

import json
import urllib.parse

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SECRETS, SicantikWhatsappCommon
from .test_webhooks import FONNTE_URL, META_URL, _sign

_LOGGER = "odoo.addons.sicantik_whatsapp.controllers.webhook"


def _meta_message(phone, message):
    message = dict({"from": phone, "id": "wamid.STOP", "timestamp": "1764000000"}, **message)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "200000000000001", "changes": [{"value": {"messages": [message]}}]}],
    }


@tagged("post_install", "-at_install")
class TestWebhookStop(HttpCase, SicantikWhatsappCommon):
    def _post(self, url, body, headers, expect=200):
        response = self.url_open(url, data=body, headers=headers)
        self.assertEqual(response.status_code, expect, response.text[:200])
        return response

    def _post_meta(self, payload, secret=SECRETS["app_secret"], expect=200):
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": _sign(body, secret)}
        return self._post(META_URL, body, headers, expect)

    def _consent(self, partner):
        return self.env["sicantik.whatsapp.consent"].search(
            [("partner_id", "=", partner.id)], order="id desc", limit=1
        )

    def test_meta_stop_variants_opt_out_written_nationally(self):
        """ "Berhenti!" in an interactive reply from +62…: the contact stored as 0812… matches."""
        partner = self.partner_opted_in
        reply = {"type": "button_reply", "button_reply": {"id": "b", "title": " Berhenti! "}}
        self._post_meta(
            _meta_message("+62 812-3456-7890", {"type": "interactive", "interactive": reply})
        )
        partner.invalidate_recordset()
        self.assertTrue(partner.wa_opted_out)
        consent = self._consent(partner)
        self.assertEqual(consent.source, "webhook_meta")
        self.assertIn("Meta inbound message wamid.STOP", consent.evidence)
        # The message opened Meta's customer-service window from its own time.
        self.assertEqual(str(partner.wa_last_inbound_date), "2025-11-24 16:00:00")

    def test_meta_other_words_only_open_the_window(self):
        partner = self.partner_opted_in
        self._post_meta(
            _meta_message("6281234567890", {"type": "text", "text": {"body": "stop it please"}})
        )
        partner.invalidate_recordset()
        self.assertFalse(partner.wa_opted_out)
        self.assertTrue(partner.wa_last_inbound_date)

    def test_meta_bad_signature_changes_nothing(self):
        partner = self.partner_opted_in
        payload = _meta_message("6281234567890", {"type": "text", "text": {"body": "STOP"}})
        with mute_logger(_LOGGER):
            self._post_meta(payload, secret="not-the-app-secret", expect=403)
        partner.invalidate_recordset()
        self.assertFalse(partner.wa_opted_out)
        self.assertFalse(partner.wa_last_inbound_date)

    def test_fonnte_form_stop_with_the_url_secret(self):
        partner = self.partner_gateway
        body = urllib.parse.urlencode({"sender": "081311112222", "message": "STOP"})
        url = f"{FONNTE_URL}?token={SECRETS['fonnte_webhook_token']}"
        self._post(url, body, {"Content-Type": "application/x-www-form-urlencoded"})
        partner.invalidate_recordset()
        self.assertTrue(partner.wa_opted_out)
        consent = self._consent(partner)
        self.assertEqual(consent.source, "webhook_fonnte")
        self.assertEqual(consent.evidence, "Fonnte inbound message: 'STOP'")
        # Fonnte's number is not Meta's: no customer-service window.
        self.assertFalse(partner.wa_last_inbound_date)

    def test_fonnte_bad_secret_changes_nothing(self):
        partner = self.partner_gateway
        body = json.dumps({"secret": "guess", "sender": "6281311112222", "message": "STOP"})
        with mute_logger(_LOGGER):
            self._post(FONNTE_URL, body, {"Content-Type": "application/json"}, expect=403)
        partner.invalidate_recordset()
        self.assertFalse(partner.wa_opted_out)

    def test_oversize_body_is_refused(self):
        limit = 4 * 1024 * 1024
        body = json.dumps({"sender": "6281311112222", "message": "x" * limit})
        url = f"{FONNTE_URL}?token={SECRETS['fonnte_webhook_token']}"
        with mute_logger(_LOGGER):
            self._post(url, body, {"Content-Type": "application/json"}, expect=413)
        self.partner_gateway.invalidate_recordset()
        self.assertFalse(self.partner_gateway.wa_opted_out)
