# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

CONSENT_SOURCES = [
    ("link", "Consent link"),
    ("manual", "Recorded by staff"),
    ("webhook_meta", "Meta webhook"),
    ("webhook_fonnte", "Fonnte webhook"),
    ("import", "Import"),
]


class SicantikWhatsappConsent(models.Model):
    """Evidence of a citizen's WhatsApp consent or opt-out (append-only log)."""

    _name = "sicantik.whatsapp.consent"
    _description = "WhatsApp Consent Log"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    action = fields.Selection([("opt_in", "Opt-in"), ("opt_out", "Opt-out")], required=True)
    source = fields.Selection(CONSENT_SOURCES, required=True)
    evidence = fields.Text(
        help="What the citizen agreed to or sent (statement, keyword, message id)."
    )
    ip_address = fields.Char(string="IP Address")
    user_agent = fields.Char()
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", string="Recorded By", default=lambda self: self.env.user)
    link_nonce = fields.Char(
        string="Consent Link Nonce",
        readonly=True,
        help="The one-time nonce of the consent link used: a link records one consent, once.",
    )

    _sql_constraints = [
        ("link_nonce_unique", "UNIQUE(link_nonce)", "This consent link was already used."),
    ]
