# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The providers' webhooks: HTTP, access and database work only.

The engine's ``parseWebhook`` op checks the signature or secret against every profile, reads the
body into typed events (delivery statuses with their rank, inbound messages with the STOP decision
and the sender's match key, Meta's template changes) and refuses what is not the provider's
(src/webhook/, docs/webhooks.md). This controller finds the records and writes them."""

import datetime
import logging
import urllib.parse

from werkzeug.exceptions import Forbidden

from odoo import fields, http
from odoo.http import request
from odoo.tools import consteq

from ..engine.host import EngineError, EngineUnavailable, get_engine, now_ms
from ..models.sicantik_whatsapp_provider_credentials import credential_field

_logger = logging.getLogger(__name__)

#: Consent log source of a STOP received through each provider.
_SOURCE = {"meta": "webhook_meta", "fonnte": "webhook_fonnte"}

#: The engine's refusals of a request: the HTTP status answered.
_REFUSALS = {"webhook.bad_signature": 403, "webhook.malformed": 400, "webhook.too_large": 413}


def _plain(text, status=200):
    return request.make_response(text, status=status, headers=[("Content-Type", "text/plain")])


class SicantikWhatsappWebhook(http.Controller):
    def _providers(self, kind):
        return (
            request.env["sicantik.whatsapp.provider"]
            .sudo()
            .with_context(active_test=False)
            .search([("kind", "=", kind)])
        )

    def _default_country(self):
        """The office's calling code for numbers written without one; unset: the engine's."""
        icp = request.env["ir.config_parameter"].sudo()
        return (icp.get_param("sicantik_whatsapp.default_country") or "").strip() or None

    @http.route(
        "/sicantik_whatsapp/webhook/meta",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
        sitemap=False,
    )
    def meta_verify(self, **kwargs):
        """Meta's subscription handshake: the Verify Token typed in the Meta app's settings."""
        mode = kwargs.get("hub.mode")
        token = kwargs.get("hub.verify_token") or ""
        challenge = kwargs.get("hub.challenge") or ""
        if mode != "subscribe" or not token:
            raise Forbidden()
        if not any(
            p.webhook_verify_token and consteq(p.webhook_verify_token, token)
            for p in self._providers("meta")
        ):
            raise Forbidden()
        return _plain(challenge)

    @http.route(
        "/sicantik_whatsapp/webhook/meta",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def meta_event(self, **kwargs):
        return self._receive("meta")

    @http.route(
        "/sicantik_whatsapp/webhook/fonnte",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def fonnte_event(self, **kwargs):
        return self._receive("fonnte")

    # ------------------------------------------------------------------
    # One request: the engine reads it, the database takes its events
    # ------------------------------------------------------------------

    def _receive(self, kind):
        httpreq = request.httprequest
        # The raw bytes (Meta signs them), read before anything parses a form out of the stream.
        raw = httpreq.get_data()
        if not raw and httpreq.form:
            # A form post whose stream Odoo already parsed into the request's parameters.
            raw = urllib.parse.urlencode(list(httpreq.form.items(multi=True))).encode()
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            _logger.warning("%s webhook refused: the body is not UTF-8", kind)
            return _plain("malformed payload", 400)
        providers = self._providers(kind)
        try:
            engine = get_engine()
            # Which credential is the webhook's secret (Meta's App Secret…): the catalogue says.
            [secret] = [
                k["webhookSecret"] for k in engine.catalogue()["credentials"] if k["kind"] == kind
            ]
            secret_field = credential_field(secret)
            args = {
                "provider": kind,
                "headers": {name.lower(): value for name, value in httpreq.headers.items()},
                "query": {name: httpreq.args.get(name) for name in httpreq.args},
                "body": body,
                "profiles": [{"id": p.id, "secret": p[secret_field] or None} for p in providers],
                "nowMs": now_ms(),
                "defaultCountry": self._default_country(),
            }
            answer = engine.call("parseWebhook", args)
        except EngineError as e:
            status = _REFUSALS.get(e.code)
            if status is None:
                raise
            # The engine's message names what is wrong, never a secret or the body.
            _logger.warning("%s webhook refused (%s): %s", kind, e.code, e.message)
            if status == 403:
                raise Forbidden() from None
            return _plain("malformed payload" if status == 400 else "payload too large", status)
        except EngineUnavailable as e:
            # Nothing is lost: the provider retries (Meta for days, Fonnte 15 times).
            _logger.error("%s webhook not read, the engine is unavailable: %s", kind, e)
            return _plain("try again later", 503)
        senders = providers.filtered(lambda p: p.id in answer["profiles"])
        self._apply(kind, senders, answer)
        return _plain("ok")

    def _apply(self, kind, providers, answer):
        templates = []
        for event in answer["events"]:
            if event["type"] == "status":
                self._apply_status(providers, event, answer["ranks"])
            elif event["type"] == "inbound":
                self._apply_inbound(kind, providers, event)
            elif event["type"] in ("templateStatus", "templateQuality"):
                templates.append(event)
            else:
                _logger.info("%s webhook: %s %s", kind, event.get("code"), event.get("args"))
        if templates:
            request.env["sicantik.whatsapp.template.master"].sudo()._apply_meta_template_events(
                # Another account's template of the same name is not ours (one Meta app may serve
                # several accounts); signing profiles without an account id cannot tell.
                templates,
                waba_ids={p.waba_id for p in providers if p.waba_id} or None,
            )

    def _apply_status(self, providers, event, ranks):
        # Only the messages these profiles sent: a status signed with company A's secret never
        # touches company B's messages.
        message = (
            request.env["sicantik.whatsapp.message"]
            .sudo()
            .search(
                [
                    ("provider_id", "in", providers.ids),
                    ("provider_message_id", "=", event["messageId"]),
                ],
                limit=1,
            )
        )
        # The engine ranks the states: a late "delivered" never hides "read".
        if not message or ranks.get(message.delivery_status or "", 0) >= event["rank"]:
            return
        vals = {"delivery_status": event["state"], "delivery_date": fields.Datetime.now()}
        error = event.get("error")
        if error:
            vals.update(error_code=error["code"], error_message=error["detail"][:2000])
        message.write(vals)

    def _apply_inbound(self, kind, providers, event):
        partners = self._partners_for_number(event, providers)
        if event["opensWindow"] and event.get("atMs"):
            # Meta's customer-service window (free text, 24 hours) opens from the message's time.
            at = datetime.datetime.fromtimestamp(event["atMs"] / 1000, datetime.timezone.utc)
            at = at.replace(tzinfo=None)
            partners.filtered(
                lambda p: not p.wa_last_inbound_date or p.wa_last_inbound_date < at
            ).write({"wa_last_inbound_date": at})
        if event["stop"]:
            message_id = f" {event['messageId']}" if event.get("messageId") else ""
            evidence = f"{kind.capitalize()} inbound message{message_id}: {event['text']!r}"
            partners.filtered(lambda p: not p.wa_opted_out)._wa_record_opt_out(
                _SOURCE[kind], evidence=evidence
            )

    def _partners_for_number(self, event, providers):
        """The partners whose mobile or phone is the event's sender, within the companies of
        ``providers``. A profile of company A speaks for company A: its events concern A's
        contacts and the shared ones (no company: the same citizen's record that A's messages
        use), never company B's. A shared profile (no company) serves every company.

        Candidates are the numbers ending with the engine's match key; each is confirmed by the
        engine's normalization (national and international writings of one number match)."""
        env = request.env
        Partner = env["res.partner"].sudo()
        key = event["matchKey"]
        env.cr.execute(
            """
            SELECT id FROM res_partner
             WHERE regexp_replace(COALESCE(mobile, ''), '\\D', '', 'g') LIKE %s
                OR regexp_replace(COALESCE(phone, ''), '\\D', '', 'g') LIKE %s
            """,
            ("%" + key, "%" + key),
        )
        candidates = Partner.browse([r[0] for r in env.cr.fetchall()])
        if all(provider.company_id for provider in providers):
            companies = providers.company_id
            candidates = candidates.filtered(
                lambda p: not p.company_id or p.company_id in companies
            )
        engine, country = get_engine(), self._default_country()
        matched = Partner
        for partner in candidates:
            for number in (partner.mobile, partner.phone):
                if not number:
                    continue
                try:
                    if engine.normalize_phone(number, country) == event["from"]:
                        matched |= partner
                        break
                except EngineError:
                    continue
        return matched
