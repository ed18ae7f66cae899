# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where evidence is appended: every write of an outcome or a delivery status to a message, and
every consent record (whatever code path writes them: the dispatcher, the outbox's recovery,
the webhooks, staff actions). Only a write that bypasses the ORM escapes, and *Verify* catches it.
"""

from odoo import api, fields, models

from .sicantik_whatsapp_evidence import (
    NO_CHAIN,
    OUTCOME_STATES,
    TRACKED_FIELDS,
    datetime_ms,
    now_ms,
)


class SicantikWhatsappMessage(models.Model):
    _inherit = "sicantik.whatsapp.message"

    body_sha256 = fields.Char(string="Text SHA-256", readonly=True, copy=False)
    answer_sha256 = fields.Char(string="Provider Answer SHA-256", readonly=True, copy=False)
    evidence_chained = fields.Boolean(readonly=True, copy=False)
    evidence_purged = fields.Boolean(
        string="Purged (retention)", readonly=True, copy=False, index=True
    )
    evidence_purged_date = fields.Datetime(string="Purged On", readonly=True, copy=False)
    source_model = fields.Char(readonly=True, index=True, copy=False)
    source_res_id = fields.Many2oneReference(
        string="Source Record ID", model_field="source_model", readonly=True, index=True, copy=False
    )

    def write(self, vals):
        res = super().write(vals)
        if TRACKED_FIELDS & vals.keys() and not self.env.context.get(NO_CHAIN):
            kind = (
                "message.status"
                if "delivery_status" in vals and "state" not in vals
                else "message.outcome"
            )
            self._evidence_chain(kind)
        return res

    def _evidence_fact(self, kind, at_ms):
        """The engine ``Fact`` of this message as it is now (texts as text while kept)."""
        self.ensure_one()
        fact = {
            "kind": kind,
            "atMs": at_ms,
            "company": self.company_id.id,
            "message": self.id,
            "state": self.state,
        }
        optional = {
            "partner": self.partner_id.id,
            "phone": self.phone,
            "template": self.template_code,
            "provider": self.provider_id._engine_id() if self.provider_id else None,
            "deliveryStatus": self.delivery_status,
            "providerMessageId": self.provider_message_id,
            "errorCode": self.error_code,
        }
        fact.update({k: v for k, v in optional.items() if v})
        if self.body_text:
            fact["body"] = self.body_text
        elif self.body_sha256:
            fact["bodySha256"] = self.body_sha256
        if self.outcome_json:
            fact["answer"] = self.outcome_json
        elif self.answer_sha256:
            fact["answerSha256"] = self.answer_sha256
        return fact

    def _evidence_chain(self, kind):
        """Append a pending entry for each message that has an outcome (or was chained before:
        its later states are chained too, so the latest entry always matches the message)."""
        messages = self.sudo().filtered(lambda m: m.state in OUTCOME_STATES or m.evidence_chained)
        if not messages:
            return
        at = now_ms()
        facts = self.env["sicantik.whatsapp.evidence"]._append(
            [
                {
                    "fact": m._evidence_fact(kind, at),
                    "message_id": m.id,
                    "partner_id": m.partner_id.id,
                }
                for m in messages
            ]
        )
        for message, fact in zip(messages, facts, strict=True):
            vals = {
                "body_sha256": fact.get("bodySha256") or False,
                "answer_sha256": fact.get("answerSha256") or False,
                "evidence_chained": True,
            }
            if any(message[k] != v for k, v in vals.items()):
                super(SicantikWhatsappMessage, message).write(vals)


class SicantikWhatsappConsent(models.Model):
    _inherit = "sicantik.whatsapp.consent"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["sicantik.whatsapp.evidence"]._append(
            [
                {"fact": c._evidence_fact(), "consent_id": c.id, "partner_id": c.partner_id.id}
                for c in records
            ]
        )
        return records

    def _evidence_fact(self):
        self.ensure_one()
        fact = {
            "kind": f"consent.{self.action}",
            "atMs": datetime_ms(self.date),
            "company": (self.company_id or self.partner_id.company_id or self.env.company).id,
            "partner": self.partner_id.id,
            "consent": self.id,
            "source": self.source,
        }
        optional = {
            "evidence": self.evidence,
            "ipAddress": self.ip_address,
            "userAgent": self.user_agent,
        }
        fact.update({k: v for k, v in optional.items() if v})
        return fact


class SicantikWhatsappDispatcher(models.AbstractModel):
    _inherit = "sicantik.whatsapp.dispatcher"

    @api.model
    def _create_messages(self, partners, template_code, *args, **kwargs):
        """``dispatcher.with_context(sicantik_whatsapp_source=record).send(...)`` links the
        messages to the record they are about (the proof can then be printed from it)."""
        messages = super()._create_messages(partners, template_code, *args, **kwargs)
        source = self.env.context.get("sicantik_whatsapp_source")
        if source is not None and isinstance(source, models.BaseModel) and len(source) == 1:
            messages.sudo().write({"source_model": source._name, "source_res_id": source.id})
        return messages
