# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A configured engine and the dispatch loop: the engine plans each step, the host performs
its request and feeds the answer back."""

import json

from .errors import TransportFailure

_DEFAULT = object()


def host_clock_ms():
    """``host.now_ms()``, looked up at each call: the host module is where the clock is replaced
    (tests move it to fixed instants)."""
    from . import host  # pylint: disable=import-outside-toplevel  (host imports this module)

    return host.now_ms()


class ConfiguredEngine:
    """The engine with one configuration. Cheap to create; every call takes the process lock."""

    def __init__(self, engine, config, key):
        self.engine = engine
        self.config = config
        self.key = key
        #: Answer of the last ``configure`` (providers, templates, lint by template code).
        self.summary = None

    def call(self, op, args=None):
        return self.engine._call_configured(self, op, args)

    def configure(self):
        """Force the configuration in and return its summary (``{"providers", "templates",
        "lint"}``)."""
        with self.engine._lock:
            self.engine._ensure(self)
            if self.summary is None:
                self.summary = self.engine._call_locked("configure", self.config)
            return self.summary

    def decide(self, notification):
        return self.call("decide", notification)

    def preview(self, notification):
        return self.call("preview", notification)

    def render(self, notification, provider):
        return self.call("render", {"notification": notification, "provider": provider})

    def plan_batch(self, notifications, compact=False):
        """Plans for many notifications; ``compact=True`` answers compact plans (trace codes and
        the request, no words or separate text: about half the JSON to parse)."""
        args = {"notifications": list(notifications)}
        if compact:
            args["compact"] = True
        return self.call("planBatch", args)

    def rate_per_minute(self, provider):
        """The configured ``ratePerMinute`` of ``provider`` (0: unlimited), without a Wasm call."""
        rates = self.__dict__.get("_rates")
        if rates is None:
            rates = self._rates = {
                p.get("id"): int(p.get("ratePerMinute") or 0)
                for p in self.config.get("providers") or []
            }
        return rates.get(provider, 0)

    def pace(self, provider, now_ms, next_free_ms=None, slot_at_ms=None, retry=0, max_wait_ms=None):
        """The engine's pacing decision for a send to ``provider`` (the ``pace`` op): without
        ``slot_at_ms``, the slot to take given the ``next_free_ms`` stored after the previous send
        (``action`` ``send``, ``wait`` or, beyond ``max_wait_ms``, ``defer``); with it, what a
        host that waited for that slot and woke up at ``now_ms`` does (``wait`` again when early,
        ``send``, or ``reserve`` a new slot when late, ``retry`` counting those).
        ``{"provider", "action", "code", "atMs", "waitMs", "nextFreeMs", "intervalMs",
        "lateMs"}``; persist ``nextFreeMs`` of a slot taken (not deferred)."""
        args = {"provider": provider, "nowMs": int(now_ms), "nextFreeMs": next_free_ms}
        if slot_at_ms is not None:
            args.update(slotAtMs=int(slot_at_ms), retry=int(retry))
        if max_wait_ms is not None:
            args["maxWaitMs"] = int(max_wait_ms)
        return self.call("pace", args)

    def normalize_phone(self, phone, default_country=None):
        args = {"phone": phone or ""}
        if default_country is None:
            default_country = self.config.get("defaultCountry")
        if default_country:
            args["defaultCountry"] = default_country
        return self.call("normalizePhone", args)

    def lint_template(self, template):
        return self.call("lintTemplate", template)

    def describe_template(self, template):
        """``describeTemplate`` of a template code of this configuration, or an inline template."""
        return self.call("describeTemplate", {"template": template})

    def health_check_request(self, provider):
        return self.call("healthCheckRequest", {"provider": provider})

    def health_check_parse(self, provider, response):
        return self.call("healthCheckParse", {"provider": provider, "response": response})

    def free_text_options(self, args):
        """Which providers may carry a free text now (``FreeTextArgs``), and why."""
        return self.call("freeTextOptions", args)

    def free_text_request(self, args):
        """The request carrying a free text through ``args["provider"]``."""
        return self.call("freeTextRequest", args)

    def free_text_classify(self, provider, response=None, transport_error=None):
        args = {"provider": provider}
        if transport_error is not None:
            args["transportError"] = transport_error
        else:
            args["response"] = response
        return self.call("freeTextClassify", args)

    def meta_templates_request(self, provider, after=None):
        args = {"provider": provider}
        if after:
            args["after"] = after
        return self.call("metaTemplatesRequest", args)

    def meta_templates_parse(self, response):
        return self.call("metaTemplatesParse", {"response": response})

    def dispatch(
        self,
        notification,
        transport,
        now_ms=None,
        on_attempt=None,
        transport_for=None,
        pacer=_DEFAULT,
    ):
        """Send ``notification`` through its provider chain; return the engine's ``Outcome``.

        ``transport`` performs each request (``transport_for(provider_id)`` may pick another one per
        provider, e.g. Odoo Enterprise's WhatsApp for a Meta profile). ``now_ms`` is a clock
        (callable returning milliseconds) or a fixed number; default: the wall clock.
        ``on_attempt(provider_id, request, response_or_failure)`` is called after each request; the
        request given to it carries credentials, so it must not be stored or logged as is (the
        outcome's attempts hold masked copies).
        ``pacer.before_send(engine, provider_id, first)`` runs before each request and waits for
        a rate-limited provider's slot (default: the process-wide :class:`Pacer`; ``None``: no
        pacing). It may raise :class:`PaceDeferred` before the first request only.
        """
        clock = (
            now_ms
            if callable(now_ms)
            else ((lambda: now_ms) if now_ms is not None else host_clock_ms)
        )
        if pacer is _DEFAULT:
            pacer = self.engine.pacer
        step = self.call("dispatchStart", {"notification": notification, "nowMs": clock()})
        first = True
        while True:
            action = step["action"]
            if action["type"] != "send":
                return action["outcome"]
            request = action["request"]
            provider = action.get("provider")
            tr = (transport_for(provider) if transport_for else None) or transport
            if pacer is not None:
                pacer.before_send(self, provider, first)
            first = False
            try:
                response = tr.send(request)
            except TransportFailure as failure:
                if on_attempt:
                    on_attempt(provider, request, failure)
                feed = {
                    "state": step["state"],
                    "nowMs": clock(),
                    "transportError": failure.to_engine(),
                }
            else:
                if on_attempt:
                    on_attempt(provider, request, response)
                feed = {"state": step["state"], "nowMs": clock(), "response": _response(response)}
            step = self.call("dispatchFeed", feed)


def _response(resp):
    return {
        "status": int(resp.get("status") or 0),
        "headers": {str(k): str(v) for k, v in (resp.get("headers") or {}).items()},
        "body": resp.get("body")
        if isinstance(resp.get("body"), str)
        else json.dumps(resp.get("body") or ""),
    }
