# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Free text to one citizen, through the dispatcher: the engine decides which providers may carry
it (Meta only inside its 24-hour customer-service window, ``src/free_text.rs``), builds the
request and reads the answer; the message and its attempt are logged like a notification's."""

import datetime
import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.host import EngineError, PaceDeferred, TransportFailure, _response
from ..services.pacing import DatabasePacer

_logger = logging.getLogger(__name__)

USER_GROUP = "sicantik_whatsapp.group_sicantik_whatsapp_user"
#: ``template_code`` of a free-text message (no master template).
FREE_TEXT_CODE = "free_text"

_STATES = {"accepted": "sent", "unknown": "unknown"}


# One file per feature of the dispatcher until issue 15 splits it into services.
class SicantikWhatsappDispatcher(models.AbstractModel):
    _inherit = "sicantik.whatsapp.dispatcher"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _free_text_args(self, partner, text, provider=None, masked=False):
        partner = partner.sudo()
        args = {
            "recipient": {
                "phone": partner.mobile or partner.phone or "",
                "name": partner.name or None,
                "metaOptIn": bool(partner.wa_meta_opt_in),
                "optedOut": bool(partner.wa_opted_out),
            },
            "text": text or "",
            "nowMs": int(time.time() * 1000),
        }
        if partner.wa_last_inbound_date:
            last = partner.wa_last_inbound_date.replace(tzinfo=datetime.timezone.utc)
            args["lastInboundMs"] = int(last.timestamp() * 1000)
        if provider:
            args["provider"] = provider._engine_id()
            args["masked"] = masked
        return args

    @api.model
    def _check_free_text_rights(self, partner, provider=None):
        """Before anything runs with ``sudo()``: a WhatsApp user who may read the contact (and the
        profile), working in the contact's company. Returns that company."""
        if not self.env.su and not self.env.user.has_group(USER_GROUP):
            raise AccessError(_("Only WhatsApp users can send a WhatsApp text."))
        partner.check_access("read")
        if provider:
            provider.check_access("read")
        company = partner.company_id or self.env.company
        if company not in self.env.companies:
            raise AccessError(
                _("%s belongs to a company you are not working in.", partner.display_name)
            )
        if provider and provider.company_id and provider.company_id != company:
            raise UserError(_("%s does not serve the company of this contact.", provider.name))
        return company

    @api.model
    def free_text_options(self, partner, text):
        """The engine's answer: every profile, whether it may carry ``text`` to ``partner`` now
        and why (``FreeTextOptions``)."""
        company = self._check_free_text_rights(partner)
        engine = self.with_company(company)._engine(company)
        return engine.free_text_options(self._free_text_args(partner, text))

    @api.model
    def send_free_text(self, partner, text, provider):
        """Send ``text`` to ``partner`` through ``provider`` now; returns the logged message.

        Refused by the engine (``provider.unsupported``) when the provider may not carry it now
        (Meta outside the window, a profile not configured, a citizen who opted out)."""
        company = self._check_free_text_rights(partner, provider)
        dispatcher = self.with_company(company)
        engine = dispatcher._engine(company)
        try:
            built = engine.free_text_request(self._free_text_args(partner, text, provider))
            masked = engine.free_text_request(
                self._free_text_args(partner, text, provider, masked=True)
            )
        except EngineError as e:
            text = self.env["sicantik.whatsapp.catalogue"]._error_text(e.code, e.message, e.fields)
            raise UserError(f"{text} [{e.code}]") from None
        ref = built["provider"]
        try:
            # The gateway's rate limit holds for free text too (a slot shared with the outbox).
            DatabasePacer(dispatcher.env).before_send(engine, ref, True)
        except PaceDeferred as e:
            raise UserError(
                _(
                    "%(provider)s is sending at its rate limit: try again in %(seconds)s seconds.",
                    provider=provider.name,
                    seconds=max(1, round((e.at_ms - time.time() * 1000) / 1000)),
                )
            ) from None
        provider = provider.sudo()
        message = (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "phone": built["phone"],
                    "template_code": FREE_TEXT_CODE,
                    "body_text": text,
                    "force_provider_id": provider.id,
                    "provider_id": provider.id,
                    "company_id": company.id,
                    "state": "sending",
                    "claimed_at": fields.Datetime.now(),
                }
            )
        )
        attempt = {"provider": ref, "request": masked["request"], "atMs": int(time.time() * 1000)}
        try:
            response = _response(dispatcher._get_transport(provider).send(built["request"]))
        except TransportFailure as failure:
            error = failure.to_engine()
            classified = engine.free_text_classify(ref, transport_error=error)
            # The failure's own words only as the engine redacted them (in ``detail``).
            attempt["transportError"] = {
                "kind": error.get("kind"),
                "maybeSent": error.get("maybeSent"),
            }
        else:
            classified = engine.free_text_classify(ref, response=response)
            attempt["response"] = response
        attempt.update(
            classification=classified["classification"],
            code=classified.get("code"),
            detail=classified.get("detail"),
            messageIds=classified.get("messageIds") or [],
        )
        message._create_attempts([attempt])
        ids = classified.get("messageIds") or []
        state = _STATES.get(classified["classification"], "failed")
        vals = {
            "state": state,
            "provider_message_id": ids[0] if ids else False,
            "provider_message_ids": ",".join(ids) or False,
        }
        if state == "sent":
            vals["sent_date"] = fields.Datetime.now()
        else:
            vals.update(
                error_code=classified.get("code") or classified["classification"],
                error_message=classified.get("detail"),
            )
        message.write(vals)
        _logger.info(
            "WhatsApp free text %s to partner %s via %s: %s",
            message.id,
            partner.id,
            ref,
            classified["classification"],
        )
        return message
