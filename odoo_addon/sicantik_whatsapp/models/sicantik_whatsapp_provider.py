# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import re
import secrets

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from ..engine.host import EngineError, TransportFailure, now_ms

#: Credential fields, readable and writable by system administrators only.
CREDENTIAL_FIELDS = (
    "access_token",
    "phone_number_id",
    "waba_id",
    "app_secret",
    "webhook_verify_token",
    "api_key",
    "number_key",
    "token",
)
#: The secret ones (never shown outside the credentials tab, never sent to the engine's output).

#: What decides where a profile's credentials are sent (and for which company's messages):
#: system administrators only, like the credentials themselves. A manager who could point the
#: Base URL at a server of their own would receive the token with the next request.
DESTINATION_FIELDS = ("kind", "base_url", "api_version", "company_id")

MANAGER_GROUP = "sicantik_whatsapp.group_sicantik_whatsapp_manager"

_logger = logging.getLogger(__name__)

#: The engine's name of each credential field (``checkCredentials``).
ENGINE_CREDENTIAL_NAMES = {
    "access_token": "accessToken",
    "phone_number_id": "phoneNumberId",
    "waba_id": "wabaId",
    "app_secret": "appSecret",
    "webhook_verify_token": "webhookVerifyToken",
    "api_key": "apiKey",
    "number_key": "numberKey",
    "token": "token",
}

#: Credentials each kind needs before it can be marked as configured.
REQUIRED_CREDENTIALS = {
    "meta": ("access_token", "phone_number_id"),
    "watzap": ("api_key", "number_key"),
    "fonnte": ("token",),
}


def _new_webhook_token():
    return secrets.token_urlsafe(24)


