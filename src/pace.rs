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

/// The answer of the `pace` op: a [`Slot`] and the provider it is for.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderSlot<'a> {
    pub provider: &'a str,
    #[serde(flatten)]
    pub slot: Slot,
}

impl<'a> ProviderSlot<'a> {
    pub fn new(provider: &'a str, slot: Slot) -> Self {
        ProviderSlot { provider, slot }
    }
}

/// Host-side pacing state for drivers that send from one process (the JS `Engine`, native
/// drivers): each provider's `next_free_ms`, and when its last request actually left.
///
/// Reserving a slot moves `next_free_ms` on at once, so concurrent sends queue behind each other
/// instead of all waiting for the same slot. A timer can fire late (a busy event loop), and then
/// two queued sends would leave back to back; so before leaving, a send also holds until one
/// interval after the last departure ([`Pacer::hold_ms`]), and records its own ([`Pacer::sent`]).
/// Lateness therefore only ever slows the rate down.
#[derive(Debug, Default, Clone)]
pub struct Pacer {
    next_free: BTreeMap<String, i64>,
    last_sent: BTreeMap<String, i64>,
}

impl Pacer {
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// Take the next slot of `provider` at `now_ms`. Unlimited providers keep no state.
    pub fn reserve(&mut self, provider: &str, rate_per_minute: Option<u32>, now_ms: i64) -> Slot {
        let s = slot(rate_per_minute, self.next_free_ms(provider), now_ms);
        if s.interval_ms > 0 {
            match self.next_free.get_mut(provider) {
                Some(v) => *v = s.next_free_ms,
                None => {
                    self.next_free.insert(provider.to_string(), s.next_free_ms);
                }
            }
        }
        s
    }

    /// The persisted `next_free_ms` of `provider`, if it was ever paced.
    pub fn next_free_ms(&self, provider: &str) -> Option<i64> {
        self.next_free.get(provider).copied()
    }

    /// How much longer a send that reached its slot must hold so that it leaves at least one
    /// interval after the previous departure; 0 (or less) when it may leave now.
    pub fn hold_ms(&self, provider: &str, rate_per_minute: Option<u32>, now_ms: i64) -> i64 {
        let interval = interval_ms(rate_per_minute);
        match self.last_sent.get(provider) {
            Some(&last) if interval > 0 => last.saturating_add(interval).saturating_sub(now_ms),
            _ => 0,
        }
    }

