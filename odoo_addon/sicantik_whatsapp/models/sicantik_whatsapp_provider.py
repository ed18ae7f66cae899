# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.host import EngineError, now_ms

MANAGER_GROUP = "sicantik_whatsapp.group_sicantik_whatsapp_manager"


def _default_timeout(model):
    """The engine's default timeout in seconds (its catalogue), 0 when it is not installed."""
    return (model.env["sicantik.whatsapp.catalogue"]._default("timeoutMs") or 0) // 1000


def _new_webhook_token():
    return secrets.token_urlsafe(24)


class SicantikWhatsappProvider(models.Model):
    _name = "sicantik.whatsapp.provider"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "sicantik.whatsapp.engine.config.mixin",
    ]
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
        help="Meta Graph API version. Empty: the engine's default, shown below it.",
    )
    engine_api_version = fields.Char(
        string="Engine's Graph API Version",
        compute="_compute_engine_api_version",
        help="The Graph API version used while Graph API Version is empty: the engine's "
        "default, which moves with the engine when Meta retires a version.",
    )
    timeout = fields.Integer(
        string="Timeout (seconds)",
        default=_default_timeout,
        help="How long to wait for the provider's answer. A request that times out after being "
        "sent is marked unknown and never resent to another provider. Empty: the engine's "
        "default.",
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

    def _compute_engine_api_version(self):
        version = self.env["sicantik.whatsapp.catalogue"]._default("metaApiVersion") or False
        for rec in self:
            rec.engine_api_version = version

    @api.depends("kind", "webhook_verify_token")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for rec in self:
            if rec.kind == "meta":
                rec.webhook_url = f"{base}/sicantik_whatsapp/webhook/meta"
            elif rec.kind == "fonnte":
                token = rec.webhook_verify_token or ""
                rec.webhook_url = f"{base}/sicantik_whatsapp/webhook/fonnte?token={token}"
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
            f"{titles.get(i.get('code'), i.get('code'))}: {i.get('message')}" for i in issues
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
        config = {
            "id": rec._engine_id(),
            "kind": rec.kind,
            "state": rec.state,
            "name": rec.name,
            "baseUrl": rec.base_url or None,
            "apiVersion": rec.api_version or None,
            # Unset: the engine's own default timeout.
            "timeoutMs": rec.timeout * 1000 if rec.timeout else None,
            "credentials": rec._engine_credentials(),
        }
        if rec.rate_per_minute:
            config["ratePerMinute"] = rec.rate_per_minute
        return config

    # ------------------------------------------------------------------
    # CRUD: who may point the credentials where (the engine.config mixin clears the cached
    # configuration)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_destination_change(vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_destination_change([vals])
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_manager_rights(self):
        """Provider actions: WhatsApp managers of the profile's company (shared profiles: system
        administrators), checked before anything runs with ``sudo()``."""
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only WhatsApp managers can do this on a provider profile."))
        self.check_access("write")

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sicantik_whatsapp.sicantik_whatsapp_message_action"
        )
        action["domain"] = [("provider_id", "=", self.id)]
        action["context"] = {}
        return action
