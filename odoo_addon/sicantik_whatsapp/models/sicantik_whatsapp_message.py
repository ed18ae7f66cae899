# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

#: In the order of the status bar: a message that failed (or may not have left) stops before
#: *Sent*, never after it.
MESSAGE_STATES = [
    ("queued", "Queued"),
    ("deferred", "Deferred"),
    ("sending", "Sending"),
    ("unknown", "Unknown"),
    ("failed", "Failed"),
    ("sent", "Sent"),
]


def _pretty(value):
    if value in (None, False, ""):
        return False
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


class SicantikWhatsappMessage(models.Model):
    """One notification to one citizen: the outbox row and the log of how it was sent."""

    _name = "sicantik.whatsapp.message"
    _description = "WhatsApp Message"
    _order = "id desc"
    _rec_names_search = ["template_code", "phone", "partner_id"]
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Recipient", index=True, ondelete="set null")
    phone = fields.Char(help="The recipient's number as normalized by the engine (62...).")
    template_id = fields.Many2one(
        "sicantik.whatsapp.template.master", string="Template", ondelete="set null", index=True
    )
    template_code = fields.Char(required=True, index=True)
    values_json = fields.Text(string="Values", help="Named values of the template (JSON).")
    force_provider_id = fields.Many2one(
        "sicantik.whatsapp.provider",
        string="Forced Provider",
        ondelete="set null",
        check_company=True,
    )
    notification_json = fields.Text(
        string="Notification", readonly=True, help="What was given to the engine (JSON)."
    )
    state = fields.Selection(
        MESSAGE_STATES, required=True, default="queued", index=True, readonly=True, copy=False
    )
    priority = fields.Integer(default=10, help="Lower is sent first.")
    provider_id = fields.Many2one(
        "sicantik.whatsapp.provider",
        string="Provider",
        readonly=True,
        ondelete="set null",
        index=True,
        copy=False,
    )
    provider_kind = fields.Selection(related="provider_id.kind", store=True, string="Provider Kind")
    provider_message_id = fields.Char(
        string="Provider Message ID", readonly=True, index=True, copy=False
    )
    provider_message_ids = fields.Char(string="All Provider Message IDs", readonly=True, copy=False)
    decision_json = fields.Text(string="Decision (JSON)", readonly=True, copy=False)
    decision_text = fields.Text(string="Decision", readonly=True, copy=False)
    chain = fields.Char(string="Provider Chain", readonly=True, copy=False)
    opt_in_link_appended = fields.Boolean(string="Opt-in Link Appended", readonly=True, copy=False)
    body_text = fields.Text(string="Message Text", readonly=True, copy=False)
    outcome_json = fields.Text(string="Outcome (JSON)", readonly=True, copy=False)
    attempt_ids = fields.One2many(
        "sicantik.whatsapp.attempt", "message_id", string="Attempts", readonly=True
    )
    attempt_count = fields.Integer(compute="_compute_attempt_count", store=True)
    error_code = fields.Char(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False)
    scheduled_date = fields.Datetime(
        string="Send After",
        index=True,
        copy=False,
        help="Queued or deferred messages wait until this time.",
    )
    claimed_at = fields.Datetime(readonly=True, copy=False)
    sent_date = fields.Datetime(readonly=True, copy=False)
    retry_count = fields.Integer(readonly=True, copy=False)
    delivery_status = fields.Selection(
        [("sent", "Sent"), ("delivered", "Delivered"), ("read", "Read"), ("failed", "Failed")],
        readonly=True,
        copy=False,
        help="Last status reported by the provider's webhook.",
    )
    delivery_date = fields.Datetime(readonly=True, copy=False)
    rejected_for_recipient = fields.Boolean(
        string="Refused for This Recipient",
        compute="_compute_rejected_for_recipient",
        help="The last provider refused this message for this recipient (the engine's "
        "classification 'rejected', e.g. Meta 131026): sending it again will most likely fail.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    # The record the message was sent from (record-bound templates, the proof of notification):
    # ``source_model`` / ``source_res_id`` (sicantik_whatsapp_evidence_hooks.py), shown as a link.
    record_ref = fields.Reference(
        selection="_selection_record_models", compute="_compute_record_ref", string="Source Record"
    )
    recipient_phone = fields.Char(
        readonly=True, copy=False, help="The number of a source record without a contact, as given."
    )
    recipient_name = fields.Char(readonly=True, copy=False)

    @api.model
    def _selection_record_models(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("source_model", "source_res_id")
    def _compute_record_ref(self):
        records = self._source_records()
        for rec in self:
            record = records.get(rec.id)
            rec.record_ref = "%s,%s" % (record._name, record.id) if record is not None else False

    def _source_record(self):
        """The source record, ``None`` when there is none (or it was deleted)."""
        self.ensure_one()
        return self._source_records().get(self.id)

    def _source_records(self):
        """``{message id: source record}`` of the messages whose source record still exists:
        one query per model, not one per message (a list of messages, a group of the outbox)."""
        per_model = {}
        for rec in self:
            if rec.source_model and rec.source_res_id and rec.source_model in self.env:
                per_model.setdefault(rec.source_model, []).append(rec)
        found = {}
        for model, messages in per_model.items():
            alive = set(self.env[model].browse({m.source_res_id for m in messages}).exists().ids)
            for m in messages:
                if m.source_res_id in alive:
                    found[m.id] = self.env[model].browse(m.source_res_id)
        return found

    def action_open_record(self):
        self.ensure_one()
        record = self._source_record()
        if record is None:
            raise UserError(_("The source record no longer exists."))
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    batch_id = fields.Many2one(
        "sicantik.whatsapp.batch",
        string="Batch",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
    )
    dedupe_key = fields.Char(
        readonly=True,
        copy=False,
        help="Record, template and trigger of an automation rule's message: a second message with "
        "the same key is refused by the database, so a rule never notifies a record twice.",
    )

    _sql_constraints = [
        (
            "dedupe_key_unique",
            "UNIQUE(dedupe_key)",
            "This record was already notified with this template for this trigger.",
        )
    ]

    @api.depends("attempt_ids")
    def _compute_attempt_count(self):
        for rec in self:
            rec.attempt_count = len(rec.attempt_ids)

    @api.depends("state", "attempt_ids.classification")
    def _compute_rejected_for_recipient(self):
        for rec in self:
            last = (
                rec.attempt_ids.sorted("id")[-1:]
                if rec.state == "failed"
                else rec.attempt_ids.browse()
            )
            rec.rejected_for_recipient = last.classification == "rejected"

    @api.depends("template_code", "partner_id")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = "%s → %s" % (
                rec.template_code or "?",
                rec.partner_id.display_name or rec.phone or "?",
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _values(self):
        self.ensure_one()
        try:
            values = json.loads(self.values_json or "{}")
        except ValueError:
            values = {}
        return values if isinstance(values, dict) else {}

    def _apply_outcome(
        self, decision, outcome, notification=None, body_text=None, attempt_sink=None
    ):
        """Store what the engine decided and what came of it.

        ``attempt_sink``: a list collecting the attempts' values, created later in one go (the
        outbox, per group) instead of at once.
        """
        self.ensure_one()
        provider_model = self.env["sicantik.whatsapp.provider"].sudo()
        status = outcome.get("status")
        provider = (
            provider_model._from_engine_id(outcome.get("provider"))
            if outcome.get("provider")
            else provider_model
        )
        ids = [str(i) for i in outcome.get("messageIds") or []]
        vals = {
            "state": status if status in ("sent", "failed", "unknown", "deferred") else "unknown",
            "provider_id": provider.id or False,
            "provider_message_id": ids[0] if ids else False,
            "provider_message_ids": ",".join(ids) or False,
            "error_code": outcome.get("code") or False,
            "error_message": outcome.get("message") or False,
            "outcome_json": _pretty(outcome),
            "scheduled_date": False,
        }
        if notification is not None:
            vals["notification_json"] = _pretty(notification)
        if decision is not None:
            vals.update(self._decision_vals(decision))
        if body_text is not None:
            vals["body_text"] = body_text
        if status == "sent":
            vals["sent_date"] = fields.Datetime.now()
        elif status == "deferred":
            retry_at = outcome.get("retryAtMs")
            # Quiet hours and holidays are no provider's refusal: they never count towards giving up.
            quiet = (outcome.get("code") or "").startswith("quiet.")
            vals["retry_count"] = self.retry_count + (0 if quiet else 1)
            if (
                not quiet
                and self.retry_count + 1 > self.env["sicantik.whatsapp.outbox"]._max_deferrals()
            ):
                vals.update(
                    state="failed",
                    error_message=_(
                        "%(message)s (gave up after %(count)s throttled attempts)",
                        message=outcome.get("message") or outcome.get("code") or "",
                        count=self.retry_count + 1,
                    ),
                )
            else:
                vals["scheduled_date"] = (
                    fields.Datetime.to_datetime(_ms_to_datetime(retry_at))
                    if retry_at
                    else fields.Datetime.now()
                )
        self.sudo().write(vals)
        self._create_attempts(outcome.get("attempts") or [], attempt_sink)

    def _decision_vals(self, decision):
        lines = []
        for i, step in enumerate(decision.get("trace") or [], 1):
            lines.append("%s. %s [%s]" % (i, step.get("message"), step.get("code")))
        return {
            "decision_json": _pretty(decision),
            "decision_text": "\n".join(lines) or False,
            "chain": " → ".join(
                self.env["sicantik.whatsapp.provider"].sudo()._from_engine_id(pid).name or pid
                for pid in decision.get("chain") or []
            )
            or False,
            "opt_in_link_appended": bool(decision.get("appendOptInLink")),
            "phone": decision.get("phone") or self.phone,
        }

    def _create_attempts(self, attempts, sink=None):
        provider_model = self.env["sicantik.whatsapp.provider"].sudo()
        vals_list = []
        for att in attempts:
            provider = provider_model._from_engine_id(att.get("provider"))
            vals_list.append(
                {
                    "message_id": self.id,
                    "provider_id": provider.id or False,
                    "provider_ref": att.get("provider"),
                    "classification": att.get("classification") or "unknown",
                    "code": att.get("code") or False,
                    "detail": att.get("detail") or False,
                    "provider_message_ids": ",".join(str(i) for i in att.get("messageIds") or [])
                    or False,
                    "request_masked": _pretty(att.get("request")),
                    "response_masked": _pretty(att.get("response")),
                    "transport_error": _pretty(att.get("transportError")),
                    "date": fields.Datetime.to_datetime(_ms_to_datetime(att.get("atMs")))
                    if att.get("atMs")
                    else fields.Datetime.now(),
                }
            )
        if sink is not None:
            sink.extend(vals_list)
        elif vals_list:
            self.env["sicantik.whatsapp.attempt"].sudo().create(vals_list)

    def _fail(self, code, message):
        self.sudo().write(
            {
                "state": "failed",
                "error_code": code,
                "error_message": message,
                "scheduled_date": False,
            }
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_manager_rights(self):
        """Message actions send, resend or cancel: WhatsApp managers of the messages' companies,
        checked before the ``sudo()`` writes."""
        if not self.env.su and not self.env.user.has_group(
            "sicantik_whatsapp.group_sicantik_whatsapp_manager"
        ):
            raise AccessError(_("Only WhatsApp managers can send, queue again or cancel messages."))
        self.check_access("write")

    def action_send_now(self):
        """Send queued / deferred / failed messages now (failed ones are retried)."""
        self._check_manager_rights()
        to_send = self.filtered(lambda m: m.state in ("queued", "deferred", "failed"))
        if not to_send:
            raise UserError(_("Only queued, deferred or failed messages can be sent."))
        to_send.sudo().write({"state": "queued", "scheduled_date": False})
        self.env["sicantik.whatsapp.dispatcher"]._send_messages(to_send)
        return True

    def action_requeue(self):
        """Put failed (or, after checking with the provider, unknown) messages back in the outbox."""
        self._check_manager_rights()
        if self.filtered(lambda m: m.state not in ("failed", "unknown", "deferred")):
            raise UserError(_("Only failed, unknown or deferred messages can be queued again."))
        self.sudo().write(
            {
                "state": "queued",
                "scheduled_date": False,
                "error_code": False,
                "error_message": False,
            }
        )
        self.env["sicantik.whatsapp.outbox"]._trigger_outbox()
        return True

    def action_cancel(self):
        self._check_manager_rights()
        if self.filtered(lambda m: m.state not in ("queued", "deferred")):
            raise UserError(_("Only queued or deferred messages can be cancelled."))
        self._fail("outbox.cancelled", _("Cancelled by %s.", self.env.user.name))
        return True


class SicantikWhatsappMessageFlight(models.Model):
    """A claimed outbox message whose request is about to leave (or has left).

    Written and committed by the sending worker in a short transaction of its own, immediately
    before the message's first request (``sicantik.whatsapp.outbox._mark_in_flight``): the
    worker's own transaction keeps the outcomes of its group uncommitted meanwhile, and a row in
    this table (not a column of the message) never conflicts with them. Recovery reads it: a
    message left in ``sending`` with a row here may be at the provider (``unknown``), one without
    never left (back to the queue).
    """

    _name = "sicantik.whatsapp.message.flight"
    _description = "WhatsApp Message In Flight"
    _log_access = False

    message_id = fields.Many2one(
        "sicantik.whatsapp.message", required=True, ondelete="cascade", readonly=True
    )
    claimed_at = fields.Datetime(
        required=True, readonly=True, help="The claim under which the request started."
    )
    at = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [("message_unique", "UNIQUE(message_id)", "A message is in flight once.")]


def _ms_to_datetime(ms):
    import datetime

    return datetime.datetime.fromtimestamp(int(ms) / 1000.0, tz=datetime.timezone.utc).replace(
        tzinfo=None
    )
