# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test helpers, reusable by other addons (``from odoo.addons.sicantik_whatsapp.tests.common
import SicantikWhatsappCommon, mock_whatsapp_transport``).

No test ever reaches the network: the dispatcher's transport hook is replaced by a scripted
:class:`~odoo.addons.sicantik_whatsapp.engine.testing.FakeTransport`, and every decision and
payload comes from the real engine (the host-ABI Wasm module through ``wasmtime``).
"""

import email.parser
import email.policy
import json
import re
import urllib.parse
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests.common import TransactionCase

from ..engine.host import EngineUnavailable, get_engine
from ..engine.testing import (  # noqa: F401  (re-exported for other addons)
    FakeTransport,
    TransportFailure,
    fonnte_ok,
    fonnte_refused,
    http_error,
    meta_error,
    meta_ok,
    watzap_ok,
)

#: Credentials of the test profiles: distinctive strings the secret scans look for.
SECRETS = {
    "access_token": "EAAG-SECRET-meta-token-7f3a9c",
    "app_secret": "meta-SECRET-app-secret-5e6f01",
    "meta_webhook_token": "meta-SECRET-verify-token-2b8d",
    "api_key": "wz-SECRET-api-key-91b2aa",
    "number_key": "wz-SECRET-number-key-44c1bb",
    "token": "fonnte-SECRET-token-0d9e77",
    "fonnte_webhook_token": "fonnte-SECRET-webhook-token-c3d4",
}


@contextmanager
def mock_whatsapp_transport(env, responses=(), handler=None):
    """Replace the dispatcher's transport by a :class:`FakeTransport` for the block; yields it.

    ``responses`` are consumed in order (response dicts, :class:`TransportFailure` to raise, or
    callables); ``handler(request)`` answers the rest. Every request is in ``fake.requests``.
    """
    fake = FakeTransport(responses, handler=handler)
    dispatcher_cls = type(env["sicantik.whatsapp.dispatcher"])
    with patch.object(dispatcher_cls, "_get_transport", lambda self, provider=None: fake):
        yield fake


def multipart_fields(content_type, body):
    """The text fields of a ``multipart/form-data`` body (Fonnte's), read by the standard library's
    MIME parser: name → value."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body.encode("utf-8")
    )
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True).decode(
            "utf-8"
        )
        for part in message.iter_parts()
    }


def request_text(request):
    """Every text field of a request body (JSON, multipart or url-encoded form), joined: to look
    for the message text or a link whatever the provider's body format."""
    body = request.get("body") or ""
    ctype = next(
        (v for k, v in (request.get("headers") or {}).items() if k.lower() == "content-type"), ""
    )
    try:
        data = json.loads(body)
    except ValueError:
        if ctype.startswith("multipart/form-data"):
            data = multipart_fields(ctype, body)
        else:
            data = {
                k: v[-1] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()
            }
    parts = []

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            parts.append(str(value))

    walk(data)
    return "\n".join(parts)


