# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
