# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Odoo Enterprise WhatsApp path, with stand-ins for Enterprise's composer boundary only.

The real ``whatsapp`` module is proprietary and absent from Odoo Community: ``whatsapp.template``
and ``whatsapp.composer`` are faked. Everything else is real: the engine builds the Meta request
(``dispatchStart``), reads it back for the composer and words Odoo's outcome, and its dispatch
classifies the bridge's answer (``dispatchFeed``) as it would a direct send. It cannot prove
compatibility with a given Enterprise version.
"""

import json

from odoo.tests import TransactionCase, tagged

from ..engine.host import TransportFailure, get_engine
from ..models.odoo_whatsapp_transport import OdooWhatsAppTransport

NOW_MS = 1_764_000_000_000

#: A Meta profile and a template with a header, three body values and a URL button at index 1.
CONFIG = {
    "fallbackOrder": ["fonnte"],
    "providers": [
        {
            "id": "meta",
            "kind": "meta",
            "state": "configured",
            "credentials": {"accessToken": "EAAG-bridge", "phoneNumberId": "1000"},
        },
        {"id": "fonnte", "kind": "fonnte", "state": "configured", "credentials": {"token": "f"}},
    ],
    "templates": [
        {
            "code": "permit_ready",
            "language": "id",
            "header": "Izin {{kind}}",
            "body": "Yth. {{name}}, izin {{kind}} nomor {{number}} terbit.",
            "buttonUrlSuffix": "{{token}}",
            "meta": {
                "templateName": "permit_ready",
                "language": "id",
                "bodyParams": ["name", "kind", "number"],
                "headerParam": "kind",
                "buttonIndex": 1,
                "status": "APPROVED",
            },
        }
    ],
}

NOTIFICATION = {
    "template": "permit_ready",
    "recipient": {"phone": "0812-3456-7890", "metaOptIn": True},
    "values": {"name": "Budi", "kind": "PBG", "number": "12/2026", "token": "abc"},
}


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
        if self.env.create_error:
            raise self.env.create_error
        self.env.created.append(vals)
        return self.env.composer


class _FakeEnv:
    def __init__(self, template, send_result=None, send_error=None, create_error=None):
        self.context = {"sicantik_whatsapp_partner_id": 42}
        self.template = template
        self.create_error = create_error
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


@tagged("post_install", "-at_install")
class TestEnterpriseBridge(TransactionCase):
    def _dispatch(self, env):
        """The engine's Meta request through the bridge, its answer fed back: the dispatch's
        first attempt (and the bridge's answer)."""
        engine = get_engine().configured(CONFIG)
        step = engine.call("dispatchStart", {"notification": NOTIFICATION, "nowMs": NOW_MS})
        self.assertEqual(step["action"]["type"], "send")
        request = step["action"]["request"]
        self.assertIn("graph.facebook.com", request["url"])
        response = OdooWhatsAppTransport(env, provider=None).send(request)
        step = engine.call(
            "dispatchFeed", {"state": step["state"], "response": response, "nowMs": NOW_MS}
        )
        return step, response

    def _attempt(self, step):
        if step["action"]["type"] == "done":
            return step["action"]["outcome"]["attempts"][0]
        return step["state"]["attempts"][0]

    def test_template_mapped_onto_the_composer(self):
        sent = _Messages([_Record(state="sent", msg_uid="wamid.ENT", failure_reason=False, id=7)])
        env = _FakeEnv(template=_Record(id=5), send_result=sent)
        step, _response = self._dispatch(env)
        vals = env.created[0]
        self.assertEqual(
            vals,
            {
                "res_model": "res.partner",
                "res_ids": "[42]",
                "wa_template_id": 5,
                "phone": "+6281234567890",
                "free_text_1": "Budi",
                "free_text_2": "PBG",
                "free_text_3": "12/2026",
                "header_text_1": "PBG",
                "button_dynamic_url_2": "abc",
            },
        )
        search = env.searches[0]
        self.assertIn(("template_name", "=", "permit_ready"), search)
        self.assertIn(("lang_code", "=", "id"), search)
        self.assertIn(("status", "=", "approved"), search)
        self.assertEqual(env.contexts[-1]["active_ids"], [42])
        # The engine took Odoo's message as sent, with its wamid.
        outcome = step["action"]["outcome"]
        self.assertEqual(outcome["status"], "sent")
        self.assertEqual(outcome["provider"], "meta")
        self.assertEqual(outcome["messageIds"], ["wamid.ENT"])

    def test_queued_by_odoo_is_accepted_under_odoos_id(self):
        queued = _Messages([_Record(state="outgoing", msg_uid=False, failure_reason=False, id=9)])
        step, _response = self._dispatch(_FakeEnv(template=_Record(id=5), send_result=queued))
        self.assertEqual(step["action"]["outcome"]["messageIds"], ["odoo-whatsapp-message-9"])

    def test_unapproved_template_lets_the_engine_fall_back(self):
        env = _FakeEnv(template=_Empty())
        step, _response = self._dispatch(env)
        self.assertFalse(env.created, "nothing handed to Odoo")
        attempt = self._attempt(step)
        self.assertEqual(attempt["classification"], "config_error")
        self.assertIn("permit_ready (id) is not approved", attempt["detail"])
        # The next provider is asked: nothing was sent through Meta.
        self.assertEqual(step["action"]["type"], "send")
        self.assertIn("fonnte", step["action"]["request"]["url"])

    def test_composer_refusal_falls_back(self):
        env = _FakeEnv(template=_Record(id=5), create_error=ValueError("bad phone"))
        step, _response = self._dispatch(env)
        attempt = self._attempt(step)
        self.assertEqual(attempt["classification"], "config_error")
        self.assertIn("bad phone", attempt["detail"])
        self.assertEqual(step["action"]["type"], "send")

    def test_message_in_error_is_provider_down(self):
        failed = _Messages(
            [_Record(state="error", msg_uid=False, failure_reason="Meta said no", id=8)]
        )
        step, _response = self._dispatch(_FakeEnv(template=_Record(id=5), send_result=failed))
        attempt = self._attempt(step)
        self.assertEqual(attempt["classification"], "provider_down")
        self.assertIn("Meta said no", attempt["detail"])
        self.assertEqual(step["action"]["type"], "send")

    def test_failure_while_sending_is_unknown(self):
        env = _FakeEnv(template=_Record(id=5), send_error=RuntimeError("boom"))
        engine = get_engine().configured(CONFIG)
        step = engine.call("dispatchStart", {"notification": NOTIFICATION, "nowMs": NOW_MS})
        with self.assertRaises(TransportFailure) as err:
            OdooWhatsAppTransport(env, provider=None).send(step["action"]["request"])
        self.assertTrue(err.exception.maybe_sent)

    def test_a_text_request_is_not_sent_through_odoo(self):
        request = {
            "method": "POST",
            "url": "https://graph.facebook.com/v25.0/1000/messages",
            "headers": {},
            "body": json.dumps({"type": "text", "to": "62812", "text": {"body": "hi"}}),
        }
        env = _FakeEnv(template=_Record(id=5))
        with self.assertRaises(TransportFailure) as err:
            OdooWhatsAppTransport(env, provider=None).send(request)
        self.assertFalse(err.exception.maybe_sent)
        self.assertFalse(env.searches)


class _Empty:
    def __bool__(self):
        return False
