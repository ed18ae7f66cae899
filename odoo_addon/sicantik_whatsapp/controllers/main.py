# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Public endpoints: the citizen's consent page and the providers' webhooks."""

import datetime
import hashlib
import hmac
import json
import logging
import re

from psycopg2 import IntegrityError
from werkzeug.exceptions import Forbidden

from odoo import fields, http
from odoo.http import request
from odoo.tools import consteq

from ..engine.host import EngineError, EngineUnavailable, get_engine

_logger = logging.getLogger(__name__)

#: Inbound texts that opt the sender out of every rail (compared lower-case, letters and spaces).
STOP_KEYWORDS = {"stop", "berhenti", "unsubscribe", "stop promotions"}

#: The statement the citizen accepts (shown on the page and stored as evidence). Indonesian on
#: purpose: it is the consent evidence and must not depend on installed languages.
CONSENT_STATEMENT = (
    "Saya setuju menerima notifikasi resmi dari %(office)s melalui WhatsApp (WhatsApp Business, "
    "layanan Meta) ke nomor saya yang terdaftar. Saya dapat berhenti kapan saja dengan membalas "
    "BERHENTI atau STOP."
)

#: Meta delivery statuses we keep.
META_STATUSES = {"sent", "delivered", "read", "failed"}


#: Payload keys that may carry our webhook secret (or a device token): never stored.
_FONNTE_SECRET_KEYS = {"secret", "secret_key", "webhook_secret", "token"}

#: Delivery statuses only move forward (a late "sent" never hides a "read"); "failed" always wins.
_DELIVERY_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


def _meta_inbound_text(message):
    """The words of an inbound Meta message: text body, or a quick-reply button's text/payload."""
    if message.get("type") == "text":
        return (message.get("text") or {}).get("body")
    if message.get("type") == "button":
        button = message.get("button") or {}
        return button.get("payload") or button.get("text")
    return None


def _meta_events(payload):
    """The statuses and inbound messages of a Meta webhook payload, its shape checked first:
    ``ValueError`` for anything that is not what Meta sends (then nothing is applied)."""

    def items(container, key):
        value = container.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            raise ValueError("%s must be a list of objects" % key)
        return value

    if not isinstance(payload, dict):
        raise ValueError("the payload must be an object")
    statuses, messages = [], []
    for entry in items(payload, "entry"):
        for change in items(entry, "changes"):
            value = change.get("value")
            if value is None:
                continue
            if not isinstance(value, dict):
                raise ValueError("changes[].value must be an object")
            for status in items(value, "statuses"):
                if not isinstance(status.get("id", ""), str) or not isinstance(
                    status.get("status", ""), str
                ):
                    raise ValueError("statuses[].id and .status must be strings")
                statuses.append(status)
            for message in items(value, "messages"):
                if not isinstance(message.get("from", ""), str):
                    raise ValueError("messages[].from must be a string")
                for key in ("text", "button"):
                    if message.get(key) is not None and not isinstance(message[key], dict):
                        raise ValueError("messages[].%s must be an object" % key)
                messages.append(message)
    return statuses, messages


def _is_stop(text):
    if not isinstance(text, str):
        return False
    words = re.sub(r"[^a-z ]", "", text.lower())
    return " ".join(words.split()) in STOP_KEYWORDS


