# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import (
    SicantikWhatsappCommon,
    TransportFailure,
    fonnte_refused,
    http_error,
    meta_ok,
    watzap_ok,
)


@tagged("post_install", "-at_install")
class TestSecrets(SicantikWhatsappCommon):
    """No provider credential is ever stored or shown outside the credentials tab."""

    def test_no_credential_anywhere(self):
        echo = f"error for token {self.fonnte.token}"
        messages = self.env["sicantik.whatsapp.message"]
        # Fallback through every provider, with a provider echoing our own token back.
        message, _fake = self.send(
            self.partner_gateway,
            responses=[{"status": 500, "headers": {}, "body": echo}, watzap_ok()],
        )
        messages |= message
        message, _fake = self.send(
            self.partner_gateway, responses=[fonnte_refused("invalid token"), http_error(502)]
        )
        messages |= message
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok()])
        messages |= message
        message, _fake = self.send(
            self.partner_opted_in, responses=[TransportFailure("timeout", True, "timeout")]
        )
        messages |= message
        self.assertTrue(messages.attempt_ids)
        self.assertNoSecret(self.record_texts(messages), "messages")
        self.assertNoSecret(self.record_texts(messages.attempt_ids), "attempts")
        partners = self.partner_gateway | self.partner_opted_in
        chatter = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        )
        self.assertTrue(chatter)
        self.assertNoSecret("\n".join(m.body or "" for m in chatter), "chatter")
        for partner in partners:
            preview = self.dispatcher.preview(partner, "permit_ready", self.permit_values)
            self.assertNoSecret(preview, "engine preview")
            self.assertIn("•••", str(preview))
