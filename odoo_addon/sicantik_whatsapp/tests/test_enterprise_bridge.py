# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Odoo Enterprise WhatsApp path, with stand-ins for Enterprise's models.

The real ``whatsapp`` module is proprietary and absent from Odoo Community, so this only checks
how the engine's Meta request is mapped onto ``whatsapp.composer`` and how the result goes back to
the engine; it cannot prove compatibility with a given Enterprise version.
"""

import json

from odoo.tests import TransactionCase, tagged

from ..engine.host import TransportFailure
from ..models.odoo_whatsapp_transport import OdooWhatsAppTransport


class _Record:
    def __init__(self, **vals):
        self.__dict__.update(vals)


class _Model:
    def __init__(self, env, name):
        self.env, self.name = env, name

    def sudo(self):
        return self

    def with_context(self, **ctx):
        self.env.contexts.append(ctx)
        return self

    def search(self, domain, limit=None):
        self.env.searches.append(domain)
        return self.env.template

    # A stand-in for an Odoo model that only records its calls: there is no super() to call.
    def create(self, vals):  # pylint: disable=method-required-super
        self.env.created.append(vals)
        return self.env.composer


class _FakeEnv:
    def __init__(self, template, send_result=None, send_error=None):
        self.context = {"sicantik_whatsapp_partner_id": 42}
        self.template = template
        self.searches, self.created, self.contexts = [], [], []

        class Composer:
            def _send_whatsapp_template(self, force_send_by_cron=False):
                if send_error:
                    raise send_error
                return send_result

        self.composer = Composer()

    def __getitem__(self, name):
        return _Model(self, name)


class _Messages(list):
    def __getitem__(self, item):
        if isinstance(item, slice):
            return _Messages(list.__getitem__(self, item))
        return list.__getitem__(self, item)

    @property
    def state(self):
        return self[0].state

    @property
    def msg_uid(self):
        return self[0].msg_uid

    @property
    def failure_reason(self):
        return self[0].failure_reason

    @property
    def id(self):
        return self[0].id


REQUEST = {
    "method": "POST",
    "url": "https://graph.facebook.com/v25.0/1000/messages",
    "headers": {"Authorization": "Bearer x"},
    "body": json.dumps(
        {
            "messaging_product": "whatsapp",
            "to": "6281234567890",
            "type": "template",
            "template": {
                "name": "permit_ready",
                "language": {"code": "id"},
                "components": [
                    {"type": "header", "parameters": [{"type": "text", "text": "IZIN"}]},
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": "Budi"},
                            {"type": "text", "text": "PBG"},
                        ],
                    },
                    {
                        "type": "button",
                        "sub_type": "url",
                        "index": 0,
                        "parameters": [{"type": "text", "text": "abc"}],
                    },
                ],
            },
        }
    ),
}


@tagged("post_install", "-at_install")
class TestEnterpriseBridge(TransactionCase):
    def test_template_mapped_onto_the_composer(self):
        sent = _Messages([_Record(state="sent", msg_uid="wamid.ENT", failure_reason=False, id=7)])
        env = _FakeEnv(template=_Record(id=5), send_result=sent)
        response = OdooWhatsAppTransport(env, provider=None).send(REQUEST)
        self.assertEqual(response["status"], 200)
        self.assertEqual(json.loads(response["body"])["messages"][0]["id"], "wamid.ENT")
        vals = env.created[0]
        self.assertEqual(vals["wa_template_id"], 5)
        self.assertEqual(vals["res_ids"], "[42]")
        self.assertEqual(vals["phone"], "+6281234567890")
        self.assertEqual((vals["free_text_1"], vals["free_text_2"]), ("Budi", "PBG"))
        self.assertEqual(vals["header_text_1"], "IZIN")
        self.assertEqual(vals["button_dynamic_url_1"], "abc")
        self.assertIn(("template_name", "=", "permit_ready"), env.searches[0])

    def test_unapproved_template_lets_the_engine_fall_back(self):
        env = _FakeEnv(template=_Empty())
        response = OdooWhatsAppTransport(env, provider=None).send(REQUEST)
        self.assertEqual(response["status"], 400)
        self.assertEqual(json.loads(response["body"])["error"]["code"], 132001)

    def test_failure_while_sending_is_unknown(self):
        env = _FakeEnv(template=_Record(id=5), send_error=RuntimeError("boom"))
        with self.assertRaises(TransportFailure) as err:
            OdooWhatsAppTransport(env, provider=None).send(REQUEST)
        self.assertTrue(err.exception.maybe_sent)


class _Empty:
    def __bool__(self):
        return False
