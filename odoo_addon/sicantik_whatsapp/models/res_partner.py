# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.tools.misc import hash_sign

from .sicantik_whatsapp_consent import CONSENT_SOURCES

#: hash_sign scope of the personal consent links.
CONSENT_SCOPE = "sicantik_whatsapp.consent"


class ResPartner(models.Model):
    _inherit = "res.partner"

    wa_meta_opt_in = fields.Boolean(
        string="WhatsApp Opt-in",
        copy=False,
        help="The citizen agreed to receive official notifications over WhatsApp (Meta Cloud API).",
    )
    wa_meta_opt_in_date = fields.Datetime(string="WhatsApp Opt-in Date", copy=False)
    wa_meta_opt_in_source = fields.Selection(
        selection=CONSENT_SOURCES,
        string="WhatsApp Opt-in Source",
        copy=False,
    )
    wa_opted_out = fields.Boolean(
        string="WhatsApp Opted Out",
        copy=False,
        help="The citizen asked to receive no WhatsApp messages at all (any provider).",
    )
    wa_opted_out_date = fields.Datetime(string="WhatsApp Opt-out Date", copy=False)
    wa_consent_ids = fields.One2many("sicantik.whatsapp.consent", "partner_id", string="WhatsApp Consents")
    wa_message_count = fields.Integer(compute="_compute_wa_message_count", string="WhatsApp Messages")

    def _compute_wa_message_count(self):
        data = self.env["sicantik.whatsapp.message"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in data}
        for partner in self:
            partner.wa_message_count = counts.get(partner.id, 0)

    # ------------------------------------------------------------------
    # Consent
    # ------------------------------------------------------------------

    def _wa_consent_token(self):
        self.ensure_one()
        return hash_sign(self.env(su=True), CONSENT_SCOPE, {"partner_id": self.id})

    def _wa_consent_url(self):
        """Personal, signed link to the consent page."""
        self.ensure_one()
        base = self.get_base_url()
        return f"{base}/sicantik_whatsapp/consent/{self._wa_consent_token()}"

    def _wa_log_consent(self, action, now, source, evidence, ip_address, user_agent):
        """One consent record per partner: the evidence kept for each opt-in or opt-out."""
        self.env["sicantik.whatsapp.consent"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "action": action,
                    "source": source,
                    "evidence": evidence,
                    "ip_address": ip_address,
                    "user_agent": (user_agent or "")[:512] or False,
                    "date": now,
                    "company_id": (partner.company_id or self.env.company).id,
                }
                for partner in self
            ]
        )

    def _wa_record_opt_in(self, source, evidence=None, ip_address=None, user_agent=None):
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "wa_meta_opt_in": True,
                "wa_meta_opt_in_date": now,
                "wa_meta_opt_in_source": source,
                "wa_opted_out": False,
                "wa_opted_out_date": False,
            }
        )
        self._wa_log_consent("opt_in", now, source, evidence, ip_address, user_agent)
        self._wa_log(
            _(
                "Opted in to official WhatsApp notifications (%(origin)s).",
                origin=self._wa_source_label(source),
            )
        )

    def _wa_record_opt_out(self, source, evidence=None, ip_address=None, user_agent=None):
        """Opt out on every rail: no provider will be used for these partners."""
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "wa_opted_out": True,
                "wa_opted_out_date": now,
                "wa_meta_opt_in": False,
            }
        )
        self._wa_log_consent("opt_out", now, source, evidence, ip_address, user_agent)
        self._wa_log(
            _("Opted out of WhatsApp notifications (%(origin)s).", origin=self._wa_source_label(source))
        )

    def _wa_source_label(self, source):
        return dict(
            self.env["sicantik.whatsapp.consent"]._fields["source"]._description_selection(self.env)
        ).get(source, source)

    def _wa_log(self, body):
        author = self.env.ref("base.partner_root", raise_if_not_found=False)
        for partner in self.sudo():
            partner.message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=author.id if author else None,
            )

    def action_wa_record_opt_in(self):
        self._wa_record_opt_in("manual", evidence=_("Recorded by %s.", self.env.user.name))

    def action_wa_record_opt_out(self):
        self._wa_record_opt_out("manual", evidence=_("Recorded by %s.", self.env.user.name))

    def action_wa_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sicantik_whatsapp.sicantik_whatsapp_message_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {}
        return action
