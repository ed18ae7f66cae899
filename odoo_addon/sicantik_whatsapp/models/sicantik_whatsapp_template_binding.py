# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The "Send WhatsApp" entry of a model's Action menu, kept in step with the record-bound
templates: a model gets it when a template is bound to it, and loses it with its last one."""

from odoo import api, models

COMPOSER = "sicantik.whatsapp.composer"


class SicantikWhatsappTemplateMaster(models.Model):
    _inherit = "sicantik.whatsapp.template.master"

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        self._sicantik_sync_composer_bindings()
        return templates

    def write(self, vals):
        res = super().write(vals)
        if {"active", "model_id"} & set(vals):
            self._sicantik_sync_composer_bindings()
        return res

    def unlink(self):
        res = super().unlink()
        self._sicantik_sync_composer_bindings()
        return res

    @api.model
    def _sicantik_sync_composer_bindings(self):
        """One "Send WhatsApp" window action per model that has an active record-bound
        template, bound to its list and form views; none for the other models."""
        bound = set(self.sudo().search([("model_id", "!=", False)]).mapped("model"))
        Action = self.env["ir.actions.act_window"].sudo()
        existing = Action.search([("res_model", "=", COMPOSER), ("binding_model_id", "!=", False)])
        have = {action.binding_model_id.model: action for action in existing}
        for model, action in have.items():
            if model not in bound:
                action.unlink()
        for model in sorted(bound - set(have)):
            ir_model = self.env["ir.model"]._get(model)
            if ir_model:
                # A copy keeps the name's translations.
                self.env.ref("sicantik_whatsapp.sicantik_whatsapp_composer_action").sudo().copy(
                    {"binding_model_id": ir_model.id, "binding_view_types": "list,form"}
                )
