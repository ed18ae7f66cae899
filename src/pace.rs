//! Gateway pacing: when each send to a rate-limited provider may leave.
//!
//! Watzap.id and Fonnte drive an ordinary WhatsApp number, and WhatsApp bans numbers that send in
//! bursts. So a provider's `ratePerMinute` is enforced as **strict spacing, no burst**: sends are
//! at least `ceil(60000 / rate)` ms apart, even after a quiet hour. A token bucket would let a
//! backlog go out in one burst, which is exactly what the anti-spam heuristics punish.
//!
//! Pure, like the rest of the core: the host passes `now` and the `next_free_ms` it persisted
//! after the previous send (Odoo keeps it in the database, JS hosts in a [`Pacer`]), and gets a
//! [`Slot`]. Total on every input: saturating arithmetic, no panics.

use std::collections::BTreeMap;

use serde::Serialize;

const MINUTE_MS: i64 = 60_000;

/// When one send may leave, and what to persist for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    /// When the request may be sent: `max(now, next_free)`.
    pub at_ms: i64,
    /// How long to wait before sending: `at_ms - now` (0 when unlimited).
    pub wait_ms: i64,
    /// The earliest time of the following send; persist it and pass it next time.
    pub next_free_ms: i64,
    /// Spacing between sends, `ceil(60000 / rate)`; 0 when unlimited.
    pub interval_ms: i64,
}

/// Spacing for a rate per minute; 0 (no spacing) for `None` or 0.
pub fn interval_ms(rate_per_minute: Option<u32>) -> i64 {
    match rate_per_minute {
        Some(rate) if rate > 0 => {
            let rate = i64::from(rate);
            (MINUTE_MS + rate - 1) / rate
        }
        _ => 0,
    }
}

/// The slot of a send at `now_ms` for a provider with `rate_per_minute`, given the `next_free_ms`
/// persisted after the previous send (`None`: no send yet). An unlimited provider always sends now
/// and its `next_free_ms` is `now_ms`.
pub fn slot(rate_per_minute: Option<u32>, next_free_ms: Option<i64>, now_ms: i64) -> Slot {
    let interval_ms = interval_ms(rate_per_minute);
    if interval_ms == 0 {
        return Slot {
            at_ms: now_ms,
            wait_ms: 0,
            next_free_ms: now_ms,
            interval_ms,
        };
    }
    let at_ms = now_ms.max(next_free_ms.unwrap_or(now_ms));
    Slot {
        at_ms,
        wait_ms: at_ms.saturating_sub(now_ms),
        next_free_ms: at_ms.saturating_add(interval_ms),
        interval_ms,
    }
}

/// A send woken up later than this after its slot (or 5 % of the interval, if more) takes a new
/// slot instead of leaving: the next slot's owner may be leaving now, and two sends closer than
/// one interval is what the anti-spam heuristics punish. Lateness only ever lowers the rate.
pub const LATE_MS: i64 = 3;
/// How many new slots a late send takes before it leaves late anyway (a machine that is always
/// late must still send).
pub const LATE_RETRIES: u32 = 3;

/// What the host does next (the `pace` op's `action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Send the request now.
    Send,
    /// Sleep `waitMs` (until `atMs`), then ask again with `slotAtMs`.
    Wait,
    /// Woken up too late: take a new slot (ask again without `slotAtMs`, `retry` + 1).
    Reserve,
    /// The slot is further than `maxWaitMs` (a first request only): nothing is reserved; the host
    /// may queue the notification until `atMs` (nothing was sent).
    Defer,
}

impl Step {
    /// The `action` of the `pace` op's answer.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Send => "send",
            Step::Wait => "wait",
            Step::Reserve => "reserve",
            Step::Defer => "defer",
        }
    }
}

/// The whole pacing decision of one step: what to do, why (a catalogue code) and the slot it is
/// about. `nextFreeMs` is to be persisted when a slot was taken (`send`/`wait` without
/// `slotAtMs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub action: Step,
    pub code: &'static str,
    pub slot: Slot,
    /// How late the host woke up after its slot (0 when on time or early).
    pub late_ms: i64,
}

/// The input of [`decide`]: the provider's rate, the persisted `next_free_ms`, `now_ms`, and for
/// a host that woke up from a wait, the slot it waited for (`slot_at_ms`, `now_ms` being when it
/// woke up) and how many slots it already took again (`retry`).
#[derive(Debug, Clone, Copy, Default)]
pub struct PaceInput {
    pub rate_per_minute: Option<u32>,
    pub next_free_ms: Option<i64>,
    pub now_ms: i64,
    pub slot_at_ms: Option<i64>,
    pub retry: u32,
    pub max_wait_ms: Option<i64>,
}

