# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from .consent import SicantikWhatsappConsent


class SicantikWhatsappConsentVisits(SicantikWhatsappConsent):
    """Counts the views of the consent page (the opt-in funnel's second step)."""

    @http.route()
    def consent_page(self, token, **kwargs):
        response = super().consent_page(token, **kwargs)
        # The office's own staff opening a link (from the chatter, say) is not the citizen's visit;
        # a broken link (its page says so) is nobody's.
        if not request.env.user._is_internal():
            partner, data = self._partner_from_token(token)
            if data:
                request.env["sicantik.whatsapp.consent.visit"]._record(partner)
        return response
