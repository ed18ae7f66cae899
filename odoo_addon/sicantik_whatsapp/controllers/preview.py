# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""JSON endpoints of the payload preview widget (``static/src/js/payload_preview``).

The widget runs the engine's web build in the browser. The server gives it

* ``/sicantik_whatsapp/preview/context``: the engine configuration with every credential masked
  (``•••``), the saved template and sample recipients — never a secret;
* ``/sicantik_whatsapp/preview/send``: a test send performed entirely by the server's dispatcher
  (its own engine, its own configuration with the real credentials, ``requests``), exactly as the
  *Test Multi-Provider* wizard does. The browser names a template, a contact, values and
  optionally a provider: it never hands the server a URL, a header or a body to send, so no
  request can be pointed at another host with the server's credentials.
"""

from odoo import _, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

USER_GROUP = "sicantik_whatsapp.group_sicantik_whatsapp_user"


def _check_user():
    if not request.env.user.has_group(USER_GROUP):
        raise AccessError(_("Only WhatsApp users can preview or test notifications."))


def _record(model, rec_id):
    """The record ``rec_id`` of ``model`` if it exists and the user may read it, else empty."""
    if not rec_id:
        return request.env[model]
    try:
        rec_id = int(rec_id)
    except (TypeError, ValueError):
        raise UserError(_("Invalid record id: %s", rec_id)) from None
    record = request.env[model].browse(rec_id).exists()
    if record:
        record.check_access("read")
    return record


def _typed_value(value):
    """A typed value (a record's date or amount, written by the engine): ``{"type", "value"}``
    with scalars only."""
    return (
        isinstance(value, dict)
        and {"type", "value"} <= set(value)
        and set(value) <= {"type", "value", "currency", "decimals"}
        and all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value.values()
        )
    )


class SicantikWhatsappPreview(http.Controller):
    @http.route("/sicantik_whatsapp/preview/context", type="json", auth="user", methods=["POST"])
    def preview_context(self, template_id=None, partner_ids=None, preview_record=None):
        """Masked engine configuration, saved template and sample recipients; with
        ``preview_record`` (``"model,id"``, a record of the template's model) that record's
        recipient and mapped values as a sample too."""
        _check_user()
        template = _record("sicantik.whatsapp.template.master", template_id)
        partners = request.env["res.partner"]
        for partner_id in partner_ids or []:
            partners |= _record("res.partner", partner_id)
        record = None
        if preview_record:
            model, _sep, rec_id = str(preview_record).partition(",")
            if not template or model != template.sudo().model or model not in request.env:
                raise UserError(_("The preview record must be a record of the template's model."))
            record = _record(model, rec_id)
        return request.env["sicantik.whatsapp.dispatcher"]._preview_context(
            template, partners, record
        )

    @http.route("/sicantik_whatsapp/preview/send", type="json", auth="user", methods=["POST"])
    def preview_send(self, template_id, partner_id, values=None, force_provider_id=None):
        """Send a test now through the server's dispatcher and return what happened."""
        _check_user()
        template = _record("sicantik.whatsapp.template.master", template_id)
        partner = _record("res.partner", partner_id)
        if not template or not partner:
            raise UserError(_("Choose a saved template and an existing contact to send a test."))
        if not isinstance(values or {}, dict) or any(
            not isinstance(v, str | int | float | bool) and v is not None and not _typed_value(v)
            for v in (values or {}).values()
        ):
            raise UserError(_("The values must be a JSON object of texts and numbers."))
        provider = _record("sicantik.whatsapp.provider", force_provider_id)
        # The contact's company sends (its profiles, its office name), and only for a user
        # working in it; a forced profile must serve that company.
        company = partner.company_id or request.env.company
        if company not in request.env.companies:
            raise AccessError(
                _("%s belongs to a company you are not working in.", partner.display_name)
            )
        if provider.company_id and provider.company_id != company:
            raise UserError(_("%s does not serve the company of this contact.", provider.name))
        message = (
            request.env["sicantik.whatsapp.dispatcher"]
            .with_company(company)
            .send(partner, template.code, values or {}, provider or None)
        )
        message = message.sudo()
        state_labels = dict(message._fields["state"]._description_selection(request.env))
        classifications = dict(
            request.env["sicantik.whatsapp.attempt"]
            ._fields["classification"]
            ._description_selection(request.env)
        )
        return {
            "messageId": message.id,
            "state": message.state,
            "stateLabel": state_labels.get(message.state, message.state),
            "provider": message.provider_id.name or False,
            "providerMessageId": message.provider_message_id or False,
            "errorCode": message.error_code or False,
            "errorMessage": message.error_message or False,
            "attempts": [
                {
                    "provider": att.provider_id.name or att.provider_ref,
                    "classification": att.classification,
                    "classificationLabel": classifications.get(
                        att.classification, att.classification
                    ),
                    "code": att.code or False,
                    "detail": att.detail or False,
                }
                for att in message.attempt_ids
            ],
        }
