# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import HttpCase, tagged

from odoo.addons.sicantik_whatsapp.tests.common import SicantikWhatsappCommon
from odoo.addons.sicantik_whatsapp.tests.test_preview_widget import TestPreviewWidgetBrowser

from .common import PERMIT, PERMIT_ACTION


@tagged("post_install", "-at_install")
class TestComposerTour(HttpCase, SicantikWhatsappCommon):
    """Headless Chromium: a permit's form → Send WhatsApp → the bubble, the decision and each
    provider's payload for that permit (the engine's web build), byte for byte the server's
    preview of the message the composer queues."""

    # The preview widget's tour helpers (not its tests).
    _run_tour = TestPreviewWidgetBrowser._run_tour
    assertSamePreview = TestPreviewWidgetBrowser.assertSamePreview

    def test_send_whatsapp_from_a_permit_form(self):
        self.env["base.automation"].search([("model_id.model", "=", PERMIT)]).write(
            {"active": False}
        )
        permit = self.env[PERMIT].create(
            {
                "name": "503/PBG/2026/0777",
                "partner_id": self.partner_gateway.id,
                "permit_type": "pbg",
            }
        )
        url = f"/odoo/action-{PERMIT_ACTION}/{permit.id}"
        shown = self._run_tour(url, "sicantik_whatsapp_composer_form")
        message = self.env["sicantik.whatsapp.message"].search(
            [("source_model", "=", PERMIT), ("source_res_id", "=", permit.id)]
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.state, "queued")
        values = json.loads(message.values_json)
        server = self.dispatcher.preview(self.partner_gateway, message.template_code, values)
        self.assertSamePreview(shown, server)
        self.assertIn("503/PBG/2026/0777", shown["bubble"])

    def test_send_whatsapp_to_selected_permits(self):
        self.env["base.automation"].search([("model_id.model", "=", PERMIT)]).write(
            {"active": False}
        )
        Permit = self.env[PERMIT]
        Permit.search([]).unlink()
        permits = Permit.create(
            [
                {
                    "name": "503/PBG/2026/L001",
                    "partner_id": self.partner_gateway.id,
                    "permit_type": "pbg",
                },
                {
                    "name": "503/PBG/2026/L002",
                    "partner_id": self.partner_opted_in.id,
                    "permit_type": "pbg",
                },
                {"name": "503/PBG/2026/L003", "partner_id": False, "permit_type": "pbg"},
            ]
        )
        self.start_tour(
            f"/odoo/action-{PERMIT_ACTION}",
            "sicantik_whatsapp_composer_list",
            login="admin",
            timeout=180,
        )
        messages = self.env["sicantik.whatsapp.message"].search(
            [("source_model", "=", PERMIT), ("source_res_id", "in", permits.ids)]
        )
        self.assertEqual(len(messages), 3)
        self.assertEqual(sorted(messages.mapped("state")), ["failed", "queued", "queued"])
        self.assertEqual(len(messages.batch_id), 1)
