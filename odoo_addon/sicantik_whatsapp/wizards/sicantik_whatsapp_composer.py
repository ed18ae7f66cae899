# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.res_partner import PREVIEW_LINK_CONTEXT
from ..models.sicantik_whatsapp_batch import PLAN_COUNTS

#: Problem rows listed in the composer before sending (the counts cover all of them).
PROBLEMS_SHOWN = 20


class SicantikWhatsappComposer(models.TransientModel):
    """Send WhatsApp: a record-bound master template sent from one record (a form: live preview
    of that record's message) or from many (a list: the engine's plan counted before sending).
    Either way the messages go through the outbox, linked to their records."""

    _name = "sicantik.whatsapp.composer"
    _description = "Send WhatsApp"

    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_ids = fields.Text(string="Record IDs", required=True, readonly=True)
    record_count = fields.Integer(compute="_compute_record_count", string="Records")
    composition_mode = fields.Selection(
        [("single", "One record"), ("batch", "Many records")], compute="_compute_record_count"
    )
    template_id = fields.Many2one(
        "sicantik.whatsapp.template.master",
        string="Template",
        required=True,
        domain="[('model', '=', res_model)]",
    )
    # One record: the widget previews the message from these (computed from the record).
    partner_id = fields.Many2one(
        "res.partner", string="Recipient", compute="_compute_plan", readonly=True
    )
    values_json = fields.Text(string="Values", compute="_compute_plan", readonly=True)
    single_error = fields.Text(string="Problem", compute="_compute_plan", readonly=True)
    # Many records: the engine's plan, counted.
    recipient_count = fields.Integer(string="Recipients", compute="_compute_plan")
    meta_count = fields.Integer(string="Via Meta", compute="_compute_plan")
    gateway_count = fields.Integer(string="Via Gateways", compute="_compute_plan")
    opted_out_count = fields.Integer(string="Opted Out", compute="_compute_plan")
    invalid_count = fields.Integer(string="Invalid Numbers", compute="_compute_plan")
    missing_count = fields.Integer(string="Missing Values", compute="_compute_plan")
    no_recipient_count = fields.Integer(string="Without Recipient", compute="_compute_plan")
    other_error_count = fields.Integer(string="Other Problems", compute="_compute_plan")
    problems = fields.Text(compute="_compute_plan", readonly=True)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        ctx = self.env.context
        model = res.get("res_model") or ctx.get("active_model")
        ids = ctx.get("active_ids") or ([ctx["active_id"]] if ctx.get("active_id") else [])
        if model and "res_model" in fields_list:
            res["res_model"] = model
        if ids and "res_ids" in fields_list and not res.get("res_ids"):
            res["res_ids"] = json.dumps(list(ids))
        if model and "template_id" in fields_list and not res.get("template_id"):
            templates = self.env["sicantik.whatsapp.template.master"].search(
                [("model", "=", model)]
            )
            if len(templates) == 1:
                res["template_id"] = templates.id
        return res

    def _records(self):
        self.ensure_one()
        if self.res_model not in self.env:
            raise UserError(_("Unknown model: %s", self.res_model))
        try:
            ids = [int(i) for i in json.loads(self.res_ids or "[]")]
        except (TypeError, ValueError):
            raise UserError(_("Invalid record ids.")) from None
        return self.env[self.res_model].browse(ids).exists()

    @api.depends("res_ids")
    def _compute_record_count(self):
        for wiz in self:
            try:
                count = len(json.loads(wiz.res_ids or "[]"))
            except ValueError:
                count = 0
            wiz.record_count = count
            wiz.composition_mode = "single" if count == 1 else "batch"

    def _rows(self):
        """The plan of the records (rights checked first)."""
        records = self._records()
        Batch = self.env["sicantik.whatsapp.batch"]
        Batch._check_send_rights(records, self.template_id)
        return Batch.with_context(**{PREVIEW_LINK_CONTEXT: True})._plan(
            self.template_id.sudo(), records
        )

    @api.depends("template_id", "res_ids")
    def _compute_plan(self):
        """One plan (one engine call) for both modes: the record's recipient and values for the
        preview, or the counts and the first problems for many records."""
        Batch = self.env["sicantik.whatsapp.batch"]
        for wiz in self:
            rows = wiz._rows() if wiz.template_id else []
            counts = Batch._counts(rows)
            for name in PLAN_COUNTS:
                if name != "record_count":
                    wiz[name] = counts[name]
            problems = [row for row in rows if row["status"] not in ("meta", "gateway")]
            single = rows[0] if wiz.composition_mode == "single" and rows else None
            wiz.partner_id = single["partner"] if single else False
            wiz.values_json = (
                json.dumps(single["values"], ensure_ascii=False, indent=2) if single else False
            )
            wiz.single_error = wiz._describe(single) if single and problems else False
            lines = [
                f"{row['record'].display_name}: {wiz._describe(row)}"
                for row in problems[:PROBLEMS_SHOWN]
            ]
            if len(problems) > PROBLEMS_SHOWN:
                lines.append(_("… and %s more", len(problems) - PROBLEMS_SHOWN))
            wiz.problems = "\n".join(lines) or False

    def action_send(self):
        """Queue the template for the records; opens the batch, whose counters follow the outbox."""
        self.ensure_one()
        records = self._records()
        if not records:
            raise UserError(_("The records no longer exist."))
        Batch = self.env["sicantik.whatsapp.batch"]
        Batch._check_send_rights(records, self.template_id)
        batch = Batch._enqueue(self.template_id.sudo(), records)
        return {
            "type": "ir.actions.act_window",
            "res_model": "sicantik.whatsapp.batch",
            "res_id": batch.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": _("WhatsApp sending"),
        }

    def _describe(self, row):
        """Why a planned row will not be sent, in words for the user."""
        status = row["status"]
        if status == "opted_out":
            return _("the citizen opted out of WhatsApp messages")
        if status == "no_provider":
            return _("no provider can take this message")
        return row["error"][1] if row["error"] else status
