# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class SicantikWhatsappMixin(models.AbstractModel):
    """Send WhatsApp notifications from a model's records with one line::

        class Permit(models.Model):
            _name = "x.permit"
            _inherit = ["mail.thread", "sicantik.whatsapp.mixin"]

        permit._sicantik_whatsapp_send("permit_ready")

    The values come from the template's mapping (the template names this model). The recipient
    is the record's contact (``_sicantik_whatsapp_partner_field``, default ``partner_id``), else
    its number (``_sicantik_whatsapp_phone_fields``). Each message keeps a reference to its
    record and is logged in the record's chatter (when it has one) and the contact's.
    """

    _name = "sicantik.whatsapp.mixin"
    _description = "WhatsApp Notifications Mixin"

    #: The field holding the recipient (a ``res.partner`` many2one).
    _sicantik_whatsapp_partner_field = "partner_id"
    #: Fields holding the number of a record without a contact, in order.
    _sicantik_whatsapp_phone_fields = ("mobile", "phone")

    sicantik_whatsapp_message_ids = fields.One2many(
        "sicantik.whatsapp.message",
        "source_res_id",
        string="WhatsApp Messages",
        domain=lambda self: [("source_model", "=", self._name)],
        groups="sicantik_whatsapp.group_sicantik_whatsapp_user",
    )
    sicantik_whatsapp_message_count = fields.Integer(
        compute="_compute_sicantik_whatsapp_message_count",
        string="WhatsApp Message Count",
        groups="sicantik_whatsapp.group_sicantik_whatsapp_user",
    )

    def _compute_sicantik_whatsapp_message_count(self):
        data = (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            ._read_group(
                [("source_model", "=", self._name), ("source_res_id", "in", self.ids)],
                ["source_res_id"],
                ["__count"],
            )
        )
        counts = dict(data)
        for rec in self:
            rec.sicantik_whatsapp_message_count = counts.get(rec.id, 0)

    def _sicantik_whatsapp_send(self, template_code, values=None, force_provider=None):
        """Send ``template_code`` to the recipient of each record now; returns the messages (one
        per record, in order). ``values`` override the mapping's. Needs the WhatsApp user group
        and read access to the records (use ``sudo()`` for a system notification)."""
        return self.env["sicantik.whatsapp.dispatcher"].send_records(
            self, template_code, values=values, force_provider=force_provider
        )

    def _sicantik_whatsapp_enqueue(
        self, template_code, values=None, scheduled_date=None, priority=10, message_vals=None
    ):
        """Like :meth:`_sicantik_whatsapp_send`, through the outbox (the cron sends in batches)."""
        return self.env["sicantik.whatsapp.dispatcher"].send_records(
            self,
            template_code,
            values=values,
            queue=True,
            scheduled_date=scheduled_date,
            priority=priority,
            message_vals=message_vals,
        )

    def action_sicantik_whatsapp_messages(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("WhatsApp messages of %s", self.display_name),
            "res_model": "sicantik.whatsapp.message",
            "view_mode": "list,form",
            "domain": [("source_model", "=", self._name), ("source_res_id", "=", self.id)],
        }

    @api.model
    def _sicantik_whatsapp_templates(self):
        """The active templates bound to this model."""
        return self.env["sicantik.whatsapp.template.master"].search([("model", "=", self._name)])
