# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shadow replay of a routing change (the engine's ``replay`` op): the wizard's draft, pre-filled
from what is in force, replayed over the company's last messages; nothing sent, nothing saved."""

import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SicantikWhatsappCommon


@tagged("post_install", "-at_install")
class TestReplay(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("sicantik_whatsapp.template_permit_ready")
        Message = cls.env["sicantik.whatsapp.message"].sudo()
        Message.search([]).unlink()

        def message(partner, **extra):
            return Message.create(
                {
                    "partner_id": partner.id,
                    "template_code": "permit_ready",
                    "template_id": cls.template.id,
                    "values_json": json.dumps(cls.permit_values),
                    "company_id": cls.env.company.id,
                    "state": "sent",
                    **extra,
                }
            )

        cls.msg_opted_in = message(cls.partner_opted_in)
        cls.msg_gateway = message(cls.partner_gateway)
        cls.msg_opted_out = message(cls.partner_opted_out)
        # Values purged by retention: not replayable, never guessed.
        cls.msg_purged = message(cls.partner_gateway, values_json=False, evidence_purged=True)
        # A forced test send: routing does not apply to it.
        cls.msg_forced = message(cls.partner_gateway, force_provider_id=cls.watzap.id)

    def wizard(self, source="settings", record=None, **values):
        ctx = {"sicantik_whatsapp_replay_source": source}
        if record:
            ctx["active_id"] = record.id
        return self.env["sicantik.whatsapp.replay.wizard"].with_context(**ctx).create(values)

    def replay(self, wizard):
        with self.mock_transport() as fake:
            wizard.action_replay()
        self.assertFalse(fake.requests, "a replay sends nothing")
        return wizard

    def test_settings_default_provider(self):
        wizard = self.wizard()
        self.assertFalse(
            wizard.draft_default_provider_id, "pre-filled: the default in force (unset: Meta)"
        )
        self.assertEqual(wizard.line_ids.provider_id, self.providers)
        wizard.draft_default_provider_id = self.fonnte
        self.replay(wizard)
        self.assertEqual(wizard.state, "done")
        # Only the opted-in citizen moves (Meta → Fonnte); the gateway citizen already used Fonnte.
        self.assertEqual(wizard.example_ids.message_id, self.msg_opted_in)
        self.assertIn("Sent by another provider", wizard.example_ids.changes)
        self.assertEqual(wizard.example_ids.current, "Meta DPMPTSP")
        self.assertEqual(wizard.example_ids.draft, "Fonnte DPMPTSP")
        html = str(wizard.result_html)
        self.assertIn("1 of 3 replayed messages would change", html)
        self.assertIn("1 messages could not be replayed", html)
        self.assertFalse(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("sicantik_whatsapp.default_provider_id"),
            "the draft is never saved",
        )
        action = wizard.example_ids.action_open_message()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("sicantik.whatsapp.message", self.msg_opted_in.id),
        )

    def test_settings_fallback_order(self):
        wizard = self.wizard()
        # Watzap before Fonnte: the citizen without opt-in moves, and keeps the invitation.
        wizard.line_ids.filtered(lambda line: line.provider_id == self.watzap).sequence = 0
        self.replay(wizard)
        self.assertEqual(wizard.example_ids.message_id, self.msg_gateway)
        self.assertEqual(wizard.example_ids.current, "Fonnte DPMPTSP + invitation")
        self.assertEqual(wizard.example_ids.draft, "Watzap DPMPTSP + invitation")

    def test_provider_state_toggled(self):
        wizard = self.wizard("provider", self.fonnte)
        line = wizard.line_ids.filtered(lambda line: line.provider_id == self.fonnte)
        self.assertEqual(
            line.state, "draft", "from the profile's form the draft takes it out of service"
        )
        self.replay(wizard)
        self.assertEqual(wizard.example_ids.message_id, self.msg_gateway)
        self.assertEqual(wizard.example_ids.draft, "Watzap DPMPTSP + invitation")
        self.assertEqual(self.fonnte.state, "configured", "the profile is unchanged")
        # Every gateway out of service: the citizen without opt-in becomes ineligible.
        wizard.line_ids.filtered(lambda line: line.provider_id == self.watzap).state = "error"
        self.replay(wizard)
        self.assertIn("Become ineligible", wizard.example_ids.changes)
        self.assertIn("Lose the opt-in invitation", wizard.example_ids.changes)
        self.assertEqual(wizard.example_ids.draft, "none")

    def test_template_meta_mapping(self):
        wizard = self.wizard("template", self.template)
        self.assertEqual(wizard.template_id, self.template)
        self.assertEqual(wizard.draft_meta_template_name, self.template.meta_template_name)
        wizard.draft_meta_status = "REJECTED"
        self.replay(wizard)
        self.assertEqual(wizard.example_ids.message_id, self.msg_opted_in)
        self.assertEqual(wizard.example_ids.draft, "Fonnte DPMPTSP")
        self.assertIn("route.skip_meta_not_approved", wizard.example_ids.codes)
        self.assertNotEqual(self.template.meta_status, "REJECTED", "the template is unchanged")
        # A mapping naming an unknown parameter: the engine refuses every message of the template.
        wizard.write(
            {"draft_meta_status": "APPROVED", "draft_meta_body_params": "partner_name, nomor_izin"}
        )
        self.replay(wizard)
        self.assertEqual(len(wizard.example_ids), 3)
        drafts = set(wizard.example_ids.mapped("draft"))
        self.assertEqual(len(drafts), 1, drafts)
        draft = drafts.pop()
        # The catalogue's sentence of the refusal, its arguments filled, then its code.
        english = self.env["sicantik.whatsapp.catalogue"]._codes()["template.mapping"]["en"]
        self.assertTrue(draft.startswith("Refused: " + english.split("{template}")[0]), draft)
        self.assertTrue(draft.endswith(" (template.mapping)"), draft)

    def test_message_count_is_bounded(self):
        wizard = self.wizard(message_count=2)
        self.assertEqual(wizard._messages(), self.msg_opted_out | self.msg_purged)
        wizard.message_count = 10001
        with self.assertRaisesRegex(UserError, "between 1 and 10000"):
            wizard.action_replay()
