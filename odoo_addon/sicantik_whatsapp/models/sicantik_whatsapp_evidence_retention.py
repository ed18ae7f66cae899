# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retention: texts and payloads are purged after a while, their hashes stay chained."""

from odoo import api, fields, models

from .sicantik_whatsapp_evidence import NO_CHAIN, datetime_ms, now_ms


class SicantikWhatsappEvidenceRetention(models.Model):
    _inherit = "sicantik.whatsapp.evidence"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _retention_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param("sicantik_whatsapp.retention_days")
        try:
            days = int(value) if value not in (None, False, "") else 365
        except ValueError:
            days = 365
        return max(days, 1)

    @api.model
    def _cron_purge(self, limit=5000):
        """Purge message texts, payloads and provider answers older than the retention period.

        Their SHA-256 stays on the message (and in the chain), with the states, times and consent
        evidence: the chain still verifies and the proof still shows what was sent, by hash. Each
        purge is itself chained (``retention.purge``).
        """
        import datetime

        cutoff = fields.Datetime.now() - datetime.timedelta(days=self._retention_days())
        messages = (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            .search(
                [
                    ("create_date", "<", cutoff),
                    ("evidence_purged", "=", False),
                    ("state", "not in", ("queued", "sending")),
                ],
                limit=limit,
                order="id",
            )
        )
        engine = self._engine()
        for company in messages.company_id:
            batch = messages.filtered(lambda m, c=company: m.company_id == c)
            for message in batch:
                # Digests of what is about to go, for messages never chained with their text.
                fact = engine.call(
                    "evidenceFact", message._evidence_fact("message.outcome", now_ms())
                )
                digests = {
                    "body_sha256": fact.get("bodySha256") or False,
                    "answer_sha256": fact.get("answerSha256") or False,
                }
                message.with_context(**{NO_CHAIN: True}).write(digests)
            batch.with_context(**{NO_CHAIN: True}).write(
                {
                    "body_text": False,
                    "values_json": False,
                    "notification_json": False,
                    "decision_json": False,
                    "outcome_json": False,
                    "evidence_purged": True,
                    "evidence_purged_date": fields.Datetime.now(),
                }
            )
            batch.attempt_ids.sudo().write(
                {
                    "request_masked": False,
                    "response_masked": False,
                    "transport_error": False,
                    "detail": False,
                }
            )
            self._append(
                [
                    {
                        "fact": {
                            "kind": "retention.purge",
                            "atMs": now_ms(),
                            "company": company.id,
                            "purged": len(batch),
                            "purgedBeforeMs": datetime_ms(cutoff),
                        }
                    }
                ]
            )
        return len(messages)
