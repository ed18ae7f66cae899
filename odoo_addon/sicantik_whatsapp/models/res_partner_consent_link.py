# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The citizen's personal consent link: signed, one-time, expiring tokens and their state."""

import datetime
import secrets
import time

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools.misc import hash_sign, verify_hash_signed

from .res_partner import (
    CONSENT_SCOPE,
    DEFAULT_CONSENT_LINK_DAYS,
    PARAM_CONSENT_LINK_DAYS,
    PREVIEW_CONSENT_TOKEN,
    PREVIEW_LINK_CONTEXT,
)


class ResPartner(models.Model):
    # A second res.partner extension on purpose: merged, res_partner.py passes 400 lines.
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _wa_consent_link_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_CONSENT_LINK_DAYS)
        try:
            days = int(value) if value not in (None, False, "") else DEFAULT_CONSENT_LINK_DAYS
        except ValueError:
            days = DEFAULT_CONSENT_LINK_DAYS
        return days if days > 0 else DEFAULT_CONSENT_LINK_DAYS

    def _wa_consent_token(self):
        """A new signed, one-time link token: partner, random nonce, issue and expiry times."""
        self.ensure_one()
        now = int(time.time())
        data = {
            "p": self.id,
            "n": secrets.token_urlsafe(9),
            "i": now,
            "e": now + self._wa_consent_link_days() * 86400,
        }
        return hash_sign(self.env(su=True), CONSENT_SCOPE, data)

    @api.model
    def _wa_consent_token_data(self, token):
        """The signed data of a consent token, or ``None`` when it is not one of ours."""
        if not token or token == PREVIEW_CONSENT_TOKEN or len(token) > 512:
            return None
        try:
            data = verify_hash_signed(self.env(su=True), CONSENT_SCOPE, token)
        except Exception:  # pylint: disable=broad-except  (malformed base64, version, json)
            return None
        if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "pie"):
            return None  # also the never-expiring links of earlier versions: no longer valid
        if not isinstance(data.get("n"), str) or not data["n"]:
            return None
        return data

    def _wa_consent_link_state(self, data):
        """What a valid consent token may still do for this partner:

        * ``expired``: older than the configured lifetime;
        * ``used``: this link already recorded a consent (one link, one consent);
        * ``opted_out``: the citizen opted out after the link was issued. Their opt-out is their
          latest word: no earlier link (nor any copy of it, e.g. from the chatter) undoes it; a
          link issued after the opt-out (:meth:`action_wa_new_consent_link`) may;
        * ``already``: opted in already;
        * ``ok``: the citizen may agree.
        """
        self.ensure_one()
        if time.time() >= data["e"]:
            return "expired"
        if (
            self.env["sicantik.whatsapp.consent"]
            .sudo()
            .search_count([("link_nonce", "=", data["n"])])
        ):
            return "used"
        if self.wa_opted_out and data["i"] <= self._wa_opted_out_ts():
            return "opted_out"
        if self.wa_meta_opt_in:
            return "already"
        return "ok"

    def _wa_opted_out_ts(self):
        """The opt-out time in whole seconds (a link issued in the same second predates it)."""
        if not self.wa_opted_out_date:
            return float("inf")  # opted out at an unknown time: no link predates it safely
        return int(self.wa_opted_out_date.replace(tzinfo=datetime.timezone.utc).timestamp())

    def action_wa_new_consent_link(self):
        """A fresh consent link for an opted-out citizen who wants messages again (at the
        counter, by phone): staff hand it over, the citizen agrees on the page themselves. Nothing
        is sent to an opted-out citizen, so this is the only way a post-opt-out link exists. The
        link is shown once to the user who asked and never stored; the chatter says who issued
        one, and the consent record later names the link's issue time."""
        self.ensure_one()
        self._wa_check_consent_right()
        if not self.wa_opted_out:
            raise UserError(
                _(
                    "%(name)s has not opted out: invitations carry their consent link.",
                    name=self.display_name,
                )
            )
        url = f"{self.get_base_url()}/sicantik_whatsapp/consent/{self._wa_consent_token()}"
        self._wa_log(
            _(
                "A new consent link was issued for the citizen to agree again on the consent page "
                "(valid %(days)s days, once).",
                days=self._wa_consent_link_days(),
            ),
            self.env.user.partner_id,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Consent link for %(name)s", name=self.display_name),
                "message": url,
                "sticky": True,
                "type": "info",
            },
        }

    def _wa_consent_url(self):
        """Personal, signed, one-time link to the consent page, valid for the configured days;
        a new one per invitation. None for an opted-out citizen: nothing is sent to them, and a
        link issued after their opt-out (stored with a message, readable by staff) must not
        exist. Previews get an example link that is never valid."""
        self.ensure_one()
        base = self.get_base_url()
        if self.env.context.get(PREVIEW_LINK_CONTEXT):
            return f"{base}/sicantik_whatsapp/consent/{PREVIEW_CONSENT_TOKEN}"
        if self.wa_opted_out:
            return None
        return f"{base}/sicantik_whatsapp/consent/{self._wa_consent_token()}"
