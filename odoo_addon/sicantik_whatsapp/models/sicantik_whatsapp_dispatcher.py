# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sending service.

Every decision (which provider, in which order, with or without the opt-in link) and every
payload comes from the Wasm engine. This service only

* builds the notification from a partner, a template code and values (the engine configuration
  comes from ``services/engine_access.py``, cached per registry, re-sent to the engine only when
  it changed);
* drives the engine's dispatch loop over a transport (``requests``; a fake one in tests);
* stores the decision, the masked attempts and the outcome on ``sicantik.whatsapp.message``.

Queued messages are sent by the outbox (``sicantik.whatsapp.outbox``).
"""

import logging
import re

from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from ..engine.host import EngineError, EngineUnavailable, PaceDeferred, get_engine
from ..services import engine_access, messages, provider_ops, transport
from ..services.pacing import ClaimLost, DatabasePacer
from .res_partner import PREVIEW_LINK_CONTEXT
from .sicantik_whatsapp_template_mapping import python_value

_logger = logging.getLogger(__name__)

# A named argument in a catalogue sentence (`{provider}`).
_SENTENCE_ARG = re.compile(r"\{(\w+)\}")


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
            personal consent link). ``date``, ``datetime`` and ``float`` values are passed as typed
            values: the engine writes them in the template's language (``31 Januari 2027``,
            ``1.234,5``); a typed value may also be given as a dict
            (``{"type": "currency", "value": 150000, "currency": "IDR"}``).
        :param force_provider: provider record, id or engine id to use alone (bypasses routing)
        :return: the message; look at ``state`` (``sent``, ``failed``, ``unknown``, ``deferred``),
            ``error_code`` and ``attempt_ids``. Engine problems (invalid phone, missing value...)
            give a ``failed`` message with the engine's code, not an exception.

        The HTTP request is made inside the caller's transaction; when that transaction may roll
        back afterwards, prefer :meth:`enqueue`.
        """
        partner.ensure_one()
        message = self._create_messages(partner, template_code, values, force_provider)
        self._send_messages(message.filtered(lambda m: m.state != "failed"))  # refused when created
        return message

    @api.model
    def enqueue(
        self,
        partners,
        template_code,
        values=None,
        force_provider=None,
        scheduled_date=None,
        priority=10,
    ):
        """Queue one notification per partner in the outbox (sent by the cron in batches).

        :return: the queued messages
        """
        messages = self._create_messages(
            partners, template_code, values, force_provider, scheduled_date, priority
        )
        self.env["sicantik.whatsapp.outbox"]._trigger_outbox(scheduled_date)
        return messages

    #: Alias kept for readability in callers (``send`` vs ``send_queued``).
    send_queued = enqueue

    @api.model
    def preview(self, partner, template_code, values=None, force_provider=None):
        """Dry run: the engine's decision and every provider's masked request (with an example
        consent link: a preview never hands out a usable one)."""
        partner = partner.with_context(**{PREVIEW_LINK_CONTEXT: True})
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
            samples.append(
                {"key": key, "label": label, "partnerId": False, "notification": notification}
            )
        for partner in (partners or self.env["res.partner"]).with_context(
            **{PREVIEW_LINK_CONTEXT: True}
        ):
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
    def _item_notification(self, template_code, item):
        """The engine ``Notification`` of a prepared record (an item of
        ``template._sicantik_prepare_record_messages``), as its message will be sent: in the
        record's company, to its contact or else its number (no consent link then). For counting
        or planning a batch before it is queued (the engine's ``planBatch``)."""
        partner = item["partner"] or self.env["res.partner"].new(
            {"name": item["record"].display_name, "mobile": item["phone"] or False}
        )
        partner = partner.with_context(**self.env.context)
        notification = self.with_company(item["company"])._notification(
            partner, template_code, item["values"]
        )
        if not item["partner"]:
            notification["recipient"]["optInUrl"] = None
        return notification

    @api.model
    def _record_preview_sample(self, template, record):
        """The payload preview's sample of a record of a record-bound template: its recipient and
        its mapped values (typed values as they are: the engine in the browser writes them), with
        an example consent link. ``record`` was checked readable by the caller."""
        template = template.sudo().with_context(**{PREVIEW_LINK_CONTEXT: True})
        [item] = template._sicantik_prepare_record_messages(
            record.sudo().with_context(**{PREVIEW_LINK_CONTEXT: True})
        )
        notification = self.with_context(**{PREVIEW_LINK_CONTEXT: True})._item_notification(
            template.code, item
        )
        return {
            "key": "record:%s,%s" % (record._name, record.id),
            "label": _("Record: %s", record.display_name),
            "partnerId": item["partner"].id or False,
            "notification": notification,
            "error": item["error"][1] if item["error"] else False,
        }

    @api.model
    def _preview_context(self, template=None, partners=None, record=None):
        """Everything the payload preview widget needs to run the engine in the browser.

        The configuration is :meth:`_browser_engine_config` (credentials masked): the browser
        never receives a secret. ``template`` is the saved version of the template under edit
        (the widget replaces it by the form's current values).
        """
        template = template or self.env["sicantik.whatsapp.template.master"]
        samples = self._preview_samples(partners)
        if record is not None and template:
            samples.append(self._record_preview_sample(template, record))
        return {
            "config": self._browser_engine_config(),
            "template": template._engine_template() if template else None,
            "templateCode": template.code or False,
            # Record id → code of the templates in the configuration (the wizard's many2one).
            "templates": [
                {"id": t.id, "code": t.code}
                for t in self.env["sicantik.whatsapp.template.master"]
                .sudo()
                .search([], order="code")
            ],
            "samples": samples,
            "sampleValues": {
                k: v
                for k, v in self.env["sicantik.whatsapp.template.master"]._sample_catalog().items()
                if k != "partner_name"
            },
            "canSend": self.env.user.has_group("sicantik_whatsapp.group_sicantik_whatsapp_user"),
            # The engine's words for its codes, in the user's language (Indonesian, else English).
            "catalogue": {
                "lang": self._engine_lang(),
                "codes": self._wasm().catalogue()["codes"],
            },
        }

    @api.model
    def _engine_lang(self):
        """The catalogue language for this user: Indonesian, else English."""
        return "id" if (self.env.lang or "").startswith("id") else "en"

    @api.model
    def _engine_sentence(self, code, args=None, default=None):
        """The engine catalogue's sentence for ``code`` in the user's language, each ``{arg}``
        filled from ``args`` (as the widget does); ``default`` when the catalogue lacks it."""
        entry = self._wasm().catalogue()["codes"].get(code)
        if not entry:
            return default
        args = args or {}

        def fill(match):
            value = args.get(match.group(1))
            return match.group(0) if value in (None, "") else str(value)

        return _SENTENCE_ARG.sub(fill, entry[self._engine_lang()])

    # ------------------------------------------------------------------
    # Engine and transport
    # ------------------------------------------------------------------

    @api.model
    def _engine_default(self, name):
        """One of the engine's defaults (its catalogue's ``defaults``: ``country``, ``optInText``,
        ``metaApiVersion``, ``timeoutMs``, ``secretMask``…); ``False`` when the engine is not
        installed. Never repeat one of them here."""
        try:
            return get_engine().catalogue()["defaults"][name]
        except EngineUnavailable:
            return False

    @api.model
    def _wasm(self):
        """The process-wide engine, or a ``UserError`` saying what to install."""
        return engine_access.wasm(self.env)

    @api.model
    def _get_transport(self, provider=None):
        """The transport for ``provider`` (a ``sicantik.whatsapp.provider`` or empty).

        Hook: tests replace it with a ``FakeTransport`` (see ``tests/common.py``).
        """
        return transport.get_transport(self.env, provider)

    @api.model
    def _build_engine_config(self, company=None):
        """The ``EngineConfig`` of ``company`` (credentials included: never to a browser)."""
        return engine_access.build_engine_config(self.env, company or self.env.company)

    @api.model
    @tools.ormcache("company_id")
    def _engine_config_cached(self, company_id):
        """(signature, config) per company, cached in the registry; provider, template and
        settings writes clear it."""
        company = self.env["res.company"].browse(company_id)
        return engine_access.signed_config(self._build_engine_config(company))

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
        # The engine masks (maskConfig): it alone knows which credentials are secret.
        return self._wasm().mask_config(config)

    @api.model
    def _engine(self, company=None):
        """The engine holding the configuration of ``company`` (default: the current one)."""
        company = company or self.env.company
        signature, config = self._engine_config_cached(company.id)
        return engine_access.configured_engine(self.env, company, signature, config)

    @api.model
    def _provider_ref(self, provider):
        """Engine id of a provider given as record, id or engine id."""
        return engine_access.provider_ref(self.env, provider)

    @api.model
    def _notification(
        self, partner, template_code, values=None, force_provider=None, idempotency_key=None
    ):
        """The engine ``Notification`` for a partner."""
        return messages.build_notification(
            self, partner, template_code, values, force_provider, idempotency_key
        )

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------

    @api.model
    def _create_messages(
        self,
        partners,
        template_code,
        values=None,
        force_provider=None,
        scheduled_date=None,
        priority=10,
    ):
        values = {k: python_value(v) for k, v in (values or {}).items() if v is not None}
        items = [
            {
                "record": None,
                "partner": partner,
                "phone": False,
                "company": self.env.company,
                "values": values,
                "error": False,
            }
            for partner in partners
        ]
        return self._create_message_rows(
            template_code, items, force_provider, scheduled_date, priority
        )

    @api.model
    def _create_message_rows(
        self,
        template_code,
        items,
        force_provider=None,
        scheduled_date=None,
        priority=10,
        message_vals=None,
    ):
        """Create one message per prepared item, an item with an ``error`` as a ``failed``
        message (see :func:`~..services.messages.create_message_rows`)."""
        return messages.create_message_rows(
            self, template_code, items, force_provider, scheduled_date, priority, message_vals
        )

    # ------------------------------------------------------------------
    # Sending from records (record-bound templates)
    # ------------------------------------------------------------------

    @api.model
    def _check_record_send_rights(self, records):
        """Who may send from ``records``: WhatsApp users who may read them (record rules and
        companies included). Checked before anything is read with ``sudo()``."""
        if self.env.su:
            return
        if not self.env.user.has_group("sicantik_whatsapp.group_sicantik_whatsapp_user"):
            raise AccessError(_("Only WhatsApp users can send WhatsApp messages from records."))
        records.check_access("read")
        # Some models let everyone read every company's records (contacts): a message is sent in
        # the name of the record's company, which must be one the user works in now.
        field = records._fields.get("company_id")
        if field is not None and field.type == "many2one":
            for record in records:
                if record.sudo().company_id and record.sudo().company_id not in self.env.companies:
                    raise AccessError(
                        _(
                            "%(record)s belongs to %(company)s: switch to that company to send from it.",
                            record=record.display_name,
                            company=record.sudo().company_id.name,
                        )
                    )

    @api.model
    def _bound_template(self, template_code):
        template = (
            self.env["sicantik.whatsapp.template.master"]
            .sudo()
            .search([("code", "=", template_code)], limit=1)
        )
        if not template:
            raise UserError(
                _('There is no active WhatsApp template with the code "%s".', template_code)
            )
        return template

    @api.model
    def send_records(self, records, template_code, **options):
        """Notify the recipient of each record with a template, its values taken from the
        template's mapping. Rights: the user must be a WhatsApp user who can read ``records`` and
        works in their companies. ``options`` are :meth:`_send_records`'s.

        :return: the messages, one per record in order; a record that cannot be sent (no
            recipient, a field path that no longer exists, an empty value, a value the engine
            refuses) has a ``failed`` message with the reason, the others are not held back.
        """
        self._check_record_send_rights(records)
        return self._send_records(records, template_code, **options)

    @api.model
    def _send_records(
        self,
        records,
        template_code,
        values=None,
        force_provider=None,
        queue=False,
        scheduled_date=None,
        priority=10,
        message_vals=None,
    ):
        """:meth:`send_records` without the rights check (callers check first, or run as a
        system job).

        :param values: values overriding the mapping's (same for every record)
        :param queue: ``True``: queue the messages in the outbox (sent by the cron in batches);
            ``False``: send them now, in this transaction.
        :param message_vals: more values of every message (dict), or a function of the prepared
            item giving them (see :meth:`_create_message_rows`), e.g. a dedupe key.
        """
        template = self._bound_template(template_code)
        items = template._sicantik_prepare_record_messages(records.sudo(), values)
        messages = self._create_message_rows(
            template_code, items, force_provider, scheduled_date, priority, message_vals
        )
        if queue:
            self.env["sicantik.whatsapp.outbox"]._trigger_outbox(scheduled_date)
        else:
            self._send_messages(messages.filtered(lambda m: m.state != "failed"))
        return messages

    @api.model
    def _engine_error_text(self, code, message):
        """An engine error refusing a message, as a sentence for people (the engine's own words,
        which name the value, follow)."""
        if code.startswith("limit."):
            return self._limit_error_text(code, message)
        texts = {
            "template.invalid_value": _("A value cannot be written in the message: %s"),
            "template.missing_param": _("A value of the template is missing: %s"),
            "phone.invalid": _("The phone number cannot be used: %s"),
        }
        return texts[code] % message if code in texts else message

    @api.model
    def _limit_error_text(self, code, detail=""):
        """A ``limit.*`` engine error as a sentence for people, with the engine's numbers."""
        limits = self._wasm().limits()
        texts = {
            "limit.value": _(
                "A value is too long to send by WhatsApp (at most %(max)s bytes per value).",
                max=limits["valueBytes"],
            ),
            "limit.message": _(
                "The message is too long to send by WhatsApp (at most %(max)s bytes).",
                max=limits["messageBytes"],
            ),
            "limit.template_text": _(
                "A text of the template is too long (at most %(max)s bytes).",
                max=limits["templateTextBytes"],
            ),
            "limit.placeholders": _(
                "The template has too many placeholders (at most %(max)s).",
                max=limits["placeholders"],
            ),
            "limit.batch": _("Too many messages at once (at most %(max)s).", max=limits["batch"]),
            "limit.call": _(
                "Too much data at once for the WhatsApp engine (at most %(max)s bytes).",
                max=limits["callBytes"],
            ),
        }
        text = texts.get(code) or _("The input is too large for the WhatsApp engine.")
        return "%s %s" % (text, detail) if detail else text

    @api.model
    def _send_messages(self, messages):
        for message in messages:
            self._send_one(message)

    @api.model
    def _send_one(self, message, notes=None, attempts=None, pacer=None):
        """Send one message now (it is ``queued``, ``deferred`` or already claimed).

        ``notes`` and ``attempts``: lists collecting the chatter notes (posted by
        :meth:`_log_notes`) and the attempts' values, to create them per group instead of one by
        one (the outbox). ``pacer``: the outbox's ``services.pacing.DatabasePacer`` of this
        message, which also marks it in flight before its first request.
        """
        message = message.sudo()
        if message.state != "sending":  # the outbox's claim already did it
            message.write({"state": "sending", "claimed_at": fields.Datetime.now()})
        partner = message.partner_id
        if not partner and message.recipient_phone:
            # A record without a contact: its number, no consent link (no one to sign it for).
            partner = self.env["res.partner"].new(
                {
                    "name": message.recipient_name or message.recipient_phone,
                    "mobile": message.recipient_phone,
                }
            )
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
            idempotency_key=f"{self.env.cr.dbname}:{message.id}",
        )
        try:
            decision = engine.decide(notification)
        except EngineError as e:
            messages.fail_undecided(self, message, notification, e)
            return message

        requests_made = []
        provider_model = self.env["sicantik.whatsapp.provider"].sudo()

        def transport_for(provider_ref):
            # The recipient in the context: Odoo Enterprise's composer sends "for" a record.
            return self.with_context(
                sicantik_whatsapp_partner_id=message.partner_id.id
            )._get_transport(provider_model._from_engine_id(provider_ref))

        def on_attempt(provider_ref, request, result):
            # The request holds credentials: keep only the fact that it was made.
            requests_made.append(provider_ref)

        try:
            outcome = engine.dispatch(
                notification,
                self._get_transport(),
                on_attempt=on_attempt,
                transport_for=transport_for,
                pacer=pacer or DatabasePacer(self.env),
            )
        except ClaimLost:
            # Recovery gave the message back to the queue: not ours any more, nothing was sent.
            _logger.info("WhatsApp message %s: claim lost before sending, skipped", message.id)
            return message
        except PaceDeferred as e:
            # Before the first request: nothing left, the message simply waits for its slot.
            self.env["sicantik.whatsapp.outbox"]._requeue_for_slot(message, notification, e.at_ms)
            return message
        except EngineError as e:
            messages.record_dispatch_error(message, decision, notification, e, requests_made)
            return message

        body_text = None
        if outcome.get("provider"):
            try:
                body_text = engine.render(notification, outcome["provider"]).get("text")
            except EngineError:
                body_text = None
        message._apply_outcome(decision, outcome, notification, body_text, attempt_sink=attempts)
        self._apply_profile_health(outcome)
        if message.state == "sent":
            new_notes = self._chatter_notes(message)
            if notes is None:
                self._log_notes(new_notes)
            else:
                notes.extend(new_notes)
        return message

    @api.model
    def _apply_profile_health(self, outcome):
        """Move the profiles the engine says are broken to error (``profileError`` attempts).
        Its own savepoint: the message's outcome is kept whatever happens to the profile or its
        notifications."""
        if not any(a.get("profileError") for a in outcome.get("attempts") or []):
            return
        try:
            with self.env.cr.savepoint():
                self.env["sicantik.whatsapp.provider"].sudo()._apply_send_outcome(outcome)
        except Exception:  # pylint: disable=broad-except
            _logger.exception("WhatsApp: the profile error of an outcome could not be applied")

    @api.model
    def _post_in_chatter(self, message):
        """Log the sent message on the partner (text and provider; never credentials)."""
        self._log_notes([self._chatter_note(message)])

    @api.model
    def _log_notes(self, notes):
        """Post ``(partner_id, body)`` notes, as few ``mail.message`` creations as possible.

        Notes nobody is notified of: ``_message_log_batch`` skips ``message_post``'s follower and
        notification machinery, which was most of the outbox's time per message.
        """
        # A target is a partner id, or (model, id) for a message's source record.
        notes = [note for note in notes if note and note[0]]
        # A source record deleted since its message was sent has no chatter left: its note is
        # dropped (the recipient's is kept). One query per model for all the notes.
        asked = {}
        for target, _body in notes:
            if isinstance(target, tuple):
                asked.setdefault(target[0], set()).add(target[1])
        alive = {
            (model, res_id)
            for model, ids in asked.items()
            for res_id in self.env[model].sudo().browse(list(ids)).exists().ids
        }
        notes = [note for note in notes if not isinstance(note[0], tuple) or note[0] in alive]
        while notes:
            bodies, later = {}, []
            for target, body in notes:  # one note per record per creation
                model, res_id = target if isinstance(target, tuple) else ("res.partner", target)
                per_model = bodies.setdefault(model, {})
                if res_id in per_model:
                    later.append((target, body))
                else:
                    per_model[res_id] = body
            for model, per_model in bodies.items():
                self.env[model].sudo().browse(list(per_model))._message_log_batch(
                    per_model, message_type="comment"
                )
            notes = later

    @api.model
    def _chatter_notes(self, message):
        """The notes logging a sent message: on its recipient, and on its source record when that
        record has a chatter (``(model, id)`` target)."""
        notes = [self._chatter_note(message)]
        # Whether the record still exists is checked by _log_notes, once per model for a group.
        model, res_id = message.source_model, message.source_res_id
        if (
            model
            and res_id
            and model != "res.partner"
            and model in self.env
            and hasattr(self.env[model], "_message_log_batch")
        ):
            intro = _(
                'WhatsApp notification "%(template)s" sent via %(provider)s to %(recipient)s (%(phone)s).',
                template=message.template_id.name or message.template_code,
                provider=message.provider_id.name or "?",
                recipient=message.partner_id.display_name or message.recipient_name or "?",
                phone=message.phone or "",
            )
            body = Markup("<p>%s</p>") % intro
            if message.body_text:
                body += plaintext2html(message.body_text)
            notes.append(((model, res_id), body))
        return [note for note in notes if note]

    @api.model
    def _chatter_note(self, message):
        """``(partner_id, body)`` of the note logging a sent message on its recipient (text and
        provider; never credentials); ``None`` without recipient."""
        partner = message.partner_id.sudo()
        if not partner:
            return None
        intro = _(
            'WhatsApp notification "%(template)s" sent via %(provider)s to %(phone)s.',
            template=message.template_id.name or message.template_code,
            provider=message.provider_id.name or "?",
            phone=message.phone or "",
        )
        body = Markup("<p>%s</p>") % intro
        if message.body_text:
            body += plaintext2html(message.body_text)
        return partner.id, body

    # ------------------------------------------------------------------
    # Provider operations (engine requests, our HTTP)
    # ------------------------------------------------------------------

    @api.model
    def _health_check(self, provider):
        return provider_ops.health_check(self, provider)

    @api.model
    def _fetch_meta_templates(self, provider, max_pages=50):
        """Every template of the provider's WhatsApp Business Account, as parsed by the engine."""
        return provider_ops.fetch_meta_templates(self, provider, max_pages)
