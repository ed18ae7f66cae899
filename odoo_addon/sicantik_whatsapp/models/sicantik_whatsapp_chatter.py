# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The chatter notes logging sent WhatsApp messages (on the recipient and the source record)."""

from markupsafe import Markup

from odoo import api, models
from odoo.tools import plaintext2html


class SicantikWhatsappChatter(models.AbstractModel):
    _name = "sicantik.whatsapp.chatter"
    _description = "WhatsApp Chatter Notes"

    @api.model
    def _office_env(self, message):
        """The environment a note is written in: the language of the office that sent it (its
        company's), as the cron sends with no user language; else the current user's."""
        lang = message.company_id.sudo().partner_id.lang or self.env.lang
        return self.with_context(lang=lang).env

    @api.model
    def _post(self, message):
        """Log the sent message on the partner (text and provider; never credentials)."""
        self._log_notes([self._note(message)])

    @api.model
    def _log_notes(self, notes):
        """Post ``(partner_id, body)`` notes, as few ``mail.message`` creations as possible.

        Notes nobody is notified of: ``_message_log_batch`` skips ``message_post``'s follower and
        notification machinery, which was most of the outbox's time per message.
        """
        # A target is a partner id, or (model, id) for a message's source record.
        notes = [note for note in notes if note and note[0]]
        # A source record deleted since its message was sent has no chatter left: its note is
        # dropped (the recipient's is kept). One query per model for all the notes.
        asked = {}
        for target, _body in notes:
            if isinstance(target, tuple):
                asked.setdefault(target[0], set()).add(target[1])
        alive = {
            (model, res_id)
            for model, ids in asked.items()
            for res_id in self.env[model].sudo().browse(list(ids)).exists().ids
        }
        notes = [note for note in notes if not isinstance(note[0], tuple) or note[0] in alive]
        while notes:
            bodies, later = {}, []
            for target, body in notes:  # one note per record per creation
                model, res_id = target if isinstance(target, tuple) else ("res.partner", target)
                per_model = bodies.setdefault(model, {})
                if res_id in per_model:
                    later.append((target, body))
                else:
                    per_model[res_id] = body
            for model, per_model in bodies.items():
                self.env[model].sudo().browse(list(per_model))._message_log_batch(
                    per_model, message_type="comment"
                )
            notes = later

    @api.model
    def _notes(self, message):
        """The notes logging a sent message: on its recipient, and on its source record when that
        record has a chatter (``(model, id)`` target)."""
        env = self._office_env(message)
        notes = [self._note(message)]
        # Whether the record still exists is checked by _log_notes, once per model for a group.
        model, res_id = message.source_model, message.source_res_id
        if (
            model
            and res_id
            and model != "res.partner"
            and model in self.env
            and hasattr(self.env[model], "_message_log_batch")
        ):
            intro = env._(
                'WhatsApp notification "%(template)s" sent via %(provider)s to %(recipient)s '
                "(%(phone)s).",
                template=message.template_id.name or message.template_code,
                provider=message.provider_id.name or "?",
                recipient=message.partner_id.display_name or message.recipient_name or "?",
                phone=message.phone or "",
            )
            body = Markup("<p>%s</p>") % intro
            if message.body_text:
                body += plaintext2html(message.body_text)
            notes.append(((model, res_id), body))
        return [note for note in notes if note]

    @api.model
    def _note(self, message):
        """``(partner_id, body)`` of the note logging a sent message on its recipient (text and
        provider; never credentials); ``None`` without recipient."""
        partner = message.partner_id.sudo()
        if not partner:
            return None
        env = self._office_env(message)
        intro = env._(
            'WhatsApp notification "%(template)s" sent via %(provider)s to %(phone)s.',
            template=message.template_id.name or message.template_code,
            provider=message.provider_id.name or "?",
            phone=message.phone or "",
        )
        body = Markup("<p>%s</p>") % intro
        if message.body_text:
            body += plaintext2html(message.body_text)
        return partner.id, body
