# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .sicantik_whatsapp_provider import _new_webhook_token

#: Credential fields, readable and writable by system administrators only.
CREDENTIAL_FIELDS = (
    "access_token",
    "phone_number_id",
    "waba_id",
    "app_secret",
    "webhook_verify_token",
    "api_key",
    "number_key",
    "token",
)

#: What decides where a profile's credentials are sent (and for which company's messages):
#: system administrators only, like the credentials themselves. A manager who could point the
#: Base URL at a server of their own would receive the token with the next request.
DESTINATION_FIELDS = ("kind", "base_url", "api_version", "company_id")


def credential_field(name):
    """This model's field of the engine's credential ``name`` (``accessToken`` →
    ``access_token``): the same name in snake case, so no table of names is kept."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class SicantikWhatsappProviderCredentials(models.Model):
    """Who may set a profile's credentials and where they are sent, and what they may hold."""

    _inherit = "sicantik.whatsapp.provider"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _catalogue_credentials(self, kind=None, flag=None):
        """``{engine name: field}`` of the credentials the engine's catalogue lists for ``kind``
        (any kind when unset), only those it marks ``flag`` (``secret``, ``required``) when set,
        that this model holds (:func:`credential_field`)."""
        catalogue = self.env["sicantik.whatsapp.dispatcher"]._wasm().catalogue()
        return {
            f["name"]: fname
            for k in catalogue["credentials"]
            if kind in (None, k["kind"])
            for f in k["fields"]
            if (flag is None or f[flag]) and (fname := credential_field(f["name"])) in self._fields
        }

    @api.model
    def _catalogue_credential_fields(self, flag, kind=None):
        """This model's fields of the credentials the engine's catalogue marks ``flag``
        (``secret``, ``required``), for ``kind`` or any kind."""
        return sorted(set(self._catalogue_credentials(kind, flag).values()))

    def _engine_credentials(self):
        """This profile's credentials that are set, by the engine's names, for its kind."""
        self.ensure_one()
        rec = self.sudo()
        return {
            name: rec[fname]
            for name, fname in self._catalogue_credentials(rec.kind).items()
            if rec[fname]
        }

    @api.model
    def _secret_field_names(self):
        """The fields holding a credential the engine alone says is secret."""
        return self._catalogue_credential_fields("secret")

    def _required_credential_fields(self):
        """This profile's fields the engine's catalogue says its kind cannot send without (it
        cannot be marked as configured before they are filled in)."""
        self.ensure_one()
        return self._catalogue_credential_fields("required", self.kind)

    def _secret_values(self):
        """Every secret of these profiles (for redaction checks)."""
        values = []
        for rec in self.sudo():
            values += [rec[f] for f in self._secret_field_names() if rec[f]]
        return values

    def _check_destination_change(self, vals_list, creating=False):
        """Only system administrators decide where credentials go (``DESTINATION_FIELDS``).

        A manager may create a profile (it has no credentials: those are system fields) with its
        kind and their own company, but never set a Base URL or API version, and never change
        any of them afterwards."""
        if self.env.is_system():
            return
        for vals in vals_list:
            if creating:
                touched = [f for f in ("base_url", "api_version") if vals.get(f)]
                company = vals.get("company_id")
                if company is not None and company not in self.env.companies.ids:
                    touched.append("company_id")
            else:
                touched = [
                    f
                    for f in DESTINATION_FIELDS
                    if f in vals
                    and any(rec._destination_value(f) != (vals[f] or False) for rec in self)
                ]
            if touched:
                raise AccessError(
                    _(
                        "Only system administrators may change %(fields)s of a WhatsApp provider "
                        "profile: the credentials are sent where these point.",
                        fields=", ".join(
                            self._fields[f].get_description(self.env)["string"] for f in touched
                        ),
                    )
                )

    def _destination_value(self, fname):
        """The stored value of a destination field, comparable with a ``write`` value."""
        value = self[fname]
        if fname == "company_id":
            return value.id or False
        return value or False

    @api.constrains(*CREDENTIAL_FIELDS, "kind")
    def _check_credential_text(self):
        """The engine's rule (``checkCredentials``): printable ASCII, no whitespace. A token pasted
        with an invisible character would fail every send. The error names the field and the
        position, never the value."""
        try:
            engine = self.env["sicantik.whatsapp.dispatcher"]._wasm()
        except UserError:
            return  # no engine, no sends: checked again when it is installed and a field changes
        catalogue = self.env["sicantik.whatsapp.catalogue"]
        for rec in self.sudo():
            fields_by_name = rec._catalogue_credentials(rec.kind)
            # Only the kind's own fields are checked: one left from another kind is never sent.
            issues = engine.check_credentials(rec.kind, rec._engine_credentials())
            bad = [i for i in issues if i.get("code") == "credentials.invalid"]
            if bad:
                fname = fields_by_name[bad[0]["field"]]
                label = rec._fields[fname].get_description(self.env)["string"]
                problem = catalogue._sentence(
                    "credentials.invalid",
                    {"field": label, "position": bad[0].get("position")},
                    default=bad[0]["message"],
                )
                raise ValidationError(
                    _("%(provider)s: %(problem)s", provider=rec.name, problem=problem)
                )

    def action_regenerate_webhook_token(self):
        self._check_manager_rights()
        for rec in self:
            rec.sudo().webhook_verify_token = _new_webhook_token()
