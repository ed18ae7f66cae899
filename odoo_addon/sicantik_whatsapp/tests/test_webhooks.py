# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import hmac
import json

from odoo.tests import HttpCase, tagged

from .common import SECRETS, SicantikWhatsappCommon, fonnte_ok, meta_ok

META_URL = "/sicantik_whatsapp/webhook/meta"
FONNTE_URL = "/sicantik_whatsapp/webhook/fonnte"


def _sign(body, secret=SECRETS["app_secret"]):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@tagged("post_install", "-at_install")
class TestWebhooks(HttpCase, SicantikWhatsappCommon):
    def _post_meta(self, payload, signature=None, sign=True, expect=200):
        """Post to the Meta webhook and assert its answer (200 unless told), so a test of what a
        webhook does can never pass on a refused request."""
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        elif sign:
            headers["X-Hub-Signature-256"] = _sign(body)
        response = self.url_open(META_URL, data=body, headers=headers)
        self.assertEqual(response.status_code, expect, response.text[:200])
        return response

    def _status_payload(self, wamid, status, errors=None):
        item = {
            "id": wamid,
            "status": status,
            "timestamp": "1764000000",
            "recipient_id": "6281234567890",
        }
        if errors:
            item["errors"] = errors
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "200000000000001",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {"messaging_product": "whatsapp", "statuses": [item]},
                        }
                    ],
                }
            ],
        }

    def _inbound_payload(self, phone, text):
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "200000000000001",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "messages": [
                                    {
                                        "from": phone,
                                        "id": "wamid.IN1",
                                        "timestamp": "1764000000",
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }

    def test_meta_verify(self):
        ok = self.url_open(
            META_URL
            + f"?hub.mode=subscribe&hub.verify_token={SECRETS['meta_webhook_token']}"
            + "&hub.challenge=12345"
        )
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok.text, "12345")
        bad = self.url_open(META_URL + "?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
        self.assertEqual(bad.status_code, 403)

    def test_meta_bad_signature_is_rejected(self):
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.SIG")])
        payload = self._status_payload("wamid.SIG", "delivered")
        body = json.dumps(payload).encode()
        self._post_meta(payload, signature=_sign(body, "wrong-secret"), expect=403)
        self._post_meta(payload, sign=False, expect=403)
        self._post_meta(payload, signature="sha256=abc", expect=403)
        self.assertFalse(message.delivery_status)

    def test_meta_status_updates_message(self):
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.STATUS")])
        self._post_meta(self._status_payload("wamid.STATUS", "delivered"))
        message.invalidate_recordset()
        self.assertEqual(message.delivery_status, "delivered")
        errors = [
            {
                "code": 131047,
                "title": "Re-engagement message",
                "error_data": {"details": "more than 24 hours"},
            }
        ]
        self._post_meta(self._status_payload("wamid.STATUS", "failed", errors))
        message.invalidate_recordset()
        self.assertEqual(message.delivery_status, "failed")
        self.assertEqual(message.error_code, "meta.131047")

    def test_meta_statuses_only_move_forward(self):
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.ORDER")])
        self._post_meta(self._status_payload("wamid.ORDER", "read"))
        self._post_meta(self._status_payload("wamid.ORDER", "delivered"))
        message.invalidate_recordset()
        self.assertEqual(message.delivery_status, "read", "a late 'delivered' does not hide 'read'")

    def test_meta_quick_reply_stop_opts_out(self):
        payload = self._inbound_payload("6281234567890", "x")
        inbound = payload["entry"][0]["changes"][0]["value"]["messages"][0]
        inbound.update(type="button", button={"payload": "STOP", "text": "Berhenti"})
        inbound.pop("text")
        self._post_meta(payload)
        self.partner_opted_in.invalidate_recordset()
        self.assertTrue(self.partner_opted_in.wa_opted_out)

    def test_meta_stop_opts_out(self):
        partner = self.partner_opted_in
        self._post_meta(self._inbound_payload("6281234567890", "STOP"))
        partner.invalidate_recordset()
        self.assertTrue(partner.wa_opted_out)
        self.assertFalse(partner.wa_meta_opt_in)
        consent = self.env["sicantik.whatsapp.consent"].search([("partner_id", "=", partner.id)])
        self.assertEqual(consent.action, "opt_out")
        self.assertEqual(consent.source, "webhook_meta")
        # Opted out on every rail: nothing is sent any more, whatever the provider.
        message, fake = self.send(partner, force_provider=self.fonnte)
        self.assertEqual(message.state, "failed")
        self.assertFalse(fake.requests)

    def test_meta_other_text_does_not_opt_out(self):
        self._post_meta(
            self._inbound_payload("6281234567890", "Terima kasih, stop dulu ya nanti saya datang")
        )
        self.partner_opted_in.invalidate_recordset()
        self.assertFalse(self.partner_opted_in.wa_opted_out)

    def test_fonnte_unknown_token_is_rejected(self):
        response = self.url_open(
            FONNTE_URL + "?token=nope",
            data=json.dumps({"id": "1", "status": "sent"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 403)
        response = self.url_open(
            FONNTE_URL,
            data=json.dumps({"id": "1", "status": "sent"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 403)

    def test_fonnte_status_and_stop(self):
        message, _fake = self.send(self.partner_gateway, responses=[fonnte_ok("90001")])
        self.assertEqual(message.provider_message_id, "90001")
        url = FONNTE_URL + f"?token={SECRETS['fonnte_webhook_token']}"
        response = self.url_open(
            url,
            data=json.dumps(
                {
                    "device": "6281200000000",
                    "id": 90001,
                    "stateid": "x",
                    "status": "sent",
                    "state": "delivered",
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        message.invalidate_recordset()
        self.assertEqual(message.delivery_status, "delivered")
        # Secret in the payload instead of the URL; an incoming BERHENTI opts the sender out.
        response = self.url_open(
            FONNTE_URL,
            data=json.dumps(
                {
                    "secret": SECRETS["fonnte_webhook_token"],
                    "sender": "6281311112222",
                    "message": "berhenti",
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.partner_gateway.invalidate_recordset()
        self.assertTrue(self.partner_gateway.wa_opted_out)
