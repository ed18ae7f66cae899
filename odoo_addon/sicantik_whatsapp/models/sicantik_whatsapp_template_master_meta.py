# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The master template's side of Meta: its verdict on each template (health, told to the
managers) and the sync of statuses and mappings from Meta's template list."""

import logging

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine.host import EngineError

_logger = logging.getLogger(__name__)


class SicantikWhatsappTemplateMaster(models.Model):
    _inherit = "sicantik.whatsapp.template.master"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Health: Meta's verdict on the template, told to the managers when it changes
    # ------------------------------------------------------------------

    def _check_meta_health(self):
        """Ask the engine whether Meta takes each template now (``metaTemplateHealth``: status,
        quality, an edit since Meta's approval) and store it; when that changes, the managers are
        told (an activity and a chatter note going out of use, the activity closed coming back)."""
        try:
            engine = self.env["sicantik.whatsapp.dispatcher"]._wasm()
        except UserError:
            return
        for rec in self.sudo().with_context(sicantik_whatsapp_no_health=True):
            try:
                health = engine.call("metaTemplateHealth", rec._engine_template())
            except EngineError as e:
                _logger.warning("WhatsApp template %s: Meta health not checked: %s", rec.code, e)
                continue
            usable = bool(health.get("usable"))
            vals = {
                "meta_usable": usable,
                "meta_health_code": health.get("code") or False,
                "meta_health_message": health.get("message") or False,
            }
            if all(rec[k] == v for k, v in vals.items()):
                continue
            was_usable = rec.meta_usable
            rec.write(vals)
            if was_usable and not usable:
                rec._notify_meta_skipped(vals["meta_health_code"], vals["meta_health_message"])
            elif usable and not was_usable:
                rec._notify_meta_back()

    def _health_activities(self):
        activity_type = self.env.ref("mail.mail_activity_data_warning", raise_if_not_found=False)
        return self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def _notify_meta_skipped(self, code, message):
        self.ensure_one()
        note = Markup("<p>%s</p><p>[%s] %s</p>") % (
            _(
                "Meta does not take template %(template)s now: its citizens get the message "
                "through a gateway (Watzap.id, Fonnte), with the invitation to opt in.",
                template=self.meta_template_name,
            ),
            code or "",
            message or "",
        )
        self.message_post(body=note, subtype_xmlid="mail.mt_note")
        summary = _("Meta skips WhatsApp template %(name)s", name=self.name)
        for user in self.env["sicantik.whatsapp.provider"]._managers():
            self.activity_schedule(
                "mail.mail_activity_data_warning", summary=summary, note=note, user_id=user.id
            )

    def _notify_meta_back(self):
        self.ensure_one()
        text = _(
            "Meta takes template %(template)s again: routing uses Meta for it again.",
            template=self.meta_template_name,
        )
        self._health_activities().action_feedback(feedback=text)
        self.message_post(body=Markup("<p>%s</p>") % text, subtype_xmlid="mail.mt_note")

    @api.model
    def _apply_meta_template_events(self, events, waba_ids=None):
        """Store the template statuses and quality scores of Meta's webhook (the engine's
        ``metaTemplateEvents``), on the master templates mapped to that Meta template name and
        language; ``waba_ids``: the WhatsApp Business Accounts of the profiles that signed the
        webhook (an event of another account is ignored). Returns the updated templates."""
        updated = self.browse()
        for event in events:
            if waba_ids is not None and event.get("wabaId") and event["wabaId"] not in waba_ids:
                continue
            vals = {}
            if event.get("status"):
                vals["meta_status"] = event["status"]
            if event.get("quality"):
                vals["meta_quality"] = event["quality"]
            if not vals:
                continue
            for tmpl in self.sudo().search(
                [("meta_template_name", "=", event.get("templateName"))]
            ):
                lang = event.get("language")
                if lang and (tmpl.meta_language or tmpl.language) != lang:
                    continue
                tmpl.write(vals)
                updated |= tmpl
        return updated

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
            raise UserError(
                _("No Meta provider with a WhatsApp Business Account ID and an access token.")
            )
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
            # What Meta approved, as the engine reads it (only an approved version counts).
            approved = (match.get("suggestedMapping") or {}).get("approvedBodyParamCount")
            if approved is not None:
                vals.update(meta_approved_param_count=approved, meta_approved_known=True)
            fmt = (match.get("paramFormat") or "").lower()
            if fmt in ("positional", "named"):
                vals["meta_param_format"] = fmt
            suggested = match.get("suggestedMapping") or {}
            if fmt == "named" and not tmpl.meta_body_params and suggested.get("bodyParams"):
                # Named Meta parameters are our placeholder names: the mapping is known.
                vals["meta_body_params"] = ",".join(suggested["bodyParams"])
            if (
                not tmpl.meta_language
                and match.get("language")
                and match["language"] != tmpl.language
            ):
                vals["meta_language"] = match["language"]
            tmpl.write(vals)
            updated |= tmpl
        return updated
