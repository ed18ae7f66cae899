# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import api, fields, models
from odoo.tools import str2bool

PARAM_QUIET_HOURS = "sicantik_whatsapp.quiet_hours"
PARAM_QUIET_START = "sicantik_whatsapp.quiet_start"
PARAM_QUIET_END = "sicantik_whatsapp.quiet_end"
#: The engine's limit on holidays in a configuration.
MAX_HOLIDAYS = 1000


def _hhmm(hours):
    """``21.5`` (a float_time field) as ``"21:30"``; 24:00 is midnight."""
    minutes = int(round(float(hours or 0) * 60)) % (24 * 60)
    return "%02d:%02d" % divmod(minutes, 60)


class SicantikWhatsappHoliday(models.Model):
    """An office holiday: no non-urgent notification leaves on that date (the recipient's local
    date). The engine holds such messages until the next allowed moment."""

    _name = "sicantik.whatsapp.holiday"
    _inherit = ["sicantik.whatsapp.engine.config.mixin"]
    _description = "WhatsApp Office Holiday"
    _order = "date desc, id"

    name = fields.Char(required=True, help="E.g. Hari Raya Idul Fitri, Hari Kemerdekaan.")
    date = fields.Date(required=True, index=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        default=lambda self: self.env.company,
        help="The office whose holiday it is; empty: every company of the database.",
    )

    _sql_constraints = [
        (
            "date_company_unique",
            "unique(date, company_id)",
            "This date is already a holiday of this company.",
        ),
    ]

    @api.model
    def _engine_quiet_hours(self, company):
        """The engine's ``quietHours`` for ``company`` (``None`` when switched off): the window
        from the settings and the holidays from two days ago on (a holiday is a local date, and
        the recipient may be a day behind the server)."""
        icp = self.env["ir.config_parameter"].sudo()
        if not str2bool(icp.get_param(PARAM_QUIET_HOURS) or "False", False):
            return None
        since = fields.Date.context_today(self) - datetime.timedelta(days=2)
        holidays = self.sudo().search(
            [("company_id", "in", [False, company.id]), ("date", ">=", since)],
            order="date",
            limit=MAX_HOLIDAYS,
        )
        quiet = {"holidays": sorted({fields.Date.to_string(h.date) for h in holidays})}
        # A window never saved in the settings is the engine's default one (left out).
        for key, param in (("start", PARAM_QUIET_START), ("end", PARAM_QUIET_END)):
            value = icp.get_param(param)
            if value not in (None, False, ""):
                quiet[key] = _hhmm(value)
        return quiet
