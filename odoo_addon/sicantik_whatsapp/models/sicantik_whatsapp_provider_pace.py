# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SicantikWhatsappProviderPace(models.Model):
    """When each rate-limited provider may send next, shared by every outbox worker.

    Kept apart from the provider row on purpose: the reservation is a short transaction of its own
    (see ``sicantik.whatsapp.outbox._reserve_slot``) that must neither wait for a manager
    editing the profile nor clear the engine configuration cache as provider writes do. Keyed by
    the engine id (``watzap-3``) without a foreign key, so it also works for a profile the calling
    transaction has not committed yet.
    """

    _name = "sicantik.whatsapp.provider.pace"
    _description = "WhatsApp Provider Pacing State"
    _log_access = False
    _rec_name = "provider_ref"

    provider_ref = fields.Char(string="Provider", required=True, readonly=True)
    next_free_ms = fields.Float(
        string="Next Free Slot (ms)",
        readonly=True,
        help="Milliseconds since the epoch before which no further request may leave.",
    )

    _sql_constraints = [
        ("provider_ref_unique", "UNIQUE(provider_ref)", "One pacing state per provider."),
    ]
