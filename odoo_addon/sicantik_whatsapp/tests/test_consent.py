# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import HttpCase, tagged

from .common import SicantikWhatsappCommon


@tagged("post_install", "-at_install")
class TestConsent(HttpCase, SicantikWhatsappCommon):
    def test_consent_flow(self):
        partner = self.partner_gateway
        self.assertFalse(partner.wa_meta_opt_in)
        url = partner._wa_consent_url()
        path = url[url.index("/sicantik_whatsapp/") :]
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Siti Aminah", page.text)
        self.assertIn(self.env.company.name, page.text, "the page names the office")
        self.assertIn("WhatsApp", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = self.url_open(
            path, data={"csrf_token": csrf, "agree": "1"}, headers={"User-Agent": "ConsentTest/1.0"}
        )
        self.assertEqual(done.status_code, 200)
        self.assertIn("sicantik_whatsapp_consent_done", done.text)
        partner.invalidate_recordset()
        self.assertTrue(partner.wa_meta_opt_in)
        self.assertEqual(partner.wa_meta_opt_in_source, "link")
        self.assertTrue(partner.wa_meta_opt_in_date)
        consent = self.env["sicantik.whatsapp.consent"].search([("partner_id", "=", partner.id)])
        self.assertEqual(consent.action, "opt_in")
        self.assertEqual(consent.source, "link")
        self.assertEqual(consent.user_agent, "ConsentTest/1.0")
        self.assertTrue(consent.ip_address)
        self.assertIn(self.env.company.name, consent.evidence)
        # Back on the page: the link was used, and says so.
        again = self.url_open(path)
        self.assertIn("sicantik_whatsapp_consent_used", again.text)

    def test_bad_token(self):
        self.assertEqual(self.url_open("/sicantik_whatsapp/consent/not-a-token").status_code, 404)
        token = self.partner_gateway._wa_consent_token()
        forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        self.assertEqual(self.url_open(f"/sicantik_whatsapp/consent/{forged}").status_code, 404)

    def test_post_without_csrf_is_refused(self):
        partner = self.partner_gateway
        url = partner._wa_consent_url()
        path = url[url.index("/sicantik_whatsapp/") :]
        response = self.url_open(path, data={"agree": "1"})
        self.assertNotEqual(response.status_code, 200)
        partner.invalidate_recordset()
        self.assertFalse(partner.wa_meta_opt_in)
