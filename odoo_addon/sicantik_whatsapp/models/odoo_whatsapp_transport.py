# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meta through Odoo Enterprise's WhatsApp app — the only place that knows about it.

When the Enterprise ``whatsapp`` module is installed (``whatsapp.account`` exists in the registry)
and a Meta profile is flagged "Send through Odoo WhatsApp", the engine still decides everything and
builds the Cloud API request; this transport hands that request's template to Odoo's
``whatsapp.composer`` (the pattern Odoo itself uses from POS and follow-up reports) instead of
calling the Graph API, and answers the engine with a Cloud-API-shaped response so the engine
classifies it as for a direct send.

UNTESTED HERE: this repository is tested against Odoo Community, which has no ``whatsapp``
module. The composer fields used (``res_model``, ``res_ids``, ``wa_template_id``, ``phone``,
``free_text_N``, ``header_text_1``, ``button_dynamic_url_N``) and ``_send_whatsapp_template`` are
those of Odoo 17/18 Enterprise as documented in ``providers.md`` §D.1. The Meta template must
exist and be approved in Odoo's WhatsApp app under the same name and language.
"""

import json
import logging

from ..engine.host import Transport, TransportFailure

_logger = logging.getLogger(__name__)


class OdooWhatsAppTransport(Transport):
    def __init__(self, env, provider):
        self.env = env
        self.provider = provider

    def send(self, request):
        try:
            payload = json.loads(request.get("body") or "{}")
        except ValueError:
            raise TransportFailure("other", False, "not a Cloud API JSON request") from None
        template = payload.get("template")
        if payload.get("type") != "template" or not template:
            raise TransportFailure("other", False, "Odoo WhatsApp sends approved templates only")
        lang = (template.get("language") or {}).get("code")
        wa_template = (
            self.env["whatsapp.template"]
            .sudo()
            .search(
                [
                    ("template_name", "=", template.get("name")),
                    ("lang_code", "=", lang),
                    ("status", "=", "approved"),
                ],
                limit=1,
            )
        )
        if not wa_template:
            # Shaped like Meta's "template does not exist" so the engine falls back.
            return _meta_error(
                132001,
                "Template %s (%s) is not approved in Odoo WhatsApp" % (template.get("name"), lang),
            )
        partner_id = self.env.context.get("sicantik_whatsapp_partner_id")
        vals = {
            "res_model": "res.partner",
            "res_ids": str([partner_id] if partner_id else []),
            "wa_template_id": wa_template.id,
            "phone": "+" + str(payload.get("to") or "").lstrip("+"),
        }
        for component in template.get("components") or []:
            params = [
                p.get("text") for p in component.get("parameters") or [] if p.get("type") == "text"
            ]
            ctype = component.get("type")
            if ctype == "body":
                for i, text in enumerate(params[:10], 1):
                    vals["free_text_%d" % i] = text
            elif ctype == "header" and params:
                vals["header_text_1"] = params[0]
            elif ctype == "button" and component.get("sub_type") == "url" and params:
                vals["button_dynamic_url_%d" % (int(component.get("index") or 0) + 1)] = params[0]
        try:
            composer = (
                self.env["whatsapp.composer"]
                .sudo()
                .with_context(
                    active_model="res.partner", active_ids=[partner_id] if partner_id else []
                )
                .create(vals)
            )
        except Exception as e:  # pylint: disable=broad-except
            # Refused before anything was sent (validation): the engine may fall back.
            _logger.warning("Odoo WhatsApp refused the message: %s", e)
            return _meta_error(100, "Odoo WhatsApp: %s" % e)
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
                "other", True, "Odoo WhatsApp failed while sending: %s" % type(e).__name__
            ) from None
        message = messages[:1]
        if not message or message.state == "error":
            reason = message.failure_reason if message else "no message created (phone?)"
            return _meta_error(131000, "Odoo WhatsApp: %s" % reason)
        if message.state == "outgoing":
            # Queued by Odoo's own cron: accepted, the wamid will only be known later.
            return _meta_ok("odoo-whatsapp-message-%s" % message.id)
        return _meta_ok(message.msg_uid or "odoo-whatsapp-message-%s" % message.id)


def _meta_ok(message_id):
    return {
        "status": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"messaging_product": "whatsapp", "messages": [{"id": message_id}]}),
    }


def _meta_error(code, message):
    return {
        "status": 400,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"error": {"message": message, "code": code, "type": "OAuthException"}}),
    }
