# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from ..engine.host import EngineError, TransportFailure
from .sicantik_whatsapp_provider import MANAGER_GROUP

_logger = logging.getLogger(__name__)


class SicantikWhatsappProviderHealth(models.Model):
    """The profile's state follows what the providers say: actions, errors, activities."""

    _inherit = "sicantik.whatsapp.provider"  # pylint: disable=consider-merging-classes-inherited

    def action_mark_configured(self):
        self._check_manager_rights()
        for rec in self:
            missing = [
                rec._fields[f].get_description(self.env)["string"]
                for f in rec._required_credential_fields()
                if not rec.sudo()[f]
            ]
            if missing:
                raise UserError(
                    _(
                        "%(provider)s cannot be marked as configured: fill in %(fields)s first.",
                        provider=rec.name,
                        fields=", ".join(missing),
                    )
                )
        self._set_configured(_("Marked as configured by %s.", self.env.user.name))

    def action_reset_draft(self):
        self._check_manager_rights()
        was_error = self.filtered(lambda p: p.state == "error")
        self.write(
            {
                "state": "draft",
                "state_message": False,
                "state_code": False,
                "state_date": fields.Datetime.now(),
            }
        )
        # Out of service on purpose now: the error's activities have nothing left to ask.
        for rec in was_error.sudo():
            rec._health_activities().action_feedback(
                feedback=_("Reset to draft by %s.", self.env.user.name)
            )

    def action_mark_error(self):
        """Open the dialog asking why the profile is put in error (managers only)."""
        self.ensure_one()
        self._check_manager_rights()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sicantik.whatsapp.provider.error.wizard",
            "name": _("Mark as error"),
            "view_mode": "form",
            "target": "new",
            "context": {"default_provider_id": self.id},
        }

    # ------------------------------------------------------------------
    # Health: the profile follows what the providers say
    # ------------------------------------------------------------------

    def _set_configured(self, why):
        """Back to configured; a profile leaving error closes its managers' activities and says
        so in the chatter."""
        was_error = self.filtered(lambda p: p.state == "error")
        self.write(
            {
                "state": "configured",
                "state_message": False,
                "state_code": False,
                "state_date": fields.Datetime.now(),
            }
        )
        for rec in was_error.sudo():
            rec._health_activities().action_feedback(feedback=why)
            rec.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (_("The profile is configured again: routing uses it again."), why),
                subtype_xmlid="mail.mt_note",
            )

    def _set_error(self, code, reason, who=None):
        """Move this profile to error (routing skips it until it is fixed), once: the managers
        get an activity and a chatter note on the transition only, never per message.

        Two workers can meet the same provider error at once: the profile row is locked first
        (``SKIP LOCKED``: the other worker holds it and tells the managers) and a concurrent
        update committed since this transaction began is a serialization failure, caught in the
        savepoint (the other worker did it). Returns whether this call made the transition."""
        self.ensure_one()
        rec = self.sudo()
        try:
            with self.env.cr.savepoint():
                # Expected under concurrency, and handled: not an error in the log.
                with mute_logger("odoo.sql_db"):
                    self.env.cr.execute(
                        "SELECT state FROM sicantik_whatsapp_provider "
                        "WHERE id = %s AND state != 'error' FOR UPDATE SKIP LOCKED",
                        (rec.id,),
                    )
                row = self.env.cr.fetchone()
                if not row:
                    return False
                rec.invalidate_recordset(["state"])
                now = fields.Datetime.now()
                rec.write(
                    {
                        "state": "error",
                        "state_message": reason,
                        "state_code": code or False,
                        "state_date": now,
                    }
                )
                # A draft profile was never in service: nobody needs telling, but a manager's own
                # decision always leaves a trace.
                if row[0] == "configured" or code == "manual":
                    rec._notify_error(code, reason, who)
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
            _logger.info("WhatsApp provider %s: another transaction is moving it to error", rec.id)
            return False
        return True

    def _health_activities(self):
        """The open activities this module scheduled for the profile's error."""
        activity_type = self.env.ref("mail.mail_activity_data_warning", raise_if_not_found=False)
        return self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type and a.res_model == self._name
        )

    def _notify_error(self, code, reason, who=None):
        """One activity for each WhatsApp manager who can see the profile, and a chatter note."""
        self.ensure_one()
        summary = _("WhatsApp profile %(name)s is in error", name=self.name)
        # A manager's own mark has no provider code: "Marked as error by …" says where it came from.
        shown_code = code if code and code != "manual" else ""
        prefix = f"[{shown_code}] " if shown_code else ""
        why = f"{prefix}{reason or ''}"
        intro = (
            _("Marked as error by %s.", who)
            if who
            else _(
                "A provider answered with a configuration error: routing skips this profile "
                "until it is fixed."
            )
        )
        note = Markup("<p>%s</p><p>%s</p><p>%s</p>") % (
            intro,
            why,
            _(
                "Fix the credentials or the account, then use Test connection or Mark as "
                "configured."
            ),
        )
        self.message_post(body=note, subtype_xmlid="mail.mt_note")
        for user in self._managers():
            self.activity_schedule(
                "mail.mail_activity_data_warning", summary=summary, note=note, user_id=user.id
            )

    def _managers(self):
        """Active WhatsApp managers allowed in the profile's company (any company for a shared
        profile)."""
        group = self.env.ref(MANAGER_GROUP)
        users = group.sudo().users.filtered(lambda u: u.active and not u.share)
        if self.company_id:
            users = users.filtered(lambda u: self.company_id in u.company_ids)
        return users

    @api.model
    def _apply_send_outcome(self, outcome):
        """Apply the engine's verdict on profiles from an outcome's attempts: an attempt whose
        answer breaks the profile itself (``profileError``) moves that profile to error."""
        for attempt in outcome.get("attempts") or []:
            if not attempt.get("profileError"):
                continue
            provider = self._from_engine_id(attempt.get("provider"))
            if not provider or provider.sudo().state == "error":
                continue
            kind = attempt.get("kind") or provider.kind
            code = f"{kind}.{attempt.get('code') or 'config_error'}"
            provider._set_error(code, attempt.get("detail") or "")

    def action_test_connection(self):
        """Call the provider's status endpoint (engine ``healthCheckRequest`` / ``Parse``)."""
        self.ensure_one()
        self._check_manager_rights()
        check = self.env["sicantik.whatsapp.dispatcher"]._health_check(self)
        ok = bool(check.get("ok"))
        detail = check.get("detail") or ""
        # The connection may work on a version Meta is about to end (or has ended: Meta then
        # answers with an older one): say so with the result.
        version_issues = self._version_issues()
        if version_issues:
            detail = "\n".join(filter(None, [detail, self._version_issue_text(version_issues)]))
        info = check.get("info")
        text = detail
        if info:
            text += "\n" + json.dumps(info, indent=2, ensure_ascii=False, sort_keys=True)
        vals = {
            "last_check_date": fields.Datetime.now(),
            "last_check_ok": ok,
            "last_check_result": text,
        }
        self.write(vals)
        if ok:
            self._set_configured(_("Test connection by %s succeeded.", self.env.user.name))
        elif self.state == "error":
            self.write(
                {"state_message": detail or check.get("code") or _("Connection test failed.")}
            )
        else:
            self._set_error(
                check.get("code") or False,
                detail or _("Connection test failed."),
                who=self.env.user.name,
            )
        return {
            "type": "ir.actions.client",
            # Replaces this profile's previous result (static/src/js/connection_result.js).
            "tag": "sicantik_whatsapp_connection_result",
            "params": {
                "key": f"provider-{self.id}",
                "title": _("Connection OK") if ok else _("Connection failed"),
                "message": detail or (_("The provider answered.") if ok else _("No details.")),
                "type": ("warning" if version_issues else "success") if ok else "danger",
                "sticky": not ok,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _run_health_check(self, engine, transport):
        """Ask the engine for the status request, perform it, let the engine read the answer."""
        self.ensure_one()
        eid = self._engine_id()
        try:
            request = engine.health_check_request(eid)
        except EngineError as e:
            detail = self.env["sicantik.whatsapp.catalogue"]._error_text(
                e.code, e.message, e.fields
            )
            return {"ok": False, "code": e.code, "detail": detail, "info": None}
        try:
            response = transport.send(request)
        except TransportFailure as failure:
            return {
                "ok": False,
                "code": "transport." + failure.kind,
                "detail": failure.message,
                "info": None,
            }
        return engine.health_check_parse(eid, response)
