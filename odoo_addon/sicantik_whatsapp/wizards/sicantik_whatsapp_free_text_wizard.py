# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine.host import EngineError


class SicantikWhatsappFreeTextWizard(models.TransientModel):
    """A clerk's own words to one citizen, from the contact's form. Which profiles may carry them
    now is the engine's answer (Meta only within 24 hours of the citizen's last message)."""

    _name = "sicantik.whatsapp.free.text.wizard"
    _description = "WhatsApp Text to a Citizen"

    partner_id = fields.Many2one("res.partner", string="Citizen", required=True, readonly=True)
    text = fields.Text()
    provider_id = fields.Many2one(
        "sicantik.whatsapp.provider",
        string="Send through",
        domain="[('id', 'in', allowed_provider_ids)]",
    )
    allowed_provider_ids = fields.Many2many(
        "sicantik.whatsapp.provider", compute="_compute_options", string="Available Profiles"
    )
    options_text = fields.Text(compute="_compute_options", string="Profiles")
    message_id = fields.Many2one("sicantik.whatsapp.message", string="Message Sent", readonly=True)

    def _reason(self, option):
        """The engine's sentence for the option's code, in the clerk's language."""
        return self.env["sicantik.whatsapp.catalogue"]._sentence(
            option["code"], option.get("args"), default=option.get("message") or option["code"]
        )

    @api.depends("partner_id", "text")
    def _compute_options(self):
        providers = self.env["sicantik.whatsapp.provider"].sudo()
        for wiz in self:
            wiz.allowed_provider_ids = False
            wiz.options_text = False
            if not wiz.partner_id:
                continue
            try:
                answer = self.env["sicantik.whatsapp.dispatcher"].free_text_options(
                    wiz.partner_id, wiz.text or ""
                )
            except EngineError as e:
                text = self.env["sicantik.whatsapp.catalogue"]._error_text(
                    e.code, e.message, e.fields
                )
                wiz.options_text = f"{text} [{e.code}]"
                continue
            allowed = providers.browse()
            lines = []
            for option in answer["options"]:
                record = providers._from_engine_id(option["provider"])
                if option["allowed"] and record:
                    allowed |= record
                lines.append(f"{record.name or option.get('name')} — {wiz._reason(option)}")
            wiz.allowed_provider_ids = allowed
            wiz.options_text = "\n".join(lines)

    @api.onchange("partner_id")
    def _onchange_partner_default_provider(self):
        if not self.provider_id and self.allowed_provider_ids:
            self.provider_id = self.allowed_provider_ids[:1]

    def action_send(self):
        self.ensure_one()
        if not self.provider_id:
            raise UserError(_("Choose the profile that sends the text."))
        message = self.env["sicantik.whatsapp.dispatcher"].send_free_text(
            self.partner_id, self.text or "", self.provider_id
        )
        self.message_id = message
        return {
            "type": "ir.actions.act_window",
            "res_model": "sicantik.whatsapp.message",
            "res_id": message.id,
            "view_mode": "form",
            "target": "current",
        }