class SicantikWhatsappConsent(http.Controller):
    def _partner_from_token(self, token):
        """(partner, signed data) of a consent link, or (empty partner, None) for anything else."""
        Partner = request.env["res.partner"].sudo()
        data = Partner._wa_consent_token_data(token)
        partner = Partner.browse(data["p"]).exists() if data else Partner
        if not partner:
            return Partner, None
        return partner, data

    def _render_invalid(self):
        """A link that is not one (cut in a chat, mistyped, forged, or its contact deleted): the
        citizen reads in Indonesian what to do, machines read 404."""
        return self._render(request.env["res.partner"].sudo(), "", "invalid")

    def _render(self, partner, token, link_state="ok", done=False):
        company = self._company(partner)
        number = re.sub(r"\D", "", partner.mobile or partner.phone or "")
        return request.render(
            "sicantik_whatsapp.consent_page",
            {
                "partner": partner,
                "company": company,
                "token": token,
                "done": done,
                "already": link_state == "already" and not done,
                "link_state": link_state,
                "statement": CONSENT_STATEMENT % {"office": company.name},
                "masked_phone": ("•••• " + number[-4:]) if number else "-",
            },
            # A link that can no longer be used says so, with a status that tells machines too.
            status=404
            if link_state == "invalid"
            else 410
            if link_state in ("expired", "used", "opted_out") and not done
            else 200,
        )

    def _company(self, partner):
        return partner.company_id or request.env["res.company"].sudo().search([], limit=1)

    @http.route(
        "/sicantik_whatsapp/consent/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=False,
        sitemap=False,
    )
    def consent_page(self, token, **kwargs):
        partner, data = self._partner_from_token(token)
        if not data:
            return self._render_invalid()
        return self._render(partner, token, partner._wa_consent_link_state(data))

    @http.route(
        ["/sicantik_whatsapp/consent", "/sicantik_whatsapp/consent/<path:rest>"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=False,
        sitemap=False,
        csrf=False,
    )
    def consent_broken(self, rest=None, **kwargs):
        """A consent address without a token, or with extra path (a link cut or glued to other
        text in a chat): the citizen's page, not an English "Not Found". Nothing is recorded."""
        return self._render_invalid()

    @http.route(
        "/sicantik_whatsapp/consent/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        website=False,
        sitemap=False,
    )
    def consent_submit(self, token, **kwargs):
        partner, data = self._partner_from_token(token)
        if not data:
            return self._render_invalid()
        link_state = partner._wa_consent_link_state(data)
        # Expired, already used (a replayed POST), or the citizen opted out since: nothing new.
        if link_state != "ok" or kwargs.get("agree") != "1":
            return self._render(partner, token, link_state)
        company = self._company(partner)
        httpreq = request.httprequest
        evidence = "Consent page (%s), link sent %s, statement accepted: %s" % (
            httpreq.path.split("/consent/")[0] + "/consent/…",
            fields.Datetime.to_string(
                datetime.datetime.fromtimestamp(data["i"], datetime.timezone.utc)
            )
            + " UTC",
            CONSENT_STATEMENT % {"office": company.name},
        )
        try:
            with request.env.cr.savepoint():
                partner._wa_record_opt_in(
                    "link",
                    evidence=evidence,
                    ip_address=httpreq.remote_addr,
                    user_agent=httpreq.headers.get("User-Agent"),
                    link_nonce=data["n"],
                )
        except IntegrityError:
            # The same link submitted twice at once: the other request recorded it.
            return self._render(partner, token, "used")
        return self._render(partner, token, done=True)


class SicantikWhatsappWebhook(http.Controller):
    # ------------------------------------------------------------------
    # Meta
    # ------------------------------------------------------------------

    def _meta_providers(self):
        return (
            request.env["sicantik.whatsapp.provider"]
            .sudo()
            .with_context(active_test=False)
            .search([("kind", "=", "meta")])
        )

    @http.route(
        "/sicantik_whatsapp/webhook/meta",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
        sitemap=False,
    )
    def meta_verify(self, **kwargs):
        mode = kwargs.get("hub.mode")
        token = kwargs.get("hub.verify_token") or ""
        challenge = kwargs.get("hub.challenge") or ""
        if mode != "subscribe" or not token:
            raise Forbidden()
        if not any(
            p.webhook_verify_token and consteq(p.webhook_verify_token, token)
            for p in self._meta_providers()
        ):
            raise Forbidden()
        return request.make_response(challenge, headers=[("Content-Type", "text/plain")])

    @http.route(
        "/sicantik_whatsapp/webhook/meta",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def meta_event(self, **kwargs):
        raw = request.httprequest.get_data()
        signature = request.httprequest.headers.get("X-Hub-Signature-256") or ""
        providers = self._meta_providers_for_signature(raw, signature)
        if not providers:
            _logger.warning("Meta webhook refused: missing or bad X-Hub-Signature-256")
            raise Forbidden()
        template_events = []
        try:
            payload = json.loads(raw or b"{}")
            statuses, messages = _meta_events(payload)
            # Template status and quality changes: read by the engine (providers.md §C.8).
            template_events = get_engine().call("metaTemplateEvents", payload)
        except (ValueError, RecursionError, EngineError) as e:  # signed, but not what Meta sends
            _logger.warning("Meta webhook refused: malformed payload (%s)", e)
            return request.make_response(
                "malformed payload", status=400, headers=[("Content-Type", "text/plain")]
            )
        except EngineUnavailable as e:
            # Delivery statuses and STOP need no engine here; the templates wait for the next sync.
            _logger.error("Meta webhook: template changes not read: %s", e)
        if template_events:
            request.env["sicantik.whatsapp.template.master"].sudo()._apply_meta_template_events(
                # Another account's template of the same name is not ours (one Meta app may serve
                # several accounts); signing profiles without an account id cannot tell.
                template_events,
                waba_ids={p.waba_id for p in providers if p.waba_id} or None,
            )
        for status in statuses:
            self._meta_status(providers, status)
        for message in messages:
            self._record_inbound(message, providers)
            text = _meta_inbound_text(message)
            if _is_stop(text):
                self._opt_out_phone(
                    message.get("from"),
                    "webhook_meta",
                    "Meta inbound message %s: %r" % (message.get("id"), text),
                    providers,
                )
        return request.make_response("ok", headers=[("Content-Type", "text/plain")])

    def _meta_providers_for_signature(self, raw, signature):
        """Every Meta profile whose App Secret signed ``raw`` (one Meta app may serve several
        profiles, e.g. two numbers): the event concerns those profiles only."""
        providers = request.env["sicantik.whatsapp.provider"].sudo()
        if not signature.startswith("sha256=") or len(signature) != 71:
            return providers
        for provider in self._meta_providers():
            secret = provider.app_secret
            if not secret:
                continue
            expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, signature):
                providers |= provider
        return providers

    def _meta_status(self, providers, status):
        wamid = status.get("id")
        state = status.get("status")
        if not wamid or state not in META_STATUSES:
            return
        # Only the messages these profiles sent: a status signed with company A's app secret
        # never touches company B's messages.
        message = (
            request.env["sicantik.whatsapp.message"]
            .sudo()
            .search(
                [("provider_id", "in", providers.ids), ("provider_message_id", "=", wamid)], limit=1
            )
        )
        if not message:
            return
        if _DELIVERY_RANK.get(message.delivery_status, 0) >= _DELIVERY_RANK[state]:
            return
        vals = {"delivery_status": state, "delivery_date": fields.Datetime.now()}
        if state == "failed":
            errors = status.get("errors") or [{}]
            err = errors[0] if isinstance(errors, list) and isinstance(errors[0], dict) else {}
            error_data = err.get("error_data") if isinstance(err.get("error_data"), dict) else {}
            details = error_data.get("details") or err.get("message") or err.get("title") or ""
            vals.update(
                error_code="meta.%s" % err.get("code", "failed"), error_message=str(details)[:2000]
            )
        message.write(vals)

    # ------------------------------------------------------------------
    # Fonnte (webhook authentication is NOT CONFIRMED by Fonnte's docs: we require our own
    # per-provider secret, in the URL ?token=... or in the payload as secret / secret_key /
    # webhook_secret)
    # ------------------------------------------------------------------

    @http.route(
        "/sicantik_whatsapp/webhook/fonnte",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def fonnte_event(self, **kwargs):
        httpreq = request.httprequest
        payload = dict(httpreq.form)
        if not payload:
            raw = httpreq.get_data()
            try:
                payload = json.loads(raw) if raw.strip() else {}
            except (ValueError, RecursionError):  # JSON errors, bad UTF-8 included
                payload = None
            if not isinstance(payload, dict):
                _logger.warning("Fonnte webhook refused: malformed payload")
                return request.make_response(
                    "malformed payload", status=400, headers=[("Content-Type", "text/plain")]
                )
        secret = (
            httpreq.args.get("token")
            or payload.get("secret")
            or payload.get("secret_key")
            or payload.get("webhook_secret")
            or ""
        )
        provider = self._fonnte_provider(str(secret))
        if not provider:
            raise Forbidden()
        fonnte_id = payload.get("id")
        if fonnte_id not in (None, "") and (payload.get("status") or payload.get("state")):
            self._fonnte_status(provider, str(fonnte_id), payload)
        sender = payload.get("sender")
        text = payload.get("message") or payload.get("text")
        if sender and isinstance(text, str) and _is_stop(text):
            self._opt_out_phone(
                str(sender), "webhook_fonnte", "Fonnte inbound message: %r" % text, provider
            )
        return request.make_response("ok", headers=[("Content-Type", "text/plain")])

    def _fonnte_provider(self, secret):
        if not secret:
            return None
        providers = (
            request.env["sicantik.whatsapp.provider"]
            .sudo()
            .with_context(active_test=False)
            .search([("kind", "=", "fonnte")])
        )
        for provider in providers:
            if provider.webhook_verify_token and consteq(provider.webhook_verify_token, secret):
                return provider
        return None

    def _fonnte_status(self, provider, fonnte_id, payload):
        message = (
            request.env["sicantik.whatsapp.message"]
            .sudo()
            .search(
                [("provider_id", "=", provider.id), ("provider_message_id", "=", fonnte_id)],
                limit=1,
            )
        )
        if not message:
            return
        state = str(payload.get("state") or payload.get("status") or "").lower()
        mapping = {
            "sent": "sent",
            "delivered": "delivered",
            "read": "read",
            "invalid": "failed",
            "expired": "failed",
        }
        new_status = mapping.get(state)
        if (
            not new_status
            or _DELIVERY_RANK.get(message.delivery_status, 0) >= _DELIVERY_RANK[new_status]
        ):
            return
        vals = {"delivery_date": fields.Datetime.now(), "delivery_status": new_status}
        if mapping.get(state) == "failed":
            vals.update(
                error_code="fonnte.%s" % state,
                error_message=json.dumps(
                    {k: v for k, v in payload.items() if k not in _FONNTE_SECRET_KEYS},
                    ensure_ascii=False,
                )[:2000],
            )
        message.write(vals)

    # ------------------------------------------------------------------
    # Opt-out by phone
    # ------------------------------------------------------------------

    def _opt_out_phone(self, phone, source, evidence, providers):
        """Opt out every partner whose mobile or phone is ``phone`` (compared as normalized by
        the engine), within the companies of the ``providers`` the message came through.

        A profile of company A speaks for company A: its STOP opts out A's contacts and the
        shared ones (no company: the same citizen's record that A's messages use, so keeping it
        subscribed would keep A messaging someone who said stop), never company B's contacts. A
        shared profile (no company) serves every company: its STOP applies to all."""
        matched = self._partners_for_phone(phone, source, providers)
        if matched:
            matched.filtered(lambda p: not p.wa_opted_out)._wa_record_opt_out(
                source, evidence=evidence
            )

    def _record_inbound(self, message, providers):
        """The citizen wrote: Meta's customer-service window (free text, 24 hours) opens from the
        message's time. Recorded on the same contacts a STOP would concern."""
        try:
            at = datetime.datetime.fromtimestamp(
                int(message.get("timestamp")), datetime.timezone.utc
            )
        except (TypeError, ValueError, OverflowError, OSError):
            return
        at = min(at.replace(tzinfo=None), fields.Datetime.now())
        partners = self._partners_for_phone(message.get("from"), "webhook_meta", providers)
        partners.filtered(
            lambda p: not p.wa_last_inbound_date or p.wa_last_inbound_date < at
        ).write({"wa_last_inbound_date": at})

    def _partners_for_phone(self, phone, source, providers):
        """The partners whose mobile or phone is ``phone`` (as normalized by the engine), within
        the companies of ``providers`` (see :meth:`_opt_out_phone`)."""
        matched = request.env["res.partner"].sudo()
        if not isinstance(phone, str) or not phone:
            return matched
        env = request.env
        icp = env["ir.config_parameter"].sudo()
        # Unset: the engine's own default country.
        country = (icp.get_param("sicantik_whatsapp.default_country") or "").strip() or None
        try:
            engine = get_engine()
            target = engine.normalize_phone(phone, country)
        except (EngineUnavailable, EngineError) as e:
            _logger.warning("WhatsApp message from %s not matched to a contact: %s", source, e)
            return matched
        digits = re.sub(r"\D", "", target)
        tail = digits[-8:]
        env.cr.execute(
            """
            SELECT id FROM res_partner
             WHERE regexp_replace(COALESCE(mobile, ''), '\\D', '', 'g') LIKE %s
                OR regexp_replace(COALESCE(phone, ''), '\\D', '', 'g') LIKE %s
            """,
            ("%" + tail, "%" + tail),
        )
        candidates = env["res.partner"].sudo().browse([r[0] for r in env.cr.fetchall()])
        if all(provider.company_id for provider in providers):
            companies = providers.company_id
            candidates = candidates.filtered(
                lambda p: not p.company_id or p.company_id in companies
            )
        for partner in candidates:
            for number in (partner.mobile, partner.phone):
                if not number:
                    continue
                try:
                    if engine.normalize_phone(number, country) == target:
                        matched |= partner
                        break
                except EngineError:
                    continue
        return matched
