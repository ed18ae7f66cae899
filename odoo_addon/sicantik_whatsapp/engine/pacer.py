# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Gateway pacing for one process, and the wall clock the host gives the engine."""

import threading
import time

from .errors import PaceDeferred


def now_ms():
    return int(time.time() * 1000)


class Pacer:
    """Gateway pacing for one process: each rate-limited provider's next free time in memory.

    Before each request, :meth:`ConfiguredEngine.dispatch` calls ``pacer.before_send(engine,
    provider, first)``; the engine's ``pace`` op computes the slot (strict spacing of
    ``ceil(60000 / ratePerMinute)`` ms) and this object sleeps until it. Reserving moves the next
    free time on at once, so threads sending to the same provider queue behind each other.
    ``max_wait_ms`` bounds the wait before a dispatch's *first* request: beyond it
    :class:`PaceDeferred` is raised instead (nothing was sent yet). Several processes need a
    shared store instead (the Odoo addon keeps the next free time in the database).
    """

    def __init__(self, max_wait_ms=None, sleep=time.sleep, clock=None):
        self.max_wait_ms = max_wait_ms
        self._sleep = sleep
        self._clock = clock or now_ms
        self._next_free = {}
        self._lock = threading.Lock()

    def before_send(self, engine, provider, first):
        """Wait for ``provider``'s next slot as the engine decides (its ``pace`` op: take a slot,
        sleep, then send, wait again or take a new slot); returns the milliseconds waited."""
        if not engine.rate_per_minute(provider):
            return 0
        waited = retry = 0
        max_wait = self.max_wait_ms if first else None
        while True:
            with self._lock:
                decision = engine.pace(
                    provider, self._clock(), self._next_free.get(provider), max_wait_ms=max_wait
                )
                if decision["action"] == "defer":
                    raise PaceDeferred(provider, decision["atMs"])
                self._next_free[provider] = decision["nextFreeMs"]
            slot_at = decision["atMs"]
            while decision["action"] == "wait":
                before = self._clock()
                self._sleep(decision["waitMs"] / 1000.0)
                waited += decision["waitMs"]
                if self._clock() <= before:
                    return waited  # a clock that does not move (a test's) would wait forever
                decision = engine.pace(provider, self._clock(), slot_at_ms=slot_at, retry=retry)
            if decision["action"] == "send":
                return waited
            retry += 1  # woken up late: a new slot
