# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from .main import SicantikWhatsappConsent


class SicantikWhatsappConsentVisits(SicantikWhatsappConsent):
    """Counts the views of the consent page (the opt-in funnel's second step)."""

    @http.route()
    def consent_page(self, token, **kwargs):
        response = super().consent_page(token, **kwargs)  # NotFound for a bad token: not counted
        partner, _data = self._partner_from_token(token)
        request.env["sicantik.whatsapp.consent.visit"]._record(partner)
        return response
