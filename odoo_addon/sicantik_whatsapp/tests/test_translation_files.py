import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path


@tagged("post_install", "-at_install")
class TestTranslationFiles(TransactionCase):
    """Odoo applies a .po entry only through its ``#:`` references (a view, a field, a menu, a
    code file): an entry without one is silently never used, and the admin reads English."""

    def test_every_entry_has_a_reference(self):
        for name in ("id.po", "sicantik_whatsapp.pot"):
            po = polib.pofile(file_path("sicantik_whatsapp/i18n/" + name))
            orphans = [e.msgid[:60] for e in po if not e.obsolete and not e.occurrences]
            self.assertFalse(orphans, f"{name}: entries without a #: reference")

    def test_the_indonesian_file_translates_every_entry_of_the_template(self):
        """id.po has exactly the template's entries (none left from strings that are gone) and a
        translation for each."""
        pot = polib.pofile(file_path("sicantik_whatsapp/i18n/sicantik_whatsapp.pot"))
        po = polib.pofile(file_path("sicantik_whatsapp/i18n/id.po"))
        entries = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
        self.assertEqual(entries, {(e.msgctxt, e.msgid) for e in pot})
        untranslated = [e.msgid[:60] for e in po if not e.obsolete and not e.msgstr]
        self.assertFalse(untranslated, "id.po: entries without a translation")
        translated = [e.msgid[:60] for e in pot if e.msgstr]
        self.assertFalse(translated, "the template (.pot) holds no translation")

    def test_evidence_and_retention_screens_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        env = self.env(context=dict(self.env.context, lang="id_ID"))
        self.assertEqual(
            env.ref("sicantik_whatsapp.menu_sicantik_whatsapp_evidence_chain").name, "Rantai Bukti"
        )
        self.assertEqual(
            env.ref("sicantik_whatsapp.menu_sicantik_whatsapp_template").name, "Master Templates"
        )
        self.assertEqual(
            env.ref("sicantik_whatsapp.menu_sicantik_whatsapp_test").name, "Uji Multi-Provider"
        )
        field = env["res.config.settings"]._fields["sicantik_wa_retention_days"]
        self.assertEqual(field._description_string(env), "Masa Retensi (hari)")
        arch = env["res.config.settings"].get_view(view_type="form")["arch"]
        self.assertIn("Masa Retensi (hari)", arch)
        self.assertIn("Setelah sekian hari, teks pesan", arch)
        self.assertNotIn("Retention (days)", arch)
