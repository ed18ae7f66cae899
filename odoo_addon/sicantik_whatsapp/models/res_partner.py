# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.host import EngineError, EngineUnavailable, get_engine
from .sicantik_whatsapp_consent import CONSENT_SOURCES

#: hash_sign scope of the personal consent links.
CONSENT_SCOPE = "sicantik_whatsapp.consent"
#: ir.config_parameter: how many days a consent link stays valid (default 30).
PARAM_CONSENT_LINK_DAYS = "sicantik_whatsapp.consent_link_days"
DEFAULT_CONSENT_LINK_DAYS = 30
#: The token of the example links shown in previews (made-up citizens, dry runs): never valid,
#: so a preview never hands anyone a usable consent link.
PREVIEW_CONSENT_TOKEN = "CONTOH"
#: Context key: build preview links (``PREVIEW_CONSENT_TOKEN``) instead of real ones.
PREVIEW_LINK_CONTEXT = "sicantik_whatsapp_preview_link"
#: The dedicated right to record a citizen's consent by hand.
CONSENT_GROUP = "sicantik_whatsapp.group_sicantik_whatsapp_consent"
#: The consent state of a partner: written through the consent methods (which keep the evidence).
CONSENT_FIELDS = frozenset(
    (
        "wa_meta_opt_in",
        "wa_meta_opt_in_date",
        "wa_meta_opt_in_source",
        "wa_opted_out",
        "wa_opted_out_date",
    )
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    wa_meta_opt_in = fields.Boolean(
        string="WhatsApp Opt-in",
        copy=False,
        help="The citizen agreed to receive official notifications over WhatsApp (Meta Cloud API).",
    )
    wa_meta_opt_in_date = fields.Datetime(string="WhatsApp Opt-in Date", copy=False)
    wa_meta_opt_in_source = fields.Selection(
        selection=CONSENT_SOURCES,
        string="WhatsApp Opt-in Source",
        copy=False,
    )
    wa_last_inbound_date = fields.Datetime(
        string="Last WhatsApp Message Received",
        copy=False,
        readonly=True,
        help="When the citizen last wrote to the office's official WhatsApp (Meta): free text may "
        "be sent there for 24 hours after it.",
    )
    wa_opted_out = fields.Boolean(
        string="WhatsApp Opted Out",
        copy=False,
        help="The citizen asked to receive no WhatsApp messages at all (any provider).",
    )
    wa_opted_out_date = fields.Datetime(string="WhatsApp Opt-out Date", copy=False)
    # WhatsApp users only: a plain user's (or a portal user's) read() of partners without a field
    # list must not touch models they cannot read.
    wa_consent_ids = fields.One2many(
        "sicantik.whatsapp.consent",
        "partner_id",
        string="WhatsApp Consents",
        groups="sicantik_whatsapp.group_sicantik_whatsapp_user",
    )
    wa_message_count = fields.Integer(
        compute="_compute_wa_message_count",
        string="WhatsApp Messages",
        groups="sicantik_whatsapp.group_sicantik_whatsapp_user",
    )

    # The number messages go to (mobile, else phone), as the engine normalizes it, or why not.
    wa_phone = fields.Char(
        string="WhatsApp Number",
        compute="_compute_wa_phone",
        groups="sicantik_whatsapp.group_sicantik_whatsapp_user",
        help="The mobile (or else the phone) as it is sent to WhatsApp: digits with the country "
        "code.",
    )
    wa_phone_warning = fields.Char(
        string="WhatsApp Number Problem",
        compute="_compute_wa_phone",
        groups="sicantik_whatsapp.group_sicantik_whatsapp_user",
    )

    @api.depends("mobile", "phone")
    def _compute_wa_phone(self):
        # Imported here: the dispatcher module imports this one.
        # pylint: disable-next=import-outside-toplevel
        from ..services.engine_access import PARAM_DEFAULT_COUNTRY

        try:
            engine = get_engine()
        except EngineUnavailable:
            engine = None
        icp = self.env["ir.config_parameter"].sudo()
        # Unset: the engine's own default country.
        country = (icp.get_param(PARAM_DEFAULT_COUNTRY) or "").strip() or None
        for partner in self:
            number = partner.mobile or partner.phone
            partner.wa_phone = partner.wa_phone_warning = False
            if not number or engine is None:
                continue
            try:
                partner.wa_phone = engine.normalize_phone(number, country)
            except EngineError as e:
                partner.wa_phone_warning = partner._wa_phone_problem(e)

    def _wa_phone_problem(self, error):
        """The catalogue's sentence of a number the engine refuses, filled from the error's
        arguments (a bad number's reason by its own ``reasonCode``), with the engine's
        suggestion when it has one; never its English message, unless the code is unknown."""
        return self.env["sicantik.whatsapp.catalogue"]._error_text(
            error.code, error.message, error.fields
        )

    def _compute_wa_message_count(self):
        data = self.env["sicantik.whatsapp.message"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in data}
        for partner in self:
            partner.wa_message_count = counts.get(partner.id, 0)

    # ------------------------------------------------------------------
    # Consent
    # ------------------------------------------------------------------

    # -- consent state is written with its evidence only ---------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(CONSENT_FIELDS & vals.keys() for vals in vals_list):
            self._wa_check_consent_right()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and CONSENT_FIELDS & vals.keys():
            # Consent written as a plain field would have no evidence: only the consent right,
            # and never to undo a citizen's opt-out (only the citizen does that).
            self._wa_check_consent_right()
            if (
                "wa_opted_out" in vals
                and not vals["wa_opted_out"]
                and self.filtered("wa_opted_out")
            ):
                raise UserError(self._wa_opted_out_error(self.filtered("wa_opted_out")))
        return super().write(vals)

    def _wa_check_consent_right(self):
        """Recording consent by hand: the dedicated right, and write access to these contacts."""
        if not self.env.su and not self.env.user.has_group(CONSENT_GROUP):
            raise AccessError(
                _(
                    'Only users with the right "WhatsApp: record consent" can record a citizen\'s '
                    "WhatsApp consent or opt-out."
                )
            )
        self.check_access("write")

    def _wa_opted_out_error(self, partners):
        return _(
            "%(names)s asked to receive no WhatsApp messages. Only the citizen can undo it, by "
            "agreeing again on their consent page; staff cannot record it for them.",
            names=", ".join(partners.mapped("display_name")),
        )

    # -- consent links -----------------------------------------------------------------------

    def _wa_time_zone(self, company=None):
        """The recipient's zone for quiet hours: ``{"timeZone", "utcOffsetMinutes"}``.

        The contact's time zone, else the company's, else ``Asia/Jakarta`` (WIB). The offset is
        computed now with pytz: the engine knows Indonesia's zones itself and uses the offset only
        for the others (a citizen abroad).
        """
        company = company or self.env.company
        tz = self.tz or company.partner_id.tz or "Asia/Jakarta"
        try:
            offset = datetime.datetime.now(pytz.timezone(tz)).utcoffset()
        except pytz.UnknownTimeZoneError:
            return {"timeZone": tz}  # the engine says it assumed WIB
        return {"timeZone": tz, "utcOffsetMinutes": int(offset.total_seconds() // 60)}

    def _wa_log_consent(
        self, action, now, source, evidence, ip_address, user_agent, link_nonce=None
    ):
        """One consent record per partner: the evidence kept for each opt-in or opt-out, with the
        user who recorded it (the acting user; the public user for the page and webhooks)."""
        self.env["sicantik.whatsapp.consent"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "action": action,
                    "source": source,
                    "evidence": evidence,
                    "ip_address": ip_address,
                    "user_agent": (user_agent or "")[:512] or False,
                    "date": now,
                    "company_id": (partner.company_id or self.env.company).id,
                    "user_id": self.env.uid,
                    "link_nonce": link_nonce or False,
                }
                for partner in self
            ]
        )

    def _wa_record_opt_in(
        self, source, evidence=None, ip_address=None, user_agent=None, link_nonce=None, author=None
    ):
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "wa_meta_opt_in": True,
                "wa_meta_opt_in_date": now,
                "wa_meta_opt_in_source": source,
                "wa_opted_out": False,
                "wa_opted_out_date": False,
            }
        )
        self._wa_log_consent("opt_in", now, source, evidence, ip_address, user_agent, link_nonce)
        self._wa_log(
            _(
                "Opted in to official WhatsApp notifications (%(origin)s).",
                origin=self._wa_source_label(source),
            ),
            author,
        )

    def _wa_record_opt_out(
        self, source, evidence=None, ip_address=None, user_agent=None, author=None
    ):
        """Opt out on every rail: no provider will be used for these partners."""
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "wa_opted_out": True,
                "wa_opted_out_date": now,
                "wa_meta_opt_in": False,
            }
        )
        self._wa_log_consent("opt_out", now, source, evidence, ip_address, user_agent)
        self._wa_log(
            _(
                "Opted out of WhatsApp notifications (%(origin)s).",
                origin=self._wa_source_label(source),
            ),
            author,
        )

    def _wa_source_label(self, source):
        return dict(
            self.env["sicantik.whatsapp.consent"]._fields["source"]._description_selection(self.env)
        ).get(source, source)

    def _wa_log(self, body, author=None):
        author = author or self.env.ref("base.partner_root", raise_if_not_found=False)
        for partner in self.sudo():
            partner.message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=author.id if author else None,
            )

    def _wa_staff_evidence(self):
        user = self.env.user
        return _(
            "Recorded by %(user)s (%(login)s, user #%(id)s).",
            user=user.name,
            login=user.login,
            id=user.id,
        )

    def action_wa_record_opt_in(self):
        """A citizen's opt-in given in person or on paper, recorded by staff with the right."""
        self._wa_check_consent_right()
        opted_out = self.filtered("wa_opted_out")
        if opted_out:
            raise UserError(self._wa_opted_out_error(opted_out))
        self.filtered(lambda p: not p.wa_meta_opt_in)._wa_record_opt_in(
            "manual", evidence=self._wa_staff_evidence(), author=self.env.user.partner_id
        )

    def action_wa_record_opt_out(self):
        self._wa_check_consent_right()
        self.filtered(lambda p: not p.wa_opted_out)._wa_record_opt_out(
            "manual", evidence=self._wa_staff_evidence(), author=self.env.user.partner_id
        )

    def action_wa_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sicantik_whatsapp.sicantik_whatsapp_message_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {}
        return action
