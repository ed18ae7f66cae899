# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SECRETS, SicantikWhatsappCommon


@tagged("post_install", "-at_install")
class TestSecurity(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, "wa_user", groups="sicantik_whatsapp.group_sicantik_whatsapp_user"
        )
        cls.manager = new_test_user(
            cls.env, "wa_manager", groups="sicantik_whatsapp.group_sicantik_whatsapp_manager"
        )
        cls.admin = new_test_user(
            cls.env,
            "wa_admin",
            groups="base.group_system,sicantik_whatsapp.group_sicantik_whatsapp_manager",
        )

    def test_plain_user_cannot_read_credentials(self):
        provider = self.meta.with_user(self.user)
        self.assertEqual(provider.name, "Meta DPMPTSP", "the profile itself is readable")
        for fname in ("access_token", "app_secret", "webhook_verify_token", "phone_number_id"):
            with self.assertRaises(AccessError):
                provider.read([fname])
        with self.assertRaises(AccessError):
            self.fonnte.with_user(self.user).read(["token"])
        with self.assertRaises(AccessError):
            self.watzap.with_user(self.user).read(["api_key", "number_key"])

    def test_manager_cannot_read_credentials_either(self):
        with self.assertRaises(AccessError):
            self.meta.with_user(self.manager).read(["access_token"])

    def test_system_admin_reads_credentials(self):
        values = self.meta.with_user(self.admin).read(["access_token"])[0]
        self.assertEqual(values["access_token"], SECRETS["access_token"])

    def test_plain_user_cannot_edit_providers(self):
        with self.assertRaises(AccessError):
            self.meta.with_user(self.user).write({"name": "x"})

    def test_plain_user_can_send_through_the_dispatcher(self):
        from .common import meta_ok

        with self.mock_transport(responses=[meta_ok()]):
            message = (
                self.env["sicantik.whatsapp.dispatcher"]
                .with_user(self.user)
                .send(self.partner_opted_in, "permit_ready", self.permit_values)
            )
        self.assertEqual(message.state, "sent")
        self.assertTrue(message.with_user(self.user).read(["state"]))

    def test_messages_are_company_restricted(self):
        other = self.env["res.company"].create({"name": "Other Office"})
        message = self.env["sicantik.whatsapp.message"].create(
            {
                "partner_id": self.partner_opted_in.id,
                "template_code": "permit_ready",
                "company_id": other.id,
            }
        )
        visible = (
            self.env["sicantik.whatsapp.message"]
            .with_user(self.user)
            .search([("id", "=", message.id)])
        )
        self.assertFalse(visible)
