# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


def _quiet_default(name):
    """A ``float_time`` default from the engine's catalogue (``"21:00"`` → ``21.0``)."""

    def default(self):
        text = self.env["sicantik.whatsapp.catalogue"]._default(name)
        if not text:
            return 0.0
        hours, minutes = text.split(":")
        return int(hours) + int(minutes) / 60

    return default


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sicantik_wa_default_provider_id = fields.Many2one(
        "sicantik.whatsapp.provider",
        string="Default WhatsApp Provider",
        config_parameter="sicantik_whatsapp.default_provider_id",
        help="Provider tried first. Empty: the first Meta Cloud API profile (a database that only "
        "used Meta keeps working unchanged).",
    )
    sicantik_wa_opt_in_text = fields.Char(
        string="Opt-in Invitation",
        config_parameter="sicantik_whatsapp.opt_in_text",
        # The engine's default words ({url} is the personal link), from its catalogue.
        default=lambda self: self.env["sicantik.whatsapp.catalogue"]._default("optInText"),
        help="Appended to Watzap/Fonnte messages for citizens who have not opted in; {url} is "
        "replaced by their personal consent link.",
    )
    sicantik_wa_default_country = fields.Char(
        string="Default Calling Code",
        config_parameter="sicantik_whatsapp.default_country",
        default=lambda self: self.env["sicantik.whatsapp.catalogue"]._default("country"),
        help="Calling code assumed for numbers written without one (62 for Indonesia).",
    )
    sicantik_wa_sending_timeout = fields.Integer(
        string="Stuck Sending Timeout (minutes)",
        config_parameter="sicantik_whatsapp.sending_timeout_minutes",
        default=15,
        help="Messages still 'sending' after this delay (a worker died mid-send) become 'unknown'; "
        "they are never resent automatically.",
    )
    sicantik_wa_consent_link_days = fields.Integer(
        string="Consent Link Validity (days)",
        config_parameter="sicantik_whatsapp.consent_link_days",
        default=30,
        help="A personal consent link works this many days after it was sent, once. Every "
        "invitation carries a new link.",
    )
    sicantik_wa_quiet_hours = fields.Boolean(
        string="Quiet Hours",
        config_parameter="sicantik_whatsapp.quiet_hours",
        help="Non-urgent notifications are not sent during the quiet window or on office holidays, "
        "in the citizen's own time zone (their contact's time zone, else the company's, else WIB): "
        "they wait for the next allowed moment.",
    )
    sicantik_wa_quiet_start = fields.Float(
        string="Quiet From",
        config_parameter="sicantik_whatsapp.quiet_start",
        default=_quiet_default("quietStart"),
        help="Start of the quiet window, local time of the citizen.",
    )
    sicantik_wa_quiet_end = fields.Float(
        string="Quiet Until",
        config_parameter="sicantik_whatsapp.quiet_end",
        default=_quiet_default("quietEnd"),
        help="End of the quiet window (messages leave from this time on). Equal to the start: no "
        "window, holidays only.",
    )
    sicantik_wa_retention_days = fields.Integer(
        string="Retention (days)",
        config_parameter="sicantik_whatsapp.retention_days",
        default=365,
        help="Message texts, payloads and provider answers older than this are purged by a daily "
        "job; their SHA-256, the states, times and consent evidence are kept.",
    )
