# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Gateway pacing shared by every worker and server of the database."""

import time

from ..engine.host import PaceDeferred, now_ms

#: The longest wait for a rate-limited provider's slot before a message's first request; a
#: message whose slot is further away goes back to the queue for that time (nothing was sent).
PACE_MAX_WAIT_MS = 2000


class ClaimLost(Exception):
    """A claimed message is no longer this worker's (recovery returned it to the queue): it must
    not be sent."""


class DatabasePacer:
    """Gateway pacing shared by every worker and server of the database (the engine's ``pace``
    op, slots reserved by ``sicantik.whatsapp.outbox._reserve_slot``).

    Before a message's first request a slot at most :data:`PACE_MAX_WAIT_MS` away is waited for
    in the worker; a later one sends the message back to the queue for that time
    (:class:`PaceDeferred`: nothing was sent yet, so deferring is safe) and the cron is triggered
    then. A fallback to a rate-limited provider after a failed first attempt always waits: the
    message is already under way. That wait stays short, since first requests only reserve slots
    within PACE_MAX_WAIT_MS: a fallback queues behind those, not behind the whole outbox.

    With an outbox ``message`` it also marks the message in flight right before its first
    request (:meth:`_mark`), after the wait and before the engine's wake-up decision.
    """

    def __init__(self, env, message=None):
        self.outbox = env["sicantik.whatsapp.outbox"]
        #: The outbox message to mark in flight before its first request (None: not the outbox).
        self.message = message
        self.in_flight = False

    def _mark(self):
        """The outbox message is in flight from here (after any pacing wait, right before the
        request): a crash before leaves a message that never left (queued again by recovery),
        after it one that may have (``unknown``)."""
        if self.message is None or self.in_flight:
            return
        if not self.outbox._mark_in_flight(self.message):
            raise ClaimLost(self.message.id)
        self.in_flight = True

    def before_send(self, engine, provider, first):
        """Wait for ``provider``'s slot as the engine decides (its ``pace`` op): take a slot
        (:meth:`_reserve_slot`, the database's next free time), sleep, mark the message in
        flight, then send, wait again or take a new slot (a late wake-up)."""
        if not engine.rate_per_minute(provider):
            self._mark()
            return 0
        waited = retry = 0
        while True:
            # Once in flight, the message cannot go back to the queue: it waits for its slot.
            decision, reserved = self.outbox._reserve_slot(
                engine, provider, PACE_MAX_WAIT_MS if first and not self.in_flight else None
            )
            if not reserved:
                raise PaceDeferred(provider, decision["atMs"])
            slot_at = decision["atMs"]
            while True:
                if decision["action"] == "wait":
                    time.sleep(decision["waitMs"] / 1000.0)
                    waited += decision["waitMs"]
                # Before the wake-up decision: the mark's own time makes the request later too.
                self._mark()
                decision = engine.pace(provider, now_ms(), slot_at_ms=slot_at, retry=retry)
                if decision["action"] != "wait":
                    break
            if decision["action"] == "send":
                return waited
            retry += 1  # woken up late: a new slot
