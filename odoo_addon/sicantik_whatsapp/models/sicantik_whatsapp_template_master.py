# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine.host import EngineError

_logger = logging.getLogger(__name__)

#: The Meta mapping's fields (see ``_engine_meta``).
META_FIELDS = (
    "meta_template_name",
    "meta_language",
    "meta_param_format",
    "meta_body_params",
    "meta_header_param",
    "meta_button_index",
    "meta_status",
)


def _split_list(text):
    return [p.strip() for p in (text or "").split(",") if p.strip()]


class SicantikWhatsappTemplateMaster(models.Model):
    _name = "sicantik.whatsapp.template.master"
    _description = "WhatsApp Master Template"
    _order = "code"

    code = fields.Char(required=True, help="Stable code used by other modules, e.g. permit_ready.")
    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    language = fields.Char(default="id", required=True, help="Language code as Meta uses it (id, en_US).")
    body = fields.Text(required=True, help="Message text with {{named}} placeholders.")
    header = fields.Char(help="Optional text header (Meta: at most 60 characters, one placeholder).")
    button_url_suffix = fields.Char(
        string="Button URL Suffix",
        help="Dynamic suffix of the Meta URL button, e.g. {{permit_number}}.",
    )
    params = fields.Char(
        string="Parameters",
        help="Parameters in their canonical order, comma-separated. Empty: the placeholders in "
        "order of first appearance (header, body, button).",
    )
    append_opt_in_link = fields.Boolean(
        string="Append Opt-in Link",
        default=True,
        help="On Watzap/Fonnte sends to citizens who have not opted in to official WhatsApp "
        "messages, append the invitation with their personal consent link.",
    )
    urgent = fields.Boolean(
        help="Sent at any time. Otherwise the notification waits outside the quiet hours and "
        "after office holidays, in the citizen's own time zone.",
    )
    # Meta mapping
    meta_template_name = fields.Char(
        string="Meta Template Name",
        help="Name of the approved template on Meta (lowercase, digits, underscore).",
    )
    meta_language = fields.Char(string="Meta Language", help="Empty: the template's language.")
    meta_param_format = fields.Selection(
        [("positional", "Positional ({{1}}, {{2}}...)"), ("named", "Named")],
        string="Meta Parameter Format",
        default="positional",
        required=True,
    )
    meta_body_params = fields.Char(
        string="Meta Body Parameters",
        help="Values in {{1}}, {{2}}... order (positional) or the parameter names (named), "
        "comma-separated. Empty: the body's placeholders in order.",
    )
    meta_header_param = fields.Char(string="Meta Header Parameter")
    meta_button_index = fields.Integer(string="Meta URL Button Index", default=0)
    meta_status = fields.Char(
        string="Meta Status",
        copy=False,
        help="Review status on Meta as last synced (APPROVED, PENDING, REJECTED...). When set and "
        "not approved, Meta is not used for this template.",
    )
    meta_template_uid = fields.Char(string="Meta Template ID", copy=False, readonly=True)
    meta_category = fields.Char(string="Meta Category", copy=False, readonly=True)
    meta_quality = fields.Char(string="Meta Quality", copy=False, readonly=True)
    meta_last_sync = fields.Datetime(string="Last Meta Sync", copy=False, readonly=True)
    # Gateways
    watzap_body = fields.Text(
        string="Watzap Text", help="Text for Watzap instead of the body (same placeholders)."
    )
    fonnte_body = fields.Text(
        string="Fonnte Text", help="Text for Fonnte instead of the body (same placeholders)."
    )
    # Usage
    # Derived from the sent messages: a stored counter would be one row every outbox worker
    # updates, and concurrent updates abort each other (repeatable read) after the send.
    usage_count = fields.Integer(compute="_compute_usage")
    last_used = fields.Datetime(compute="_compute_usage")
    # Lint (engine)
    lint_result = fields.Text(compute="_compute_lint", string="Check Result")
    lint_error_count = fields.Integer(compute="_compute_lint", string="Errors")
    lint_warning_count = fields.Integer(compute="_compute_lint", string="Warnings")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "The template code must be unique."),
    ]

    # ------------------------------------------------------------------
    # Engine form
    # ------------------------------------------------------------------

    def _engine_template(self):
        """This template as an engine ``MasterTemplate``."""
        self.ensure_one()
        meta = self._engine_meta({name: self[name] for name in META_FIELDS})
        return {
            "code": self.code or "",
            "name": self.name or "",
            "language": self.language or "id",
            "body": self.body or "",
            "header": self.header or None,
            "buttonUrlSuffix": self.button_url_suffix or None,
            "params": _split_list(self.params),
            "appendOptInLink": bool(self.append_opt_in_link),
            "urgent": bool(self.urgent),
            "meta": meta,
            "watzap": {"body": self.watzap_body} if self.watzap_body else None,
            "fonnte": {"body": self.fonnte_body} if self.fonnte_body else None,
        }

    @api.constrains("body", "header", "button_url_suffix", "params", "meta_body_params", "watzap_body", "fonnte_body")
    def _check_engine_limits(self):
        """A template above the engine's size limits is refused when saved (the engine would
        refuse every send of it)."""
        try:
            engine = self.env["sicantik.whatsapp.dispatcher"]._wasm()
        except UserError:
            return
        for rec in self:
            issues = engine.lint_template(rec._engine_template())
            limit = next((i for i in issues if str(i.get("code", "")).startswith("limit.")), None)
            if limit:
                raise ValidationError(
                    self.env["sicantik.whatsapp.dispatcher"]._limit_error_text(limit["code"], limit.get("message"))
                )
    @api.model
    def _engine_meta(self, values):
        """The engine's Meta mapping from the ``meta_*`` field values in ``values`` (a record's,
        or a draft's: the replay wizard); ``None`` without a Meta template name."""
        if not values.get("meta_template_name"):
            return None
        return {
            "templateName": values["meta_template_name"],
            "language": values.get("meta_language") or None,
            "paramFormat": values.get("meta_param_format") or "positional",
            "bodyParams": _split_list(values.get("meta_body_params")),
            "headerParam": values.get("meta_header_param") or None,
            "buttonIndex": values.get("meta_button_index") or 0,
            "status": values.get("meta_status") or None,
        }

    def _param_names(self):
        """The values a form asks for, in the engine's canonical order (``describeTemplate``: the
        renderer's own reading of ``{{1}}``, ``{{ name }}``…; the consent link is left out, the
        engine fills it). Never scan placeholders here."""
        self.ensure_one()
        engine = self.env["sicantik.whatsapp.dispatcher"]._wasm()
        description = engine.describe_template(self._engine_template())
        return [p["name"] for p in description["params"] if p["ask"]]

    @api.depends(
        "code",
        "body",
        "header",
        "button_url_suffix",
        "params",
        "meta_template_name",
        "meta_language",
        "meta_param_format",
        "meta_body_params",
        "meta_header_param",
        "meta_status",
        "watzap_body",
        "fonnte_body",
        "language",
    )
    def _compute_lint(self):
        try:
            engine = self.env["sicantik.whatsapp.dispatcher"]._wasm()
        except UserError as e:
            for rec in self:
                rec.lint_result = str(e)
                rec.lint_error_count = rec.lint_warning_count = 0
            return
        for rec in self:
            if not rec.body:
                rec.lint_result = False
                rec.lint_error_count = rec.lint_warning_count = 0
                continue
            try:
                issues = engine.lint_template(rec._engine_template())
            except EngineError as e:
                issues = [{"code": e.code, "severity": "error", "message": e.message}]
            rec.lint_error_count = len([i for i in issues if i.get("severity") == "error"])
            rec.lint_warning_count = len(issues) - rec.lint_error_count
            rec.lint_result = "\n".join(
                "[%s] %s%s"
                % (
                    i.get("severity"),
                    i.get("message"),
                    " (%s)" % i["field"] if i.get("field") else "",
                )
                for i in issues
            ) or _("No problem found.")

    # ------------------------------------------------------------------
    # CRUD: the engine configuration is cached per registry
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def _compute_usage(self):
        data = (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            ._read_group(
                [("template_id", "in", self.ids), ("state", "=", "sent")],
                ["template_id"],
                ["__count", "sent_date:max"],
            )
        )
        usage = {template.id: (count, last) for template, count, last in data}
        for rec in self:
            rec.usage_count, rec.last_used = usage.get(rec.id, (0, False))

    # ------------------------------------------------------------------
    # Meta sync
    # ------------------------------------------------------------------

    @api.model
    def action_sync_from_meta(self):
        """Pull Meta's templates (every page) and update the mappings and statuses of the master
        templates whose Meta template name (and language) match.

        Managers only (they may write templates), checked before the profiles' credentials are
        used; only the Meta profiles of the user's companies are read."""
        self.check_access("write")
        providers = self.env["sicantik.whatsapp.provider"].search([("kind", "=", "meta")])
        providers = providers.filtered(lambda p: p.sudo().waba_id and p.sudo().access_token)
        if not providers:
            raise UserError(_("No Meta provider with a WhatsApp Business Account ID and an access token."))
        dispatcher = self.env["sicantik.whatsapp.dispatcher"]
        remote = []
        for provider in providers:
            remote += dispatcher._fetch_meta_templates(provider)
        updated = self._apply_meta_templates(remote)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Sync from Meta"),
                "message": _(
                    "%(remote)s templates read from Meta, %(updated)s master templates updated.",
                    remote=len(remote),
                    updated=len(updated),
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_sync_one_from_meta(self):
        return self.action_sync_from_meta()

    @api.model
    def _apply_meta_templates(self, remote):
        """Update master templates from Meta templates as parsed by the engine
        (``MetaTemplatePage.templates`` items). Returns the updated records."""
        updated = self.browse()
        now = fields.Datetime.now()
        for tmpl in self.search([("meta_template_name", "!=", False)]):
            lang = tmpl.meta_language or tmpl.language
            matches = [r for r in remote if r.get("name") == tmpl.meta_template_name]
            match = next((r for r in matches if r.get("language") == lang), None) or (
                matches[0] if len(matches) == 1 else None
            )
            if not match:
                continue
            vals = {
                "meta_status": match.get("status") or False,
                "meta_template_uid": match.get("id") or False,
                "meta_category": match.get("category") or False,
                "meta_last_sync": now,
            }
            if match.get("qualityScore"):
                vals["meta_quality"] = match["qualityScore"]
            fmt = (match.get("paramFormat") or "").lower()
            if fmt in ("positional", "named"):
                vals["meta_param_format"] = fmt
            suggested = match.get("suggestedMapping") or {}
            if fmt == "named" and not tmpl.meta_body_params and suggested.get("bodyParams"):
                # Named Meta parameters are our placeholder names: the mapping is known.
                vals["meta_body_params"] = ",".join(suggested["bodyParams"])
            if not tmpl.meta_language and match.get("language") and match["language"] != tmpl.language:
                vals["meta_language"] = match["language"]
            tmpl.write(vals)
            updated |= tmpl
        return updated

    def action_open_test_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sicantik.whatsapp.test.wizard",
            "name": _("Test Multi-Provider"),
            "view_mode": "form",
            "target": "new",
            "context": {"default_template_id": self.id, "dialog_size": "extra-large"},
        }

    @api.model
    def _sample_catalog(self, partner=None):
        """Mock values of the usual parameters by name (test wizard, payload preview widget)."""
        today = fields.Date.context_today(self)
        return {
            "partner_name": partner.name if partner else "Budi Santoso",
            "office_name": self.env.company.name,
            "permit_number": "503/IMB/2026/0001",
            "permit_type": "Persetujuan Bangunan Gedung",
            "application_number": "REG-2026-000123",
            "status": "Verifikasi berkas",
            "expiry_date": fields.Date.to_string(today),
            "valid_until": fields.Date.to_string(today.replace(year=today.year + 5)),
            "date": fields.Date.to_string(today),
            "download_url": "https://sicantik.example/izin/503-IMB-2026-0001",
        }

    def _sample_values(self, partner=None):
        """Mock values for every parameter (test wizard): the catalog's, else ``contoh <name>``."""
        self.ensure_one()
        samples = self._sample_catalog(partner)
        return {p: samples.get(p, "contoh %s" % p) for p in self._param_names()}

    def _sample_values_json(self, partner=None):
        return json.dumps(self._sample_values(partner), indent=2, ensure_ascii=False)
