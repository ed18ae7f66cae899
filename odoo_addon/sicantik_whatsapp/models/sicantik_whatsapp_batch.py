# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending a record-bound master template for many records: plan, enqueue, watch.

The plan is the engine's: one ``planBatch`` call for all the records (never one engine call per
record) says, per record, the provider it would take, or why it cannot be sent. The counts shown
before sending and the messages queued afterwards come from the same preparation.
"""

import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

#: The counts of a plan, in the order the composer shows them.
PLAN_COUNTS = (
    "record_count",
    "recipient_count",
    "meta_count",
    "gateway_count",
    "opted_out_count",
    "invalid_count",
    "missing_count",
    "no_recipient_count",
    "other_error_count",
)


class SicantikWhatsappBatch(models.Model):
    """One send of a template to many records: the plan's counts and the progress of its
    messages in the outbox."""

    _name = "sicantik.whatsapp.batch"
    _description = "WhatsApp Batch Send"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    template_id = fields.Many2one(
        "sicantik.whatsapp.template.master",
        string="Template",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    res_model = fields.Char(string="Source Model", required=True, readonly=True)
    trigger = fields.Char(
        readonly=True, help="The automation rule that sent it (empty: the composer)."
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        index=True,
    )
    record_count = fields.Integer(string="Records", readonly=True)
    recipient_count = fields.Integer(
        string="Recipients", readonly=True, help="Distinct citizens to be notified."
    )
    meta_count = fields.Integer(string="Via Meta", readonly=True)
    gateway_count = fields.Integer(
        string="Via Gateways",
        readonly=True,
        help="Watzap.id or Fonnte, with the opt-in invitation.",
    )
    opted_out_count = fields.Integer(string="Opted Out", readonly=True)
    invalid_count = fields.Integer(string="Invalid Numbers", readonly=True)
    missing_count = fields.Integer(string="Missing Values", readonly=True)
    no_recipient_count = fields.Integer(string="Without Recipient", readonly=True)
    other_error_count = fields.Integer(string="Other Problems", readonly=True)
    message_ids = fields.One2many(
        "sicantik.whatsapp.message", "batch_id", string="Messages", readonly=True
    )
    queued_count = fields.Integer(string="Waiting", compute="_compute_progress")
    sent_count = fields.Integer(string="Sent", compute="_compute_progress")
    failed_count = fields.Integer(string="Failed", compute="_compute_progress")
    unknown_count = fields.Integer(string="Unknown", compute="_compute_progress")
    progress = fields.Float(
        compute="_compute_progress", help="Share of the messages settled (sent, failed or unknown)."
    )
    state = fields.Selection(
        [("running", "Sending"), ("done", "Done")], compute="_compute_progress", string="Status"
    )

    def _compute_progress(self):
        counts = {}
        if self.ids:
            groups = (
                self.env["sicantik.whatsapp.message"]
                .sudo()
                ._read_group([("batch_id", "in", self.ids)], ["batch_id", "state"], ["__count"])
            )
            for batch, state, count in groups:
                counts.setdefault(batch.id, {})[state] = count
        for batch in self:
            by_state = counts.get(batch.id, {})
            total = sum(by_state.values())
            waiting = sum(by_state.get(s, 0) for s in ("queued", "sending", "deferred"))
            batch.queued_count = waiting
            batch.sent_count = by_state.get("sent", 0)
            batch.failed_count = by_state.get("failed", 0)
            batch.unknown_count = by_state.get("unknown", 0)
            batch.progress = 100.0 * (total - waiting) / total if total else 100.0
            batch.state = "running" if waiting else "done"

    def action_refresh(self):
        """The form's refresh button: the counters are computed on read."""
        return True

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sicantik_whatsapp.sicantik_whatsapp_message_action"
        )
        action["domain"] = [("batch_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------

    @api.model
    def _check_send_rights(self, records, template):
        """Whoever sends ``template`` from ``records``: a WhatsApp user who may read the records
        (the dispatcher's check) and the template, and the records are of the user's active
        companies. Checked before any ``sudo()``; the superuser (automation rules run by
        base_automation, set up by administrators) passes."""
        if self.env.su:
            return
        self.env["sicantik.whatsapp.dispatcher"]._check_record_send_rights(records)
        template.check_access("read")
        if "company_id" in records._fields and records._fields["company_id"].type == "many2one":
            foreign = records.filtered(
                lambda r: r.company_id and r.company_id not in self.env.companies
            )
            if foreign:
                raise AccessError(
                    _(
                        "%(record)s belongs to a company you are not working in.",
                        record=foreign[0].display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Plan and enqueue
    # ------------------------------------------------------------------

    @api.model
    def _plan(self, template, records):
        """Prepare every record (the template's mapping) and plan them with one engine call per
        company (rights checked by the caller).

        Returns the prepared items (``record``, ``partner``, ``phone``, ``company``, ``values``,
        ``error``: see ``_sicantik_prepare_record_messages``), each with ``notification`` (None
        when it could not be prepared) and ``status``: ``meta`` / ``gateway`` (a provider takes
        it), ``opted_out``, ``no_provider``, ``invalid`` (the number), ``missing`` (a value),
        ``no_recipient`` or ``error``. A refusal of the plan becomes the item's ``error``
        (``(code, message)``), so that its message is created failed with the engine's reason.
        """
        items = template._sicantik_prepare_record_messages(records.sudo())
        Dispatcher = self.env["sicantik.whatsapp.dispatcher"]
        by_company = {}
        for item in items:
            item["notification"] = None
            if item["error"]:
                code = item["error"][0]
                item["status"] = (
                    "no_recipient" if code == "record.no_recipient" else _error_status(code)
                )
                continue
            item["notification"] = template._item_notification(template.code, item)
            by_company.setdefault(item["company"], []).append(item)
        for company, todo in by_company.items():
            dispatcher = Dispatcher.with_company(company)
            kinds = {
                p["id"]: p["kind"]
                for p in dispatcher._engine_config_cached(company.id)[1]["providers"]
            }
            plans = dispatcher._engine(company).plan_batch(
                [item["notification"] for item in todo], compact=True
            )
            for item, answer in zip(todo, plans, strict=False):
                if "error" in answer:
                    code = answer["error"].get("code") or "engine.error"
                    item.update(
                        status=_error_status(code),
                        error=(
                            code,
                            answer["error"].get("message") or code,
                            answer["error"].get("args"),
                        ),
                    )
                    continue
                plan = answer["ok"]
                if plan.get("provider"):
                    item["status"] = "meta" if kinds.get(plan["provider"]) == "meta" else "gateway"
                elif "route.opted_out" in (plan.get("trace") or []):
                    item["status"] = "opted_out"
                else:
                    item["status"] = "no_provider"
        return items

    @api.model
    def _counts(self, items):
        """The plan's counts (:data:`PLAN_COUNTS`) of ``items`` from :meth:`_plan`."""
        statuses = [item["status"] for item in items]
        recipients = {
            item["partner"].id or item["notification"]["recipient"]["phone"]
            for item in items
            if item["status"] in ("meta", "gateway")
        }
        return {
            "record_count": len(items),
            "recipient_count": len(recipients),
            "meta_count": statuses.count("meta"),
            "gateway_count": statuses.count("gateway"),
            "opted_out_count": statuses.count("opted_out"),
            "invalid_count": statuses.count("invalid"),
            "missing_count": statuses.count("missing"),
            "no_recipient_count": statuses.count("no_recipient"),
            "other_error_count": statuses.count("error") + statuses.count("no_provider"),
        }

    @api.model
    def _enqueue(self, template, records, trigger=None, dedupe_trigger=None):
        """Queue ``template`` for every record of ``records`` (rights checked by the caller).

        Each record becomes a message linked to it and to the batch: a sendable one is queued
        for the outbox; one the preparation or the engine's plan refuses (no recipient, a value
        missing, an invalid number) is created ``failed`` with the reason. Nothing is skipped,
        nothing stops the rest. Opted-out citizens are queued too: the outbox's decision records
        why nothing left, as for any message.

        ``dedupe_trigger``: the automation trigger; each message then carries the key
        ``model,id:template:trigger`` and a record already notified under it is left out (the
        database refuses a second one, even from a concurrent transaction). Returns the batch
        (none for a rule's single record).
        """
        items = self._plan(template, records)
        if dedupe_trigger:
            for item in items:
                item["dedupe_key"] = _dedupe_key(item["record"], template, dedupe_trigger)
            Message = self.env["sicantik.whatsapp.message"].sudo().with_context(active_test=False)
            taken = set(
                Message.search([("dedupe_key", "in", [i["dedupe_key"] for i in items])]).mapped(
                    "dedupe_key"
                )
            )
            items = [item for item in items if item["dedupe_key"] not in taken]
            if not items:
                return self.browse()  # every record was notified already: nothing to record
        batch = self.browse()
        # A rule fires per record (base_automation runs its actions one record at a time): a
        # single message of a rule is no batch to watch, it is found on its record.
        if not dedupe_trigger or len(items) > 1:
            batch = self.sudo().create(
                dict(
                    self._counts(items),
                    name=_(
                        "%(template)s: %(count)s records",
                        template=template.name or template.code,
                        count=len(items),
                    ),
                    template_id=template.id,
                    res_model=records._name,
                    trigger=trigger or False,
                    company_id=self.env.company.id,
                )
            )
        if items:
            self._create_messages(template, items, batch)
            self.env["sicantik.whatsapp.outbox"]._trigger_outbox()
        return batch

    @api.model
    def _create_messages(self, template, items, batch):
        """Create the items' messages in one go; when a dedupe key is already taken (a
        concurrent run committed it meanwhile), one by one, leaving out the taken ones."""
        Dispatcher = self.env["sicantik.whatsapp.dispatcher"]

        def vals(item):
            return {"batch_id": batch.id or False, "dedupe_key": item.get("dedupe_key") or False}

        try:
            with self.env.cr.savepoint():
                return Dispatcher._create_message_rows(template.code, items, message_vals=vals)
        except psycopg2.errors.UniqueViolation:
            if not any(item.get("dedupe_key") for item in items):
                raise
        created = self.env["sicantik.whatsapp.message"]
        for item in items:
            try:
                with self.env.cr.savepoint():
                    created |= Dispatcher._create_message_rows(
                        template.code, [item], message_vals=vals
                    )
            except psycopg2.errors.UniqueViolation:
                _logger.info("WhatsApp: %s already notified, left out", item["dedupe_key"])
        return created


def _error_status(code):
    if code.startswith("phone."):
        return "invalid"
    if code == "template.missing_param":
        return "missing"
    return "error"


def _dedupe_key(record, template, trigger):
    return f"{record._name},{record.id}:{template.code}:{trigger}"
