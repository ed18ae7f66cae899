# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.host import EngineError
from ..models.readable import readable_http


class SicantikWhatsappTestWizard(models.TransientModel):
    """Test Multi-Provider: what the engine decides and builds for a partner and a template, and
    optionally a real send."""

    _name = "sicantik.whatsapp.test.wizard"
    _description = "WhatsApp Multi-Provider Test"

    partner_id = fields.Many2one("res.partner", string="Recipient", required=True)
    partner_phone = fields.Char(compute="_compute_partner_info", string="Phone")
    partner_opt_in = fields.Boolean(compute="_compute_partner_info", string="Opted In")
    partner_opted_out = fields.Boolean(compute="_compute_partner_info", string="Opted Out")
    template_id = fields.Many2one(
        "sicantik.whatsapp.template.master", string="Template", required=True
    )
    # One line per value the template asks for, as the engine describes it (describeTemplate),
    # created when the template changes and prefilled with sample data.
    value_ids = fields.One2many(
        "sicantik.whatsapp.test.wizard.value",
        "wizard_id",
        string="Values",
        compute="_compute_value_ids",
        store=True,
        readonly=False,
    )
    # The lines as the engine's named values: what the live preview and a run use.
    values_json = fields.Text(
        string="Values (JSON)", compute="_compute_values_json", inverse="_inverse_values_json"
    )
    mode = fields.Selection(
        [("automatic", "Automatic routing"), ("forced", "Force a provider")],
        default="automatic",
        required=True,
    )
    provider_id = fields.Many2one("sicantik.whatsapp.provider", string="Provider")
    run_mode = fields.Selection(
        [("dry_run", "Dry run (nothing is sent)"), ("send", "Send for real")],
        string="Run",
        default="dry_run",
        required=True,
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    result_provider = fields.Char(string="Chosen Provider", readonly=True)
    result_chain = fields.Char(string="Provider Chain", readonly=True)
    result_trace = fields.Text(string="Decision", readonly=True)
    result_payloads = fields.Text(string="Payload per Provider", readonly=True)
    result_outcome = fields.Text(string="Outcome", readonly=True)
    result_error = fields.Text(string="Error", readonly=True)
    message_id = fields.Many2one("sicantik.whatsapp.message", string="Message", readonly=True)

    @api.depends("partner_id")
    def _compute_partner_info(self):
        for wiz in self:
            partner = wiz.partner_id
            wiz.partner_phone = partner.mobile or partner.phone or False
            wiz.partner_opt_in = partner.wa_meta_opt_in
            wiz.partner_opted_out = partner.wa_opted_out

    def _asked_params(self):
        """The values the template asks for, in the engine's canonical order (``describeTemplate``:
        ``{"name", "positional", "role"}``; the consent link is the engine's to fill)."""
        self.ensure_one()
        if not self.template_id:
            return []
        engine = self.env["sicantik.whatsapp.catalogue"]._engine()
        description = engine.describe_template(self.template_id._engine_template())
        return [p for p in description["params"] if p["ask"]]

    @api.depends("template_id", "partner_id")
    def _compute_value_ids(self):
        for wiz in self:
            # A value typed already is kept when only the recipient changes (but their name).
            typed = {line.name: line.value for line in wiz.value_ids if line.role != "partnerName"}
            commands = [Command.clear()]
            if wiz.template_id:
                samples = wiz.template_id._sample_catalog(wiz.partner_id)
                for seq, param in enumerate(wiz._asked_params()):
                    name = param["name"]
                    value = typed.get(name) or samples.get(name, f"contoh {name}")
                    commands.append(
                        Command.create(
                            {
                                "sequence": seq,
                                "name": name,
                                "role": param["role"],
                                "positional": param["positional"],
                                "value": value,
                            }
                        )
                    )
            wiz.value_ids = commands

    @api.depends("value_ids.name", "value_ids.value")
    def _compute_values_json(self):
        for wiz in self:
            values = {line.name: line.value or "" for line in wiz.value_ids}
            wiz.values_json = json.dumps(values, indent=2, ensure_ascii=False)

    def _inverse_values_json(self):
        # Values given as JSON (RPC, scripts): one line per value, in the JSON's order.
        for wiz in self:
            values = wiz._values()
            roles = {p["name"]: p for p in wiz._asked_params()}
            wiz.value_ids = [Command.clear()] + [
                Command.create(
                    {
                        "sequence": seq,
                        "name": name,
                        "role": roles.get(name, {}).get("role", "value"),
                        "positional": roles.get(name, {}).get("positional", False),
                        "value": value if isinstance(value, str) else json.dumps(value),
                    }
                )
                for seq, (name, value) in enumerate(values.items())
            ]

    @api.onchange("template_id", "partner_id", "value_ids", "mode", "provider_id", "run_mode")
    def _onchange_inputs_clear_result(self):
        # A result belongs to the inputs it was run with: once they change, the live preview
        # (hidden under a run's error) is what the admin reads again.
        self.state = "draft"

    def _values(self):
        if not self.values_json:
            return {}
        try:
            values = json.loads(self.values_json)
        except ValueError as e:
            raise UserError(_("The values are not valid JSON: %s", e)) from None
        if not isinstance(values, dict):
            raise UserError(_('The values must be a JSON object, e.g. {"name": "Budi"}.'))
        return values

    def _provider_name(self, engine_id):
        provider = self.env["sicantik.whatsapp.provider"].sudo()._from_engine_id(engine_id)
        return provider.name or engine_id

    def _describe_decision(self, decision):
        return {
            "result_provider": self._provider_name(decision["provider"])
            if decision.get("provider")
            else _("None"),
            "result_chain": " → ".join(self._provider_name(p) for p in decision.get("chain") or [])
            or False,
            "result_trace": self.env["sicantik.whatsapp.catalogue"]._trace_text(
                decision.get("trace")
            ),
        }

    def _describe_previews(self, preview):
        catalogue = self.env["sicantik.whatsapp.catalogue"]
        blocks = []
        for item in preview.get("providers") or []:
            position = item.get("position")
            head = "== {} ({}) — {} ==".format(
                item.get("name"),
                item.get("kind"),
                _("position %s in the chain", position + 1)
                if position is not None
                else _("not eligible"),
            )
            parts = [head]
            if item.get("text"):
                parts.append(_("Text:") + "\n" + item["text"])
            if item.get("request"):
                parts.append(
                    _("Request (credentials masked):") + "\n" + readable_http(item["request"])
                )
            if item.get("error"):
                error = item["error"]
                parts.append(
                    _(
                        "Cannot build: %s",
                        catalogue._error_text(
                            error.get("code"), error.get("message"), error.get("args")
                        ),
                    )
                )
            blocks.append("\n".join(parts))
        for issue in preview.get("lint") or []:
            text = catalogue._error_text(issue.get("code"), issue.get("message"), issue.get("args"))
            blocks.append("[{}] {}".format(issue.get("severity"), text))
        return "\n\n".join(blocks)

    def _describe_message(self, message):
        lines = [
            _(
                "State: %s",
                dict(message._fields["state"]._description_selection(self.env)).get(message.state),
            ),
        ]
        if message.provider_id:
            lines.append(_("Provider: %s", message.provider_id.name))
        if message.provider_message_id:
            lines.append(_("Provider message ID: %s", message.provider_message_id))
        if message.error_code:
            lines.append(
                _(
                    "Code: %(code)s — %(message)s",
                    code=message.error_code,
                    message=message.error_text or "",
                )
            )
        for att in message.attempt_ids:
            lines.append(
                "- {}: {}{} — {}".format(
                    att.provider_id.name or att.provider_ref,
                    dict(att._fields["classification"]._description_selection(self.env)).get(
                        att.classification
                    ),
                    f" ({att.code})" if att.code else "",
                    att.detail or "",
                )
            )
        return "\n".join(lines)

    def _check_run_rights(self):
        """Before the dispatcher (which reads the recipient with ``sudo()``): a WhatsApp user who
        may read this contact, template and forced profile, in one of their active companies.
        Returns the dispatcher of the contact's company."""
        if not self.env.su and not self.env.user.has_group(
            "sicantik_whatsapp.group_sicantik_whatsapp_user"
        ):
            raise AccessError(_("Only WhatsApp users can run the multi-provider test."))
        for record in (self.partner_id, self.template_id, self.provider_id):
            record.check_access("read")
        company = self.partner_id.company_id or self.env.company
        if company not in self.env.companies:
            raise AccessError(
                _("%s belongs to a company you are not working in.", self.partner_id.display_name)
            )
        if self.provider_id.company_id and self.provider_id.company_id != company:
            raise UserError(
                _(
                    "%(provider)s does not serve %(company)s, the company of %(partner)s.",
                    provider=self.provider_id.name,
                    company=company.name,
                    partner=self.partner_id.display_name,
                )
            )
        return self.env["sicantik.whatsapp.dispatcher"].with_company(company)

    def action_run(self):
        self.ensure_one()
        if self.mode == "forced" and not self.provider_id:
            raise UserError(_("Choose the provider to force."))
        dispatcher = self._check_run_rights()
        values = self._values()
        force = self.provider_id if self.mode == "forced" else None
        vals = {
            "state": "done",
            "result_error": False,
            "result_outcome": False,
            "result_payloads": False,
            "result_trace": False,
            "result_provider": False,
            "result_chain": False,
            "message_id": False,
        }
        try:
            preview = dispatcher.preview(self.partner_id, self.template_id.code, values, force)
        except EngineError as e:
            # The admin reads the same Indonesian lead-in as on the message form; the code stays
            # for whoever they ask for help.
            text = self.env["sicantik.whatsapp.catalogue"]._error_text(e.code, e.message, e.fields)
            vals["result_error"] = f"{text} ({e.code})"
        else:
            vals.update(self._describe_decision(preview["decision"]))
            vals["result_payloads"] = self._describe_previews(preview)
            if self.run_mode == "send":
                message = dispatcher.send(self.partner_id, self.template_id.code, values, force)
                vals["message_id"] = message.id
                vals["result_outcome"] = self._describe_message(message)
        self.write(vals)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Test Multi-Provider"),
            # Room for the live payload preview.
            "context": {"dialog_size": "extra-large"},
        }

    def action_reset(self):
        self.write({"state": "draft"})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Test Multi-Provider"),
            # Room for the live payload preview.
            "context": {"dialog_size": "extra-large"},
        }


class SicantikWhatsappTestWizardValue(models.TransientModel):
    """One value of the tested template, labelled from the engine's description of it."""

    _name = "sicantik.whatsapp.test.wizard.value"
    _description = "WhatsApp Multi-Provider Test Value"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "sicantik.whatsapp.test.wizard", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    # Not readonly: the form sends them back when it saves (they are hidden columns).
    name = fields.Char(string="Parameter", required=True)
    role = fields.Char(help="The engine's role of the parameter.")
    positional = fields.Boolean()
    label = fields.Char(compute="_compute_label", string="Asks for")
    value = fields.Char()

    @api.depends("name", "role", "positional")
    @api.depends_context("lang")
    def _compute_label(self):
        for line in self:
            placeholder = "{{" + line.name + "}}"
            if line.role == "partnerName":
                line.label = _("Recipient's name %s", placeholder)
            elif line.role == "officeName":
                line.label = _("Office name %s", placeholder)
            elif line.positional:
                line.label = _(
                    "Value number %(number)s %(placeholder)s",
                    number=line.name,
                    placeholder=placeholder,
                )
            else:
                line.label = placeholder
