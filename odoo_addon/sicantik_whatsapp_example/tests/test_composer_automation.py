# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Automation rules on permits: sent once on a state change or before expiry, deduplicated even
when two workers fire the rule at once."""

import datetime
import threading

import psycopg2

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PERMIT, PermitCommon


@tagged("post_install", "-at_install")
class TestAutomation(PermitCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        model = cls.env["ir.model"]._get(PERMIT)
        state_field = cls.env["ir.model.fields"]._get(PERMIT, "state")
        expiry_field = cls.env["ir.model.fields"]._get(PERMIT, "expiry_date")
        cls.rule_done = cls.env["base.automation"].create(
            {
                "name": "Permit done: permit_ready",
                "model_id": model.id,
                "trigger": "on_state_set",
                "trigger_field_ids": [(6, 0, state_field.ids)],
                "trg_selection_field_id": state_field.selection_ids.filtered(
                    lambda s: s.value == "done"
                ).id,
            }
        )
        cls.action_done = cls.env["ir.actions.server"].create(
            {
                "name": "Send permit_ready",
                "model_id": model.id,
                "state": "sicantik_whatsapp",
                "sicantik_whatsapp_template_id": cls.template_ready.id,
                "base_automation_id": cls.rule_done.id,
            }
        )
        cls.rule_expiry = cls.env["base.automation"].create(
            {
                "name": "30 days before expiry: permit_reminder",
                "model_id": model.id,
                "trigger": "on_time",
                "trigger_field_ids": [(6, 0, expiry_field.ids)],
                "trg_date_id": expiry_field.id,
                "trg_date_range": -30,
                "trg_date_range_type": "day",
            }
        )
        cls.env["ir.actions.server"].create(
            {
                "name": "Send permit_reminder",
                "model_id": model.id,
                "state": "sicantik_whatsapp",
                "sicantik_whatsapp_template_id": cls.template_reminder.id,
                "base_automation_id": cls.rule_expiry.id,
            }
        )

    def check_time_based(self):
        """What base_automation's cron runs (``model._check(True)``), without its commit."""
        cron = self.env.ref("base_automation.ir_cron_data_base_automation_check")
        self.assertEqual(cron.code.strip(), "model._check(True)")
        self.env["base.automation"]._check()

    def messages(self, permit, template):
        return (
            self.env["sicantik.whatsapp.message"]
            .search([("template_code", "=", template.code)])
            .filtered(lambda m: m._source_record() == permit)
        )

    def test_state_done_sends_permit_ready_once(self):
        permit = self.permit(self.partner_gateway, "503/PBG/2026/0100")
        self.assertFalse(self.messages(permit, self.template_ready))
        permit.write({"state": "done"})
        message = self.messages(permit, self.template_ready)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.state, "queued")
        self.assertTrue(message.dedupe_key)
        self.assertFalse(message.batch_id, "a rule's single message is no batch")
        # The rule fires again (back to draft, done again): the record is not notified twice.
        permit.write({"state": "draft"})
        permit.write({"state": "done"})
        self.assertEqual(len(self.messages(permit, self.template_ready)), 1)
        self.drain()
        self.assertEqual(message.state, "sent")

    def test_time_based_rule_sends_the_reminder_30_days_before_expiry_once(self):
        today = fields.Date.today()
        soon = self.permit(
            self.partner_opted_in,
            "503/PBG/2026/0200",
            expiry_date=today + datetime.timedelta(days=20),
        )
        later = self.permit(
            self.partner_opted_in,
            "503/PBG/2026/0201",
            expiry_date=today + datetime.timedelta(days=90),
        )
        self.rule_expiry.last_run = fields.Datetime.now() - datetime.timedelta(days=60)
        self.check_time_based()
        self.assertEqual(len(self.messages(soon, self.template_reminder)), 1)
        self.assertFalse(self.messages(later, self.template_reminder))
        # The cron runs again over the same window: no second reminder.
        self.rule_expiry.last_run = fields.Datetime.now() - datetime.timedelta(days=60)
        self.check_time_based()
        self.assertEqual(len(self.messages(soon, self.template_reminder)), 1)
        # A renewed permit (new expiry date) is a new trigger: reminded again when its time comes.
        soon.expiry_date = today + datetime.timedelta(days=25)
        self.rule_expiry.last_run = fields.Datetime.now() - datetime.timedelta(days=60)
        self.check_time_based()
        self.assertEqual(len(self.messages(soon, self.template_reminder)), 2)

    def test_two_workers_firing_the_rule_at_once_notify_once(self):
        """Two transactions run the rule's action for the same permit at the same time: the
        second one waits on the dedupe key's unique index, then leaves the record out."""
        with self.registry.cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            partner = env0["res.partner"].create(
                {"name": "Concurrent Rule", "mobile": "081200002222"}
            )
            permit = env0[PERMIT].create(
                {"partner_id": partner.id, "name": "503/PBG/2026/C001", "permit_type": "pbg"}
            )
            action = env0["ir.actions.server"].create(
                {
                    "name": "Send permit_ready (concurrency test)",
                    "model_id": env0["ir.model"]._get(PERMIT).id,
                    "state": "sicantik_whatsapp",
                    "sicantik_whatsapp_template_id": env0.ref(
                        "sicantik_whatsapp.template_permit_ready"
                    ).id,
                }
            )
            ids = {"partner": partner.id, "permit": permit.id, "action": action.id}

        def run(env):
            env["ir.actions.server"].browse(ids["action"]).with_context(
                active_model=PERMIT, active_id=ids["permit"], active_ids=[ids["permit"]]
            ).run()

        results = {}
        try:
            cr1 = self.registry.cursor()
            cr2 = self.registry.cursor()
            try:
                # Environments made here: the test runner holds the registry's lock, which a
                # new Environment in another thread would wait for.
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                run(env1)  # inserted, not committed: holds the key

                def second():
                    try:
                        # Its insert is refused by the index once the first commits: logged by
                        # the cursor, handled by the action.
                        with mute_logger("odoo.sql_db"):
                            run(env2)
                        cr2.commit()
                        results["second"] = "done"
                    except Exception as e:  # pylint: disable=broad-except
                        results["second"] = repr(e)

                thread = threading.Thread(target=second)
                thread.start()
                thread.join(1.0)
                self.assertTrue(
                    thread.is_alive(), "the second transaction waits for the first one's key"
                )
                cr1.commit()
                thread.join(30)
                self.assertEqual(results.get("second"), "done")
            finally:
                for cr in (cr1, cr2):
                    cr.rollback()
                    cr.close()
            with self.registry.cursor() as cr3:
                cr3.execute(
                    "SELECT count(*) FROM sicantik_whatsapp_message WHERE dedupe_key LIKE %s",
                    (f"{PERMIT},{ids['permit']}:%",),
                )
                self.assertEqual(cr3.fetchone()[0], 1)
        finally:
            with self.registry.cursor() as cr0:
                env0 = api.Environment(cr0, SUPERUSER_ID, {})
                cr0.execute(
                    "DELETE FROM sicantik_whatsapp_message WHERE dedupe_key LIKE %s",
                    (f"{PERMIT},{ids['permit']}:%",),
                )
                env0["sicantik.whatsapp.batch"].search(
                    [
                        ("res_model", "=", PERMIT),
                        ("trigger", "=", "Send permit_ready (concurrency test)"),
                    ]
                ).unlink()
                env0["ir.actions.server"].browse(ids["action"]).unlink()
                env0[PERMIT].browse(ids["permit"]).unlink()
                env0["res.partner"].browse(ids["partner"]).unlink()

    def test_the_database_refuses_a_second_message_with_the_same_key(self):
        permit = self.permit(self.partner_gateway, "503/PBG/2026/0300")
        permit.write({"state": "done"})
        message = self.messages(permit, self.template_ready)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            message.copy({"dedupe_key": message.dedupe_key})
