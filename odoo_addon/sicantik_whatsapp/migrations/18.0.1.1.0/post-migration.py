# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbox crons run on ``sicantik.whatsapp.outbox`` since 18.0.1.1.0 (the dispatcher no longer
has their methods). Their records are ``noupdate``, so an upgrade alone leaves them on the
dispatcher, where they would fail every minute."""

from odoo import SUPERUSER_ID, api

CRONS = ("sicantik_whatsapp.ir_cron_process_outbox", "sicantik_whatsapp.ir_cron_recover_stuck")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    outbox = env["ir.model"]._get("sicantik.whatsapp.outbox")
    for xmlid in CRONS:
        cron = env.ref(xmlid, raise_if_not_found=False)
        if cron and cron.model_id.model == "sicantik.whatsapp.dispatcher":
            cron.model_id = outbox
