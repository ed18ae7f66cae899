# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestIndonesian(TransactionCase):
    def test_menus_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        env = self.env(context=dict(self.env.context, lang="id_ID"))

        def name(xmlid):
            return env.ref(f"sicantik_whatsapp.{xmlid}").name

        self.assertEqual(name("menu_sicantik_whatsapp_config"), "Konfigurasi")
        self.assertEqual(name("menu_sicantik_whatsapp_provider"), "Profil Provider")
        # The office knows this menu by its English name.
        self.assertEqual(name("menu_sicantik_whatsapp_template"), "Master Templates")
        self.assertEqual(name("menu_sicantik_whatsapp_monitoring"), "Pantauan & Laporan")
        self.assertEqual(name("menu_sicantik_whatsapp_test"), "Uji Multi-Provider")
        self.assertEqual(name("menu_sicantik_whatsapp_report"), "Laporan Pengiriman")
        self.assertEqual(name("menu_sicantik_whatsapp_consent"), "Konversi Opt-in")
        states = dict(env["sicantik.whatsapp.message"]._fields["state"]._description_selection(env))
        self.assertEqual(states["sent"], "Terkirim")
