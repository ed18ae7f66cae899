# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class SicantikWhatsappEngineConfigMixin(models.AbstractModel):
    """Records that are part of the engine's configuration (profiles, master templates,
    holidays): the configuration is cached per registry (see the dispatcher), so any change of
    them clears that cache, in every worker."""

    _name = "sicantik.whatsapp.engine.config.mixin"
    _description = "Part of the WhatsApp Engine Configuration"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res
