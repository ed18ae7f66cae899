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
        # The office's own staff opening a link (from the chatter, say) is not the citizen's visit.
        if not request.env.user._is_internal():
            partner, _data = self._partner_from_token(token)
            request.env["sicantik.whatsapp.consent.visit"]._record(partner)
        return response
