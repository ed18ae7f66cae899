# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The citizen's consent page: the personal link of an opt-in invitation."""

import datetime
import re

from psycopg2 import IntegrityError

from odoo import fields, http
from odoo.http import request

#: The statement the citizen accepts (shown on the page and stored as evidence). Indonesian on
#: purpose: it is the consent evidence and must not depend on installed languages.
CONSENT_STATEMENT = (
    "Saya setuju menerima notifikasi resmi dari %(office)s melalui WhatsApp (WhatsApp Business, "
    "layanan Meta) ke nomor saya yang terdaftar. Saya dapat berhenti kapan saja dengan membalas "
    "BERHENTI atau STOP."
)


class SicantikWhatsappConsent(http.Controller):
    def _partner_from_token(self, token):
        """(partner, signed data) of a consent link, or (empty partner, None) for anything else."""
        Partner = request.env["res.partner"].sudo()
        data = Partner._wa_consent_token_data(token)
        partner = Partner.browse(data["p"]).exists() if data else Partner
        if not partner:
            return Partner, None
        return partner, data

    def _render_invalid(self):
        """A link that is not one (cut in a chat, mistyped, forged, or its contact deleted): the
        citizen reads in Indonesian what to do, machines read 404."""
        return self._render(request.env["res.partner"].sudo(), "", "invalid")

    def _render(self, partner, token, link_state="ok", done=False):
        company = self._company(partner)
        number = re.sub(r"\D", "", partner.mobile or partner.phone or "")
        return request.render(
            "sicantik_whatsapp.consent_page",
            {
                "partner": partner,
                "company": company,
                "token": token,
                "done": done,
                "already": link_state == "already" and not done,
                "link_state": link_state,
                "statement": CONSENT_STATEMENT % {"office": company.name},
                "masked_phone": ("•••• " + number[-4:]) if number else "-",
            },
            # A link that can no longer be used says so, with a status that tells machines too.
            status=404
            if link_state == "invalid"
            else 410
            if link_state in ("expired", "used", "opted_out") and not done
            else 200,
        )

    def _company(self, partner):
        return partner.company_id or request.env["res.company"].sudo().search([], limit=1)

    @http.route(
        "/sicantik_whatsapp/consent/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=False,
        sitemap=False,
    )
    def consent_page(self, token, **kwargs):
        partner, data = self._partner_from_token(token)
        if not data:
            return self._render_invalid()
        return self._render(partner, token, partner._wa_consent_link_state(data))

    @http.route(
        ["/sicantik_whatsapp/consent", "/sicantik_whatsapp/consent/<path:rest>"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=False,
        sitemap=False,
        csrf=False,
    )
    def consent_broken(self, rest=None, **kwargs):
        """A consent address without a token, or with extra path (a link cut or glued to other
        text in a chat): the citizen's page, not an English "Not Found". Nothing is recorded."""
        return self._render_invalid()

    @http.route(
        "/sicantik_whatsapp/consent/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        website=False,
        sitemap=False,
    )
    def consent_submit(self, token, **kwargs):
        partner, data = self._partner_from_token(token)
        if not data:
            return self._render_invalid()
        link_state = partner._wa_consent_link_state(data)
        # Expired, already used (a replayed POST), or the citizen opted out since: nothing new.
        if link_state != "ok" or kwargs.get("agree") != "1":
            return self._render(partner, token, link_state)
        company = self._company(partner)
        httpreq = request.httprequest
        evidence = "Consent page ({}), link sent {}, statement accepted: {}".format(
            httpreq.path.split("/consent/")[0] + "/consent/…",
            fields.Datetime.to_string(
                datetime.datetime.fromtimestamp(data["i"], datetime.timezone.utc)
            )
            + " UTC",
            CONSENT_STATEMENT % {"office": company.name},
        )
        try:
            with request.env.cr.savepoint():
                partner._wa_record_opt_in(
                    "link",
                    evidence=evidence,
                    ip_address=httpreq.remote_addr,
                    user_agent=httpreq.headers.get("User-Agent"),
                    link_nonce=data["n"],
                )
        except IntegrityError:
            # The same link submitted twice at once: the other request recorded it.
            return self._render(partner, token, "used")
        return self._render(partner, token, done=True)
