# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class SicantikWhatsappProviderErrorWizard(models.TransientModel):
    """*Mark as error*: a manager takes a profile out of routing, saying why."""

    _name = "sicantik.whatsapp.provider.error.wizard"
    _description = "Mark a WhatsApp Provider Profile as Error"

    provider_id = fields.Many2one(
        "sicantik.whatsapp.provider", string="Provider Profile", required=True, ondelete="cascade"
    )
    reason = fields.Text(
        required=True, help="Why the profile must not be used, for the other managers."
    )

    def action_confirm(self):
        self.ensure_one()
        provider = self.provider_id
        provider._check_manager_rights()
        if provider.state == "error":
            raise UserError(_("%s is already in error.", provider.name))
        provider._set_error("manual", self.reason.strip(), who=self.env.user.name)
        return {"type": "ir.actions.act_window_close"}