    /// Record that a request to `provider` left at `now_ms`; later reservations start one interval
    /// after it at the earliest.
    pub fn sent(&mut self, provider: &str, rate_per_minute: Option<u32>, now_ms: i64) {
        let interval = interval_ms(rate_per_minute);
        if interval == 0 {
            return;
        }
        let last = self.last_sent.entry(provider.to_string()).or_insert(now_ms);
        *last = (*last).max(now_ms);
        let next = self.next_free.entry(provider.to_string()).or_insert(now_ms);
        *next = (*next).max(now_ms.saturating_add(interval));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_000_000_000;

    #[test]
    fn interval_is_the_ceiling_of_a_minute_over_the_rate() {
        assert_eq!(interval_ms(None), 0);
        assert_eq!(interval_ms(Some(0)), 0);
        assert_eq!(interval_ms(Some(1)), 60_000);
        assert_eq!(interval_ms(Some(600)), 100);
        assert_eq!(interval_ms(Some(7)), 8572); // 8571.43 rounded up: never faster than asked
        assert_eq!(interval_ms(Some(60_000)), 1);
        assert_eq!(interval_ms(Some(u32::MAX)), 1);
    }

    #[test]
    fn first_send_goes_now_the_next_one_interval_later() {
        let first = slot(Some(600), None, NOW);
        assert_eq!(
            first,
            Slot {
                at_ms: NOW,
                wait_ms: 0,
                next_free_ms: NOW + 100,
                interval_ms: 100
            }
        );
        let second = slot(Some(600), Some(first.next_free_ms), NOW + 30);
        assert_eq!((second.at_ms, second.wait_ms), (NOW + 100, 70));
        assert_eq!(second.next_free_ms, NOW + 200);
    }

    #[test]
    fn no_burst_after_a_quiet_period() {
        // A slot long past does not bank credit: the send goes now, the next one interval later.
        let s = slot(Some(600), Some(NOW - 3_600_000), NOW);
        assert_eq!((s.at_ms, s.wait_ms, s.next_free_ms), (NOW, 0, NOW + 100));
    }

    #[test]
    fn unlimited_sends_now_whatever_was_persisted() {
        for rate in [None, Some(0)] {
            let s = slot(rate, Some(NOW + 5_000), NOW);
            assert_eq!(
                s,
                Slot {
                    at_ms: NOW,
                    wait_ms: 0,
                    next_free_ms: NOW,
                    interval_ms: 0
                }
            );
        }
    }

    #[test]
    fn extreme_values_saturate_instead_of_panicking() {
        let s = slot(Some(1), Some(i64::MAX), i64::MIN);
        assert_eq!(s.at_ms, i64::MAX);
        assert_eq!(s.wait_ms, i64::MAX);
        assert_eq!(s.next_free_ms, i64::MAX);
        let s = slot(Some(1), None, i64::MAX);
        assert_eq!((s.wait_ms, s.next_free_ms), (0, i64::MAX));
        let s = slot(Some(60_000), Some(i64::MIN), -5);
        assert_eq!((s.at_ms, s.wait_ms, s.next_free_ms), (-5, 0, -4));
    }

    #[test]
    fn invariants_hold_over_many_inputs() {
        // A cheap deterministic sweep (an LCG) in the spirit of a property test.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x
        };
        let edges = [i64::MIN, -1, 0, 1, NOW, i64::MAX - 1, i64::MAX];
        for i in 0..20_000 {
            let now = if i % 5 == 0 {
                edges[(next() % 7) as usize]
            } else {
                next() as i64
            };
            let free = match next() % 4 {
                0 => None,
                1 => Some(edges[(next() % 7) as usize]),
                2 => Some(now.saturating_add((next() % 1_000_000) as i64)),
                _ => Some(next() as i64),
            };
            let rate = match next() % 4 {
                0 => None,
                1 => Some(0),
                2 => Some((next() % 60_000) as u32 + 1),
                _ => Some(next() as u32),
            };
            let s = slot(rate, free, now);
            assert!(s.at_ms >= now && s.wait_ms >= 0, "{s:?}");
            assert_eq!(s.wait_ms, s.at_ms.saturating_sub(now));
            if let Some(f) = free.filter(|_| s.interval_ms > 0) {
                assert!(s.at_ms >= f, "never before the persisted slot: {s:?}");
            }
            assert_eq!(s.next_free_ms, s.at_ms.saturating_add(s.interval_ms));
            assert_eq!(s.interval_ms, interval_ms(rate));
        }
    }

    #[test]
    fn pacer_queues_concurrent_sends_per_provider() {
        let mut p = Pacer::new();
        let waits: Vec<i64> = (0..4)
            .map(|_| p.reserve("fonnte", Some(600), NOW).wait_ms)
            .collect();
        assert_eq!(waits, [0, 100, 200, 300]);
        // Another provider has its own queue; an unlimited one none at all.
        assert_eq!(p.reserve("watzap", Some(3000), NOW).wait_ms, 0);
        assert_eq!(p.reserve("meta", None, NOW).wait_ms, 0);
        assert_eq!(p.next_free_ms("meta"), None);
        assert_eq!(p.next_free_ms("fonnte"), Some(NOW + 400));
        // Later than the queue: sends at once.
        assert_eq!(p.reserve("fonnte", Some(600), NOW + 1000).wait_ms, 0);
    }

    #[test]
    fn a_late_departure_pushes_the_next_ones_back() {
        let mut p = Pacer::new();
        let rate = Some(600);
        assert_eq!(p.reserve("watzap", rate, NOW).wait_ms, 0);
        p.sent("watzap", rate, NOW);
        let second = p.reserve("watzap", rate, NOW);
        assert_eq!(second.at_ms, NOW + 100);
        // Its timer fires 30 ms late; the third send's fires on time, 10 ms after that.
        assert_eq!(p.hold_ms("watzap", rate, NOW + 130), -30);
        p.sent("watzap", rate, NOW + 130);
        let third = p.reserve("watzap", rate, NOW + 130);
        assert_eq!(third.at_ms, NOW + 230, "reserved after the late departure");
        assert_eq!(
            p.hold_ms("watzap", rate, NOW + 200),
            30,
            "never closer than the interval"
        );
        // Unlimited providers never hold and keep no state.
        p.sent("meta", None, NOW);
        assert_eq!(p.hold_ms("meta", None, NOW), 0);
        assert_eq!(p.next_free_ms("meta"), None);
    }
}
