# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bukti Pemberitahuan: the printable proof of notification (QWeb → PDF)."""

import json

from odoo import _, api, models
from odoo.exceptions import AccessError

from .sicantik_whatsapp_evidence import MANAGER_GROUP

REPORT = "sicantik_whatsapp.report_notification_proof"


class ReportNotificationProof(models.AbstractModel):
    _name = "report.sicantik_whatsapp.report_notification_proof_document"
    _description = "WhatsApp Proof of Notification"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only WhatsApp managers can print a proof of notification."))
        data = data or {}
        messages_model = self.env["sicantik.whatsapp.message"]
        if data.get("source_model"):
            source = self.env[data["source_model"]].browse(int(data["source_res_id"]))
            source.check_access("read")
            domain = [("source_model", "=", source._name), ("source_res_id", "=", source.id)]
            messages = messages_model.search(domain, order="id")
            partners = messages.partner_id
            title = source.display_name
        else:
            partners = self.env["res.partner"].browse(docids)
            partners.check_access("read")
            messages = messages_model.search([("partner_id", "in", partners.ids)], order="id")
            title = ", ".join(partners.mapped("display_name"))
        messages.check_access("read")
        evidence = self.env["sicantik.whatsapp.evidence"].sudo()
        evidence._seal()
        companies = messages.company_id | (partners.company_id or self.env.company)
        verifications = {c.id: evidence._verify(c) for c in companies}
        entries = evidence.search(
            [
                "|",
                ("message_id", "in", messages.ids),
                ("consent_id.partner_id", "in", partners.ids),
            ],
            order="company_id, seq",
        )
        consents = (
            self.env["sicantik.whatsapp.consent"]
            .sudo()
            .search([("partner_id", "in", partners.ids)], order="date, id")
        )
        return {
            "doc_ids": docids,
            "docs": partners,
            "title": title,
            "messages": messages.sudo(),
            "consents": consents,
            "entries": entries,
            "facts": {e.id: json.loads(e.fact_json) for e in entries},
            "entries_by_message": {
                m.id: entries.filtered(lambda e, m=m: e.message_id == m) for m in messages
            },
            "verifications": verifications,
            "companies": companies,
        }

    @api.model
    def _action_for_source(self, record):
        """The report action for the messages sent about ``record`` (any model)."""
        record.ensure_one()
        return self.env.ref(REPORT).report_action(
            self.env["res.partner"], data={"source_model": record._name, "source_res_id": record.id}
        )
