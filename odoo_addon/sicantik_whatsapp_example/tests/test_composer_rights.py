# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may send WhatsApp from permits (the composer, a server action run by hand), and in which
company each message goes."""

import json

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import PERMIT, PermitCommon


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
                login=f"composer_{role}",
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
                run = lambda records=records: action.sudo()._run_action_sicantik_whatsapp_multi(  # noqa: E731
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
