# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sending service.

Every decision (which provider, in which order, with or without the opt-in link) and every
payload comes from the Wasm engine. This service only

* builds the engine configuration from records (cached per registry, re-sent to the engine only
  when it changed) and the notification from a partner, a template code and values;
* drives the engine's dispatch loop over a transport (``requests``; a fake one in tests);
* stores the decision, the masked attempts and the outcome on ``sicantik.whatsapp.message``;
* runs the outbox: rows are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` and moved to
  ``sending`` in the claiming transaction, which is committed before any HTTP request, so several
  workers or servers share the load and never send the same message twice.
"""

import copy
import datetime
import hashlib
import json
import logging
import threading

from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..engine.host import EngineError, EngineUnavailable, RequestsTransport, TransportFailure, get_engine

_logger = logging.getLogger(__name__)

#: ir.config_parameter keys.
PARAM_DEFAULT_PROVIDER = "sicantik_whatsapp.default_provider_id"
PARAM_OPT_IN_TEXT = "sicantik_whatsapp.opt_in_text"
PARAM_DEFAULT_COUNTRY = "sicantik_whatsapp.default_country"
PARAM_SENDING_TIMEOUT = "sicantik_whatsapp.sending_timeout_minutes"
PARAM_MAX_DEFERRALS = "sicantik_whatsapp.max_deferrals"

#: What replaces a credential in the configuration given to the browser (the engine's own mask, so
#: the browser's masked previews are byte-identical to the server's).
SECRET_MASK = "\u2022\u2022\u2022"
#: Credential keys the browser may see as they are: identifiers that are part of the request URL
#: and of every masked preview. Every other credential (accessToken, apiKey, numberKey, token and
#: any key added later) reaches the browser masked.
BROWSER_PUBLIC_CREDENTIALS = ("phoneNumberId", "wabaId")


def _json_scalar(value):
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return (
            fields.Date.to_string(value) if type(value) is datetime.date else fields.Datetime.to_string(value)
        )
    return str(value)


class SicantikWhatsappDispatcher(models.AbstractModel):
    _name = "sicantik.whatsapp.dispatcher"
    _description = "WhatsApp Notification Dispatcher"

    # ------------------------------------------------------------------
    # Public API (for other modules)
    # ------------------------------------------------------------------

    @api.model
    def send(self, partner, template_code, values=None, force_provider=None):
        """Send a notification now and return its ``sicantik.whatsapp.message``.

        :param partner: ``res.partner`` record (one) — the recipient
        :param template_code: master template code, e.g. ``"permit_ready"``
        :param values: named values of the template's placeholders (``partner_name`` defaults to
            the partner's name, ``office_name`` to the company's; ``opt_in_link`` is the partner's
            personal consent link)
        :param force_provider: provider record, id or engine id to use alone (bypasses routing)
        :return: the message; look at ``state`` (``sent``, ``failed``, ``unknown``, ``deferred``),
            ``error_code`` and ``attempt_ids``. Engine problems (invalid phone, missing value...)
            give a ``failed`` message with the engine's code, not an exception.

        The HTTP request is made inside the caller's transaction; when that transaction may roll
        back afterwards, prefer :meth:`enqueue`.
        """
        partner.ensure_one()
        message = self._create_messages(partner, template_code, values, force_provider)
        self._send_messages(message)
        return message

    @api.model
    def enqueue(
        self, partners, template_code, values=None, force_provider=None, scheduled_date=None, priority=10
    ):
        """Queue one notification per partner in the outbox (sent by the cron in batches).

        :return: the queued messages
        """
        messages = self._create_messages(
            partners, template_code, values, force_provider, scheduled_date, priority
        )
        self._trigger_outbox(scheduled_date)
        return messages

    #: Alias kept for readability in callers (``send`` vs ``send_queued``).
    send_queued = enqueue

    @api.model
    def preview(self, partner, template_code, values=None, force_provider=None):
        """Dry run: the engine's decision and every provider's masked request."""
        notification = self._notification(partner, template_code, values, force_provider)
        return self._engine().preview(notification)

    # ------------------------------------------------------------------
    # Payload preview in the web client (the engine runs in the browser)
    # ------------------------------------------------------------------

    @api.model
    def _preview_samples(self, partners=None):
        """Sample recipients of the payload preview widget: three made-up citizens (opted in,
        not opted in, opted out) and ``partners``, each with the ``Notification`` this dispatcher
        would build for it (recipient, ``partner_name`` and ``office_name`` values)."""
        made_up = [
            (
                "sample_opted_in",
                _("Sample citizen who opted in (Meta)"),
                {"name": "Budi Santoso", "mobile": "0812-3456-7890", "wa_meta_opt_in": True},
            ),
            (
                "sample_gateway",
                _("Sample citizen without opt-in (gateway + invitation)"),
                {"name": "Siti Aminah", "mobile": "+62 813 1111 2222"},
            ),
            (
                "sample_opted_out",
                _("Sample citizen who opted out"),
                {"name": "Andi Wijaya", "mobile": "081399998888", "wa_opted_out": True},
            ),
        ]
        base_url = self.env["res.partner"].get_base_url()
        samples = []
        for key, label, vals in made_up:
            notification = self._notification(self.env["res.partner"].new(vals), "", {})
            # A made-up citizen has no signed consent link: show what a real one looks like.
            notification["recipient"]["optInUrl"] = "%s/sicantik_whatsapp/consent/CONTOH" % base_url
            samples.append({"key": key, "label": label, "partnerId": False, "notification": notification})
        for partner in partners or self.env["res.partner"]:
            samples.append(
                {
                    "key": "partner_%s" % partner.id,
                    "label": partner.display_name,
                    "partnerId": partner.id,
                    "notification": self._notification(partner, "", {}),
                }
            )
        return samples

    @api.model
    def _preview_context(self, template=None, partners=None):
        """Everything the payload preview widget needs to run the engine in the browser.

        The configuration is :meth:`_browser_engine_config` (credentials masked): the browser
        never receives a secret. ``template`` is the saved version of the template under edit
        (the widget replaces it by the form's current values).
        """
        template = template or self.env["sicantik.whatsapp.template.master"]
        return {
            "config": self._browser_engine_config(),
            "template": template._engine_template() if template else None,
            "templateCode": template.code or False,
            # Record id → code of the templates in the configuration (the wizard's many2one).
            "templates": [
                {"id": t.id, "code": t.code}
                for t in self.env["sicantik.whatsapp.template.master"].sudo().search([], order="code")
            ],
            "samples": self._preview_samples(partners),
            "sampleValues": {
                k: v
                for k, v in self.env["sicantik.whatsapp.template.master"]._sample_catalog().items()
                if k != "partner_name"
            },
            "canSend": self.env.user.has_group("sicantik_whatsapp.group_sicantik_whatsapp_user"),
        }

    # ------------------------------------------------------------------
    # Engine and transport
    # ------------------------------------------------------------------

    @api.model
    def _wasm(self):
        """The process-wide engine, or a ``UserError`` saying what to install."""
        try:
            return get_engine()
        except EngineUnavailable as e:
            raise UserError(_("The WhatsApp engine is not available: %s", e)) from None

    @api.model
    def _get_transport(self, provider=None):
        """The transport for ``provider`` (a ``sicantik.whatsapp.provider`` or empty).

        Hook: tests replace it with a ``FakeTransport`` (see ``tests/common.py``); a Meta profile
        flagged "use Odoo WhatsApp" goes through Odoo Enterprise's WhatsApp app when installed.
        """
        if (
            provider
            and provider.kind == "meta"
            and provider.use_odoo_whatsapp
            and "whatsapp.account" in self.env
        ):
            from .odoo_whatsapp_transport import OdooWhatsAppTransport

            return OdooWhatsAppTransport(self.env, provider)
        return RequestsTransport()

    @api.model
    def _build_engine_config(self, company=None):
        """The ``EngineConfig`` of ``company`` (credentials included: never send it to a browser)."""
        company = company or self.env.company
        providers = (
            self.env["sicantik.whatsapp.provider"]
            .sudo()
            .search([("company_id", "in", [False, company.id])], order="sequence, id")
        )
        templates = self.env["sicantik.whatsapp.template.master"].sudo().search([], order="code")
        icp = self.env["ir.config_parameter"].sudo()
        default_id = int(icp.get_param(PARAM_DEFAULT_PROVIDER) or 0)
        default = providers.filtered(lambda p: p.id == default_id)
        return {
            # Unset: the engine takes the first Meta profile (a Meta-only database is unchanged).
            "defaultProvider": default._engine_id() if default else None,
            # Empty: the engine tries the profiles in the order given, i.e. by sequence.
            "fallbackOrder": [],
            "optIn": {"url": None, "text": icp.get_param(PARAM_OPT_IN_TEXT) or None},
            "defaultCountry": (icp.get_param(PARAM_DEFAULT_COUNTRY) or "62").strip(),
            "providers": [p._engine_config() for p in providers],
            "templates": [t._engine_template() for t in templates],
        }

    @api.model
    @tools.ormcache("company_id")
    def _engine_config_cached(self, company_id):
        """(signature, config) per company, cached in the registry; provider, template and
        settings writes clear it."""
        config = self._build_engine_config(self.env["res.company"].browse(company_id))
        text = json.dumps(config, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest(), config

    @api.model
    def _browser_engine_config(self, company=None):
        """The ``EngineConfig`` of ``company`` for the web client: the server's configuration with
        every credential but the public identifiers replaced by the engine's mask (``•••``).

        The engine builds masked previews with the same mask, so a preview computed in the browser
        from this configuration is byte-identical to the server's; a request built from it for
        sending would carry ``•••`` and fail: sending stays on the server.
        """
        company = company or self.env.company
        _signature, config = self._engine_config_cached(company.id)
        config = copy.deepcopy(config)  # the cached one is shared: never modify it
        for provider in config.get("providers") or []:
            credentials = provider.get("credentials") or {}
            provider["credentials"] = {
                key: value if key in BROWSER_PUBLIC_CREDENTIALS else SECRET_MASK
                for key, value in credentials.items()
            }
        return config

    @api.model
    def _engine(self, company=None):
        """The engine holding the configuration of ``company`` (default: the current one)."""
        company = company or self.env.company
        signature, config = self._engine_config_cached(company.id)
        return self._wasm().configured(config, key=(self.env.cr.dbname, signature))

    @api.model
    def _provider_ref(self, provider):
        """Engine id of a provider given as record, id or engine id."""
        if not provider:
            return None
        if isinstance(provider, str) and not provider.isdigit():
            return provider
        if isinstance(provider, (int, str)):
            provider = self.env["sicantik.whatsapp.provider"].sudo().browse(int(provider))
        return provider._engine_id()

    @api.model
    def _notification(self, partner, template_code, values=None, force_provider=None, idempotency_key=None):
        """The engine ``Notification`` for a partner."""
        partner = partner.sudo()
        vals = {}
        if partner.name:
            vals["partner_name"] = partner.name
        if self.env.company.name:
            vals["office_name"] = self.env.company.name
        for key, value in (values or {}).items():
            if value is None or value is False:
                continue
            vals[key] = _json_scalar(value)
        notification = {
            "template": template_code,
            "recipient": {
                "phone": partner.mobile or partner.phone or "",
                "name": partner.name or None,
                "metaOptIn": bool(partner.wa_meta_opt_in),
                "optedOut": bool(partner.wa_opted_out),
                "optInUrl": partner._wa_consent_url() if partner.id else None,
            },
            "values": vals,
        }
        force = self._provider_ref(force_provider)
        if force:
            notification["forceProvider"] = force
        if idempotency_key:
            notification["idempotencyKey"] = idempotency_key
        return notification

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------

    @api.model
    def _create_messages(
        self, partners, template_code, values=None, force_provider=None, scheduled_date=None, priority=10
    ):
        template = (
            self.env["sicantik.whatsapp.template.master"]
            .sudo()
            .with_context(active_test=False)
            .search([("code", "=", template_code)], limit=1)
        )
        force_id = False
        if force_provider:
            ref = self._provider_ref(force_provider)
            force_id = self.env["sicantik.whatsapp.provider"].sudo()._from_engine_id(ref).id
        values_json = json.dumps(
            {k: _json_scalar(v) for k, v in (values or {}).items() if v is not None}, ensure_ascii=False
        )
        return (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "template_code": template_code,
                        "template_id": template.id or False,
                        "values_json": values_json,
                        "force_provider_id": force_id,
                        "scheduled_date": scheduled_date or False,
                        "priority": priority,
                        "company_id": self.env.company.id,
                    }
                    for partner in partners
                ]
            )
        )

    @api.model
    def _send_messages(self, messages):
        for message in messages:
            self._send_one(message)

    @api.model
    def _send_one(self, message):
        """Send one message now (it is ``queued``, ``deferred`` or already claimed)."""
        message = message.sudo()
        now = fields.Datetime.now()
        message.write({"state": "sending", "claimed_at": now})
        partner = message.partner_id
        if not partner:
            message._fail("outbox.no_recipient", _("The recipient was deleted."))
            return message
        dispatcher = self.with_company(message.company_id)
        engine = dispatcher._engine(message.company_id)
        notification = dispatcher._notification(
            partner,
            message.template_code,
            message._values(),
            message.force_provider_id,
            idempotency_key="%s:%s" % (self.env.cr.dbname, message.id),
        )
        try:
            decision = engine.decide(notification)
        except EngineError as e:
            if e.code == "engine.trap":
                _logger.error("WhatsApp engine bug while deciding message %s: %s", message.id, e.message)
            message.write({"notification_json": json.dumps(notification, indent=2, ensure_ascii=False)})
            message._fail(e.code, e.message)
            return message

        requests_made = []
        provider_model = self.env["sicantik.whatsapp.provider"].sudo()

        def transport_for(provider_ref):
            # The recipient in the context: Odoo Enterprise's composer sends "for" a record.
            return self.with_context(sicantik_whatsapp_partner_id=partner.id)._get_transport(
                provider_model._from_engine_id(provider_ref)
            )

        def on_attempt(provider_ref, request, result):
            # The request holds credentials: keep only the fact that it was made.
            requests_made.append(provider_ref)

        try:
            outcome = engine.dispatch(
                notification, self._get_transport(), on_attempt=on_attempt, transport_for=transport_for
            )
        except EngineError as e:
            if e.code == "engine.trap":
                _logger.error("WhatsApp engine bug while sending message %s: %s", message.id, e.message)
            # Before any request: nothing left, the message failed. After one: we cannot tell.
            vals = message._decision_vals(decision)
            vals["notification_json"] = json.dumps(notification, indent=2, ensure_ascii=False)
            vals.update(
                state="unknown" if requests_made else "failed",
                error_code=e.code,
                error_message=e.message,
            )
            message.write(vals)
            return message

        body_text = None
        if outcome.get("provider"):
            try:
                body_text = engine.render(notification, outcome["provider"]).get("text")
            except EngineError:
                body_text = None
        message._apply_outcome(decision, outcome, notification, body_text)
        if message.state == "sent":
            message.template_id._record_usage()
            self._post_in_chatter(message)
        return message

    @api.model
    def _post_in_chatter(self, message):
        """Log the sent message on the partner (text and provider; never credentials)."""
        partner = message.partner_id.sudo()
        if not partner:
            return
        intro = _(
            'WhatsApp notification "%(template)s" sent via %(provider)s to %(phone)s.',
            template=message.template_id.name or message.template_code,
            provider=message.provider_id.name or "?",
            phone=message.phone or "",
        )
        body = Markup("<p>%s</p>") % intro
        if message.body_text:
            body += plaintext2html(message.body_text)
        partner.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------
    # Outbox
    # ------------------------------------------------------------------

    @api.model
    def _trigger_outbox(self, at=None):
        cron = self.env.ref("sicantik_whatsapp.ir_cron_process_outbox", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at=at)

    @api.model
    def _max_deferrals(self):
        return int(self.env["ir.config_parameter"].sudo().get_param(PARAM_MAX_DEFERRALS) or 5)

    @api.model
    def _claim_outbox(self, limit=100):
        """Claim up to ``limit`` ready messages in the current transaction.

        Rows locked by another transaction are skipped (``SKIP LOCKED``), and the claimed rows
        are moved to ``sending`` before the caller commits, so two workers never get the same
        message.
        """
        now = fields.Datetime.now()
        self.env["sicantik.whatsapp.message"].flush_model()
        self.env.cr.execute(
            """
            SELECT id
              FROM sicantik_whatsapp_message
             WHERE state IN ('queued', 'deferred')
               AND (scheduled_date IS NULL OR scheduled_date <= %s)
             ORDER BY priority, COALESCE(scheduled_date, create_date), id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            (now, limit),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        messages = self.env["sicantik.whatsapp.message"].sudo().browse(ids)
        if messages:
            messages.write({"state": "sending", "claimed_at": now})
            messages.flush_recordset()
        return messages

    @api.model
    def _cron_process_outbox(self, batch_size=100):
        """Cron: send a batch of queued messages (committing after the claim and each send)."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        try:
            self._wasm()
        except UserError as e:
            _logger.warning("WhatsApp outbox not processed: %s", e)
            return False
        messages = self._claim_outbox(batch_size)
        if not messages:
            return True
        if auto_commit:
            self.env.cr.commit()
        for message in messages:
            try:
                with self.env.cr.savepoint():
                    self._send_one(message)
            except Exception as e:  # pylint: disable=broad-except
                # We cannot tell whether a provider got it: never resend automatically.
                _logger.exception("WhatsApp message %s: unexpected error while sending", message.id)
                message.sudo().write(
                    {
                        "state": "unknown",
                        "error_code": "outbox.exception",
                        "error_message": str(e),
                    }
                )
            if auto_commit:
                self.env.cr.commit()
        remaining = (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            .search_count(
                [
                    ("state", "in", ("queued", "deferred")),
                    "|",
                    ("scheduled_date", "=", False),
                    ("scheduled_date", "<=", fields.Datetime.now()),
                ]
            )
        )
        self.env["ir.cron"]._notify_progress(done=len(messages), remaining=remaining)
        return True

    @api.model
    def _cron_recover_stuck(self, timeout_minutes=None):
        """Cron: messages left in ``sending`` (a worker died mid-send) become ``unknown``.

        They are never resent: the provider may have them. A manager may queue them again after
        checking.
        """
        if timeout_minutes is None:
            timeout_minutes = int(
                self.env["ir.config_parameter"].sudo().get_param(PARAM_SENDING_TIMEOUT) or 15
            )
        limit = fields.Datetime.now() - datetime.timedelta(minutes=timeout_minutes)
        stuck = (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            .search(
                [
                    ("state", "=", "sending"),
                    ("claimed_at", "<", limit),
                ]
            )
        )
        if stuck:
            stuck.write(
                {
                    "state": "unknown",
                    "error_code": "outbox.stuck_sending",
                    "error_message": _(
                        "Still sending after %s minutes (the worker probably stopped): the provider may "
                        "or may not have the message. It is not resent automatically.",
                        timeout_minutes,
                    ),
                }
            )
        return len(stuck)

    # ------------------------------------------------------------------
    # Provider operations (engine requests, our HTTP)
    # ------------------------------------------------------------------

    @api.model
    def _health_check(self, provider):
        provider = provider.sudo()
        engine = self._engine(provider.company_id or self.env.company)
        return provider._run_health_check(engine, self._get_transport(provider))

    @api.model
    def _fetch_meta_templates(self, provider, max_pages=50):
        """Every template of the provider's WhatsApp Business Account, page after page, as parsed
        by the engine."""
        provider = provider.sudo()
        engine = self._engine(provider.company_id or self.env.company)
        transport = self._get_transport()
        eid = provider._engine_id()
        templates, after = [], None
        for _page in range(max_pages):
            try:
                request = engine.meta_templates_request(eid, after)
                response = transport.send(request)
                page = engine.meta_templates_parse(response)
            except EngineError as e:
                raise UserError(_("Meta templates could not be read: %s", e.message)) from None
            except TransportFailure as e:
                raise UserError(_("Meta could not be reached: %s", e.message)) from None
            templates += page.get("templates") or []
            after = page.get("after") or page.get("nextCursor")
            if not after:
                break
        return templates
