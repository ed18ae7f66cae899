# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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


#: Meta's template review statuses (providers.md C.3), labelled for people. ``meta_status`` keeps
#: Meta's word as received (a status Meta adds later is stored, not refused); these are its labels.
META_STATUSES = [
    ("APPROVED", "Approved"),
    ("PENDING", "Under review"),
    ("REJECTED", "Rejected"),
    ("PAUSED", "Paused"),
    ("DISABLED", "Disabled"),
    ("IN_APPEAL", "In appeal"),
    ("PENDING_DELETION", "Being deleted"),
    ("DELETED", "Deleted"),
    ("LIMIT_EXCEEDED", "Limit exceeded"),
    ("FLAGGED", "Flagged"),
    ("REINSTATED", "Reinstated"),
    ("ARCHIVED", "Archived template"),
    ("UNARCHIVED", "Unarchived"),
    ("LOCKED", "Locked"),
]
#: Meta's quality ratings.
META_QUALITIES = [
    ("GREEN", "High"),
    ("YELLOW", "Medium"),
    ("RED", "Low"),
    ("UNKNOWN", "Not rated yet"),
]


def _split_list(text):
    return [p.strip() for p in (text or "").split(",") if p.strip()]


#: What Meta said about a template, stored from its webhooks and the sync: part of the engine's
#: Meta mapping, not of the mapping an admin edits (nor of the replay wizard's draft).
META_HEALTH_FIELDS = ("meta_quality", "meta_approved_param_count", "meta_approved_known")

#: Fields whose change can make Meta refuse the template (the engine judges it again).
META_HEALTH_TRIGGERS = (
    "body",
    "header",
    "button_url_suffix",
    "params",
    "meta_template_name",
    "meta_param_format",
    "meta_body_params",
    "meta_status",
) + META_HEALTH_FIELDS


class SicantikWhatsappTemplateMaster(models.Model):
    _name = "sicantik.whatsapp.template.master"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "sicantik.whatsapp.engine.config.mixin",
    ]
    _description = "WhatsApp Master Template"
    _order = "code"

    code = fields.Char(required=True, help="Stable code used by other modules, e.g. permit_ready.")
    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    language = fields.Char(
        default="id", required=True, help="Language code as Meta uses it (id, en_US)."
    )
    body = fields.Text(required=True, help="Message text with {{named}} placeholders.")
    header = fields.Char(
        help="Optional text header (Meta: at most 60 characters, one placeholder)."
    )
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
        help="Name of the approved template on Meta (lowercase, digits, underscore).",
    )
    meta_language = fields.Char(help="Empty: the template's language.")
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
        copy=False,
        help="Review status on Meta as last synced (APPROVED, PENDING, REJECTED...). When set and "
        "not approved, Meta is not used for this template.",
    )
    meta_status_label = fields.Selection(
        META_STATUSES, string="Review on Meta", compute="_compute_meta_labels"
    )
    meta_quality_label = fields.Selection(
        META_QUALITIES, string="Quality on Meta", compute="_compute_meta_labels"
    )
    meta_template_uid = fields.Char(string="Meta Template ID", copy=False, readonly=True)
    meta_category = fields.Char(copy=False, readonly=True)
    meta_quality = fields.Char(copy=False, readonly=True)
    meta_last_sync = fields.Datetime(string="Last Meta Sync", copy=False, readonly=True)
    meta_approved_param_count = fields.Integer(
        string="Approved Meta Parameters",
        copy=False,
        readonly=True,
        help="Body parameters of the Meta template as Meta approved it (from the sync). When the "
        "body sends another number, Meta would refuse every send: Meta is skipped.",
    )
    meta_approved_known = fields.Boolean(
        string="Approved Parameters Known", copy=False, readonly=True
    )
    meta_usable = fields.Boolean(
        default=True,
        copy=False,
        readonly=True,
        help="Whether Meta takes this template now (status, quality, unchanged since approval). "
        "When not, its citizens get the message through a gateway, with the invitation.",
    )
    meta_health_code = fields.Char(string="Meta Skip Code", copy=False, readonly=True)
    meta_health_message = fields.Text(string="Why Meta Is Skipped", copy=False, readonly=True)
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
        meta = self._engine_meta({name: self[name] for name in META_FIELDS + META_HEALTH_FIELDS})
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

    @api.constrains(
        "body",
        "header",
        "button_url_suffix",
        "params",
        "meta_body_params",
        "watzap_body",
        "fonnte_body",
    )
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
                    self.env["sicantik.whatsapp.catalogue"]._sentence(
                        limit["code"], limit.get("args"), default=limit.get("message")
                    )
                )

    @api.model
    def _engine_meta(self, values):
        """The engine's Meta mapping from the ``meta_*`` field values in ``values`` (a record's,
        or a draft's: the replay wizard); ``None`` without a Meta template name. What Meta said
        (:data:`META_HEALTH_FIELDS`) is the record's own unless ``values`` has it."""
        if not values.get("meta_template_name"):
            return None
        health = {
            name: values[name] if name in values else (self[name] if len(self) == 1 else False)
            for name in META_HEALTH_FIELDS
        }
        return {
            "quality": health["meta_quality"] or None,
            "approvedBodyParamCount": health["meta_approved_param_count"]
            if health["meta_approved_known"]
            else None,
            "templateName": values["meta_template_name"],
            "language": values.get("meta_language") or None,
            "paramFormat": values.get("meta_param_format") or "positional",
            "bodyParams": _split_list(values.get("meta_body_params")),
            "headerParam": values.get("meta_header_param") or None,
            "buttonIndex": values.get("meta_button_index") or 0,
            "status": values.get("meta_status") or None,
        }

    @api.depends("meta_status", "meta_quality")
    def _compute_meta_labels(self):
        statuses = dict(META_STATUSES)
        qualities = dict(META_QUALITIES)
        for tmpl in self:
            status = (tmpl.meta_status or "").strip().upper()
            quality = (tmpl.meta_quality or "").strip().upper()
            tmpl.meta_status_label = status if status in statuses else False
            tmpl.meta_quality_label = quality if quality in qualities else False

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
        "meta_approved_param_count",
        "meta_approved_known",
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
                issues = [
                    {"code": e.code, "severity": "error", "message": e.message, "args": e.fields}
                ]
            rec.lint_error_count = len([i for i in issues if i.get("severity") == "error"])
            rec.lint_warning_count = len(issues) - rec.lint_error_count
            # Each issue in the catalogue's words with its arguments; the engine's own words
            # only where the sentence would keep an unfilled {arg} (or the code has none).
            catalogue = self.env["sicantik.whatsapp.catalogue"]
            rec.lint_result = "\n".join(
                "[{}] {}{}".format(
                    i.get("severity"),
                    catalogue._sentence(i.get("code"), i.get("args"), default=i.get("message")),
                    " ({})".format(i["field"]) if i.get("field") else "",
                )
                for i in issues
            ) or _("No problem found.")

    # ------------------------------------------------------------------
    # CRUD: Meta health follows an edit (the engine.config mixin clears the cached configuration)
    # ------------------------------------------------------------------

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("sicantik_whatsapp_no_health") and set(vals) & set(
            META_HEALTH_TRIGGERS
        ):
            self._check_meta_health()
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
