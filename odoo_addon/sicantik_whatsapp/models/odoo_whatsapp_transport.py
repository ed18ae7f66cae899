# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meta through Odoo Enterprise's WhatsApp app — the only place that knows about it.

When the Enterprise ``whatsapp`` module is installed (``whatsapp.account`` exists in the registry)
and a Meta profile is flagged "Send through Odoo WhatsApp", the engine still decides everything and
builds the Cloud API request; this transport hands that request's template to Odoo's
``whatsapp.composer`` (the pattern Odoo itself uses from POS and follow-up reports) instead of
calling the Graph API, and answers the engine with a Cloud-API-shaped response so the engine
classifies it as for a direct send. The engine reads its own request back
(``odooWhatsAppTemplate``) and words what Odoo did as the answer it classifies
(``odooWhatsAppResponse``, src/odoo_bridge.rs): this transport parses no body and picks no Meta
error code, it only maps the texts onto the composer's fields.

UNTESTED HERE: this repository is tested against Odoo Community, which has no ``whatsapp``
module. The composer fields used (``res_model``, ``res_ids``, ``wa_template_id``, ``phone``,
``free_text_N``, ``header_text_1``, ``button_dynamic_url_N``) and ``_send_whatsapp_template`` are
those of Odoo 17/18 Enterprise as documented in ``providers.md`` §D.1. The Meta template must
exist and be approved in Odoo's WhatsApp app under the same name and language.
"""

import logging

from ..engine.host import EngineError, Transport, TransportFailure, get_engine

_logger = logging.getLogger(__name__)

#: Body parameters a composer holds (``free_text_1`` … ``free_text_10``).
_FREE_TEXTS = 10


def composer_values(message, wa_template, partner_id):
    """The ``whatsapp.composer`` values of the engine's template message (``odooWhatsAppTemplate``
    answer) for the approved Odoo template ``wa_template``."""
    vals = {
        "res_model": "res.partner",
        "res_ids": str([partner_id] if partner_id else []),
        "wa_template_id": wa_template.id,
        "phone": "+" + message["to"],
    }
    for i, text in enumerate(message["body"][:_FREE_TEXTS], 1):
        vals[f"free_text_{i}"] = text
    if message["header"]:
        vals["header_text_1"] = message["header"][0]
    for button in message["buttons"]:
        vals[f"button_dynamic_url_{button['index'] + 1}"] = button["text"]
    return vals


class OdooWhatsAppTransport(Transport):
    def __init__(self, env, provider):
        self.env = env
        self.provider = provider

    def _answer(self, outcome, message_id=None, detail=None):
        """The engine's answer for what Odoo did (see src/odoo_bridge.rs)."""
        return get_engine().call(
            "odooWhatsAppResponse", {"outcome": outcome, "messageId": message_id, "detail": detail}
        )

    def send(self, request):
        try:
            message = get_engine().call("odooWhatsAppTemplate", {"request": request})
        except EngineError as e:
            # Not a template send: nothing left, the engine may use another provider.
            raise TransportFailure("other", False, e.message) from None
        wa_template = (
            self.env["whatsapp.template"]
            .sudo()
            .search(
                [
                    ("template_name", "=", message["name"]),
                    ("lang_code", "=", message["language"]),
                    ("status", "=", "approved"),
                ],
                limit=1,
            )
        )
        if not wa_template:
            return self._answer(
                "templateUnavailable",
                detail=f"template {message['name']} ({message['language']}) is not approved",
            )
        partner_id = self.env.context.get("sicantik_whatsapp_partner_id")
        try:
            composer = (
                self.env["whatsapp.composer"]
                .sudo()
                .with_context(
                    active_model="res.partner", active_ids=[partner_id] if partner_id else []
                )
                .create(composer_values(message, wa_template, partner_id))
            )
        except Exception as e:  # pylint: disable=broad-except
            # Refused before anything was sent (validation): the engine may fall back.
            _logger.warning("Odoo WhatsApp refused the message: %s", e)
            return self._answer("refused", detail=str(e))
        try:
            messages = composer._send_whatsapp_template(force_send_by_cron=False)
        except UnicodeError:
            # Encoding the request (a credential with a non-ASCII character) fails before any
            # byte leaves: nothing was sent. Its arguments hold the text: never passed on.
            raise TransportFailure(
                "connect", False, "Odoo WhatsApp: the request cannot be encoded"
            ) from None
        except Exception as e:  # pylint: disable=broad-except
            # Odoo may have called Meta already: unknown, never sent elsewhere.
            raise TransportFailure(
                "other", True, f"Odoo WhatsApp failed while sending: {type(e).__name__}"
            ) from None
        sent = messages[:1]
        if not sent or sent.state == "error":
            reason = sent.failure_reason if sent else "no message created (phone?)"
            return self._answer("failed", detail=str(reason))
        # Queued by Odoo's own cron ("outgoing"): accepted, the wamid will only be known later.
        message_id = (
            sent.state != "outgoing" and sent.msg_uid
        ) or f"odoo-whatsapp-message-{sent.id}"
        return self._answer("accepted", message_id=message_id)
