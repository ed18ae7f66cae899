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

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from ..engine.host import EngineError, PaceDeferred
from ..services import engine_access, messages, provider_ops, transport
from ..services.pacing import ClaimLost, DatabasePacer
from .res_partner import PREVIEW_LINK_CONTEXT
from .sicantik_whatsapp_template_mapping import python_value

_logger = logging.getLogger(__name__)


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
    # Engine and transport
    # ------------------------------------------------------------------

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
                            "%(record)s belongs to %(company)s: switch to that company to send "
                            "from it.",
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
    def _send_messages(self, messages):
        for message in messages:
            self._send_one(message)

    @api.model
    def _send_one(self, message, notes=None, attempts=None, pacer=None):
        """Send one message now (it is ``queued``, ``deferred`` or already claimed).

        ``notes`` and ``attempts``: lists collecting the chatter notes (posted by
        ``sicantik.whatsapp.chatter._log_notes``) and the attempts' values, to create them per
        group instead of one by one (the outbox). ``pacer``: the outbox's
        ``services.pacing.DatabasePacer`` of this message, which also marks it in flight before
        its first request.
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
            messages.fail_undecided(message, notification, e)
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
            chatter = self.env["sicantik.whatsapp.chatter"]
            new_notes = chatter._notes(message)
            if notes is None:
                chatter._log_notes(new_notes)
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
