# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Send WhatsApp from permits: the composer on one and on many records, automation rules and
their dedupe, rights and companies. Every decision is the real engine's; no network (a
``FakeTransport`` answers)."""

import json

from odoo import fields
from odoo.tests import tagged

from .common import PERMIT, PermitCommon


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
            [{"name": f"Warga Log {i}", "mobile": f"0812{30_000_000 + i:08d}"} for i in range(3)]
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
            [{"name": f"Nomor Salah {i}", "mobile": "12"} for i in range(7)]
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
