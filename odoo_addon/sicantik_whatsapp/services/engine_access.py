# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine and its configuration, built from records.

The configuration holds credentials: it goes to the engine in this process, never to a browser
(the template model's ``_browser_engine_config`` masks it first).
"""

import hashlib
import json

from odoo.exceptions import UserError

from ..engine.host import EngineUnavailable, get_engine

#: ir.config_parameter keys.
PARAM_DEFAULT_PROVIDER = "sicantik_whatsapp.default_provider_id"
PARAM_OPT_IN_TEXT = "sicantik_whatsapp.opt_in_text"
PARAM_DEFAULT_COUNTRY = "sicantik_whatsapp.default_country"


def wasm(env):
    """The process-wide engine, or a ``UserError`` saying what to install (in ``env``'s
    language)."""
    try:
        return get_engine()
    except EngineUnavailable as e:
        raise UserError(env._("The WhatsApp engine is not available: %s", e)) from None


def build_engine_config(env, company):
    """The ``EngineConfig`` of ``company`` (credentials included: never send it to a browser)."""
    providers = routing_providers(env, company)
    templates = env["sicantik.whatsapp.template.master"].sudo().search([], order="code")
    icp = env["ir.config_parameter"].sudo()
    default = default_provider(env, company, providers)
    return {
        # Unset: the engine takes the first Meta profile (a Meta-only database is unchanged).
        "defaultProvider": default._engine_id() if default else None,
        # Empty: the engine tries the profiles in the order given, i.e. by sequence.
        "fallbackOrder": [],
        "optIn": {"url": None, "text": icp.get_param(PARAM_OPT_IN_TEXT) or None},
        # Unset: the engine's default (its catalogue's ``defaults.country``).
        "defaultCountry": (icp.get_param(PARAM_DEFAULT_COUNTRY) or "").strip() or None,
        "providers": [p._engine_config() for p in providers],
        "templates": [t._engine_template() for t in templates],
        "quietHours": env["sicantik.whatsapp.holiday"]._engine_quiet_hours(company),
    }


def signed_config(config):
    """``(signature, config)``: the signature (sha256 of the canonical JSON) keys the engine's
    configured instance, so an unchanged configuration is not sent to the engine again."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest(), config


def routing_providers(env, company):
    """The profiles ``company`` routes over, in their fallback order (sequence)."""
    return (
        env["sicantik.whatsapp.provider"]
        .sudo()
        .search([("company_id", "in", [False, company.id])], order="sequence, id")
    )


def default_provider(env, company, providers=None):
    """The default provider of the settings, if it is one of ``company``'s profiles."""
    providers = routing_providers(env, company) if providers is None else providers
    default_id = int(env["ir.config_parameter"].sudo().get_param(PARAM_DEFAULT_PROVIDER) or 0)
    return providers.filtered(lambda p: p.id == default_id)


def configured_engine(env, company, signature, config):
    """The engine holding ``config`` (signed by :func:`signed_config`) of ``env``'s database."""
    return wasm(env).configured(config, key=(env.cr.dbname, signature))


def provider_ref(env, provider):
    """Engine id of a provider given as record, id or engine id."""
    if not provider:
        return None
    if isinstance(provider, str) and not provider.isdigit():
        return provider
    if isinstance(provider, int | str):
        provider = env["sicantik.whatsapp.provider"].sudo().browse(int(provider))
    return provider._engine_id()