class SicantikWhatsappCommon(TransactionCase):
    """Three configured profiles (Meta, then Fonnte, then Watzap by sequence), the default
    provider unset (Meta), and three citizens: opted in, not opted in, opted out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            get_engine()
        except EngineUnavailable as e:
            raise AssertionError(f"sicantik_whatsapp tests need the engine: {e}") from None
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("sicantik_whatsapp.default_provider_id", False)
        icp.set_param("sicantik_whatsapp.default_country", "62")
        icp.set_param("web.base.url", "http://odoo.test")
        # Quiet hours would make every send depend on the hour the tests run at: off here, on in
        # test_quiet_hours.py with a fixed clock.
        icp.set_param("sicantik_whatsapp.quiet_hours", False)
        Provider = cls.env["sicantik.whatsapp.provider"].sudo()
        Provider.search([]).write({"active": False})
        cls.meta = Provider.create(
            {
                "name": "Meta DPMPTSP",
                "kind": "meta",
                "sequence": 1,
                "base_url": "https://graph.meta.test",
                "api_version": "v25.0",
                "access_token": SECRETS["access_token"],
                "phone_number_id": "100000000000001",
                "waba_id": "200000000000001",
                "app_secret": SECRETS["app_secret"],
                "webhook_verify_token": SECRETS["meta_webhook_token"],
                "state": "configured",
            }
        )
        cls.fonnte = Provider.create(
            {
                "name": "Fonnte DPMPTSP",
                "kind": "fonnte",
                "sequence": 2,
                "base_url": "https://api.fonnte.test",
                "token": SECRETS["token"],
                "webhook_verify_token": SECRETS["fonnte_webhook_token"],
                "state": "configured",
            }
        )
        cls.watzap = Provider.create(
            {
                "name": "Watzap DPMPTSP",
                "kind": "watzap",
                "sequence": 3,
                "base_url": "https://api.watzap.test/v1",
                "api_key": SECRETS["api_key"],
                "number_key": SECRETS["number_key"],
                "state": "configured",
            }
        )
        cls.providers = cls.meta | cls.fonnte | cls.watzap
        Partner = cls.env["res.partner"]
        cls.partner_opted_in = Partner.create(
            {
                "name": "Budi Santoso",
                "mobile": "0812-3456-7890",
                "wa_meta_opt_in": True,
            }
        )
        cls.partner_gateway = Partner.create(
            {
                "name": "Siti Aminah",
                "mobile": "+62 813 1111 2222",
            }
        )
        cls.partner_opted_out = Partner.create(
            {
                "name": "Andi Wijaya",
                "mobile": "081399998888",
                "wa_opted_out": True,
            }
        )
        cls.dispatcher = cls.env["sicantik.whatsapp.dispatcher"]
        cls.outbox = cls.env["sicantik.whatsapp.outbox"]
        cls.permit_values = {"permit_type": "PBG", "permit_number": "503/PBG/2026/0142"}

    # -- helpers ------------------------------------------------------------------------------

    def mock_transport(self, responses=(), handler=None):
        return mock_whatsapp_transport(self.env, responses, handler)

    def send(
        self,
        partner,
        template="permit_ready",
        values=None,
        force_provider=None,
        responses=(),
        handler=None,
    ):
        """Send through the dispatcher with a fake transport; returns (message, fake)."""
        with self.mock_transport(responses, handler) as fake:
            message = self.dispatcher.send(
                partner, template, self.permit_values if values is None else values, force_provider
            )
        return message, fake

    def assertNoSecret(self, text, where=""):
        text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False, default=str)
        for name, secret in SECRETS.items():
            self.assertNotIn(secret, text, f"credential {name} leaked in {where or 'text'}")

    def record_texts(self, records):
        """Every stored text of ``records`` (char, text, html, selection, json fields)."""
        texts = []
        for rec in records.sudo():
            for fname, field in rec._fields.items():
                if field.type in ("char", "text", "html", "json", "selection") and not field.groups:
                    value = rec[fname]
                    if value:
                        texts.append(str(value))
        return "\n".join(texts)

    def consent_tokens(self, text, partner):
        """The consent link tokens for ``partner`` in ``text`` (each one checked: signed for that
        partner, not expired); fails when there is none."""
        tokens = re.findall(r"/sicantik_whatsapp/consent/([A-Za-z0-9_-]+)", text or "")
        self.assertTrue(tokens, f"no consent link in {(text or '')[:300]!r}")
        for token in tokens:
            data = self.env["res.partner"]._wa_consent_token_data(token)
            self.assertTrue(data, f"the consent link {token} is not a valid signed link")
            self.assertEqual(data["p"], partner.id, "the consent link is the recipient's own")
        return tokens

    @classmethod
    def _setup_second_company(cls):
        """Company A (the main one) owns the three profiles; company B starts empty."""
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "DPMPTSP Kabupaten Dairi"})
        cls.providers.write({"company_id": cls.company_a.id})
