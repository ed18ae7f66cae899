# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

PERMIT_STATES = [
    ("draft", "Draft"),
    ("review", "Under Review"),
    ("done", "Issued"),
    ("cancel", "Cancelled"),
]


class SicantikWhatsappExamplePermit(models.Model):
    """A permit as a permit office's own module would have it. Notifying its holder is one
    line: ``permit._sicantik_whatsapp_send("permit_ready")``; the values come from the template's
    mapping (its "Applies To" is this model)."""

    _name = "sicantik.whatsapp.example.permit"
    _description = "Permit (WhatsApp example)"
    _inherit = ["mail.thread", "sicantik.whatsapp.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Permit Number", required=True, tracking=True, copy=False)
    partner_id = fields.Many2one("res.partner", string="Holder", tracking=True, check_company=True)
    permit_type = fields.Selection(
        [
            ("pbg", "Building Approval (PBG)"),
            ("siup", "Trading Business Licence (SIUP)"),
            ("reklame", "Billboard Permit"),
        ],
        required=True,
        default="pbg",
    )
    state = fields.Selection(PERMIT_STATES, default="draft", required=True, tracking=True)
    issue_date = fields.Date()
    expiry_date = fields.Date(tracking=True)
    fee = fields.Monetary(string="Levy", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "name_company_unique",
            "UNIQUE(name, company_id)",
            "A permit number is used once per company.",
        ),
    ]

    def action_issue(self):
        """Issue the permits and tell their holders (through the outbox: the transaction may
        still roll back, a queued message goes with it)."""
        if self.filtered(lambda p: p.state != "review"):
            raise UserError(_("Only permits under review can be issued."))
        self.write({"state": "done", "issue_date": fields.Date.context_today(self)})
        return self._sicantik_whatsapp_enqueue("permit_ready")

    def action_review(self):
        self.write({"state": "review"})

    def action_cancel(self):
        self.write({"state": "cancel"})

    def action_notify_now(self):
        """Send "permit ready" now, from the form (a button for the example)."""
        messages = self._sicantik_whatsapp_send("permit_ready")
        failed = messages.filtered(lambda m: m.state == "failed")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("WhatsApp"),
                "message": failed[:1].error_message
                or _(
                    "%(count)s message(s): %(states)s",
                    count=len(messages),
                    states=", ".join(messages.mapped("state")),
                ),
                "type": "warning" if failed else "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
