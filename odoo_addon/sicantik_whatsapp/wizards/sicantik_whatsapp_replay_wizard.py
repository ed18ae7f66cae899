# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shadow replay of a routing change: before a WhatsApp manager changes the default provider, the
fallback order, a profile's state or a template's Meta mapping, the last N messages of their
company go through the engine's ``replay`` op with the configuration in force and with the draft
held by this wizard. Nothing is sent and nothing is saved: the draft lives in the wizard only.
"""

import copy

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.host import EngineError
from ..models.res_partner import PREVIEW_LINK_CONTEXT
from ..models.sicantik_whatsapp_provider import MANAGER_GROUP
from ..models.sicantik_whatsapp_template_master import META_FIELDS
from ..services import engine_access

#: The engine's bound on one replay (src/replay.rs MAX_MESSAGES).
MAX_MESSAGES = 10000


class SicantikWhatsappReplayWizard(models.TransientModel):
    _name = "sicantik.whatsapp.replay.wizard"
    _description = "WhatsApp Routing Change Replay"

    source = fields.Selection(
        [
            ("settings", "Settings"),
            ("provider", "Provider profile"),
            ("template", "Master template"),
        ],
        default="settings",
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    message_count = fields.Integer(
        string="Messages to Replay",
        default=1000,
        required=True,
        help="The company's last N messages (at most 10,000) are replayed; nothing is sent.",
    )
    draft_default_provider_id = fields.Many2one(
        "sicantik.whatsapp.provider",
        string="Default Provider (draft)",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Empty: the first Meta profile, as in the settings.",
    )
    line_ids = fields.One2many(
        "sicantik.whatsapp.replay.wizard.line",
        "wizard_id",
        string="Profiles (draft order and state)",
    )
    template_id = fields.Many2one(
        "sicantik.whatsapp.template.master", string="Template", readonly=True
    )
    draft_meta_template_name = fields.Char(string="Meta Template Name (draft)")
    draft_meta_language = fields.Char(string="Meta Language (draft)")
    draft_meta_param_format = fields.Selection(
        [("positional", "Positional ({{1}}, {{2}}...)"), ("named", "Named")],
        string="Meta Parameter Format (draft)",
        default="positional",
    )
    draft_meta_body_params = fields.Char(string="Meta Body Parameters (draft)")
    draft_meta_header_param = fields.Char(string="Meta Header Parameter (draft)")
    draft_meta_button_index = fields.Integer(string="Meta URL Button Index (draft)")
    draft_meta_status = fields.Char(string="Meta Status (draft)")

    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    result_html = fields.Html(string="Result", readonly=True, sanitize=False)
    example_ids = fields.One2many(
        "sicantik.whatsapp.replay.wizard.example", "wizard_id", string="Examples", readonly=True
    )

    # ------------------------------------------------------------------
    # Draft, pre-filled from what is in force
    # ------------------------------------------------------------------

    @api.model
    def _check_rights(self, record=None):
        """WhatsApp managers only, and for a profile or template, managers who may edit it
        (their company's profiles; shared ones are the administrators')."""
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only WhatsApp managers can replay a routing change."))
        if record:
            record.check_access("write")

    @api.model
    def default_get(self, fields_list):
        self._check_rights()
        values = super().default_get(fields_list)
        ctx = self.env.context
        company = self.env.company
        source = ctx.get("sicantik_whatsapp_replay_source") or "settings"
        active = None
        if source in ("provider", "template") and ctx.get("active_id"):
            model = (
                "sicantik.whatsapp.provider"
                if source == "provider"
                else "sicantik.whatsapp.template.master"
            )
            active = self.env[model].browse(ctx["active_id"]).exists()
            self._check_rights(active)
        values["source"] = source
        values["company_id"] = company.id
        if "draft_default_provider_id" not in values:
            default = engine_access.default_provider(self.env, company)
            values["draft_default_provider_id"] = default.id or False
        lines = []
        for provider in engine_access.routing_providers(self.env, company):
            state = provider.state
            if source == "provider" and provider == active:
                # The change about to be made: the profile in or out of service.
                state = "draft" if state == "configured" else "configured"
            lines.append(
                (0, 0, {"provider_id": provider.id, "sequence": provider.sequence, "state": state})
            )
        values["line_ids"] = lines
        if source == "template" and active:
            values["template_id"] = active.id
            for name in META_FIELDS:
                values["draft_" + name] = active[name]
        return values

    def _draft_config(self, current):
        """``current`` (an ``EngineConfig``) with this wizard's draft applied."""
        self.ensure_one()
        draft = copy.deepcopy(current)
        draft["defaultProvider"] = (
            self.draft_default_provider_id._engine_id() if self.draft_default_provider_id else None
        )
        # The fallback order is the profiles' order: the draft's lines, by sequence then id.
        by_id = {p["id"]: p for p in draft["providers"]}
        ordered = []
        for line in self.line_ids.sorted(lambda line: (line.sequence, line.provider_id.id)):
            provider = by_id.pop(line.provider_id._engine_id(), None)
            if provider is not None:
                provider["state"] = line.state
                ordered.append(provider)
        draft["providers"] = ordered + list(by_id.values())
        if self.template_id:
            code = self.template_id.code
            meta = self.template_id._engine_meta(
                {name: self["draft_" + name] for name in META_FIELDS}
            )
            for template in draft["templates"]:
                if template["code"] == code:
                    template["meta"] = meta
        return draft

    # ------------------------------------------------------------------
    # Replay
    # ------------------------------------------------------------------

    def _messages(self):
        """The company's last ``message_count`` routed messages (forced test sends are not
        routed: a routing change cannot move them)."""
        self.ensure_one()
        return (
            self.env["sicantik.whatsapp.message"]
            .sudo()
            .search(
                [("company_id", "=", self.company_id.id), ("force_provider_id", "=", False)],
                order="id desc",
                limit=self.message_count,
            )
        )

    def _replayable(self, messages):
        """``(refs and notifications, not replayable count)``: a message whose recipient was
        deleted or whose values were purged by retention cannot be rebuilt, and is not guessed."""
        dispatcher = self.env["sicantik.whatsapp.dispatcher"].with_company(self.company_id)
        items, skipped = [], 0
        for message in messages:
            partner = message.partner_id.with_context(**{PREVIEW_LINK_CONTEXT: True})
            if not partner or message.evidence_purged or not message.values_json:
                skipped += 1
                continue
            notification = dispatcher._notification(
                partner, message.template_code, message._values()
            )
            items.append({"ref": message.id, "notification": notification})
        return items, skipped

    def action_replay(self):
        self.ensure_one()
        self._check_rights()
        if not 1 <= self.message_count <= MAX_MESSAGES:
            raise UserError(_("Replay between 1 and %s messages.", MAX_MESSAGES))
        dispatcher = self.env["sicantik.whatsapp.dispatcher"]
        # Built from the records (not the cache): the draft must start from what is in force now.
        current = dispatcher.sudo()._build_engine_config(self.company_id)
        draft = self._draft_config(current)
        messages, skipped = self._replayable(self._messages())
        try:
            report = dispatcher._wasm().call(
                "replay", {"current": current, "draft": draft, "messages": messages, "examples": 5}
            )
        except EngineError as e:
            raise UserError(
                _(
                    "The draft cannot be replayed: %(message)s [%(code)s]",
                    message=self.env["sicantik.whatsapp.catalogue"]._error_text(
                        e.code, e.message, e.fields
                    ),
                    code=e.code,
                )
            ) from None
        self.example_ids.unlink()
        self.write(
            {
                "state": "done",
                "result_html": self._report_html(report, skipped),
                "example_ids": [
                    (0, 0, self._example_vals(e)) for e in report.get("examples") or []
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    def _provider_label(self, engine_id):
        if not engine_id:
            return _("none")
        provider = self.env["sicantik.whatsapp.provider"].sudo()._from_engine_id(engine_id)
        return provider.name or engine_id

    def _side_label(self, side):
        if side.get("error"):
            error = side["error"]
            # The refusal in the catalogue's words with its arguments, and its code for support.
            return _(
                "Refused: %(reason)s (%(code)s)",
                reason=self.env["sicantik.whatsapp.catalogue"]._error_text(
                    error["code"], error.get("message"), error.get("args")
                ),
                code=error["code"],
            )
        label = self._provider_label(side.get("provider"))
        if side.get("invitation"):
            label = _("%s + invitation", label)
        return label

    def _example_vals(self, example):
        return {
            "message_id": example["ref"],
            "changes": ", ".join(self._change_label(k) for k in example.get("changes") or []),
            "current": self._side_label(example["current"]),
            "draft": self._side_label(example["draft"]),
            "codes": " ".join(example["draft"].get("codes") or []),
        }

    @api.model
    def _change_label(self, kind):
        return {
            "providerChanged": _("Sent by another provider"),
            "invitationLost": _("Lose the opt-in invitation"),
            "invitationGained": _("Gain the opt-in invitation"),
            "becameIneligible": _("Become ineligible (nothing may be sent)"),
            "becameEligible": _("Become eligible again"),
            "newlyRefused": _("Refused by the engine"),
            "noLongerRefused": _("No longer refused"),
        }.get(kind, kind)

    def _report_html(self, report, skipped):
        current, draft = report["current"], report["draft"]

        def row(label, a, b, strong=False):
            cell = Markup("<td class='text-end'>%s</td>")
            delta = b - a
            change = "=" if not delta else ("%+d" % delta)
            html = Markup("<tr%s><td>%s</td>") % (
                Markup(" class='fw-bold'") if strong else "",
                label,
            )
            return html + cell % a + cell % b + cell % change + Markup("</tr>")

        rows = []
        names = sorted(set(current["byProvider"]) | set(draft["byProvider"]))
        for name in names:
            rows.append(
                row(
                    _("Sent by %s", self._provider_label(name)),
                    current["byProvider"].get(name, 0),
                    draft["byProvider"].get(name, 0),
                )
            )
        rows.append(row(_("Nothing may be sent"), current["ineligible"], draft["ineligible"]))
        rows.append(
            row(_("With the opt-in invitation"), current["withInvitation"], draft["withInvitation"])
        )
        rows.append(row(_("Refused by the engine"), current["refused"], draft["refused"]))
        for code in sorted(set(current["refusedCodes"]) | set(draft["refusedCodes"])):
            rows.append(
                row(code, current["refusedCodes"].get(code, 0), draft["refusedCodes"].get(code, 0))
            )
        head = Markup(
            "<table class='table table-sm o_sicantik_whatsapp_replay'><thead><tr><th></th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "</tr></thead><tbody>"
        ) % (_("In force"), _("Draft"), _("Change"))
        table = head + Markup("").join(rows) + Markup("</tbody></table>")
        changes = Markup("").join(
            # The engine's kinds of change, in its order (a JSON object keeps it).
            Markup("<li>%s: <b>%s</b></li>") % (self._change_label(kind), count)
            for kind, count in report["changes"].items()
            if count
        )
        summary = Markup("<p>%s</p>") % _(
            "%(changed)s of %(replayed)s replayed messages would change. %(skipped)s messages "
            "could not be replayed (recipient deleted or values purged by retention). "
            "Nothing was sent.",
            changed=report["changed"],
            replayed=report["replayed"],
            skipped=skipped,
        )
        return summary + (Markup("<ul>%s</ul>") % changes if changes else Markup("")) + table


class SicantikWhatsappReplayWizardLine(models.TransientModel):
    _name = "sicantik.whatsapp.replay.wizard.line"
    _description = "WhatsApp Routing Change Replay: Draft Profile"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "sicantik.whatsapp.replay.wizard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    provider_id = fields.Many2one(
        "sicantik.whatsapp.provider", string="Profile", required=True, readonly=True
    )
    kind = fields.Selection(related="provider_id.kind")
    state = fields.Selection(
        [("draft", "Draft"), ("configured", "Configured"), ("error", "Error")],
        string="State (draft)",
        required=True,
    )


class SicantikWhatsappReplayWizardExample(models.TransientModel):
    _name = "sicantik.whatsapp.replay.wizard.example"
    _description = "WhatsApp Routing Change Replay: Example"

    wizard_id = fields.Many2one(
        "sicantik.whatsapp.replay.wizard", required=True, ondelete="cascade"
    )
    message_id = fields.Many2one("sicantik.whatsapp.message", string="Message", readonly=True)
    changes = fields.Char(readonly=True)
    current = fields.Char(string="In Force", readonly=True)
    draft = fields.Char(readonly=True)
    codes = fields.Char(string="Draft Reasons", readonly=True)

    def action_open_message(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sicantik.whatsapp.message",
            "res_id": self.message_id.id,
            "view_mode": "form",
            "target": "current",
        }
