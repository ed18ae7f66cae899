# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Message actions under the providers' verdicts: a refusal for this recipient, confirmations,
the status bar."""

from lxml import etree

from odoo.tests import tagged

from .common import fonnte_refused, meta_error
from .health_common import HealthCommon, watzap_error


@tagged("post_install", "-at_install")
class TestMessageActions(HealthCommon):
    def test_rejected_for_this_recipient(self):
        message, _fake = self.send(
            self.partner_opted_in, responses=[meta_error(131026, "Message undeliverable")]
        )
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "meta.131026")
        self.assertTrue(message.rejected_for_recipient)
        other, _fake = self.send(
            self.partner_gateway,
            responses=[fonnte_refused("invalid token"), watzap_error("1002", "x")],
        )
        self.assertEqual(other.state, "failed")
        self.assertFalse(
            other.rejected_for_recipient, "a configuration error is not about the recipient"
        )

    def test_buttons_ask_for_confirmation(self):
        arch = self.env["sicantik.whatsapp.message"].get_view(view_type="form")["arch"]
        doc = etree.fromstring(arch)
        send = doc.xpath("//button[@name='action_send_now']")
        self.assertEqual(len(send), 2)
        confirmed = [b for b in send if b.get("confirm")]
        self.assertEqual(len(confirmed), 1)
        self.assertIn("rejected_for_recipient", confirmed[0].get("invisible"))
        self.assertIn("refused this message for this recipient", confirmed[0].get("confirm"))
        requeue = [b for b in doc.xpath("//button[@name='action_requeue']") if b.get("confirm")]
        self.assertEqual(len(requeue), 1)
        self.assertIn("unknown", requeue[0].get("invisible"))
        self.assertIn("receive it twice", requeue[0].get("confirm"))
        # In Indonesian too.
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        arch_id = (
            self.env["sicantik.whatsapp.message"]
            .with_context(lang="id_ID")
            .get_view(view_type="form")["arch"]
        )
        self.assertIn("menerimanya dua kali", arch_id)

    def test_status_bar_puts_failed_before_sent(self):
        states = [
            key for key, _label in self.env["sicantik.whatsapp.message"]._fields["state"].selection
        ]
        for state in ("failed", "unknown", "deferred", "sending", "queued"):
            self.assertLess(states.index(state), states.index("sent"), state)
