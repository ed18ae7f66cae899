//! Tests of `src/pace.rs`.

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

fn take(p: &mut Pacer, provider: &str, rate: Option<u32>, now: i64) -> Slot {
    p.decide(provider, rate, now, None).slot
}

#[test]
fn pacer_queues_concurrent_sends_per_provider() {
    let mut p = Pacer::new();
    let waits: Vec<i64> = (0..4)
        .map(|_| take(&mut p, "fonnte", Some(600), NOW).wait_ms)
        .collect();
    assert_eq!(waits, [0, 100, 200, 300]);
    // Another provider has its own queue; an unlimited one none at all.
    assert_eq!(take(&mut p, "watzap", Some(3000), NOW).wait_ms, 0);
    assert_eq!(take(&mut p, "meta", None, NOW).wait_ms, 0);
    assert_eq!(p.next_free_ms("meta"), None);
    assert_eq!(p.next_free_ms("fonnte"), Some(NOW + 400));
    // Later than the queue: sends at once.
    assert_eq!(take(&mut p, "fonnte", Some(600), NOW + 1000).wait_ms, 0);
}

fn input(next_free_ms: Option<i64>, now_ms: i64, slot_at_ms: Option<i64>, retry: u32) -> PaceInput {
    PaceInput {
        rate_per_minute: Some(600),
        next_free_ms,
        now_ms,
        slot_at_ms,
        retry,
        max_wait_ms: Some(2000),
    }
}

#[test]
fn taking_a_slot_sends_waits_or_defers() {
    let d = decide(input(None, NOW, None, 0));
    assert_eq!(
        (d.action, d.code, d.slot.next_free_ms),
        (Step::Send, "pace.free", NOW + 100)
    );
    let d = decide(input(Some(NOW + 100), NOW, None, 0));
    assert_eq!(
        (d.action, d.code, d.slot.wait_ms),
        (Step::Wait, "pace.wait", 100)
    );
    // Beyond maxWaitMs: nothing is reserved, the host may queue the notification until atMs.
    let d = decide(input(Some(NOW + 2001), NOW, None, 0));
    assert_eq!(
        (d.action, d.code, d.slot.at_ms),
        (Step::Defer, "pace.too_far", NOW + 2001)
    );
    let d = decide(input(Some(NOW + 2000), NOW, None, 0));
    assert_eq!(d.action, Step::Wait, "exactly maxWaitMs away is waited for");
}

#[test]
fn a_wake_up_sends_when_on_time_waits_when_early_and_retakes_when_late() {
    let slot = NOW + 100;
    let exact = decide(input(Some(NOW + 200), slot, Some(slot), 0));
    assert_eq!(
        (exact.action, exact.code, exact.late_ms),
        (Step::Send, "pace.on_time", 0)
    );
    // 5 ms late is within max(3, 100 / 20) = 5.
    let d = decide(input(Some(NOW + 200), slot + 5, Some(slot), 0));
    assert_eq!((d.action, d.late_ms), (Step::Send, 5));
    let early = decide(input(Some(NOW + 200), slot - 30, Some(slot), 0));
    assert_eq!(
        (early.action, early.code, early.slot.wait_ms),
        (Step::Wait, "pace.early", 30)
    );
    // 70 ms late: the next free slot is the one to take (never next to its owner).
    let late = decide(input(Some(NOW + 200), slot + 70, Some(slot), 0));
    assert_eq!(
        (late.action, late.code, late.late_ms),
        (Step::Reserve, "pace.late", 70)
    );
    assert_eq!(
        (late.slot.at_ms, late.slot.next_free_ms),
        (NOW + 200, NOW + 300)
    );
    // After LATE_RETRIES new slots, a late send leaves anyway.
    let last = decide(input(Some(NOW + 200), slot + 70, Some(slot), LATE_RETRIES));
    assert_eq!((last.action, last.code), (Step::Send, "pace.late_sent"));
}

#[test]
fn the_late_tolerance_is_five_percent_of_the_interval_at_least_three_ms() {
    assert_eq!(late_tolerance_ms(100), 5);
    assert_eq!(late_tolerance_ms(1), LATE_MS);
    assert_eq!(late_tolerance_ms(60_000), 3_000);
}

#[test]
fn an_unlimited_provider_always_sends_now() {
    for rate in [None, Some(0)] {
        for slot_at in [None, Some(NOW - 10_000), Some(NOW + 10_000)] {
            let d = decide(PaceInput {
                rate_per_minute: rate,
                next_free_ms: Some(NOW + 5_000),
                now_ms: NOW,
                slot_at_ms: slot_at,
                retry: 0,
                max_wait_ms: Some(0),
            });
            assert_eq!(
                (d.action, d.code, d.slot.wait_ms),
                (Step::Send, "pace.unlimited", 0)
            );
        }
    }
}

#[test]
fn decisions_are_total_on_extreme_inputs() {
    let edges = [i64::MIN, -1, 0, 1, NOW, i64::MAX];
    for &now in &edges {
        for &at in &edges {
            for retry in [0, LATE_RETRIES, u32::MAX] {
                let d = decide(PaceInput {
                    rate_per_minute: Some(1),
                    next_free_ms: Some(at),
                    now_ms: now,
                    slot_at_ms: Some(at),
                    retry,
                    max_wait_ms: Some(i64::MIN),
                });
                assert!(d.slot.wait_ms >= 0 && d.late_ms >= 0, "{d:?}");
            }
        }
    }
}