class SicantikWhatsappProvider(models.Model):
    _name = "sicantik.whatsapp.provider"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "WhatsApp Provider Profile"
    _order = "sequence, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(
        default=10,
        help="Order in which providers are tried after the default provider (fallback order).",
    )
    kind = fields.Selection(
        [("meta", "Meta Cloud API"), ("watzap", "Watzap.id"), ("fonnte", "Fonnte")],
        required=True,
        default="meta",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("configured", "Configured"), ("error", "Error")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        help="Only configured providers are used for sending.",
    )
    state_message = fields.Text(string="Status Message", readonly=True, copy=False)
    state_code = fields.Char(
        string="Error Code",
        readonly=True,
        copy=False,
        help="The engine's code of the error that moved the profile to error (e.g. meta.190).",
    )
    state_date = fields.Datetime(string="Status Since", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company",
        # A manager's profile belongs to their company; shared profiles are made by system
        # administrators (who may leave it empty).
        default=lambda self: False if self.env.is_system() else self.env.company,
        help="Leave empty to use this provider for every company. Only system administrators "
        "change it.",
    )
    base_url = fields.Char(
        string="Base URL",
        help="Leave empty to use the provider's public API. Set it to point at another "
        "endpoint, e.g. the provider simulator (http://127.0.0.1:PORT/meta). Only system "
        "administrators change it: the credentials are sent there.",
    )
    api_version = fields.Char(
        string="Graph API Version",
        help="Meta Graph API version, e.g. v25.0. Empty: the engine's default.",
    )
    timeout = fields.Integer(
        string="Timeout (seconds)",
        default=15,
        help="How long to wait for the provider's answer. A request that times out after being "
        "sent is marked unknown and never resent to another provider.",
    )
    rate_per_minute = fields.Integer(
        string="Rate limit (messages/minute)",
        default=0,
        help="At most this many messages per minute, evenly spaced (no bursts), shared by every "
        "worker sending for this database. 0: no limit. Gateways driving an ordinary WhatsApp "
        "number (Watzap.id, Fonnte) need one: WhatsApp blocks numbers that send in bursts.",
    )
    use_odoo_whatsapp = fields.Boolean(
        string="Send through Odoo WhatsApp (Enterprise)",
        help="When Odoo Enterprise's WhatsApp app is installed, send Meta templates through it "
        "instead of calling the Cloud API directly.",
    )
    odoo_whatsapp_available = fields.Boolean(
        string="Odoo WhatsApp Installed", compute="_compute_odoo_whatsapp_available"
    )

    # Credentials: a separate tab, system administrators only.
    access_token = fields.Char(
        groups="base.group_system", copy=False, help="Meta System User access token."
    )
    phone_number_id = fields.Char(string="Phone Number ID", groups="base.group_system", copy=False)
    waba_id = fields.Char(
        string="WhatsApp Business Account ID", groups="base.group_system", copy=False
    )
    app_secret = fields.Char(
        groups="base.group_system",
        copy=False,
        help="Meta App Secret, used to check the X-Hub-Signature-256 header of webhooks.",
    )
    webhook_verify_token = fields.Char(
        string="Webhook Token",
        groups="base.group_system",
        copy=False,
        default=lambda self: _new_webhook_token(),
        help="Meta: the Verify Token entered in the Meta app's webhook settings. Fonnte: the "
        "secret that must be in the webhook URL (?token=...) or in the payload.",
    )
    api_key = fields.Char(
        string="API Key", groups="base.group_system", copy=False, help="Watzap.id API key."
    )
    number_key = fields.Char(groups="base.group_system", copy=False, help="Watzap.id number key.")
    token = fields.Char(groups="base.group_system", copy=False, help="Fonnte device token.")
    webhook_url = fields.Char(
        string="Webhook URL", compute="_compute_webhook_url", groups="base.group_system"
    )

    last_check_date = fields.Datetime(readonly=True, copy=False)
    last_check_ok = fields.Boolean(string="Last Check Passed", readonly=True, copy=False)
    last_check_result = fields.Text(readonly=True, copy=False)
    message_count = fields.Integer(compute="_compute_message_count")
    # The engine's check of the Graph API version today (Meta ends each version on a published
    # date): errors and warnings apart, each shown in its own alert on the form.
    version_error = fields.Text(string="Graph API Version Error", compute="_compute_version_check")
    version_warning = fields.Text(
        string="Graph API Version Warning", compute="_compute_version_check"
    )
    can_edit_destination = fields.Boolean(
        compute="_compute_can_edit_destination",
        help="Whether the current user may change where the credentials are sent.",
    )

    _sql_constraints = [
        ("timeout_positive", "CHECK(timeout > 0)", "The timeout must be positive."),
        (
            "rate_per_minute_range",
            "CHECK(rate_per_minute >= 0 AND rate_per_minute <= 60000)",
            "The rate limit must be between 0 (no limit) and 60000 messages per minute.",
        ),
    ]

    def _compute_can_edit_destination(self):
        allowed = self.env.is_system()
        for rec in self:
            rec.can_edit_destination = allowed

    def _compute_odoo_whatsapp_available(self):
        available = "whatsapp.account" in self.env
        for rec in self:
            rec.odoo_whatsapp_available = available

    @api.depends("kind", "webhook_verify_token")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for rec in self:
            if rec.kind == "meta":
                rec.webhook_url = f"{base}/sicantik_whatsapp/webhook/meta"
            elif rec.kind == "fonnte":
                rec.webhook_url = f"{base}/sicantik_whatsapp/webhook/fonnte?token={rec.webhook_verify_token or ''}"
            else:
                rec.webhook_url = False

    def _version_issues(self):
        """The engine's ``lintProfile`` issues of this profile today (no credentials sent)."""
        self.ensure_one()
        if self.kind != "meta":
            return []
        profile = {
            "id": self._engine_id(),
            "kind": self.kind,
            "apiVersion": self.api_version or None,
        }
        try:
            return self.env["sicantik.whatsapp.dispatcher"]._wasm().lint_profile(profile, now_ms())
        except (EngineError, UserError) as e:
            return [
                {
                    "code": getattr(e, "code", "engine.unavailable"),
                    "severity": "error",
                    "message": str(e),
                }
            ]

    def _version_issue_text(self, issues):
        titles = {
            "meta.api_version_ending": _("The Graph API version ends soon"),
            "meta.api_version_ended": _("The Graph API version has ended"),
            "meta.api_version_unlisted": _("The end date of this Graph API version is unknown"),
            "meta.api_version_invalid": _("The Graph API version is not valid"),
        }
        return "\n".join(
            "%s: %s" % (titles.get(i.get("code"), i.get("code")), i.get("message")) for i in issues
        )

    @api.depends("kind", "api_version")
    def _compute_version_check(self):
        for rec in self:
            issues = rec._version_issues()
            errors = [i for i in issues if i.get("severity") == "error"]
            rec.version_error = rec._version_issue_text(errors) or False
            rec.version_warning = (
                rec._version_issue_text([i for i in issues if i not in errors]) or False
            )

    def _compute_message_count(self):
        data = self.env["sicantik.whatsapp.message"]._read_group(
            [("provider_id", "in", self.ids)], ["provider_id"], ["__count"]
        )
        counts = {provider.id: count for provider, count in data}
        for rec in self:
            rec.message_count = counts.get(rec.id, 0)

    # ------------------------------------------------------------------
    # Engine configuration
    # ------------------------------------------------------------------

    def _engine_id(self):
        """The id the engine knows this profile by (``fonnte-3``)."""
        self.ensure_one()
        return f"{self.kind}-{self.id}"

    @api.model
    def _from_engine_id(self, engine_id):
        try:
            rec_id = int(str(engine_id).rsplit("-", 1)[1])
        except (IndexError, ValueError):
            return self.browse()
        # The profiles of the cached engine configuration exist (unlink clears that cache): no
        # query for them, as the outbox resolves the same few ids for every message.
        config = self.env["sicantik.whatsapp.dispatcher"]._engine_config_cached(
            self.env.company.id
        )[1]
        if any(p["id"] == str(engine_id) for p in config["providers"]):
            return self.browse(rec_id)
        return self.browse(rec_id).exists()

    def _engine_config(self):
        """This profile as an engine ``ProviderConfig`` (with credentials: keep it server-side)."""
        self.ensure_one()
        rec = self.sudo()
        credentials = {
            "accessToken": rec.access_token or None,
            "phoneNumberId": rec.phone_number_id or None,
            "wabaId": rec.waba_id or None,
            "apiKey": rec.api_key or None,
            "numberKey": rec.number_key or None,
            "token": rec.token or None,
        }
        config = {
            "id": rec._engine_id(),
            "kind": rec.kind,
            "state": rec.state,
            "name": rec.name,
            "baseUrl": rec.base_url or None,
            "apiVersion": rec.api_version or None,
            "timeoutMs": (rec.timeout or 15) * 1000,
            "credentials": {k: v for k, v in credentials.items() if v},
        }
        if rec.rate_per_minute:
            config["ratePerMinute"] = rec.rate_per_minute
        return config

    @api.model
    def _secret_field_names(self):
        """This model's fields holding a credential the engine's catalogue marks secret
        (``accessToken`` → ``access_token``…): the engine alone says which are secret."""
        catalogue = self.env["sicantik.whatsapp.dispatcher"]._wasm().catalogue()
        names = {
            f["name"] for kind in catalogue["credentials"] for f in kind["fields"] if f["secret"]
        }
        fields_ = [re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() for name in sorted(names)]
        return [f for f in fields_ if f in self._fields]

    def _secret_values(self):
        """Every secret of these profiles (for redaction checks)."""
        values = []
        for rec in self.sudo():
            values += [rec[f] for f in self._secret_field_names() if rec[f]]
        return values

    # ------------------------------------------------------------------
    # CRUD: the engine configuration is cached per registry
    # ------------------------------------------------------------------

    def _check_destination_change(self, vals_list, creating=False):
        """Only system administrators decide where credentials go (``DESTINATION_FIELDS``).

        A manager may create a profile (it has no credentials: those are system fields) with its
        kind and their own company, but never set a Base URL or API version, and never change
        any of them afterwards."""
        if self.env.is_system():
            return
        for vals in vals_list:
            if creating:
                touched = [f for f in ("base_url", "api_version") if vals.get(f)]
                company = vals.get("company_id")
                if company is not None and company not in self.env.companies.ids:
                    touched.append("company_id")
            else:
                touched = [
                    f
                    for f in DESTINATION_FIELDS
                    if f in vals
                    and any(rec._destination_value(f) != (vals[f] or False) for rec in self)
                ]
            if touched:
                raise AccessError(
                    _(
                        "Only system administrators may change %(fields)s of a WhatsApp provider "
                        "profile: the credentials are sent where these point.",
                        fields=", ".join(
                            self._fields[f].get_description(self.env)["string"] for f in touched
                        ),
                    )
                )

    def _destination_value(self, fname):
        """The stored value of a destination field, comparable with a ``write`` value."""
        value = self[fname]
        if fname == "company_id":
            return value.id or False
        return value or False

    @api.model_create_multi
    def create(self, vals_list):
        self._check_destination_change(vals_list, creating=True)
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        self._check_destination_change([vals])
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.constrains(*CREDENTIAL_FIELDS, "kind")
    def _check_credential_text(self):
        """The engine's rule (``checkCredentials``): printable ASCII, no whitespace. A token pasted
        with an invisible character would fail every send. The error names the field and the
        position, never the value."""
        try:
            engine = self.env["sicantik.whatsapp.dispatcher"]._wasm()
        except UserError:
            return  # no engine, no sends: checked again when it is installed and a field changes
        fields_by_name = {v: k for k, v in ENGINE_CREDENTIAL_NAMES.items()}
        for rec in self.sudo():
            credentials = {ENGINE_CREDENTIAL_NAMES[f]: rec[f] for f in CREDENTIAL_FIELDS if rec[f]}
            issues = engine.check_credentials(rec.kind, credentials)
            # A field this kind never sends (left from another kind) is not checked.
            bad = [i for i in issues if i.get("code") == "credentials.invalid"]
            if bad:
                fname = fields_by_name.get(bad[0]["field"], bad[0]["field"])
                raise ValidationError(
                    _(
                        "%(field)s of %(provider)s has a character that cannot be sent (character "
                        "%(position)s: a space, a line break or an invisible character copied with it). "
                        "Type or paste it again without it.",
                        field=rec._fields[fname].get_description(self.env)["string"]
                        if fname in rec._fields
                        else fname,
                        provider=rec.name,
                        position=bad[0].get("position") or "?",
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_manager_rights(self):
        """Provider actions: WhatsApp managers of the profile's company (shared profiles: system
        administrators), checked before anything runs with ``sudo()``."""
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only WhatsApp managers can do this on a provider profile."))
        self.check_access("write")

    def action_mark_configured(self):
        self._check_manager_rights()
        for rec in self:
            missing = [
                rec._fields[f].get_description(self.env)["string"]
                for f in REQUIRED_CREDENTIALS[rec.kind]
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
                        "SELECT state FROM sicantik_whatsapp_provider WHERE id = %s AND state != 'error' "
                        "FOR UPDATE SKIP LOCKED",
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
        why = "%s%s" % ("[%s] " % shown_code if shown_code else "", reason or "")
        intro = (
            _("Marked as error by %s.", who)
            if who
            else _(
                "A provider answered with a configuration error: routing skips this profile until it is fixed."
            )
        )
        note = Markup("<p>%s</p><p>%s</p><p>%s</p>") % (
            intro,
            why,
            _(
                "Fix the credentials or the account, then use Test connection or Mark as configured."
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
            code = "%s.%s" % (
                attempt.get("kind") or provider.kind,
                attempt.get("code") or "config_error",
            )
            provider._set_error(code, attempt.get("detail") or "")

    def action_regenerate_webhook_token(self):
        self._check_manager_rights()
        for rec in self:
            rec.sudo().webhook_verify_token = _new_webhook_token()

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
                "key": "provider-%s" % self.id,
                "title": _("Connection OK") if ok else _("Connection failed"),
                "message": detail or (_("The provider answered.") if ok else _("No details.")),
                "type": ("warning" if version_issues else "success") if ok else "danger",
                "sticky": not ok,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sicantik_whatsapp.sicantik_whatsapp_message_action"
        )
        action["domain"] = [("provider_id", "=", self.id)]
        action["context"] = {}
        return action

    def _run_health_check(self, engine, transport):
        """Ask the engine for the status request, perform it, let the engine read the answer."""
        self.ensure_one()
        eid = self._engine_id()
        try:
            request = engine.health_check_request(eid)
        except EngineError as e:
            return {"ok": False, "code": e.code, "detail": e.message, "info": None}
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
