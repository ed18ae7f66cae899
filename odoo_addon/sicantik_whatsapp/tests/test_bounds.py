# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bounded input, no leaks (issue 13): the engine's size limits as Odoo users meet them,
credentials checked when saved and never in an exception, an unencodable credential never makes a
message ``unknown``, URL secrets masked in Odoo's access log, malformed webhook bodies answered 400.
"""

import json
import logging

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..engine.host import get_engine
from ..log_filter import MASK, SecretUrlFilter
from .common import SECRETS, SicantikWhatsappCommon
from .test_credential_destination import _Server

META_URL = "/sicantik_whatsapp/webhook/meta"
FONNTE_URL = "/sicantik_whatsapp/webhook/fonnte"
#: A credential pasted with a zero-width space.
ZW_TOKEN = "fonnte-ZW-SECRET-token\u200b"


@tagged("post_install", "-at_install")
class TestBounds(SicantikWhatsappCommon):
    def test_a_credential_that_cannot_be_sent_is_refused_when_saved(self):
        cases = [
            (self.fonnte, "token"),
            (self.meta, "access_token"),
            (self.meta, "app_secret"),
            (self.meta, "webhook_verify_token"),
            (self.watzap, "number_key"),
        ]
        for provider, fname in cases:
            label = provider._fields[fname].get_description(self.env)["string"]
            for bad, position in (
                ("ABC-SECRET-1\u200b", 13),
                ("ABC-SECRET 2", 11),
                ("ABC-SECRET-3\n", 13),
            ):
                with (
                    self.subTest(field=fname, value=repr(bad)),
                    self.assertRaises(ValidationError) as err,
                ):
                    with self.cr.savepoint():
                        provider.write({fname: bad})
                text = f"{err.exception} {err.exception.args!r}"
                self.assertNotIn("SECRET", text, "the credential is never in the exception")
                self.assertIn(provider.name, text)
                # Worded by the engine's catalogue, with the field's label and the position.
                self.assertIn(
                    self.env["sicantik.whatsapp.catalogue"]._sentence(
                        "credentials.invalid", {"field": label, "position": position}
                    ),
                    text,
                )
            provider.invalidate_recordset()
        # Letters, digits and punctuation are fine; so is a field another kind would use.
        self.fonnte.write({"token": "Ab-1_x.y~z/+=!"})
        self.meta.write({"token": "left-from-before"})

    def test_an_unencodable_stored_credential_fails_the_message_without_unknown(self):
        """A token saved before the check: nothing leaves, so the message is ``failed`` (never
        ``unknown``), and the token is nowhere in what is stored."""
        server = _Server()
        self.addCleanup(server.close)
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_provider SET token = %s, base_url = %s WHERE id = %s",
            (ZW_TOKEN, server.url + "/fonnte", self.fonnte.id),
        )
        self.fonnte.invalidate_recordset()
        self.env.registry.clear_cache()
        # The real requests transport (no mock): the failure happens while writing the request.
        message = self.dispatcher.send(
            self.partner_gateway, "permit_ready", self.permit_values, self.fonnte
        )
        self.assertEqual(message.state, "failed", message.error_message)
        self.assertEqual(server.captured, [], "no request reached the provider")
        stored = self.record_texts(message) + self.record_texts(message.attempt_ids)
        self.assertNotIn("ZW-SECRET", stored)
        self.assertTrue(message.attempt_ids, "the attempt is recorded, as not sent")

    def test_an_oversize_value_fails_the_message_before_it_is_stored(self):
        limit = get_engine().limits()["valueBytes"]
        big = "x" * (limit + 1)
        with self.mock_transport() as fake:
            message = self.dispatcher.send(
                self.partner_gateway, "permit_ready", dict(self.permit_values, note=big)
            )
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "limit.value")
        # The engine's refusal (checkValues), worded by the catalogue with its arguments.
        catalogue = self.env["sicantik.whatsapp.catalogue"]
        args = json.loads(message.error_args_json)
        self.assertEqual((args["actual"], args["max"]), (str(limit + 1), str(limit)))
        self.assertIn('"note"', args["what"])
        self.assertEqual(message.error_text, catalogue._sentence("limit.value", args))
        self.assertEqual(fake.requests, [])
        self.assertLess(len(self.record_texts(message)), limit, "the value is not stored")
        # Indonesian for people who read Indonesian.
        self.env["res.lang"]._activate_lang("id_ID")
        message.invalidate_recordset(["error_text"])
        text = message.with_context(lang="id_ID").error_text
        self.assertIn("terlalu besar", text)
        self.assertIn(str(limit), text)

    def test_every_oversize_value_is_left_out_and_the_others_are_kept(self):
        limit = get_engine().limits()["valueBytes"]
        with self.mock_transport() as fake:
            message = self.dispatcher.send(
                self.partner_gateway,
                "permit_ready",
                dict(self.permit_values, note="x" * (limit + 1), remark="é" * limit),
            )
        self.assertEqual(message.error_code, "limit.value")
        stored = json.loads(message.values_json)
        self.assertNotIn("note", stored)
        self.assertNotIn("remark", stored)
        self.assertEqual(stored["permit_number"], self.permit_values["permit_number"])
        self.assertEqual(fake.requests, [])

    def test_a_value_repeated_past_the_message_limit_fails_with_its_code(self):
        limits = get_engine().limits()
        template = self.env["sicantik.whatsapp.template.master"].create(
            {
                "name": "Berulang",
                "code": "repeated",
                "body": "Isi: " + " ".join(["{{a}}"] * 40) + " selesai.",
            }
        )
        with self.mock_transport() as fake:
            message = self.dispatcher.send(
                self.partner_gateway, template.code, {"a": "x" * limits["valueBytes"]}
            )
        self.assertEqual(message.state, "failed")
        # Each provider refused to build it (nothing left): the message says why.
        self.assertEqual(message.error_code, "dispatch.exhausted")
        self.assertIn("limit.message", self.record_texts(message.attempt_ids))
        self.assertIn("is too large", message.error_message)
        self.assertEqual(fake.requests, [])

    def test_an_oversize_template_is_refused_when_saved(self):
        limits = get_engine().limits()
        Template = self.env["sicantik.whatsapp.template.master"]
        with self.assertRaises(ValidationError) as err, self.cr.savepoint():
            Template.create(
                {"name": "Panjang", "code": "long", "body": "a" * (limits["templateTextBytes"] + 1)}
            )
        self.assertIn("A template text is too large", str(err.exception))
        many = " ".join("{{p%d}}" % i for i in range(limits["placeholders"] + 1))
        with self.assertRaises(ValidationError) as err, self.cr.savepoint():
            Template.create({"name": "Banyak", "code": "many", "body": many})
        self.assertIn("The number of placeholders is too large", str(err.exception))
        self.assertIn(
            "the limit is {} placeholders".format(limits["placeholders"]), str(err.exception)
        )
        Template.create({"name": "Pas", "code": "fits", "body": "a" * limits["templateTextBytes"]})

    def test_webhook_tokens_are_masked_in_the_access_log(self):
        """The access line exactly as werkzeug's request handler formats it (what Odoo's server
        logs for each request), through every filter of the ``werkzeug`` logger: the addon
        installed its own there, after Odoo's."""
        from werkzeug.serving import WSGIRequestHandler

        logger = logging.getLogger("werkzeug")
        self.assertTrue(any(isinstance(f, SecretUrlFilter) for f in logger.filters))
        lines = []

        class Handler(WSGIRequestHandler):
            def __init__(self, path):  # pylint: disable=super-init-not-called
                self.command, self.path, self.request_version = "GET", path, "HTTP/1.1"
                self.client_address = ("127.0.0.1", 50000)

            def log(self, type, message, *args):  # pylint: disable=redefined-builtin
                record = logger.makeRecord(
                    "werkzeug", logging.INFO, __file__, 1, message, args, None
                )
                self.test.assertTrue(logger.filter(record))
                lines.append(record.getMessage())

        Handler.test = self
        paths = [
            "{}?hub.mode=subscribe&hub.verify_token={}&hub.challenge=42".format(
                META_URL, SECRETS["meta_webhook_token"]
            ),
            "{}?token={}".format(FONNTE_URL, SECRETS["fonnte_webhook_token"]),
        ]
        for path in paths:
            Handler(path).log_request(200, 2)
        text = "\n".join(lines)
        self.assertIn(META_URL, text)
        self.assertIn(f"?token={MASK}", text)
        self.assertIn(f"hub.verify_token={MASK}&hub.challenge=42", text)
        self.assertNoSecret(text, "the access log")

    def test_the_access_log_filter_masks_url_secrets(self):
        def logged(msg, *args):
            record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, msg, args, None)
            SecretUrlFilter().filter(record)
            return record.getMessage()

        line = logged(
            '%s - - [06/Dec/2026 17:00:00] "%s" %s %s',
            "127.0.0.1",
            "GET {}?hub.mode=subscribe&hub.verify_token={}&hub.challenge=42 HTTP/1.1".format(
                META_URL, SECRETS["meta_webhook_token"]
            ),
            200,
            "-",
        )
        self.assertNotIn(SECRETS["meta_webhook_token"], line)
        self.assertIn(f"hub.verify_token={MASK}&hub.challenge=42", line)
        line = logged(
            '"POST {}?token={} HTTP/1.1" 200 -'.format(FONNTE_URL, SECRETS["fonnte_webhook_token"])
        )
        self.assertEqual(line, f'"POST {FONNTE_URL}?token={MASK} HTTP/1.1" 200 -')
        line = logged('"GET /sicantik_whatsapp/consent/eyJwIjo3fQ.abc123 HTTP/1.1" 200 -')
        self.assertEqual(line, f'"GET /sicantik_whatsapp/consent/{MASK} HTTP/1.1" 200 -')
        # Other routes are left alone.
        self.assertEqual(
            logged('"GET /web/login?token=x HTTP/1.1" 200 -'),
            '"GET /web/login?token=x HTTP/1.1" 200 -',
        )


