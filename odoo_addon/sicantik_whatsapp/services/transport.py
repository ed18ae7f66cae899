# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Which transport carries a provider's requests."""

from ..engine.host import RequestsTransport


def get_transport(env, provider=None):
    """The transport for ``provider`` (a ``sicantik.whatsapp.provider`` or empty): plain HTTP
    (``requests``), or Odoo Enterprise's WhatsApp app, when installed, for a Meta profile flagged
    "use Odoo WhatsApp"."""
    if (
        provider
        and provider.kind == "meta"
        and provider.use_odoo_whatsapp
        and "whatsapp.account" in env
    ):
        from ..models.odoo_whatsapp_transport import OdooWhatsAppTransport

        return OdooWhatsAppTransport(env, provider)
    return RequestsTransport()
