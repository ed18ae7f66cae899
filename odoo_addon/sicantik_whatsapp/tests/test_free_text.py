# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Free text to one citizen from the contact's form: the engine's 24-hour decision, the send
through the dispatcher with its logging, rights, and the inbound time Meta's webhook records."""

import datetime
import json

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..engine.host import TransportFailure
from . import test_webhooks
from .common import SECRETS, SicantikWhatsappCommon, fonnte_ok, http_error, meta_ok, request_text
from .test_webhooks import META_URL, _sign

TEXT = "Berkas Anda sudah lengkap. Silakan datang Senin pukul 09.00."


def _codes(answer):
    return {o["provider"]: (o["allowed"], o["code"]) for o in answer["options"]}


@tagged("post_install", "-at_install")
class TestFreeText(SicantikWhatsappCommon):
    def _inbound(self, partner, hours_ago):
        partner.wa_last_inbound_date = fields.Datetime.now() - datetime.timedelta(hours=hours_ago)

    def test_meta_only_within_24_hours_of_the_citizens_message(self):
        partner = self.partner_opted_in
        meta, fonnte = self.meta._engine_id(), self.fonnte._engine_id()
        answer = self.dispatcher.free_text_options(partner, TEXT)
        self.assertEqual(_codes(answer)[meta], (False, "free_text.meta_no_inbound"))
        self.assertEqual(_codes(answer)[fonnte], (True, "free_text.gateway"))
        self.assertEqual(answer["provider"], fonnte, "the first profile that may carry it")
        self._inbound(partner, 2)
        answer = self.dispatcher.free_text_options(partner, TEXT)
        self.assertEqual(_codes(answer)[meta], (True, "free_text.meta_window_open"))
        self.assertEqual(answer["provider"], meta)
        self._inbound(partner, 25)
        self.assertEqual(
            _codes(self.dispatcher.free_text_options(partner, TEXT))[meta][1],
            "free_text.meta_window_closed",
        )

    def test_gateway_send_is_logged_like_a_notification(self):
        with self.mock_transport(responses=[fonnte_ok("777")]) as fake:
            message = self.dispatcher.send_free_text(self.partner_gateway, TEXT, self.fonnte)
        self.assertEqual(len(fake.requests), 1)
        self.assertIn(TEXT, request_text(fake.requests[0]))
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_message_id, "777")
        self.assertEqual(message.template_code, "free_text")
        self.assertEqual(message.body_text, TEXT)
        self.assertEqual(message.phone, "6281311112222")
        attempt = message.attempt_ids
        self.assertEqual(attempt.classification, "accepted")
        self.assertIn("Berkas Anda sudah lengkap", attempt.request_readable)
        for text in (attempt.request_masked, attempt.request_readable, attempt.response_masked):
            self.assertNoSecret(text, "free-text attempt")

    def test_meta_inside_the_window_sends_a_text_message(self):
        self._inbound(self.partner_opted_in, 1)
        with self.mock_transport(responses=[meta_ok("wamid.FREE")]) as fake:
            message = self.dispatcher.send_free_text(self.partner_opted_in, TEXT, self.meta)
        body = json.loads(fake.requests[0]["body"])
        self.assertEqual(body["type"], "text")
        self.assertEqual(body["text"]["body"], TEXT)
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_message_id, "wamid.FREE")

    def test_meta_outside_the_window_is_refused_before_anything_leaves(self):
        self._inbound(self.partner_opted_in, 30)
        before = self.env["sicantik.whatsapp.message"].search_count([])
        with (
            self.mock_transport() as fake,
            self.assertRaisesRegex(UserError, "provider.unsupported"),
        ):
            self.dispatcher.send_free_text(self.partner_opted_in, TEXT, self.meta)
        self.assertFalse(fake.requests)
        self.assertEqual(self.env["sicantik.whatsapp.message"].search_count([]), before)

    def test_opted_out_and_blank_text_are_refused(self):
        with self.mock_transport() as fake:
            with self.assertRaisesRegex(UserError, "provider.unsupported"):
                self.dispatcher.send_free_text(self.partner_opted_out, TEXT, self.fonnte)
            with self.assertRaisesRegex(UserError, "text.empty") as err:
                self.dispatcher.send_free_text(self.partner_gateway, "  ", self.fonnte)
        self.assertFalse(fake.requests)
        # Worded by the engine's catalogue, in the user's language, with the code kept.
        sentence = self.env["sicantik.whatsapp.catalogue"]._sentence("text.empty", {})
        self.assertEqual(str(err.exception), f"{sentence} [text.empty]")

    def test_gateway_down_then_unknown_are_told_apart(self):
        with self.mock_transport(
            responses=[http_error(502, "<html><h1>502 Bad Gateway</h1></html>")]
        ):
            message = self.dispatcher.send_free_text(self.partner_gateway, TEXT, self.fonnte)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.attempt_ids.classification, "provider_down")

        def after_send(request):
            raise TransportFailure("timeout", True, f"read timeout token={SECRETS['token']}")

        with self.mock_transport(handler=after_send):
            message = self.dispatcher.send_free_text(self.partner_gateway, TEXT, self.fonnte)
        self.assertEqual(message.state, "unknown", "may have left: never resent")
        self.assertNoSecret(message.attempt_ids.detail, "transport detail")
        self.assertNoSecret(message.error_message, "message error")

    def test_gateway_rate_limit_holds(self):
        self.fonnte.rate_per_minute = 1
        with self.mock_transport(responses=[fonnte_ok("1")]) as fake:
            self.assertEqual(
                self.dispatcher.send_free_text(self.partner_gateway, TEXT, self.fonnte).state,
                "sent",
            )
            with self.assertRaisesRegex(UserError, "rate limit"):
                self.dispatcher.send_free_text(self.partner_gateway, TEXT, self.fonnte)
        self.assertEqual(len(fake.requests), 1, "the second text waits for the gateway's next slot")

    def test_rights(self):
        plain = new_test_user(self.env, login="sw_plain_user", groups="base.group_user")
        with self.mock_transport() as fake, self.assertRaises(AccessError):
            self.dispatcher.with_user(plain).send_free_text(self.partner_gateway, TEXT, self.fonnte)
        with self.assertRaises(AccessError):
            self.dispatcher.with_user(plain).free_text_options(self.partner_gateway, TEXT)
        self.assertFalse(fake.requests)

    def test_wizard_words_each_profile_from_the_engine_catalogue(self):
        """The reasons are the engine's sentences for its free_text.* codes, in the clerk's
        language: no table of them in the addon."""
        wizard_model = self.env["sicantik.whatsapp.free.text.wizard"]
        catalogue = self.dispatcher._wasm().catalogue()["codes"]
        for lang, key in (("en_US", "en"), ("id_ID", "id")):
            self.env["res.lang"]._activate_lang(lang)
            wizard = wizard_model.with_context(lang=lang).create(
                {"partner_id": self.partner_gateway.id, "text": TEXT}
            )
            self.assertIn(catalogue["free_text.gateway"][key], wizard.options_text)
            self.assertIn(catalogue["free_text.meta_no_inbound"][key], wizard.options_text)
        self.assertIn("tersedia", catalogue["free_text.gateway"]["id"])

    def test_wizard_from_the_contact(self):
        user = new_test_user(
            self.env,
            login="sw_wa_user",
            groups="base.group_user,sicantik_whatsapp.group_sicantik_whatsapp_user",
        )
        wizard_model = self.env["sicantik.whatsapp.free.text.wizard"].with_user(user)
        with Form(wizard_model.with_context(default_partner_id=self.partner_gateway.id)) as form:
            form.text = TEXT
            self.assertEqual(form.provider_id, self.fonnte)
        wizard = form.record
        self.assertNotIn(self.meta, wizard.allowed_provider_ids)
        self.assertIn("Meta DPMPTSP", wizard.options_text)
        with self.mock_transport(responses=[fonnte_ok("778")]):
            action = wizard.action_send()
        message = self.env["sicantik.whatsapp.message"].browse(action["res_id"])
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.partner_id, self.partner_gateway)


@tagged("post_install", "-at_install")
class TestFreeTextInbound(HttpCase, SicantikWhatsappCommon):
    def test_an_inbound_meta_message_opens_the_window(self):
        partner = self.partner_opted_in
        self.assertFalse(partner.wa_last_inbound_date)
        now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
        payload = test_webhooks.TestWebhooks._inbound_payload(
            self, "6281234567890", "Kapan izin saya selesai?"
        )
        payload["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = str(now - 600)
        body = json.dumps(payload).encode()
        response = self.url_open(
            META_URL,
            data=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": _sign(body)},
        )
        self.assertEqual(response.status_code, 200)
        partner.invalidate_recordset()
        self.assertTrue(partner.wa_last_inbound_date)
        answer = self.env["sicantik.whatsapp.dispatcher"].free_text_options(partner, TEXT)
        self.assertEqual(
            _codes(answer)[self.meta._engine_id()], (True, "free_text.meta_window_open")
        )