@tagged("post_install", "-at_install")
class TestBoundsHttp(HttpCase, SicantikWhatsappCommon):
    def test_malformed_webhook_bodies_answer_400_without_a_traceback(self):
        url = "{}?token={}".format(FONNTE_URL, SECRETS["fonnte_webhook_token"])
        bodies = [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"[" * 100000]
        for body in bodies:
            with (
                self.subTest(body=body[:20]),
                mute_logger("odoo.addons.sicantik_whatsapp.controllers.webhook"),
            ):
                response = self.url_open(
                    url, data=body, headers={"Content-Type": "application/json"}
                )
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("Traceback", response.text)
        ok = self.url_open(
            url,
            data=json.dumps({"id": "1", "status": "sent"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(ok.status_code, 200)
        form = self.url_open(url, data={"id": "1", "status": "sent"})
        self.assertEqual(form.status_code, 200, "Fonnte's form posts still work")
        # Meta: signed, but not what Meta sends.
        from .test_webhooks import _sign

        for body in bodies:
            with (
                self.subTest(meta=body[:20]),
                mute_logger("odoo.addons.sicantik_whatsapp.controllers.webhook"),
            ):
                response = self.url_open(
                    META_URL,
                    data=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Hub-Signature-256": _sign(body),
                    },
                )
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("Traceback", response.text)

    def test_a_bad_credential_is_not_echoed_by_json_rpc(self):
        self.authenticate("admin", "admin")
        response = self.url_open(
            "/web/dataset/call_kw/sicantik.whatsapp.provider/write",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "sicantik.whatsapp.provider",
                        "method": "write",
                        "args": [[self.fonnte.id], {"token": ZW_TOKEN}],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        answer = response.json()
        self.assertIn("error", answer)
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.ValidationError")
        self.assertNotIn("ZW-SECRET", response.text)
