# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The opt-in funnel, per month and per inviting gateway: invitation → consent-page visit →
opt-in → first successful Meta delivery after the opt-in."""

from odoo import api, fields, models, tools
from odoo.tools import SQL

#: (rate field, numerator, denominator)
RATES = (
    ("visit_rate", "visits", "invited"),
    ("opt_in_rate", "opt_ins", "visits"),
    ("delivery_rate", "meta_delivered", "opt_ins"),
    ("conversion_rate", "meta_delivered", "invited"),
)


class SicantikWhatsappConsentVisit(models.Model):
    """One view of a citizen's consent page (the funnel's second step)."""

    _name = "sicantik.whatsapp.consent.visit"
    _description = "WhatsApp Consent Page Visit"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    company_id = fields.Many2one("res.company", index=True)

    @api.model
    def _record(self, partner):
        return self.sudo().create(
            {"partner_id": partner.id, "company_id": (partner.company_id or self.env.company).id}
        )


class SicantikWhatsappConsentFunnel(models.Model):
    _name = "sicantik.whatsapp.consent.funnel"
    _description = "WhatsApp Opt-in Funnel"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    provider_id = fields.Many2one(
        "sicantik.whatsapp.provider",
        string="Inviting Provider",
        readonly=True,
        help="The gateway whose message last carried the invitation to the citizen (empty: no "
        "invitation).",
    )
    invited = fields.Integer(string="Invitations Sent", readonly=True, aggregator="sum")
    visits = fields.Integer(string="Consent Page Visits", readonly=True, aggregator="sum")
    opt_ins = fields.Integer(string="Opt-ins", readonly=True, aggregator="sum")
    meta_delivered = fields.Integer(string="First Meta Deliveries", readonly=True, aggregator="sum")
    visit_rate = fields.Float(string="Visit Rate (%)", readonly=True, aggregator="avg")
    opt_in_rate = fields.Float(string="Opt-in Rate (%)", readonly=True, aggregator="avg")
    delivery_rate = fields.Float(string="Meta Delivery Rate (%)", readonly=True, aggregator="avg")
    conversion_rate = fields.Float(string="Invitation → Meta (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        rates = SQL(",\n").join(
            SQL(
                "CASE WHEN sum(%s) > 0 THEN 100.0 * sum(%s) / sum(%s) ELSE 0 END AS %s",
                *map(SQL.identifier, (d, n, d, r)),
            )
            for r, n, d in RATES
        )
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS
            WITH invites AS (
                SELECT m.id, m.partner_id, m.company_id, m.provider_id,
                       COALESCE(m.sent_date, m.create_date) AS at
                  FROM sicantik_whatsapp_message m
                 WHERE m.opt_in_link_appended AND m.state = 'sent'
            ), visits AS (
                SELECT v.date AS at, v.company_id,
                       (SELECT i.provider_id FROM invites i
                         WHERE i.partner_id = v.partner_id AND i.at <= v.date
                         ORDER BY i.at DESC, i.id DESC LIMIT 1) AS provider_id
                  FROM sicantik_whatsapp_consent_visit v
            ), optins AS (
                SELECT c.partner_id, c.date AS at, c.company_id,
                       (SELECT i.provider_id FROM invites i
                         WHERE i.partner_id = c.partner_id AND i.at <= c.date
                         ORDER BY i.at DESC, i.id DESC LIMIT 1) AS provider_id
                  FROM sicantik_whatsapp_consent c
                 WHERE c.action = 'opt_in'
            ), firsts AS (
                SELECT o.company_id, o.provider_id, d.at
                  FROM optins o
                  JOIN LATERAL (
                        SELECT COALESCE(m.sent_date, m.create_date) AS at
                          FROM sicantik_whatsapp_message m
                          JOIN sicantik_whatsapp_provider p
                            ON p.id = m.provider_id AND p.kind = 'meta'
                         WHERE m.partner_id = o.partner_id AND m.state = 'sent'
                           AND COALESCE(m.delivery_status, 'sent') != 'failed'
                           AND COALESCE(m.sent_date, m.create_date) >= o.at
                         ORDER BY 1 LIMIT 1) d ON TRUE
            ), events AS (
                SELECT at, company_id, provider_id,
                       1 AS invited, 0 AS visits, 0 AS opt_ins, 0 AS meta_delivered
                  FROM invites
                UNION ALL SELECT at, company_id, provider_id, 0, 1, 0, 0 FROM visits
                UNION ALL SELECT at, company_id, provider_id, 0, 0, 1, 0 FROM optins
                UNION ALL SELECT at, company_id, provider_id, 0, 0, 0, 1 FROM firsts
            )
            SELECT row_number() OVER (ORDER BY 1) AS id, month, company_id, provider_id,
                   invited, visits, opt_ins, meta_delivered,
                   visit_rate, opt_in_rate, delivery_rate, conversion_rate
              FROM (
                SELECT date_trunc('month', at)::date AS month, company_id, provider_id,
                       sum(invited) AS invited, sum(visits) AS visits, sum(opt_ins) AS opt_ins,
                       sum(meta_delivered) AS meta_delivered,
                       %s
                  FROM events GROUP BY 1, 2, 3
              ) grouped
            """,
                SQL.identifier(self._table),
                rates,
            )
        )

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Rates of a group are ratios of its summed counts, not averages of the rows' rates."""
        wanted = {f.split(":")[0] for f in fields}
        extra = [f for _r, n, d in RATES for f in (n, d) if f not in wanted]
        result = super().read_group(
            domain, list(fields) + extra, groupby, offset, limit, orderby, lazy
        )
        for group in result:
            for rate, num, den in RATES:
                if rate in wanted:
                    den_value = group.get(den) or 0
                    group[rate] = (
                        round(100.0 * (group.get(num) or 0) / den_value, 1) if den_value else 0.0
                    )
        return result
