# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may record or change a citizen's consent, and read contacts (rows of ``roles.MATRIX``)."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .roles import ROLES, SicantikWhatsappAccessCommon, portal_readable_fields


@tagged("post_install", "-at_install")
class TestAccessConsent(SicantikWhatsappAccessCommon):
    """Consent and contacts, tried by every role."""

    # -- consent -----------------------------------------------------------------------------

    def test_record_consent(self):
        def action(role):
            partner = self.as_role(role, self.partner_gateway)
            partner.action_wa_record_opt_in()
            consent = self.env["sicantik.whatsapp.consent"].search(
                [("partner_id", "=", self.partner_gateway.id)], order="id desc", limit=1
            )
            self.assertEqual(consent.user_id, self.users[role], "the acting user is the evidence")
            self.assertEqual(consent.source, "manual")
            self.assertIn(self.users[role].login, consent.evidence)
            note = self.partner_gateway.message_ids[:1]
            self.assertEqual(note.author_id, self.users[role].partner_id)
            self.as_role(role, self.partner_opted_in).action_wa_record_opt_out()
            self.assertTrue(self.partner_opted_in.wa_opted_out)

        self.check_row("Record a citizen's opt-in or opt-out", action)

    def test_record_consent_needs_write_access_to_the_contact(self):
        with self.assertRaises(AccessError):
            self.as_role("consent", self.partner_b).action_wa_record_opt_out()
        self.assertFalse(self.partner_b.wa_opted_out)

    def test_undo_opt_out(self):
        def action(role):
            partner = self.as_role(role, self.partner_opted_out)
            try:
                partner.action_wa_record_opt_in()
            finally:
                self.assertTrue(self.partner_opted_out.wa_opted_out)

        self.check_row("Undo a citizen's opt-out", action)
        for role in ROLES:
            with self.subTest(role=role), self.assertRaises(UserError):  # AccessError included
                self.as_role(role, self.partner_opted_out).write({"wa_opted_out": False})

    def test_write_consent_fields(self):
        def action(role):
            self.as_role(role, self.partner_gateway).write({"wa_meta_opt_in": True})

        self.check_row("Write consent fields directly", action)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.users["wa_user"]).create(
                {"name": "X", "wa_meta_opt_in": True}
            )

    # -- partners ----------------------------------------------------------------------------

    def test_partner_read(self):
        def action(role):
            partner = self.as_role(
                role,
                {"portal": self.portal_partner, "manager_b": self.partner_b}.get(
                    role, self.partner_gateway
                ),
            )
            values = partner.read(portal_readable_fields(partner) if role == "portal" else None)[0]
            has_group = self.users[role].has_group("sicantik_whatsapp.group_sicantik_whatsapp_user")
            self.assertEqual("wa_consent_ids" in values, has_group)
            self.assertEqual("wa_message_count" in values, has_group)
            self.as_role(role, partner).web_read({"display_name": {}, "wa_opted_out": {}})

        self.check_row("Read contacts without a field list", action)
