# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The 18.0.1.1.0 migration moves the outbox crons of an older database (noupdate records still
on the dispatcher) onto ``sicantik.whatsapp.outbox``."""

import importlib.util
import os

from odoo.tests import TransactionCase, tagged

MIGRATION = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "migrations", "18.0.1.1.0", "post-migration.py"
)


def _load_migration():
    spec = importlib.util.spec_from_file_location("sicantik_whatsapp_migrate_1_1", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration(TransactionCase):
    def test_crons_of_an_older_database_move_to_the_outbox(self):
        crons = [self.env.ref(xmlid) for xmlid in _load_migration().CRONS]
        dispatcher = self.env["ir.model"]._get("sicantik.whatsapp.dispatcher")
        for cron in crons:
            cron.model_id = dispatcher  # as a database from before the outbox model has them
        _load_migration().migrate(self.env.cr, "18.0.1.0.0")
        for cron in crons:
            self.assertEqual(cron.model_id.model, "sicantik.whatsapp.outbox")
            # The code the cron runs exists on its model again.
            method = cron.code.split("(")[0].removeprefix("model.")
            self.assertTrue(hasattr(self.env[cron.model_id.model], method), cron.code)

    def test_a_database_already_on_the_outbox_is_left_alone(self):
        cron = self.env.ref("sicantik_whatsapp.ir_cron_process_outbox")
        before = (cron.model_id, cron.code, cron.write_date)
        _load_migration().migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual((cron.model_id, cron.code, cron.write_date), before)
