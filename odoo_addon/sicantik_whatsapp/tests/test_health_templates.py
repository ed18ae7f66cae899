# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meta template health from its webhooks and the template sync: a paused, low-quality or
edited template leaves Meta's routing and comes back."""

import hashlib
import hmac
import json

from odoo.tests import HttpCase, tagged

from .common import SECRETS, fonnte_ok, meta_ok
from .health_common import HealthCommon

META_URL = "/sicantik_whatsapp/webhook/meta"


def _sign(body, secret=SECRETS["app_secret"]):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@tagged("post_install", "-at_install")
class TestTemplateHealth(HttpCase, HealthCommon):
    def setUp(self):
        super().setUp()
        self.template = self.env.ref("sicantik_whatsapp.template_permit_ready")

    def _post(self, changes, waba="200000000000001", signature=None):
        body = json.dumps(
            {"object": "whatsapp_business_account", "entry": [{"id": waba, "changes": changes}]}
        ).encode()
        return self.url_open(
            META_URL,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": signature or _sign(body),
            },
        )

    def _status(self, event, name="permit_ready", **extra):
        value = {
            "event": event,
            "message_template_id": 111,
            "message_template_name": name,
            "message_template_language": "id",
            "reason": "NONE",
            **extra,
        }
        return {"field": "message_template_status_update", "value": value}

    def _quality(self, score, previous="GREEN"):
        value = {
            "previous_quality_score": previous,
            "new_quality_score": score,
            "message_template_id": 111,
            "message_template_name": "permit_ready",
            "message_template_language": "id",
        }
        return {"field": "message_template_quality_update", "value": value}

    def test_paused_template_skips_meta_until_approved_again(self):
        response = self._post(
            [
                self._status(
                    "PAUSED",
                    other_info={"title": "FIRST_PAUSE", "description": "Paused for 3 hours"},
                )
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.template.meta_status, "PAUSED")
        self.assertFalse(self.template.meta_usable)
        self.assertEqual(self.template.meta_health_code, "route.skip_meta_not_approved")
        self.assertIn(self.manager, self.health_activities(self.template).user_id)
        self.assertTrue(self.notes(self.template, "route.skip_meta_not_approved"))
        message, fake = self.send(self.partner_opted_in, responses=[fonnte_ok()])
        self.assertEqual(message.provider_id, self.fonnte)
        self.assertIn("route.skip_meta_not_approved", message.decision_text)
        # Paused again (no news): nobody is told twice.
        self._post([self._status("PAUSED")])
        self.assertEqual(len(self.notes(self.template, "route.skip_meta_not_approved")), 1)
        self._post([self._status("APPROVED")])
        self.assertEqual(self.template.meta_status, "APPROVED")
        self.assertTrue(self.template.meta_usable)
        self.assertFalse(self.health_activities(self.template))
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok()])
        self.assertEqual(message.provider_id, self.meta)

    def test_red_quality_skips_meta_and_the_gateway_invites(self):
        self._post([self._quality("RED")])
        self.assertEqual(self.template.meta_quality, "RED")
        self.assertEqual(self.template.meta_health_code, "route.skip_meta_quality")
        message, _fake = self.send(self.partner_opted_in, responses=[fonnte_ok()])
        self.assertIn("route.skip_meta_quality", message.decision_text)
        self.assertEqual(message.provider_id, self.fonnte)
        self._post([self._quality("GREEN", previous="RED")])
        self.assertTrue(self.template.meta_usable)

    def test_webhook_checks_its_signature_and_account(self):
        bad = self._post([self._status("DISABLED")], signature="sha256=" + "0" * 64)
        self.assertEqual(bad.status_code, 403)
        self.assertNotEqual(self.template.meta_status, "DISABLED")
        self.assertTrue(self.template.meta_usable)
        # Another WhatsApp Business Account's template of the same name is not ours.
        self._post([self._status("DISABLED")], waba="999")
        self.assertNotEqual(self.template.meta_status, "DISABLED")
        malformed = self.url_open(
            META_URL,
            data=b'{"entry": {"id": 1}}',
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": _sign(b'{"entry": {"id": 1}}'),
            },
        )
        self.assertEqual(malformed.status_code, 400)

    def test_edited_template_no_longer_matches_meta(self):
        page = {
            "data": [
                {
                    "name": "permit_ready",
                    "language": "id",
                    "status": "APPROVED",
                    "category": "UTILITY",
                    "id": "111",
                    "quality_score": {"score": "GREEN"},
                    "components": [
                        {"type": "BODY", "text": "Yth. {{1}}, izin {{2}} nomor {{3}} di {{4}}."}
                    ],
                }
            ]
        }
        response = {
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body": json.dumps(page),
        }
        with self.mock_transport(responses=[response]):
            self.env["sicantik.whatsapp.template.master"].with_user(
                self.manager
            ).action_sync_from_meta()
        self.assertTrue(self.template.meta_approved_known)
        self.assertEqual(self.template.meta_approved_param_count, 4)
        self.assertTrue(self.template.meta_usable)
        # A placeholder added after Meta approved 4 parameters.
        self.template.write(
            {
                "body": self.template.body + " Berlaku hingga {{valid_until}}.",
                "meta_body_params": (
                    "partner_name,permit_type,permit_number,office_name,valid_until"
                ),
            }
        )
        # The lint issue in the catalogue's words, filled with its arguments.
        self.assertIn(
            "[error] The body sends 5 parameters, but the Meta template permit_ready that Meta "
            "approved has 4",
            self.template.lint_result,
        )
        self.assertFalse(self.template.meta_usable)
        self.assertEqual(self.template.meta_health_code, "route.skip_meta_changed")
        self.assertTrue(self.health_activities(self.template))
        values = dict(self.permit_values, valid_until="31 Januari 2031")
        message, fake = self.send(self.partner_opted_in, values=values, responses=[fonnte_ok()])
        self.assertIn("route.skip_meta_changed", message.decision_text)
        self.assertEqual(len(fake.requests), 1, "Meta was not tried and refused")
