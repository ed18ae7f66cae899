# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The values of a record-bound template for each record: its recipient and the value of each
mapped parameter, read as typed values (the engine writes dates and amounts in the template's
language)."""

from odoo import _, fields, models

from .sicantik_whatsapp_template_mapping import (
    DEFAULT_PARTNER_FIELD,
    DEFAULT_PHONE_FIELDS,
    RecordValueError,
    path_error,
    python_value,
)


def typed_value(field, value, record):
    """An Odoo field value as an engine value: a typed value for dates, datetimes, floats and
    amounts (the engine writes them in the template's language), text otherwise; ``None`` when
    empty."""
    if field.type == "boolean":
        return record.env._("Yes") if value else record.env._("No")
    if value is False or value is None or value == "":
        return None
    if field.type == "date":
        return {"type": "date", "value": fields.Date.to_string(value)}
    if field.type == "datetime":
        return {"type": "datetime", "value": fields.Datetime.to_string(value)}
    if field.type == "monetary":
        currency_field = getattr(field, "currency_field", None) or "currency_id"
        currency = record[currency_field] if currency_field in record._fields else False
        typed = {"type": "currency", "value": value}
        if currency:
            typed["currency"] = currency.name
            typed["decimals"] = currency.decimal_places
        return typed
    if field.type == "float":
        typed = {"type": "number", "value": value}
        digits = field.get_digits(record.env)
        if digits and digits[1] is not None:
            typed["decimals"] = digits[1]
        return typed
    if field.type == "selection":
        return dict(field._description_selection(record.env)).get(value, value)
    if field.type == "many2one":
        return value.display_name or None
    if field.type in ("one2many", "many2many"):
        return ", ".join(n for n in value.mapped("display_name") if n) or None
    return str(value)


def read_path(record, names):
    """The value of a field path (checked by :func:`path_error`, given as its field names) on
    ``record`` as an engine value; the first record of a one2many / many2many on the way."""
    value = record
    for name in names[:-1]:
        value = value[name][:1]
        if not value:
            return None
    return typed_value(value._fields[names[-1]], value[names[-1]], value)


def _rule_value(rule, record, partner, company):
    """The value of a mapping rule (:meth:`SicantikWhatsappTemplateMapping._rule`) for one record
    (engine value, ``None`` when empty)."""
    param, kind, names, fixed, error = rule
    if error is not None:
        raise error
    if kind == "fixed":
        return fixed
    if kind == "company":
        return read_path(company, names)
    if kind == "consent":
        if param == "opt_in_link":
            return None  # the engine fills it with the recipient's own signed link
        return partner._wa_consent_url() if partner and partner.id else None
    return read_path(record, names)


class SicantikWhatsappTemplateMaster(models.Model):
    _inherit = "sicantik.whatsapp.template.master"  # pylint: disable=consider-merging-classes-inherited

    def _partner_field_of_model(self):
        model = self.env[self.model] if self.model else None
        if model is None:
            return False
        own = getattr(model, "_sicantik_whatsapp_partner_field", None)
        if own and own in model._fields:
            return own
        return DEFAULT_PARTNER_FIELD if DEFAULT_PARTNER_FIELD in model._fields else False

    def _record_recipient(self, record):
        """``(partner, phone)`` of ``record``: its contact (the template's recipient field, the
        model's, else ``partner_id``; a contact record is its own), else its number."""
        partner = self.env["res.partner"]
        path = (
            (self.partner_field or self._partner_field_of_model())
            if self.model == record._name
            else False
        )
        if record._name == "res.partner" and not path:
            return record, False
        if not path:
            own = getattr(record, "_sicantik_whatsapp_partner_field", None) or DEFAULT_PARTNER_FIELD
            path = own if own in record._fields else False
        if path:
            found = record.mapped(path) if not path_error(self.env, record._name, path) else partner
            partner = found[:1] if found and found._name == "res.partner" else partner
        if partner:
            return partner, False
        phone_fields = (
            getattr(record, "_sicantik_whatsapp_phone_fields", None) or DEFAULT_PHONE_FIELDS
        )
        for name in phone_fields:
            if name in record._fields and record[name]:
                return partner, record[name]
        return partner, False

    def _sicantik_prepare_record_messages(self, records, values=None):
        """The message of each record, ready to create: a list (in ``records``' order) of dicts

        * ``record``, ``partner`` (``res.partner``, may be empty), ``phone`` (the record's number
          when it has no contact), ``company`` (the record's, else the current one);
        * ``values``: the template's values from its mapping (typed values for dates and
          amounts), overridden by ``values``;
        * ``error``: ``False``, or ``(code, message)`` (translated) when the record cannot be sent
          (no recipient, a path that no longer exists, an empty value...).

        No engine call per record and no right check: callers check before (see
        ``sicantik.whatsapp.dispatcher.send_records``). Records are read in batches (prefetch).
        """
        self.ensure_one()
        extra = {
            k: python_value(v)
            for k, v in (values or {}).items()
            if v is not None and v is not False
        }
        mappings = (
            self.mapping_ids
            if self.model and self.model == records._name
            else self.mapping_ids.browse()
        )
        # Checked once for the batch, then plain data: no ORM access to the mapping per record.
        rules = [
            m._rule(records._name)
            for m in mappings
            if m.param not in extra and not (m.reserved and m.kind == "field" and not m.field_path)
        ]  # given by the caller, or left to the dispatcher (partner_name, office_name)
        has_company = (
            "company_id" in records._fields and records._fields["company_id"].type == "many2one"
        )
        result = []
        for record in records:
            partner, phone = self._record_recipient(record)
            company = (record.company_id if has_company else None) or self.env.company
            item = {
                "record": record,
                "partner": partner,
                "phone": phone,
                "company": company,
                "values": {},
                "error": False,
            }
            result.append(item)
            if not partner and not phone:
                item["error"] = (
                    "record.no_recipient",
                    _(
                        "%(record)s has no contact and no phone number to send to.",
                        record=record.display_name,
                    ),
                )
                continue
            try:
                for rule in rules:
                    value = _rule_value(rule, record, partner, company)
                    param, kind, names = rule[:3]
                    if value is None:
                        if kind == "consent" or (param == "partner_name" and partner):
                            continue  # the engine / the dispatcher fill these
                        raise RecordValueError(
                            "template.missing_param",
                            _(
                                "%(record)s has no value for %(param)s (%(origin)s).",
                                record=record.display_name,
                                param=param,
                                origin=".".join(names or ()) or kind,
                            ),
                        )
                    item["values"][param] = value
            except RecordValueError as e:
                item["error"] = (e.code, e.message)
            item["values"].update(extra)
        return result
