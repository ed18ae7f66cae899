# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .readable import readable_http

CLASSIFICATIONS = [
    ("accepted", "Accepted"),
    ("rejected", "Rejected for this recipient"),
    ("config_error", "Configuration error"),
    ("throttled", "Throttled"),
    ("provider_down", "Provider down"),
    ("unknown", "Unknown"),
]


class SicantikWhatsappAttempt(models.Model):
    """One request to one provider, as the engine recorded it (credentials masked)."""

    _name = "sicantik.whatsapp.attempt"
    _description = "WhatsApp Send Attempt"
    _order = "date, id"

    message_id = fields.Many2one(
        "sicantik.whatsapp.message", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="message_id.company_id", store=True)
    provider_id = fields.Many2one(
        "sicantik.whatsapp.provider", string="Provider", ondelete="set null"
    )
    provider_ref = fields.Char(string="Engine Provider ID")
    classification = fields.Selection(CLASSIFICATIONS, required=True)
    code = fields.Char()
    detail = fields.Text()
    provider_message_ids = fields.Char(string="Provider Message IDs")
    request_masked = fields.Text(string="Request (masked)")
    response_masked = fields.Text(string="Response")
    transport_error = fields.Text()
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    # What a person reads: JSON indented, an HTML error page as its text, wrapped in the form.
    request_readable = fields.Text(string="Request", compute="_compute_readable")
    response_readable = fields.Text(string="Provider Answer", compute="_compute_readable")

    # What the classification means, in the reader's language: the engine's catalogue sentence
    # (``classification.*``), with the provider's code that led to it.
    outcome_text = fields.Char(string="What Happened", compute="_compute_outcome_text")

    @api.depends("classification", "code")
    @api.depends_context("lang")
    def _compute_outcome_text(self):
        catalogue = self.env["sicantik.whatsapp.catalogue"]
        for att in self:
            label = dict(CLASSIFICATIONS).get(att.classification, att.classification)
            try:
                text = catalogue._sentence(f"classification.{att.classification}", default=label)
            except UserError:  # no engine installed: the selection's label
                text = label
            att.outcome_text = f"{text} [{att.code}]" if att.code else text

    @api.depends("request_masked", "response_masked")
    def _compute_readable(self):
        for att in self:
            att.request_readable = readable_http(att.request_masked)
            att.response_readable = readable_http(att.response_masked)

    @api.model
    def _vals_from_engine(self, message, attempts):
        """The values of ``message``'s attempts as the engine's outcome lists them."""
        from .sicantik_whatsapp_message import _ms_to_datetime, _pretty

        provider_model = self.env["sicantik.whatsapp.provider"].sudo()
        return [
            {
                "message_id": message.id,
                "provider_id": provider_model._from_engine_id(att.get("provider")).id or False,
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
            for att in attempts
        ]
