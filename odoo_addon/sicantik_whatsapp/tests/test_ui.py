# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import SicantikWhatsappCommon, fonnte_ok


@tagged("post_install", "-at_install")
class TestUi(HttpCase, SicantikWhatsappCommon):
    """Every screen of the module opens in the web client (headless Chromium) without a client
    error: the views, widgets and actions are valid for Odoo 18's web client."""

    def test_screens_open(self):
        message, _fake = self.send(self.partner_gateway, responses=[fonnte_ok("555")])
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        screens = [
            ("/odoo/action-sicantik_whatsapp.sicantik_whatsapp_provider_action", ".o_list_view"),
            (
                f"/odoo/action-sicantik_whatsapp.sicantik_whatsapp_provider_action/{self.fonnte.id}",
                ".o_form_view",
            ),
            (
                f"/odoo/action-sicantik_whatsapp.sicantik_whatsapp_template_master_action/{template.id}",
                ".o_form_view",
            ),
            ("/odoo/action-sicantik_whatsapp.sicantik_whatsapp_message_action", ".o_list_view"),
            (
                f"/odoo/action-sicantik_whatsapp.sicantik_whatsapp_message_action/{message.id}",
                ".o_form_view",
            ),
            (
                "/odoo/action-sicantik_whatsapp.sicantik_whatsapp_message_action_report",
                ".o_pivot_view",
            ),
            (
                "/odoo/action-sicantik_whatsapp.sicantik_whatsapp_message_action_report_template",
                ".o_graph_view",
            ),
            ("/odoo/action-sicantik_whatsapp.sicantik_whatsapp_consent_action", ".o_graph_view"),
            (
                "/odoo/action-sicantik_whatsapp.sicantik_whatsapp_test_wizard_action",
                ".modal .o_form_view",
            ),
            (
                "/odoo/action-base_setup.action_general_configuration",
                "#sicantik_wa_default_provider",
            ),
            (
                f"/odoo/contacts/{self.partner_gateway.id}"
                if "contacts" in self.env["ir.module.module"]._installed()
                else f"/odoo/action-base.action_partner_form/{self.partner_gateway.id}",
                ".o_form_view",
            ),
        ]
        for url, selector in screens:
            with self.subTest(url=url):
                self.browser_js(
                    url,
                    "console.log('test successful')",
                    ready=f"!!document.querySelector({selector!r})",
                    login="admin",
                    timeout=60,
                )
