# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Consent evidence that holds: links expire, work once, never undo an opt-out, and cannot be
replaced by a value; previews never hand out a usable link."""

import datetime
import re
import time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import hash_sign

from ..models.res_partner import CONSENT_SCOPE
from .common import SicantikWhatsappCommon, fonnte_ok, request_text


@tagged("post_install", "-at_install")
class TestConsentLinks(HttpCase, SicantikWhatsappCommon):
    def _path(self, url):
        return url[url.index("/sicantik_whatsapp/") :]

    def _agree(self, path, **extra):
        page = self.url_open(path)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        csrf = csrf.group(1) if csrf else self._csrf()
        return self.url_open(path, data=dict({"csrf_token": csrf, "agree": "1"}, **extra))

    def _csrf(self):
        # A page that no longer shows the form still needs a valid CSRF token to POST.
        page = self.url_open(self._path(self.partner_opted_in._wa_consent_url()))
        return re.search(r"csrf_token: \"([^\"]+)\"", page.text).group(1)

    def _consents(self, partner):
        return self.env["sicantik.whatsapp.consent"].search([("partner_id", "=", partner.id)])

    def _token(self, partner, issued, expires, nonce="n0nce"):
        return hash_sign(
            self.env(su=True),
            CONSENT_SCOPE,
            {"p": partner.id, "n": nonce, "i": issued, "e": expires},
        )

    def test_link_lifetime_is_the_setting(self):
        data = self.env["res.partner"]._wa_consent_token_data(
            self.partner_gateway._wa_consent_token()
        )
        self.assertEqual(data["e"] - data["i"], 30 * 86400, "30 days by default")
        self.env["ir.config_parameter"].sudo().set_param("sicantik_whatsapp.consent_link_days", "7")
        data = self.env["res.partner"]._wa_consent_token_data(
            self.partner_gateway._wa_consent_token()
        )
        self.assertEqual(data["e"] - data["i"], 7 * 86400)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.sicantik_wa_consent_link_days, 7)

    def test_expired_link_records_nothing(self):
        now = int(time.time())
        token = self._token(self.partner_gateway, now - 31 * 86400, now - 86400)
        path = f"/sicantik_whatsapp/consent/{token}"
        page = self.url_open(path)
        self.assertEqual(page.status_code, 410)
        self.assertIn("sicantik_whatsapp_consent_expired", page.text)
        self.assertNotIn("sicantik_whatsapp_consent_button", page.text)
        done = self.url_open(path, data={"csrf_token": self._csrf(), "agree": "1"})
        self.assertEqual(done.status_code, 410)
        self.partner_gateway.invalidate_recordset()
        self.assertFalse(self.partner_gateway.wa_meta_opt_in)
        self.assertFalse(self._consents(self.partner_gateway))

    def test_links_of_earlier_versions_are_refused(self):
        """The old never-expiring links ({"partner_id": id}, no nonce) are void."""
        old = hash_sign(self.env(su=True), CONSENT_SCOPE, {"partner_id": self.partner_gateway.id})
        self.assertEqual(self.url_open(f"/sicantik_whatsapp/consent/{old}").status_code, 404)
        self.assertEqual(self.url_open("/sicantik_whatsapp/consent/CONTOH").status_code, 404)

    def test_new_link_with_each_invitation(self):
        tokens = []
        for _i in range(2):
            message, fake = self.send(self.partner_gateway, responses=[fonnte_ok()])
            self.assertTrue(message.opt_in_link_appended)
            tokens += self.consent_tokens(request_text(fake.requests[0]), self.partner_gateway)
        self.assertEqual(len(set(tokens)), 2, "every invitation carries a new link")

    def test_replayed_post_records_nothing_new(self):
        path = self._path(self.partner_gateway._wa_consent_url())
        first = self._agree(path, csrf_token=self._csrf())
        self.assertIn("sicantik_whatsapp_consent_done", first.text)
        self.assertEqual(len(self._consents(self.partner_gateway)), 1)
        consent = self._consents(self.partner_gateway)
        self.assertTrue(consent.link_nonce)
        self.assertIn("link sent", consent.evidence)
        # The citizen (or anyone) opts out, then the same POST again: nothing new.
        self.partner_gateway._wa_record_opt_out("manual", evidence="test")
        replay = self.url_open(path, data={"csrf_token": self._csrf(), "agree": "1"})
        self.assertEqual(replay.status_code, 410)
        self.assertIn("sicantik_whatsapp_consent_used", replay.text)
        self.partner_gateway.invalidate_recordset()
        self.assertTrue(self.partner_gateway.wa_opted_out)
        self.assertEqual(
            self._consents(self.partner_gateway).mapped("action"), ["opt_out", "opt_in"]
        )

    def test_link_sent_before_an_opt_out_cannot_undo_it(self):
        """The issue's attack: a link copied from the chatter, used after the citizen replied
        STOP, must not re-subscribe them."""
        message, fake = self.send(self.partner_gateway, responses=[fonnte_ok()])
        note = self.partner_gateway.message_ids.filtered(lambda m: "consent" in (m.body or ""))[:1]
        self.assertTrue(note, "the chatter shows the sent text, link included")
        (token,) = set(self.consent_tokens(str(note.body), self.partner_gateway))
        self.partner_gateway._wa_record_opt_out(
            "webhook_fonnte", evidence="Fonnte inbound message: 'STOP'"
        )
        path = f"/sicantik_whatsapp/consent/{token}"
        page = self.url_open(path)
        self.assertEqual(page.status_code, 410)
        self.assertIn("sicantik_whatsapp_consent_opted_out", page.text)
        self.assertNotIn("sicantik_whatsapp_consent_button", page.text)
        done = self.url_open(path, data={"csrf_token": self._csrf(), "agree": "1"})
        self.assertNotIn("sicantik_whatsapp_consent_done", done.text)
        self.partner_gateway.invalidate_recordset()
        self.assertTrue(self.partner_gateway.wa_opted_out)
        self.assertFalse(self.partner_gateway.wa_meta_opt_in)
        self.assertEqual(self._consents(self.partner_gateway).mapped("action"), ["opt_out"])
        # No new link is made for an opted-out citizen (a failed message stores its notification).
        self.assertIsNone(self.partner_gateway._wa_consent_url())
        message, fake = self.send(self.partner_gateway)
        self.assertEqual(message.state, "failed")
        self.assertNotIn("/sicantik_whatsapp/consent/", message.notification_json or "")

    def test_opt_in_link_value_cannot_replace_the_signed_link(self):
        phishing = "https://phish.example/setuju"
        message, fake = self.send(
            self.partner_gateway,
            template="meta_opt_in_request",
            values={"opt_in_link": phishing},
            responses=[fonnte_ok()],
        )
        self.assertEqual(message.state, "sent", message.error_message)
        text = request_text(fake.requests[0])
        self.assertNotIn("phish.example", text)
        self.assertNotIn("phish.example", message.body_text)
        self.consent_tokens(text, self.partner_gateway)

    def test_previews_never_carry_a_usable_link(self):
        preview = self.dispatcher.preview(self.partner_gateway, "meta_opt_in_request", {})
        texts = "\n".join(p.get("text") or "" for p in preview["providers"])
        self.assertIn("/sicantik_whatsapp/consent/CONTOH", texts)
        self.assertNotRegex(texts, r"/consent/(?!CONTOH)[A-Za-z0-9_-]{20,}")
        samples = self.env["sicantik.whatsapp.template.master"]._preview_samples(
            self.partner_gateway
        )
        self.assertTrue(
            samples[-1]["notification"]["recipient"]["optInUrl"].endswith("/consent/CONTOH")
        )

    def test_a_link_issued_after_the_opt_out_lets_the_citizen_agree_again(self):
        """The only way back after STOP: staff with the consent right issue a fresh link, and the
        citizen agrees on the page; a link from before the opt-out still cannot."""
        partner = self.partner_gateway
        partner._wa_record_opt_out("webhook_fonnte", evidence="Fonnte inbound message: 'STOP'")
        # The opt-out a minute ago, a link from before it (whole seconds decide which came first).
        partner.sudo().write(
            {"wa_opted_out_date": partner.wa_opted_out_date - datetime.timedelta(seconds=60)}
        )
        now = int(time.time())
        old_token = self._token(partner, now - 120, now + 86400, nonce="before")
        old_path = f"/sicantik_whatsapp/consent/{old_token}"
        user = self.env["res.users"].create(
            {
                "name": "Plain Staff",
                "login": "wa_plain_resub",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            partner.with_user(user).action_wa_new_consent_link()
        action = partner.action_wa_new_consent_link()
        new_url = action["params"]["message"]
        self.assertNotIn(
            self._path(new_url), " ".join(partner.message_ids.mapped("body")), "never stored"
        )
        refused = self._agree(old_path)
        self.assertNotIn("sicantik_whatsapp_consent_done", refused.text)
        done = self._agree(self._path(new_url))
        self.assertIn("sicantik_whatsapp_consent_done", done.text)
        partner.invalidate_recordset()
        self.assertFalse(partner.wa_opted_out)
        self.assertTrue(partner.wa_meta_opt_in)
        self.assertEqual(sorted(self._consents(partner).mapped("action")), ["opt_in", "opt_out"])
        with self.assertRaises(UserError):
            partner.action_wa_new_consent_link()
