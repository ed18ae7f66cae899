# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The funnel's second step through real HTTP: citizens' views of the consent page are counted,
bad links and the office's own staff are not; the funnel's pivot and graph open in the browser."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import SicantikWhatsappCommon


@tagged("post_install", "-at_install")
class TestConsentVisits(HttpCase, SicantikWhatsappCommon):
    def _visits(self, partner):
        return self.env["sicantik.whatsapp.consent.visit"].search_count(
            [("partner_id", "=", partner.id)]
        )

    def _path(self, partner):
        url = partner._wa_consent_url()
        return url[url.index("/sicantik_whatsapp/") :]

    def test_each_view_of_a_citizens_page_is_counted(self):
        path = self._path(self.partner_gateway)
        for expected in (1, 2):
            page = self.url_open(path)
            self.assertEqual(page.status_code, 200)
            self.assertEqual(self._visits(self.partner_gateway), expected)
        visit = self.env["sicantik.whatsapp.consent.visit"].search(
            [("partner_id", "=", self.partner_gateway.id)], limit=1
        )
        self.assertEqual(visit.company_id, self.partner_gateway.company_id or self.env.company)

    def test_a_bad_link_counts_nothing(self):
        before = self.env["sicantik.whatsapp.consent.visit"].search_count([])
        page = self.url_open("/sicantik_whatsapp/consent/not-a-signed-token")
        self.assertEqual(page.status_code, 404)
        self.assertEqual(self.env["sicantik.whatsapp.consent.visit"].search_count([]), before)

    def test_staff_opening_a_link_is_not_a_visit(self):
        new_test_user(
            self.env, login="wa_staff_visit", groups="base.group_user", password="wa_staff_visit"
        )
        self.authenticate("wa_staff_visit", "wa_staff_visit")
        page = self.url_open(self._path(self.partner_gateway))
        self.assertEqual(page.status_code, 200)
        self.assertEqual(self._visits(self.partner_gateway), 0)

    def test_the_funnel_opens_as_pivot_and_graph(self):
        self.env["sicantik.whatsapp.consent.visit"]._record(self.partner_gateway)
        self.start_tour(
            "/odoo/action-sicantik_whatsapp.sicantik_whatsapp_consent_funnel_action",
            "sicantik_whatsapp_consent_funnel",
            login="admin",
            timeout=120,
        )
