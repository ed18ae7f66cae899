# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhooks act only within the company that owns the profile; malformed signed payloads get a
plain 400."""

import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SECRETS, SicantikWhatsappCommon
from .test_webhooks import FONNTE_URL, META_URL, _sign

SECRET_B = "meta-SECRET-app-secret-company-b"
FONNTE_TOKEN_B = "fonnte-SECRET-webhook-token-company-b"


@tagged("post_install", "-at_install")
class TestWebhookCompanies(HttpCase, SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()
        Provider = cls.env["sicantik.whatsapp.provider"].sudo()
        cls.meta_b = Provider.create(
            {
                "name": "Meta Dairi",
                "kind": "meta",
                "company_id": cls.company_b.id,
                "access_token": "EAAG-company-b",
                "phone_number_id": "100000000000002",
                "app_secret": SECRET_B,
                "state": "configured",
            }
        )
        cls.fonnte_b = Provider.create(
            {
                "name": "Fonnte Dairi",
                "kind": "fonnte",
                "company_id": cls.company_b.id,
                "token": "fonnte-company-b",
                "webhook_verify_token": FONNTE_TOKEN_B,
                "state": "configured",
            }
        )
        Partner = cls.env["res.partner"]
        phone = "0813-7777-8888"
        cls.citizen_a = Partner.create(
            {"name": "Citizen A", "mobile": phone, "company_id": cls.company_a.id}
        )
        cls.citizen_b = Partner.create(
            {"name": "Citizen B", "mobile": phone, "company_id": cls.company_b.id}
        )
        cls.citizen_shared = Partner.create({"name": "Citizen shared", "mobile": phone})

    def _message(self, provider, wamid):
        return self.env["sicantik.whatsapp.message"].create(
            {
                "partner_id": self.citizen_b.id,
                "template_code": "permit_ready",
                "company_id": (provider.company_id or self.company_a).id,
                "state": "sent",
                "provider_id": provider.id,
                "provider_message_id": wamid,
            }
        )

    def _post_meta(self, payload, secret, expect=200):
        """Post a signed body and assert the answer (200 unless told): never pass on a refusal."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        response = self.url_open(
            META_URL,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": _sign(body, secret),
            },
        )
        self.assertEqual(response.status_code, expect, response.text[:200])
        return response

    def _status(self, wamid, status="delivered"):
        value = {"statuses": [{"id": wamid, "status": status, "recipient_id": "6281377778888"}]}
        return {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "messages", "value": value}]}],
        }

    def _stop(self, phone="6281377778888"):
        message = {"from": phone, "id": "wamid.IN", "type": "text", "text": {"body": "STOP"}}
        return {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"value": {"messages": [message]}}]}],
        }

    def _opted_out(self):
        partners = self.citizen_a | self.citizen_b | self.citizen_shared
        partners.invalidate_recordset()
        return {p.name for p in partners if p.wa_opted_out}

    def test_meta_status_signed_by_company_a_never_touches_company_b(self):
        message_b = self._message(self.meta_b, "wamid.B1")
        self._post_meta(self._status("wamid.B1"), SECRETS["app_secret"])
        message_b.invalidate_recordset()
        self.assertFalse(
            message_b.delivery_status, "company A's app secret cannot update company B's message"
        )
        self._post_meta(self._status("wamid.B1"), SECRET_B)
        message_b.invalidate_recordset()
        self.assertEqual(message_b.delivery_status, "delivered")

    def test_meta_stop_opts_out_within_the_company(self):
        self._post_meta(self._stop(), SECRETS["app_secret"])
        # Company A's contact and the shared contact (the same citizen, used by A); never B's.
        self.assertEqual(self._opted_out(), {"Citizen A", "Citizen shared"})

    def test_meta_stop_through_company_b(self):
        self._post_meta(self._stop(), SECRET_B)
        self.assertEqual(self._opted_out(), {"Citizen B", "Citizen shared"})

    def test_fonnte_stop_opts_out_within_the_company(self):
        response = self.url_open(
            FONNTE_URL + f"?token={FONNTE_TOKEN_B}",
            data=json.dumps({"sender": "6281377778888", "message": "BERHENTI"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._opted_out(), {"Citizen B", "Citizen shared"})

    def test_stop_through_a_shared_profile_opts_out_everywhere(self):
        """A profile without company serves every company: its STOP speaks for all of them."""
        self.meta.company_id = False
        self._post_meta(self._stop(), SECRETS["app_secret"])
        self.assertEqual(self._opted_out(), {"Citizen A", "Citizen B", "Citizen shared"})

    @mute_logger("odoo.addons.sicantik_whatsapp.controllers.webhook")
    def test_malformed_signed_meta_payload_is_a_plain_400(self):
        message_a = self._message(self.meta, "wamid.A1")
        for body in (
            b"not json",
            b"\xff\xfe",
            b"[]",
            b'"text"',
            b"[" * 100000 + b"]" * 100000,
            json.dumps({"entry": "x"}).encode(),
            json.dumps({"entry": [1]}).encode(),
            json.dumps({"entry": [{"changes": {"value": {}}}]}).encode(),
            json.dumps({"entry": [{"changes": [{"value": []}]}]}).encode(),
            json.dumps(
                {"entry": [{"changes": [{"value": {"statuses": [{"id": ["wamid.A1"]}]}}]}]}
            ).encode(),
            json.dumps(
                {"entry": [{"changes": [{"value": {"statuses": {"id": "wamid.A1"}}}]}]}
            ).encode(),
            json.dumps(
                {
                    "entry": [
                        {"changes": [{"value": {"messages": [{"from": 62813, "type": "text"}]}}]}
                    ]
                }
            ).encode(),
            json.dumps(
                {
                    "entry": [
                        {"changes": [{"value": {"messages": [{"type": "text", "text": "STOP"}]}}]}
                    ]
                }
            ).encode(),
            # Valid statuses before a malformed part: nothing is applied (Meta retries the batch).
            json.dumps(
                {
                    "entry": [
                        {
                            "changes": [
                                {"value": {"statuses": [{"id": "wamid.A1", "status": "read"}]}}
                            ]
                        },
                        {"changes": [{"value": {"messages": ["x"]}}]},
                    ]
                }
            ).encode(),
        ):
            with self.subTest(body=body[:60]):
                response = self._post_meta(body, SECRETS["app_secret"], expect=400)
                self.assertNotIn("Traceback", response.text)
                self.assertEqual(response.text, "malformed payload")
        message_a.invalidate_recordset()
        self.assertFalse(message_a.delivery_status)
        # Odd but well-formed statuses are simply ignored.
        ok = self._post_meta(
            {
                "entry": [
                    {"changes": [{"value": {"statuses": [{"id": "wamid.A1", "status": "weird"}]}}]}
                ]
            },
            SECRETS["app_secret"],
        )
        self.assertEqual(ok.status_code, 200)
        failed = self._post_meta(
            {
                "entry": [
                    {
                        "changes": [
                            {
                                "value": {
                                    "statuses": [
                                        {"id": "wamid.A1", "status": "failed", "errors": "x"}
                                    ]
                                }
                            }
                        ]
                    }
                ]
            },
            SECRETS["app_secret"],
        )
        self.assertEqual(failed.status_code, 200)
        message_a.invalidate_recordset()
        self.assertEqual(message_a.delivery_status, "failed")
