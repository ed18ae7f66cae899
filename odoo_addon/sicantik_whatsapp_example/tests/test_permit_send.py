# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The example permit model sends through the mixin, its values from the template's mapping."""

import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.sicantik_whatsapp.tests.common import SicantikWhatsappCommon, fonnte_ok, meta_ok


@tagged("post_install", "-at_install")
class TestPermitSend(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Permit = cls.env["sicantik.whatsapp.example.permit"]
        cls.permit = Permit.create(
            {
                "name": "503/PBG/2026/0142",
                "partner_id": cls.partner_gateway.id,
                "permit_type": "pbg",
                "state": "review",
                "expiry_date": datetime.date(2031, 12, 5),
                "fee": 1250000,
            }
        )
        cls.permit_opted_in = Permit.create(
            {"name": "503/PBG/2026/0143", "partner_id": cls.partner_opted_in.id, "state": "review"}
        )
        cls.no_holder = Permit.create(
            {"name": "503/SIUP/2026/0031", "permit_type": "siup", "state": "review"}
        )

    def handler(self, request):
        return meta_ok() if "graph.meta.test" in request["url"] else fonnte_ok()

    def test_the_templates_are_bound_to_permits(self):
        template = self.env.ref("sicantik_whatsapp.template_permit_ready")
        self.assertEqual(template.model, "sicantik.whatsapp.example.permit")
        paths = {m.param: (m.kind, m.field_path or m.company_field) for m in template.mapping_ids}
        self.assertEqual(
            paths,
            {
                "partner_name": ("field", "partner_id.name"),
                "permit_type": ("field", "permit_type"),
                "permit_number": ("field", "name"),
                "office_name": ("company", "name"),
            },
        )

    def test_one_line_sends_with_the_permits_values(self):
        with self.mock_transport(handler=self.handler) as fake:
            message = self.permit._sicantik_whatsapp_send("permit_ready")
        self.assertEqual(message.state, "sent", message.error_message)
        self.assertEqual(len(fake.requests), 1)
        self.assertIn(
            "izin Building Approval (PBG) Anda dengan nomor 503/PBG/2026/0142", message.body_text
        )
        self.assertEqual(message.record_ref, self.permit)
        self.assertEqual(message.partner_id, self.partner_gateway)
        # Logged in the permit's chatter and the holder's.
        for record in (self.permit, self.partner_gateway):
            bodies = record.message_ids.mapped("body")
            self.assertTrue(any("503/PBG/2026/0142" in str(b) for b in bodies), record)
        self.assertEqual(self.permit.sicantik_whatsapp_message_count, 1)

    def test_the_reminder_writes_the_expiry_date_the_indonesian_way(self):
        with self.mock_transport(handler=self.handler):
            message = self.permit._sicantik_whatsapp_send("permit_reminder")
        self.assertIn("akan berakhir pada 5 Desember 2031", message.body_text)

    def test_issuing_queues_through_the_outbox(self):
        permits = self.permit | self.permit_opted_in | self.no_holder
        messages = permits.action_issue()
        self.assertEqual(len(messages), 3)
        self.assertEqual(messages.mapped("state"), ["queued", "queued", "failed"])
        self.assertEqual(messages[2].error_code, "record.no_recipient")
        self.assertEqual(messages[2].record_ref, self.no_holder)
        with self.mock_transport(handler=self.handler):
            self.env["sicantik.whatsapp.outbox"]._cron_process_outbox()
        self.assertEqual(messages.mapped("state"), ["sent", "sent", "failed"])
        self.assertEqual(messages[1].provider_id, self.meta)

    def test_a_permit_without_expiry_date_fails_with_its_reason(self):
        with self.mock_transport(handler=self.handler):
            message = self.permit_opted_in._sicantik_whatsapp_send("permit_reminder")
        self.assertEqual((message.state, message.error_code), ("failed", "template.missing_param"))
        self.assertIn("expiry_date", message.error_message)

    def test_who_may_send_from_permits(self):
        clerk = new_test_user(self.env, login="permit_clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.permit.with_user(clerk)._sicantik_whatsapp_send("permit_ready")
        sender = new_test_user(
            self.env,
            login="permit_sender",
            groups="base.group_user,sicantik_whatsapp.group_sicantik_whatsapp_user",
        )
        with self.mock_transport(handler=self.handler):
            message = self.permit.with_user(sender)._sicantik_whatsapp_send("permit_ready")
        self.assertEqual(message.state, "sent", message.error_message)
        # A permit of another company is not readable: refused before anything is read.
        other = self.env["res.company"].create({"name": "DPMPTSP Kabupaten Dairi"})
        permit_b = self.permit.copy({"name": "B-1", "company_id": other.id, "partner_id": False})
        with self.assertRaises(AccessError):
            permit_b.with_user(sender)._sicantik_whatsapp_send("permit_ready")
