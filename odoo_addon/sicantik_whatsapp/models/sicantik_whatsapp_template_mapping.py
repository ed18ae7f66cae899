# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Record-bound master templates: a template names an Odoo model, and each of its parameters
(listed by the engine's ``describeTemplate``, never by a regex here) takes its value from a field
path of the record, a field of the company, a fixed text or the recipient's signed consent link.

Values are read as typed values (dates, amounts...) and written by the engine in the template's
language, so the preview and the send agree.
"""

import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine.host import EngineError

MAPPING_KINDS = [
    ("field", "Record field"),
    ("company", "Company field"),
    ("fixed", "Fixed text"),
    ("consent", "Consent link"),
]

#: The recipient's partner when neither the template nor the model says otherwise.
DEFAULT_PARTNER_FIELD = "partner_id"
#: Fields read for the number of a record that has no partner (in this order).
DEFAULT_PHONE_FIELDS = ("mobile", "phone")


class RecordValueError(Exception):
    """A record's value cannot be read: ``code`` (stable) and a translated ``message``."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def python_value(value):
    """A value given by Python code as an engine value: dates, datetimes and floats as typed
    values (written by the engine), typed values (dicts) as they are."""
    if isinstance(value, dict | str | bool | int):
        return value
    if isinstance(value, float):
        return {"type": "number", "value": value}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return {"type": "datetime", "value": fields.Datetime.to_string(value)}
    if isinstance(value, datetime.date):
        return {"type": "date", "value": fields.Date.to_string(value)}
    return str(value)


def path_error(env, model_name, path):
    """Why ``path`` is not a field path of ``model_name`` (translated), or ``None``."""
    model = env[model_name]
    names = (path or "").strip().split(".")
    for i, name in enumerate(names):
        field = model._fields.get(name)
        if field is None:
            return env._(
                '"%(path)s" is not a field path of %(model)s: %(model)s has no field "%(field)s".',
                path=path,
                model=model._name,
                field=name,
            )
        if i < len(names) - 1:
            if not field.relational:
                return env._(
                    '"%(path)s" is not a field path of %(model)s: "%(field)s" is not a relation, '
                    "nothing can follow it.",
                    path=path,
                    model=model._name,
                    field=name,
                )
            model = env[field.comodel_name]
    return None


class SicantikWhatsappTemplateMapping(models.Model):
    _name = "sicantik.whatsapp.template.mapping"
    _description = "WhatsApp Template Value Mapping"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "sicantik.whatsapp.template.master", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    param = fields.Char(string="Parameter", required=True, readonly=True)
    reserved = fields.Boolean(
        readonly=True,
        help="A parameter with a meaning for every template (recipient, office, consent link).",
    )
    kind = fields.Selection(MAPPING_KINDS, string="Value From", required=True, default="field")
    field_path = fields.Char(
        help="Field path of the template's model, e.g. partner_id.name or expiry_date. Dates, "
        "numbers and amounts are written the way the template's language writes them."
    )
    company_field = fields.Char(
        default="name", help="Field path of the company sending the message, e.g. name or phone."
    )
    fixed_value = fields.Char(string="Fixed Text")
    model = fields.Char(related="template_id.model")

    _sql_constraints = [
        ("param_unique", "UNIQUE(template_id, param)", "A parameter is mapped once per template."),
    ]

    @api.constrains("kind", "field_path", "company_field")
    def _check_paths(self):
        for rec in self:
            error = None
            if rec.kind == "field" and rec.field_path and rec.template_id.model:
                error = path_error(self.env, rec.template_id.model, rec.field_path)
            elif rec.kind == "company" and rec.company_field:
                error = path_error(self.env, "res.company", rec.company_field)
            if error:
                raise ValidationError(
                    _(
                        'Template "%(template)s", parameter %(param)s: %(error)s',
                        template=rec.template_id.display_name,
                        param=rec.param,
                        error=error,
                    )
                )

    def _rule(self, model_name):
        """This mapping as plain data, checked once for a batch of ``model_name`` records:
        ``(param, kind, names, fixed, error)`` where ``error`` is a :class:`RecordValueError` every
        record of the batch gets (a path that no longer exists, a parameter left unmapped)."""
        self.ensure_one()
        error = None
        names = None
        if self.kind in ("field", "company"):
            model, path = (
                (model_name, self.field_path)
                if self.kind == "field"
                else ("res.company", self.company_field or "name")
            )
            if not path:
                error = RecordValueError(
                    "mapping.unmapped",
                    _(
                        'Template "%(template)s": parameter %(param)s is not mapped to a field.',
                        template=self.template_id.display_name,
                        param=self.param,
                    ),
                )
            elif path_error(self.env, model, path):
                error = RecordValueError("mapping.path_missing", path_error(self.env, model, path))
            else:
                names = path.strip().split(".")
        return (self.param, self.kind, names, self.fixed_value or None, error)


# The record-bound part of the template, kept next to its mapping lines.
class SicantikWhatsappTemplateMaster(models.Model):
    _inherit = "sicantik.whatsapp.template.master"  # pylint: disable=consider-merging-classes-inherited

    model_id = fields.Many2one(
        "ir.model",
        string="Applies To",
        ondelete="set null",
        domain=[("transient", "=", False)],
        help="Records of this model can send the template: each parameter takes its value from "
        "the record. Empty: the caller gives every value (as before).",
    )
    model = fields.Char(related="model_id.model", store=True, string="Model Name")
    partner_field = fields.Char(
        string="Recipient Field",
        help="Field path of the record's recipient (a contact). Empty: the model's own choice, "
        "else partner_id; a record without a contact is sent to its mobile or phone field.",
    )
    mapping_ids = fields.One2many(
        "sicantik.whatsapp.template.mapping", "template_id", string="Values", copy=True
    )
    preview_record = fields.Reference(
        selection="_selection_preview_models",
        help="A record of the template's model: the live preview shows its values.",
    )

    @api.model
    def _selection_preview_models(self):
        models_ = self.env["ir.model"].sudo().search([("transient", "=", False)])
        return [(m.model, m.name) for m in models_]

    @api.constrains("model_id", "partner_field")
    def _check_partner_field(self):
        for rec in self.filtered("model_id"):
            if rec.partner_field:
                error = path_error(self.env, rec.model, rec.partner_field)
                if error:
                    raise ValidationError(
                        _(
                            'Template "%(template)s", recipient field: %(error)s',
                            template=rec.display_name,
                            error=error,
                        )
                    )
                if rec._path_target(rec.partner_field) != "res.partner":
                    raise ValidationError(
                        _(
                            'Template "%(template)s": the recipient field "%(path)s" must lead to '
                            "a contact.",
                            template=rec.display_name,
                            path=rec.partner_field,
                        )
                    )
            # Mapped paths are checked again: the model may have changed.
            rec.mapping_ids._check_paths()

    def _path_target(self, path):
        """The model a (valid) field path of the template's model leads to, ``False`` when its
        last field is not a relation."""
        model = self.env[self.model]
        for name in path.strip().split("."):
            field = model._fields[name]
            if not field.relational:
                return False
            model = self.env[field.comodel_name]
        return model._name

    @api.constrains("preview_record", "model_id")
    def _check_preview_record(self):
        for rec in self:
            if rec.preview_record and rec.preview_record._name != rec.model:
                raise ValidationError(
                    _(
                        "The preview record must be a record of %(model)s.",
                        model=rec.model_id.name or "-",
                    )
                )

    # ------------------------------------------------------------------
    # Parameters (from the engine) and their mappings
    # ------------------------------------------------------------------

    def _engine_params(self):
        """``[{"name", "role", ...}]``: the template's parameters in canonical order, as the
        engine describes them (``describeTemplate``; ``role`` is ``value`` or a reserved one);
        empty when its texts do not parse yet."""
        self.ensure_one()
        if not self.body:
            return []
        try:
            description = (
                self.env["sicantik.whatsapp.dispatcher"]
                ._wasm()
                .describe_template(self._engine_template())
            )
        except (EngineError, UserError):
            return []
        return description["params"]

    def _default_mapping(self, param):
        """The values of a new mapping line for ``param`` (a ``describeTemplate`` parameter)."""
        name = param["name"]
        vals = {
            "template_id": self.id,
            "param": name,
            "reserved": param["role"] != "value",
            "kind": "field",
        }
        if name == "opt_in_link":
            vals["kind"] = "consent"
        elif name == "office_name":
            vals.update(kind="company", company_field="name")
        else:
            guess = name
            if name == "partner_name":
                partner_path = self.partner_field or self._partner_field_of_model()
                guess = (
                    f"{partner_path}.name"
                    if partner_path
                    else "name"
                    if self.model == "res.partner"
                    else ""
                )
            if guess and not path_error(self.env, self.model, guess):
                vals["field_path"] = guess
        return vals

    def _sync_mappings(self):
        """One mapping line per parameter of a bound template (new ones get a guess), in the
        engine's order; lines of parameters the template no longer has are removed."""
        for rec in self.filtered("model_id"):
            params = rec._engine_params()
            if not params and rec.body:
                continue  # texts do not parse: keep the lines until they do
            names = [p["name"] for p in params]
            rec.mapping_ids.filtered(lambda m, names=names: m.param not in names).unlink()
            existing = {m.param: m for m in rec.mapping_ids}
            new = [rec._default_mapping(p) for p in params if p["name"] not in existing]
            if new:
                self.env["sicantik.whatsapp.template.mapping"].create(new)
            for sequence, name in enumerate(names):
                line = existing.get(name) or rec.mapping_ids.filtered(
                    lambda m, n=name: m.param == n
                )
                if line.sequence != sequence:
                    line.sequence = sequence

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._sync_mappings()
        return records

    def write(self, vals):
        res = super().write(vals)
        if {"model_id", "body", "header", "button_url_suffix", "params", "partner_field"} & set(
            vals
        ):
            self._sync_mappings()
        return res

    def action_sync_mappings(self):
        self._sync_mappings()
        return True
