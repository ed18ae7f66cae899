# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Provider operations of the dispatcher: engine requests sent over our HTTP (health checks,
Meta's template list). ``dispatcher`` is the ``sicantik.whatsapp.dispatcher`` model (its
transport hook applies)."""

from odoo.exceptions import UserError

from ..engine.host import EngineError, TransportFailure


def health_check(dispatcher, provider):
    """The provider's health check: the engine's request over the provider's transport."""
    env = dispatcher.env
    provider = provider.sudo()
    engine = dispatcher._engine(provider.company_id or env.company)
    return provider._run_health_check(engine, dispatcher._get_transport(provider))


def fetch_meta_templates(dispatcher, provider, max_pages=50):
    """Every template of the provider's WhatsApp Business Account, page after page, as parsed
    by the engine."""
    env = dispatcher.env
    provider = provider.sudo()
    engine = dispatcher._engine(provider.company_id or env.company)
    transport = dispatcher._get_transport()
    eid = provider._engine_id()
    templates, after = [], None
    for _page in range(max_pages):
        try:
            request = engine.meta_templates_request(eid, after)
            response = transport.send(request)
            page = engine.meta_templates_parse(response)
        except EngineError as e:
            text = env["sicantik.whatsapp.catalogue"]._error_text(e.code, e.message, e.fields)
            raise UserError(env._("Meta templates could not be read: %s", text)) from None
        except TransportFailure as e:
            raise UserError(env._("Meta could not be reached: %s", e.message)) from None
        templates += page.get("templates") or []
        after = page.get("after") or page.get("nextCursor")
        if not after:
            break
    return templates
