# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Server action "Send WhatsApp master template", for Automation Rules (``base_automation``).

The action queues the template for the rule's records through the outbox, like the list
composer. Each message carries a dedupe key made of the record, the template and the trigger
(the server action, which belongs to one automation rule; for a time-based rule also the date it
fired for, so a renewed permit is reminded again): the database refuses a second message with the
same key, so a rule that fires twice for a record, even in two workers at once, notifies it once.
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: base_automation's time-based triggers (its TIME_TRIGGERS; the module is not a dependency).
TIME_TRIGGERS = ("on_time", "on_time_created", "on_time_updated")


class IrActionsServer(models.Model):
    _inherit = "ir.actions.server"

    state = fields.Selection(
        selection_add=[("sicantik_whatsapp", "Send WhatsApp master template")],
        ondelete={"sicantik_whatsapp": "cascade"},
    )
    sicantik_whatsapp_template_id = fields.Many2one(
        "sicantik.whatsapp.template.master",
        string="WhatsApp Template",
        ondelete="restrict",
        help="The master template sent to the records; its placeholders take their values from "
        "the template's mapping for the action's model.",
    )

    @api.constrains("state", "model_id", "sicantik_whatsapp_template_id")
    def _check_sicantik_whatsapp_template(self):
        for action in self.filtered(lambda a: a.state == "sicantik_whatsapp"):
            template = action.sicantik_whatsapp_template_id
            if not template:
                raise ValidationError(_("Choose the WhatsApp template to send."))
            if template.model and template.model != action.model_id.model:
                raise ValidationError(
                    _(
                        "The WhatsApp template %(template)s is made for %(model)s, "
                        "not for %(action_model)s.",
                        template=template.display_name,
                        model=template.model,
                        action_model=action.model_id.model,
                    )
                )

    def _sicantik_whatsapp_trigger(self, record):
        """The trigger part of the dedupe key for ``record``: this action (one automation rule),
        and for a time-based rule the date value it fired for."""
        trigger = f"action-{self.id}"
        rule = self.base_automation_id if "base_automation_id" in self._fields else None
        if rule and rule.trigger in TIME_TRIGGERS and rule.trg_date_id:
            value = record[rule.trg_date_id.name]
            if value:
                trigger += f"@{value.isoformat()}"
        return trigger

    def _run_action_sicantik_whatsapp_multi(self, eval_context=None):
        records = eval_context.get("records") or eval_context.get("record")
        if not records or self._is_recompute():
            return False
        template = self.sicantik_whatsapp_template_id
        # The action itself runs as superuser (``run()``); the records are in the caller's
        # environment: a user running it from a list is checked, a rule run by base_automation
        # (superuser) passes. Before any sudo.
        Batch = records.env["sicantik.whatsapp.batch"]
        Batch._check_send_rights(records, template.with_env(records.env))
        by_trigger = {}
        for record in records:
            by_trigger.setdefault(self._sicantik_whatsapp_trigger(record), []).append(record.id)
        rule = self.base_automation_id if "base_automation_id" in self._fields else None
        label = rule.name if rule else self.name
        for trigger, ids in by_trigger.items():
            Batch._enqueue(
                template.sudo(), records.browse(ids), trigger=label, dedupe_trigger=trigger
            )
        return False
