# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Messages of the dispatcher: the engine ``Notification`` of a recipient and the message rows
created for it. ``dispatcher`` is the ``sicantik.whatsapp.dispatcher`` model (its hooks, company
and context apply)."""

import json
import logging

from ..engine.errors import EngineError
from ..models.sicantik_whatsapp_template_mapping import python_value

_logger = logging.getLogger(__name__)


def value_text(value):
    """The text of a value whose size the engine limits (a typed value's own text)."""
    return value.get("value", "") if isinstance(value, dict) else value


def oversize_values(engine, template_code, values, max_bytes):
    """The engine's refusals (``checkValues``: ``[{"name", "error"}]``) of the values too large to
    store. Nothing to ask when all of them together fit in one value's limit."""
    texts = {name: str(value_text(v)) for name, v in values.items()}
    if sum(len(text.encode("utf-8")) for text in texts.values()) <= max_bytes:
        return []
    try:
        return engine.call("checkValues", {"template": template_code or "", "values": texts})
    except EngineError as e:
        # Too large for one call even: none of them is stored, the message fails with the refusal.
        error = {"code": e.code, "message": e.message, "args": e.fields}
        return [{"name": name, "error": error} for name in texts]


def build_notification(
    dispatcher, partner, template_code, values=None, force_provider=None, idempotency_key=None
):
    """The engine ``Notification`` for a partner (in ``dispatcher``'s company)."""
    env = dispatcher.env
    partner = partner.sudo()
    vals = {}
    if partner.name:
        vals["partner_name"] = partner.name
    if env.company.name:
        vals["office_name"] = env.company.name
    for key, value in (values or {}).items():
        if value is None or value is False:
            continue
        vals[key] = python_value(value)
    notification = {
        "template": template_code,
        "recipient": {
            "phone": partner.mobile or partner.phone or "",
            "name": partner.name or None,
            "metaOptIn": bool(partner.wa_meta_opt_in),
            "optedOut": bool(partner.wa_opted_out),
            "optInUrl": partner._wa_consent_url() if partner.id else None,
            **partner._wa_time_zone(env.company),
        },
        "values": vals,
    }
    force = dispatcher._provider_ref(force_provider)
    if force:
        notification["forceProvider"] = force
    if idempotency_key:
        notification["idempotencyKey"] = idempotency_key
    return notification


def create_message_rows(
    dispatcher,
    template_code,
    items,
    force_provider=None,
    scheduled_date=None,
    priority=10,
    message_vals=None,
):
    """Create one message per item of ``items`` (dicts as
    ``sicantik.whatsapp.template.master._sicantik_prepare_record_messages`` gives them:
    ``record`` (or ``None``), ``partner``, ``phone``, ``company``, ``values``, ``error``), in one
    ``create``. An item with an ``error`` becomes a ``failed`` message with its reason (nothing
    is skipped). ``message_vals``: more field values for every message, or a function of the
    item giving them (e.g. a dedupe key)."""
    env = dispatcher.env
    template = (
        env["sicantik.whatsapp.template.master"]
        .sudo()
        .with_context(active_test=False)
        .search([("code", "=", template_code)], limit=1)
    )
    force_id = False
    if force_provider:
        ref = dispatcher._provider_ref(force_provider)
        force_id = env["sicantik.whatsapp.provider"].sudo()._from_engine_id(ref).id
    # A value above the engine's limit is refused before it is stored (once per message, in
    # several fields): the message fails with the engine's refusal, without the value.
    engine = dispatcher._wasm()
    max_bytes = engine.limits()["valueBytes"]
    vals_list, errors = [], []
    for item in items:
        values = dict(item["values"])
        refused = oversize_values(engine, template_code, values, max_bytes)
        for oversize in refused:
            values.pop(oversize["name"], None)
        record = item.get("record")
        vals = {
            "partner_id": item["partner"].id or False,
            "recipient_phone": item.get("phone") or False,
            "recipient_name": record.display_name
            if record is not None and not item["partner"]
            else False,
            "template_code": template_code,
            "template_id": template.id or False,
            "values_json": json.dumps(values, ensure_ascii=False),
            "force_provider_id": force_id,
            "scheduled_date": scheduled_date or False,
            "priority": priority,
            "company_id": item["company"].id,
            "source_model": record._name if record is not None else False,
            "source_res_id": record.id if record is not None else False,
        }
        error = item.get("error")
        if not error and refused:
            first = refused[0]["error"]
            error = (first["code"], first["message"], first.get("args") or {})
        if message_vals:
            vals.update(message_vals(item) if callable(message_vals) else message_vals)
        vals_list.append(vals)
        errors.append(error)
    messages = env["sicantik.whatsapp.message"].sudo().create(vals_list)
    # Failed through a write, like any outcome: the evidence chain records it.
    for message, error in zip(messages, errors, strict=False):
        if error:
            message._fail(*error)
    return messages


def notification_json(notification):
    """The notification as stored on its message (readable, for people)."""
    return json.dumps(notification, indent=2, ensure_ascii=False)


def fail_undecided(message, notification, error):
    """The engine refused to decide ``message`` (invalid phone, missing value...): it fails with
    the engine's code and its sentence; nothing was sent."""
    if error.code == "engine.trap":
        _logger.error(
            "WhatsApp engine bug while deciding message %s: %s", message.id, error.message
        )
    message.write({"notification_json": notification_json(notification)})
    # The code and its arguments are stored: the form words them in its reader's language
    # (sicantik.whatsapp.catalogue); the engine's own words are kept too.
    message._fail(error.code, error.message, error.fields)


def record_dispatch_error(message, decision, notification, error, requests_made):
    """An engine error during ``message``'s dispatch. Before any request nothing left: the
    message failed. After one we cannot tell: ``unknown`` (never resent automatically)."""
    if error.code == "engine.trap":
        _logger.error("WhatsApp engine bug while sending message %s: %s", message.id, error.message)
    vals = message._decision_vals(decision)
    vals["notification_json"] = notification_json(notification)
    vals.update(
        state="unknown" if requests_made else "failed",
        error_code=error.code,
        error_message=error.message,
    )
    message.write(vals)
