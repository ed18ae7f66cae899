# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The partner form shows the WhatsApp number as the engine normalizes it, or why it cannot."""

from odoo.tests import Form, new_test_user, tagged

from .common import SicantikWhatsappCommon


@tagged("post_install", "-at_install")
class TestPartnerPhone(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            login="wa_phone_clerk",
            groups="base.group_partner_manager,sicantik_whatsapp.group_sicantik_whatsapp_user",
        )

    def _form(self, env, mobile):
        with Form(env["res.partner"].with_user(self.clerk)) as form:
            form.name = "Budi Santoso"
            form.mobile = mobile
            return form.wa_phone, form.wa_phone_warning

    def test_a_valid_mobile_shows_the_number_sent_to_whatsapp(self):
        self.assertEqual(self._form(self.env, "0812-3456-7890"), ("6281234567890", False))
        self.assertEqual(self._form(self.env, "009 1 415 555 2671"), ("14155552671", False))

    def test_a_doubled_trunk_zero_shows_the_rule_and_the_suggestion(self):
        number, warning = self._form(self.env, "00812-3456-7890")
        self.assertFalse(number, "a doubled trunk zero is never a foreign number")
        self.assertIn("starts with two zeros", warning)
        self.assertIn("Did you mean 081234567890?", warning)
        partner = self.env["res.partner"].create({"name": "Siti", "mobile": "0086 138 1234 5678"})
        self.assertFalse(partner.wa_phone)
        self.assertIn("with + and its country code", partner.wa_phone_warning)
        self.assertNotIn("Did you mean", partner.wa_phone_warning, "no valid mobile to suggest")

    def test_an_unassigned_country_code_is_refused(self):
        partner = self.env["res.partner"].create({"name": "Andi", "mobile": "+999 123 456 789"})
        self.assertFalse(partner.wa_phone)
        self.assertIn(
            "does not start with a country code the ITU has assigned", partner.wa_phone_warning
        )

    def test_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        self.clerk.lang = "id_ID"
        env = self.env(context=dict(self.env.context, lang="id_ID"))
        number, warning = self._form(env, "00857 1234 5678")
        self.assertFalse(number)
        self.assertIn("diawali dua angka nol", warning)
        self.assertIn("Maksud Anda 085712345678?", warning)
        # A bad number's reason is the catalogue's sentence of its reasonCode, in Indonesian,
        # not the engine's English words inside a translated frame.
        catalogue = self.env["sicantik.whatsapp.catalogue"]._codes()
        number, warning = self._form(env, "+999 123 456 789")
        self.assertFalse(number)
        reason = catalogue["phone.unknown_country"]["id"].split("{prefix}")[1].rstrip(".")
        self.assertIn(reason, warning)
        self.assertNotIn("ITU has assigned", warning)
        number, warning = self._form(env, "021 555 1234")
        self.assertFalse(number)
        self.assertIn(catalogue["phone.landline"]["id"].rstrip("."), warning)
        self.assertIn("021 555 1234", warning, "the sentence names the number typed")
