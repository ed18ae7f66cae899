# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Send WhatsApp from permits: the composer on one and on many records, automation rules and
their dedupe, rights and companies. Every decision is the real engine's; no network (a
``FakeTransport`` answers)."""

import datetime
import json
import threading

import psycopg2

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.sicantik_whatsapp.tests.common import SicantikWhatsappCommon, fonnte_ok, meta_ok

PERMIT = "sicantik.whatsapp.example.permit"
PERMIT_ACTION = "sicantik_whatsapp_example.sicantik_whatsapp_example_permit_action"


class PermitCommon(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_ready = cls.env.ref("sicantik_whatsapp.template_permit_ready")
        cls.template_reminder = cls.env.ref("sicantik_whatsapp.template_permit_reminder")
        # Demo rules (when installed with demo data) would fire on the test's writes.
        cls.env["base.automation"].search([("model_id.model", "=", PERMIT)]).write(
            {"active": False}
        )
        cls.Permit = cls.env[PERMIT]
        cls.no_partner = cls.env["res.partner"]

    @classmethod
    def permit(cls, partner, number, **vals):
        return cls.Permit.create(
            dict(
                {
                    "partner_id": partner.id if partner else False,
                    "name": number,
                    "permit_type": "pbg",
                },
                **vals,
            )
        )

    def composer(self, permits):
        return (
            self.env["sicantik.whatsapp.composer"]
            .with_context(active_model=PERMIT, active_ids=permits.ids)
            .create({"template_id": self.template_ready.id})
        )

    def drain(self, handler=None):
        """Run the outbox cron until nothing is ready; returns the fake transport."""
        with self.mock_transport(handler=handler or _accept) as fake:
            for _i in range(50):
                before = self.env["sicantik.whatsapp.message"].search_count(
                    [("state", "in", ("queued", "deferred"))]
                )
                if not before:
                    break
                self.outbox._cron_process_outbox(batch_size=500)
        return fake


def _accept(request):
    return (
        meta_ok("wamid.%s" % abs(hash(request["body"])))
        if "graph" in request["url"]
        else fonnte_ok("1")
    )


@tagged("post_install", "-at_install")
class TestComposer(PermitCommon):
    def test_one_record_previews_its_own_values_and_queues_one_message(self):
        permit = self.permit(self.partner_gateway, "503/PBG/2026/0777")
        wizard = self.composer(permit)
        self.assertEqual(wizard.composition_mode, "single")
        self.assertEqual(wizard.partner_id, self.partner_gateway)
        values = json.loads(wizard.values_json)
        self.assertEqual(values["permit_number"], "503/PBG/2026/0777")
        self.assertFalse(wizard.single_error)
        action = wizard.action_send()
        batch = self.env["sicantik.whatsapp.batch"].browse(action["res_id"])
        self.assertEqual(len(batch.message_ids), 1)
        message = batch.message_ids
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.partner_id, self.partner_gateway)
        self.assertEqual(message._source_record(), permit)
        self.drain()
        self.assertEqual(message.state, "sent")
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.sent_count, 1)
        self.assertIn("503/PBG/2026/0777", message.body_text)

    def test_each_sent_message_is_logged_on_its_permit_and_partner_even_if_one_permit_was_deleted(
        self,
    ):
        partners = self.env["res.partner"].create(
            [
                {"name": "Warga Log %s" % i, "mobile": "0812%08d" % (30_000_000 + i)}
                for i in range(3)
            ]
        )
        permits = self.Permit
        for i, partner in enumerate(partners):
            permits |= self.permit(partner, "503/PBG/2026/L%02d" % i)
        batch = self.env["sicantik.whatsapp.batch"].browse(
            self.composer(permits).action_send()["res_id"]
        )
        messages = batch.message_ids
        self.assertEqual(len(messages), 3)
        gone = permits[1]
        gone_message = messages.filtered(lambda m: m.source_res_id == gone.id)
        gone.unlink()  # after queueing, before the outbox sends: the group must go on
        self.assertIsNone(gone_message._source_record())
        self.drain()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        for i, (partner, permit) in enumerate(zip(partners, permits, strict=False)):
            number = "503/PBG/2026/L%02d" % i
            on_partner = partner.message_ids.filtered(lambda m, n=number: n in (m.body or ""))
            self.assertEqual(len(on_partner), 1, "the recipient's chatter logs every sent message")
            if permit == gone:
                continue
            on_permit = permit.message_ids.filtered(lambda m, n=number: n in (m.body or ""))
            self.assertEqual(len(on_permit), 1, "the permit's chatter logs its message")
            self.assertIn(partner.name, on_permit.body)
        self.assertFalse(
            self.env["mail.message"].search([("model", "=", PERMIT), ("res_id", "=", gone.id)]),
            "no note on a deleted permit",
        )

    def test_500_records_counted_before_sending_then_all_queued_and_drained(self):
        partners = self.env["res.partner"].create(
            [
                {
                    "name": "Warga %03d" % i,
                    "mobile": "0812%08d" % (20_000_000 + i),
                    "wa_meta_opt_in": i % 2 == 0,
                }
                for i in range(480)
            ]
        )
        invalid = self.env["res.partner"].create(
            [{"name": "Nomor Salah %s" % i, "mobile": "12"} for i in range(7)]
        )
        permits = self.Permit
        for i, partner in enumerate(partners | invalid | self.partner_opted_out):
            permits |= self.permit(partner, "503/PBG/2026/%04d" % i)
        orphans = self.Permit
        for i in range(12):
            orphans |= self.permit(self.no_partner, "503/PBG/2026/X%02d" % i)
        permits |= orphans
        self.assertEqual(len(permits), 500)
        wizard = self.composer(permits)
        self.assertEqual(wizard.composition_mode, "batch")
        self.assertEqual(wizard.record_count, 500)
        self.assertEqual(
            (wizard.recipient_count, wizard.meta_count, wizard.gateway_count),
            (480, 240, 240),
        )
        self.assertEqual((wizard.opted_out_count, wizard.invalid_count), (1, 7))
        self.assertEqual(wizard.no_recipient_count, 12)
        self.assertEqual(wizard.missing_count + wizard.other_error_count, 0)
        self.assertIn(orphans[0].display_name, wizard.problems)
        batch = self.env["sicantik.whatsapp.batch"].browse(wizard.action_send()["res_id"])
        messages = batch.message_ids
        self.assertEqual(len(messages), 500, "every record becomes a message")
        self.assertEqual(len(messages.filtered(lambda m: m.state == "queued")), 481)
        failed = messages.filtered(lambda m: m.state == "failed")
        self.assertEqual(len(failed), 19)
        self.assertEqual(batch.progress, 19 * 100.0 / 500)
        self.drain()
        batch.invalidate_recordset()
        self.assertEqual(batch.sent_count, 480)
        self.assertEqual(batch.state, "done")
        # The opted-out citizen: the outbox's decision, recorded, nothing sent.
        opted_out = messages.filtered(lambda m: m.partner_id == self.partner_opted_out)
        self.assertEqual(opted_out.state, "failed")
        self.assertIn("route.opted_out", opted_out.decision_text)

    def test_a_record_without_partner_fails_with_a_reason_and_the_batch_goes_on(self):
        good = self.permit(self.partner_opted_in, "503/PBG/2026/0001")
        bad = self.permit(self.no_partner, "503/PBG/2026/0002")
        batch = self.env["sicantik.whatsapp.batch"].browse(
            self.composer(good | bad).action_send()["res_id"]
        )
        by_record = {m._source_record(): m for m in batch.message_ids}
        self.assertEqual(by_record[bad].state, "failed")
        self.assertTrue(by_record[bad].error_code)
        self.assertTrue(by_record[bad].error_message)
        self.assertEqual(by_record[good].state, "queued")
        self.drain()
        self.assertEqual(by_record[good].state, "sent")

    def test_missing_values_and_invalid_numbers_are_counted_and_logged_failed(self):
        today = fields.Date.today()
        ok = self.permit(self.partner_gateway, "503/PBG/2026/M001", expiry_date=today)
        no_expiry = self.permit(self.partner_gateway, "503/PBG/2026/M002")
        bad_phone = self.permit(
            self.env["res.partner"].create({"name": "Nomor Salah", "mobile": "12"}),
            "503/PBG/2026/M003",
            expiry_date=today,
        )
        wizard = (
            self.env["sicantik.whatsapp.composer"]
            .with_context(active_model=PERMIT, active_ids=(ok | no_expiry | bad_phone).ids)
            .create({"template_id": self.template_reminder.id})
        )
        self.assertEqual(
            (wizard.gateway_count, wizard.missing_count, wizard.invalid_count), (1, 1, 1)
        )
        self.assertIn("expiry_date", wizard.problems)
        batch = self.env["sicantik.whatsapp.batch"].browse(wizard.action_send()["res_id"])
        by_record = {m._source_record(): m for m in batch.message_ids}
        self.assertEqual(by_record[ok].state, "queued")
        self.assertEqual(
            (by_record[no_expiry].state, by_record[no_expiry].error_code),
            ("failed", "template.missing_param"),
        )
        self.assertEqual(by_record[bad_phone].state, "failed")
        self.assertTrue(by_record[bad_phone].error_code.startswith("phone."))
        self.assertTrue(by_record[bad_phone].error_message)

    def test_the_composer_is_bound_to_the_templates_model(self):
        action = self.env["ir.actions.act_window"].search(
            [
                ("res_model", "=", "sicantik.whatsapp.composer"),
                ("binding_model_id.model", "=", PERMIT),
            ]
        )
        self.assertEqual(len(action), 1)
        self.assertEqual(action.binding_view_types, "list,form")


@tagged("post_install", "-at_install")
class TestComposerRights(PermitCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()
        cls.permit_a = cls.permit(
            cls.partner_gateway, "503/PBG/2026/A001", company_id=cls.company_a.id
        )
        cls.permit_b = cls.permit(
            cls.partner_gateway, "503/PBG/2026/B001", company_id=cls.company_b.id
        )
        groups = {
            "portal": "base.group_portal",
            "internal": "base.group_user",
            "wa_user": "sicantik_whatsapp.group_sicantik_whatsapp_user",
        }
        cls.users = {
            role: new_test_user(
                cls.env,
                login="composer_%s" % role,
                groups=g,
                company_id=cls.company_a.id,
                company_ids=[(6, 0, cls.company_a.ids)],
            )
            for role, g in groups.items()
        }

    def send_as(self, role, permits):
        env = self.env(user=self.users[role])
        wizard = (
            env["sicantik.whatsapp.composer"]
            .with_context(active_model=PERMIT, active_ids=permits.ids)
            .create({"template_id": self.template_ready.id})
        )
        return wizard.action_send()

    def test_only_whatsapp_users_send(self):
        for role in ("portal", "internal"):
            with (
                self.subTest(role=role),
                mute_logger("odoo.addons.base.models.ir_model"),
                self.assertRaises(AccessError),
            ):
                self.send_as(role, self.permit_a)
        self.assertFalse(
            self.env["sicantik.whatsapp.message"].search(
                [("template_code", "=", self.template_ready.code)]
            )
        )
        action = self.send_as("wa_user", self.permit_a)
        self.assertEqual(
            len(self.env["sicantik.whatsapp.batch"].browse(action["res_id"]).message_ids), 1
        )

    def test_another_companys_records_are_refused(self):
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            self.send_as("wa_user", self.permit_a | self.permit_b)
        self.assertFalse(
            self.env["sicantik.whatsapp.message"].search(
                [("template_code", "=", self.template_ready.code)]
            )
        )

    def test_a_server_action_run_by_hand_checks_the_user(self):
        """``ir.actions.server.run()`` runs the action as superuser; the records are the
        caller's: the WhatsApp check applies to them."""
        action = self.env["ir.actions.server"].create(
            {
                "name": "Send permit_ready by hand",
                "model_id": self.env["ir.model"]._get(PERMIT).id,
                "state": "sicantik_whatsapp",
                "sicantik_whatsapp_template_id": self.template_ready.id,
            }
        )
        for role, allowed in (("internal", False), ("wa_user", True)):
            with self.subTest(role=role):
                records = self.permit_a.with_user(self.users[role])
                run = lambda: action.sudo()._run_action_sicantik_whatsapp_multi(  # noqa: E731
                    eval_context={"records": records}
                )
                if allowed:
                    run()
                else:
                    with self.assertRaises(AccessError):
                        run()
        messages = self.env["sicantik.whatsapp.message"].search(
            [("template_code", "=", self.template_ready.code)]
        )
        self.assertEqual(len(messages), 1, "only the WhatsApp user's run queued a message")

    def test_each_message_is_sent_in_its_records_company(self):
        """A user working in both companies: each permit's message belongs to its company (its
        profiles, its office name)."""
        self.env.user.write({"company_ids": [(4, self.company_b.id)]})
        env = self.env(
            context=dict(
                self.env.context, allowed_company_ids=[self.company_a.id, self.company_b.id]
            )
        )
        wizard = (
            env["sicantik.whatsapp.composer"]
            .with_context(active_model=PERMIT, active_ids=(self.permit_a | self.permit_b).ids)
            .create({"template_id": self.template_ready.id})
        )
        batch = env["sicantik.whatsapp.batch"].browse(wizard.action_send()["res_id"])
        companies = {m._source_record(): m.company_id for m in batch.message_ids}
        self.assertEqual(companies[self.permit_a], self.company_a)
        self.assertEqual(companies[self.permit_b], self.company_b)
        # Company B has no profile: its message fails in the outbox with the engine's reason.
        self.drain()
        by_record = {m._source_record(): m for m in batch.message_ids}
        self.assertEqual(by_record[self.permit_a].state, "sent")
        self.assertEqual(by_record[self.permit_b].state, "failed")
        self.assertIn(
            self.company_b.name,
            json.loads(by_record[self.permit_b].notification_json)["values"]["office_name"],
        )


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
                    ("%s,%s:%%" % (PERMIT, ids["permit"]),),
                )
                self.assertEqual(cr3.fetchone()[0], 1)
        finally:
            with self.registry.cursor() as cr0:
                env0 = api.Environment(cr0, SUPERUSER_ID, {})
                cr0.execute(
                    "DELETE FROM sicantik_whatsapp_message WHERE dedupe_key LIKE %s",
                    ("%s,%s:%%" % (PERMIT, ids["permit"]),),
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


@tagged("post_install", "-at_install")
class TestComposerIndonesian(PermitCommon):
    def test_composer_and_action_type_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        env = self.env(context=dict(self.env.context, lang="id_ID"))
        self.assertEqual(
            env.ref("sicantik_whatsapp.sicantik_whatsapp_composer_action").name, "Kirim WhatsApp"
        )
        states = dict(env["ir.actions.server"]._fields["state"]._description_selection(env))
        self.assertEqual(states["sicantik_whatsapp"], "Kirim master template WhatsApp")
        orphan = self.permit(self.no_partner, "503/PBG/2026/ID01")
        wizard = self.composer(orphan).with_env(env)
        self.assertIn("503/PBG/2026/ID01", wizard.single_error)
        opted_out = self.permit(self.partner_opted_out, "503/PBG/2026/ID02")
        wizard = self.composer(opted_out).with_env(env)
        self.assertEqual(wizard.single_error, "warga telah berhenti berlangganan pesan WhatsApp")