/// How late a send may leave after its slot: `max(LATE_MS, interval / 20)`.
pub fn late_tolerance_ms(interval_ms: i64) -> i64 {
    LATE_MS.max(interval_ms / 20)
}

/// The pacing decision (the `pace` op). Without `slot_at_ms`: take a slot (send now, wait for it,
/// or defer when it is beyond `max_wait_ms`). With it (the host woke up at `now_ms`): early →
/// wait again; within [`late_tolerance_ms`] → send; later → a new slot (at most [`LATE_RETRIES`]
/// times, then send). Total on every input.
pub fn decide(input: PaceInput) -> Decision {
    let now = input.now_ms;
    let interval = interval_ms(input.rate_per_minute);
    let decision = |action, code, slot, late_ms| Decision {
        action,
        code,
        slot,
        late_ms,
    };
    if interval == 0 {
        return decision(Step::Send, "pace.unlimited", slot(None, None, now), 0);
    }
    let Some(at) = input.slot_at_ms else {
        let s = slot(input.rate_per_minute, input.next_free_ms, now);
        return match input.max_wait_ms {
            Some(max) if s.wait_ms > max => decision(Step::Defer, "pace.too_far", s, 0),
            _ if s.wait_ms > 0 => decision(Step::Wait, "pace.wait", s, 0),
            _ => decision(Step::Send, "pace.free", s, 0),
        };
    };
    let reserved = Slot {
        at_ms: at,
        wait_ms: at.saturating_sub(now).max(0),
        next_free_ms: at.saturating_add(interval),
        interval_ms: interval,
    };
    if now < at {
        return decision(Step::Wait, "pace.early", reserved, 0);
    }
    let late = now.saturating_sub(at);
    if late <= late_tolerance_ms(interval) {
        decision(Step::Send, "pace.on_time", reserved, late)
    } else if input.retry < LATE_RETRIES {
        let next = slot(input.rate_per_minute, input.next_free_ms, now);
        decision(Step::Reserve, "pace.late", next, late)
    } else {
        decision(Step::Send, "pace.late_sent", reserved, late)
    }
}

/// The answer of the `pace` op: the provider and the whole decision, flat (written field by field:
/// `serde(flatten)` costs the web build more code).
#[derive(Debug, Clone)]
pub struct ProviderDecision<'a> {
    pub provider: &'a str,
    pub decision: Decision,
}

impl Serialize for ProviderDecision<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (d, s) = (&self.decision, &self.decision.slot);
        let mut out = serializer.serialize_struct("PaceDecision", 8)?;
        out.serialize_field("provider", self.provider)?;
        out.serialize_field("action", d.action.as_str())?;
        out.serialize_field("code", d.code)?;
        out.serialize_field("atMs", &s.at_ms)?;
        out.serialize_field("waitMs", &s.wait_ms)?;
        out.serialize_field("nextFreeMs", &s.next_free_ms)?;
        out.serialize_field("intervalMs", &s.interval_ms)?;
        out.serialize_field("lateMs", &d.late_ms)?;
        out.end()
    }
}

/// Host-side pacing state for drivers that send from one process (the JS `Engine`, native
/// drivers): each provider's `next_free_ms`. Reserving a slot moves it on at once, so concurrent
/// sends queue behind each other instead of all waiting for the same slot; what a send does after
/// a late timer is [`decide`]'s (the same rule as every host's).
#[derive(Debug, Default, Clone)]
pub struct Pacer {
    next_free: BTreeMap<String, i64>,
}

impl Pacer {
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// The decision for `provider` at `now_ms` (see [`decide`]; `slot_at_ms` and `retry` of a
    /// send that woke up). A slot taken is persisted here. Unlimited providers keep no state.
    pub fn decide(
        &mut self,
        provider: &str,
        rate_per_minute: Option<u32>,
        now_ms: i64,
        woke: Option<(i64, u32)>,
    ) -> Decision {
        let d = decide(PaceInput {
            rate_per_minute,
            next_free_ms: self.next_free_ms(provider),
            now_ms,
            slot_at_ms: woke.map(|w| w.0),
            retry: woke.map_or(0, |w| w.1),
            max_wait_ms: None,
        });
        if woke.is_none() && d.slot.interval_ms > 0 {
            match self.next_free.get_mut(provider) {
                Some(v) => *v = d.slot.next_free_ms,
                None => {
                    self.next_free
                        .insert(provider.to_string(), d.slot.next_free_ms);
                }
            }
        }
        d
    }

    /// The persisted `next_free_ms` of `provider`, if it was ever paced.
    pub fn next_free_ms(&self, provider: &str) -> Option<i64> {
        self.next_free.get(provider).copied()
    }
}

#[cfg(test)]
mod tests;
