# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The master template's preview: what the payload preview widget (the engine's web build in the
browser) asks the server for, and the test send.

The widget calls two public methods with ``orm.call``:

* :meth:`sicantik_preview_context`: the engine configuration with every credential masked by the
  engine (``maskConfig``), the saved template, sample recipients and the catalogue — never a
  secret;
* :meth:`sicantik_preview_send`: a test send performed entirely by the server's dispatcher (its
  own engine, its own configuration with the real credentials). The browser names a contact,
  values and optionally a profile: never a URL, a header or a body.

Both are reachable by any logged-in user over JSON-RPC (a portal user, another company's user):
each checks the caller's rights before anything is read with ``sudo()``.
"""

import json

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .res_partner import PREVIEW_LINK_CONTEXT
from .sicantik_whatsapp_template_mapping import MAPPING_KINDS

USER_GROUP = "sicantik_whatsapp.group_sicantik_whatsapp_user"

#: The fields of a mapping row the widget may send (the form's rows, saved or not).
PREVIEW_MAPPING_FIELDS = ("param", "kind", "field_path", "company_field", "fixed_value", "reserved")


def _typed_value(value):
    """A typed value (a record's date or amount, written by the engine): ``{"type", "value"}``
    with scalars only."""
    return (
        isinstance(value, dict)
        and {"type", "value"} <= set(value)
        and set(value) <= {"type", "value", "currency", "decimals"}
        and all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value.values()
        )
    )


class SicantikWhatsappTemplateMaster(models.Model):
    _inherit = "sicantik.whatsapp.template.master"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Called by the widget (orm.call): rights first, then sudo
    # ------------------------------------------------------------------

    def _check_preview_rights(self):
        """WhatsApp users only, and only templates they may read."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(_("Only WhatsApp users can preview or test notifications."))
        if self:
            self.check_access("read")

    def _readable(self, model, rec_id):
        """The record ``rec_id`` of ``model`` if it exists and the user may read it, else empty."""
        if not rec_id:
            return self.env[model]
        if isinstance(rec_id, bool) or not isinstance(rec_id, int | str):
            raise UserError(_("Invalid record id: %s", rec_id))
        try:
            rec_id = int(rec_id)
        except ValueError:
            raise UserError(_("Invalid record id: %s", rec_id)) from None
        record = self.env[model].browse(rec_id).exists()
        if record:
            record.check_access("read")
        return record

    def sicantik_preview_context(self, partner_ids=None, preview_record=None, mappings=None):
        """Masked engine configuration, saved template (``self``, may be empty) and sample
        recipients (``partner_ids``); with ``preview_record`` (``"model,id"``, a record of the
        template's model) that record's recipient and mapped values as a sample too, mapped by
        ``mappings`` (the form's unsaved rows; ignored for a user who may not edit the template:
        the saved ones map then)."""
        self._check_preview_rights()
        template = self[:1]
        if len(self) > 1:
            raise UserError(_("Preview one template at a time."))
        partners = self.env["res.partner"]
        for partner_id in partner_ids or []:
            partners |= self._readable("res.partner", partner_id)
        record = None
        draft = template
        if preview_record:
            model, _sep, rec_id = str(preview_record).partition(",")
            if not template or model != template.sudo().model or model not in self.env:
                raise UserError(_("The preview record must be a record of the template's model."))
            record = self._readable(model, rec_id)
            # Unsaved rows are read with sudo: only from someone who could save them.
            if mappings is not None and template.has_access("write"):
                draft = template._preview_draft(mappings)
        return self.env["sicantik.whatsapp.template.master"]._preview_context(
            draft, partners, record
        )

    def _preview_draft(self, mappings):
        """The template with the form's mapping rows instead of its saved ones (in memory)."""
        self.ensure_one()
        kinds = {kind for kind, _label in MAPPING_KINDS}
        rows = []
        for row in mappings if isinstance(mappings, list) else [None]:
            if (
                not isinstance(row, dict)
                or not set(row) <= set(PREVIEW_MAPPING_FIELDS)
                or not isinstance(row.get("param"), str)
                or row.get("kind") not in kinds
                or any(not isinstance(v, str | bool) for k, v in row.items() if k != "reserved")
            ):
                raise UserError(_("The mapping rows of the preview are not valid."))
            rows.append(Command.create(dict(row, reserved=bool(row.get("reserved")))))
        template = self.sudo()
        return template.new({"mapping_ids": rows}, origin=template)

    def sicantik_preview_send(self, partner_id, values=None, force_provider_id=None):
        """Send a test of this template now through the server's dispatcher and return what
        happened."""
        self._check_preview_rights()
        template = self[:1] if len(self) == 1 else self.browse()
        partner = self._readable("res.partner", partner_id)
        if not template or not partner:
            raise UserError(_("Choose a saved template and an existing contact to send a test."))
        if not isinstance(values or {}, dict) or any(
            not isinstance(v, str | int | float | bool) and v is not None and not _typed_value(v)
            for v in (values or {}).values()
        ):
            raise UserError(_("The values must be a JSON object of texts and numbers."))
        provider = self._readable("sicantik.whatsapp.provider", force_provider_id)
        # The contact's company sends (its profiles, its office name), and only for a user
        # working in it; a forced profile must serve that company.
        company = partner.company_id or self.env.company
        if company not in self.env.companies:
            raise AccessError(
                _("%s belongs to a company you are not working in.", partner.display_name)
            )
        if provider.company_id and provider.company_id != company:
            raise UserError(_("%s does not serve the company of this contact.", provider.name))
        message = (
            self.env["sicantik.whatsapp.dispatcher"]
            .with_company(company)
            .send(partner, template.code, values or {}, provider or None)
        )
        return self._preview_send_result(message.sudo())

    @api.model
    def _preview_send_result(self, message):
        """What the widget shows of a test send: state, provider and each attempt, labelled."""
        env = self.env
        state_labels = dict(message._fields["state"]._description_selection(env))
        classifications = dict(
            env["sicantik.whatsapp.attempt"]._fields["classification"]._description_selection(env)
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

    # ------------------------------------------------------------------
    # The context (the engine runs in the browser)
    # ------------------------------------------------------------------

    @api.model
    def _preview_samples(self, partners=None):
        """Sample recipients of the payload preview widget: three made-up citizens (opted in,
        not opted in, opted out) and ``partners``, each with the ``Notification`` the dispatcher
        would build for it (recipient, ``partner_name`` and ``office_name`` values)."""
        dispatcher = self.env["sicantik.whatsapp.dispatcher"]
        made_up = [
            (
                "sample_opted_in",
                _("Sample citizen who opted in (Meta)"),
                {"name": "Budi Santoso", "mobile": "0812-3456-7890", "wa_meta_opt_in": True},
            ),
            (
                "sample_gateway",
                _("Sample citizen without opt-in (gateway + invitation)"),
                {"name": "Siti Aminah", "mobile": "+62 813 1111 2222"},
            ),
            (
                "sample_opted_out",
                _("Sample citizen who opted out"),
                {"name": "Andi Wijaya", "mobile": "081399998888", "wa_opted_out": True},
            ),
        ]
        base_url = self.env["res.partner"].get_base_url()
        samples = []
        for key, label, vals in made_up:
            notification = dispatcher._notification(self.env["res.partner"].new(vals), "", {})
            # A made-up citizen has no signed consent link: show what a real one looks like.
            notification["recipient"]["optInUrl"] = f"{base_url}/sicantik_whatsapp/consent/CONTOH"
            samples.append(
                {"key": key, "label": label, "partnerId": False, "notification": notification}
            )
        for partner in (partners or self.env["res.partner"]).with_context(
            **{PREVIEW_LINK_CONTEXT: True}
        ):
            samples.append(
                {
                    "key": f"partner_{partner.id}",
                    "label": partner.display_name,
                    "partnerId": partner.id,
                    "notification": dispatcher._notification(partner, "", {}),
                }
            )
        return samples

    @api.model
    def _item_notification(self, template_code, item):
        """The engine ``Notification`` of a prepared record (an item of
        ``template._sicantik_prepare_record_messages``), as its message will be sent: in the
        record's company, to its contact or else its number (no consent link then). For counting
        or planning a batch before it is queued (the engine's ``planBatch``)."""
        partner = item["partner"] or self.env["res.partner"].new(
            {"name": item["record"].display_name, "mobile": item["phone"] or False}
        )
        partner = partner.with_context(**self.env.context)
        notification = (
            self.env["sicantik.whatsapp.dispatcher"]
            .with_company(item["company"])
            ._notification(partner, template_code, item["values"])
        )
        if not item["partner"]:
            notification["recipient"]["optInUrl"] = None
        return notification

    def _record_preview_sample(self, record):
        """The preview's sample of a record of this record-bound template: its recipient and its
        mapped values (typed values as they are: the engine in the browser writes them), with an
        example consent link. ``record`` was checked readable by the caller."""
        template = self.sudo().with_context(**{PREVIEW_LINK_CONTEXT: True})
        [item] = template._sicantik_prepare_record_messages(
            record.sudo().with_context(**{PREVIEW_LINK_CONTEXT: True})
        )
        return {
            "key": f"record:{record._name},{record.id}",
            "label": _("Record: %s", record.display_name),
            "partnerId": item["partner"].id or False,
            "notification": template._item_notification(template.code, item),
            "error": item["error"][1] if item["error"] else False,
        }

    @api.model
    def _preview_context(self, template=None, partners=None, record=None):
        """Everything the payload preview widget needs to run the engine in the browser.

        The configuration is :meth:`_browser_engine_config` (credentials masked): the browser
        never receives a secret. ``template`` is the saved version of the template under edit
        (the widget replaces it by the form's current values).
        """
        template = template or self.browse()
        samples = self._preview_samples(partners)
        if record is not None and template:
            samples.append(template._record_preview_sample(record))
        return {
            "config": self._browser_engine_config(),
            "template": template._engine_template() if template else None,
            "templateCode": template.code or False,
            # Record id → code of the templates in the configuration (the wizard's many2one).
            "templates": [
                {"id": t.id, "code": t.code} for t in self.sudo().search([], order="code")
            ],
            "samples": samples,
            "sampleValues": {
                k: v for k, v in self._sample_catalog().items() if k != "partner_name"
            },
            "canSend": self.env.user.has_group(USER_GROUP),
            # The engine's words for its codes, in the user's language (Indonesian, else English).
            "catalogue": {
                "lang": self.env["sicantik.whatsapp.catalogue"]._lang(),
                "codes": self.env["sicantik.whatsapp.catalogue"]._codes(),
            },
        }

    @api.model
    def _browser_engine_config(self, company=None):
        """The ``EngineConfig`` of ``company`` for the web client: the server's configuration with
        every credential but the public identifiers replaced by the engine's mask.

        The engine builds masked previews with the same mask, so a preview computed in the browser
        from this configuration is byte-identical to the server's; a request built from it for
        sending would carry the mask and fail: sending stays on the server.
        """
        company = company or self.env.company
        dispatcher = self.env["sicantik.whatsapp.dispatcher"]
        _signature, config = dispatcher._engine_config_cached(company.id)
        # The engine masks (maskConfig): it alone knows which credentials are secret.
        return dispatcher._wasm().mask_config(config)

    # ------------------------------------------------------------------
    # Sample values (test wizard, preview)
    # ------------------------------------------------------------------

    def action_open_test_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sicantik.whatsapp.test.wizard",
            "name": _("Test Multi-Provider"),
            "view_mode": "form",
            "target": "new",
            "context": {"default_template_id": self.id, "dialog_size": "extra-large"},
        }

    @api.model
    def _sample_catalog(self, partner=None):
        """Mock values of the usual parameters by name (test wizard, payload preview widget)."""
        today = fields.Date.context_today(self)
        return {
            "partner_name": partner.name if partner else "Budi Santoso",
            "office_name": self.env.company.name,
            "permit_number": "503/IMB/2026/0001",
            "permit_type": "Persetujuan Bangunan Gedung",
            "application_number": "REG-2026-000123",
            "status": "Verifikasi berkas",
            "expiry_date": fields.Date.to_string(today),
            "valid_until": fields.Date.to_string(today.replace(year=today.year + 5)),
            "date": fields.Date.to_string(today),
            "download_url": "https://sicantik.example/izin/503-IMB-2026-0001",
        }

    def _sample_values(self, partner=None):
        """Mock values for every parameter (test wizard): the catalog's, else ``contoh <name>``."""
        self.ensure_one()
        samples = self._sample_catalog(partner)
        return {p: samples.get(p, f"contoh {p}") for p in self._param_names()}

    def _sample_values_json(self, partner=None):
        return json.dumps(self._sample_values(partner), indent=2, ensure_ascii=False)
