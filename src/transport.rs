//! Drivers: the engine's dispatch loop over a pluggable HTTP transport.
//!
//! The transport belongs to the host, not to the decision code: `fetch` in JS hosts, `requests` in
//! Odoo (which runs the same loop in Python over the host ABI), a scripted fake in tests.

use std::cell::RefCell;
use std::future::Future;

use crate::dispatch::Action;
use crate::engine::Engine;
use crate::error::Result;
use crate::model::{HttpRequest, HttpResponse, Notification, Outcome, TransportError};
use crate::pace::{Pacer, Step};

/// A request's timeout when the provider profile sets none. Every request the engine builds
/// carries its timeout; the `catalogue` op lists this default for forms that show it.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

/// Performs one HTTP request. Implementations must say, on failure, whether the request may have
/// reached the provider (`TransportError::maybe_sent`): that decides between fallback and `unknown`.
#[allow(async_fn_in_trait)] // hosts are single-threaded (Wasm); no Send bound wanted
pub trait Transport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;

    /// Wait `ms` milliseconds before a paced send (a provider's `ratePerMinute`, see
    /// [`crate::pace`]). The transport owns the waiting because it owns the event loop (JS:
    /// `setTimeout`). The default returns at once, which suits scripted transports whose clock
    /// is fake; a transport that really sends must override it or pacing is not enforced.
    async fn sleep(&self, _ms: u64) {}
}

/// A source of the current time in milliseconds since the Unix epoch.
pub trait Clock {
    fn now_ms(&self) -> i64;
}

impl<F: Fn() -> i64> Clock for F {
    fn now_ms(&self) -> i64 {
        self()
    }
}

/// Send `n` through `transport` until the dispatch is done. Before each request to a provider
/// with a rate limit, wait for its slot in `pacer`: share one pacer between the concurrent sends
/// of a process so that they share the rate.
pub async fn drive<T: Transport, C: Clock>(
    engine: &Engine,
    n: &Notification,
    transport: &T,
    clock: &C,
    pacer: &RefCell<Pacer>,
) -> Result<Outcome> {
    let mut dispatch = engine.dispatch(n, clock.now_ms())?;
    loop {
        match dispatch.poll(engine, clock.now_ms())? {
            Action::Done { outcome } => return Ok(outcome),
            Action::Send { provider, request } => {
                wait_for_slot(engine, &provider, transport, clock, pacer).await;
                match transport.send(request).await {
                    Ok(resp) => dispatch.handle_response(engine, resp, clock.now_ms())?,
                    Err(err) => dispatch.handle_transport_error(engine, err, clock.now_ms())?,
                }
            }
        }
    }
}

/// Wait for `provider`'s slot as [`crate::pace::decide`] says: take a slot (persisted in
/// `pacer` at once, so a concurrent send queues behind it), sleep until it, and on waking up send,
/// sleep again (early) or take a new slot (late). No borrow of `pacer` is held across an await.
async fn wait_for_slot<T: Transport, C: Clock>(
    engine: &Engine,
    provider: &str,
    transport: &T,
    clock: &C,
    pacer: &RefCell<Pacer>,
) {
    let Some(rate) = engine.provider(provider).ok().and_then(|p| p.rate_limit()) else {
        return;
    };
    // The slot waited for (None: take one), the slots taken again, when the last sleep began.
    let (mut waited_for, mut retry, mut slept_at) = (None, 0, None);
    loop {
        let now = clock.now_ms();
        if slept_at.is_some_and(|t| now <= t) {
            return; // a clock that does not move (a scripted test's) would wait forever
        }
        let woke = waited_for.map(|at| (at, retry));
        let Ok(decision) = pacer
            .try_borrow_mut()
            .map(|mut p| p.decide(provider, Some(rate), now, woke))
        else {
            // Unreachable on one thread; if it ever happens, one interval is the safe wait.
            let interval = crate::pace::interval_ms(Some(rate));
            transport.sleep(interval.unsigned_abs()).await;
            return;
        };
        match decision.action {
            Step::Send | Step::Defer => return,
            Step::Reserve => {
                (waited_for, slept_at) = (None, None);
                retry += 1;
            }
            Step::Wait => {
                (waited_for, slept_at) = (Some(decision.slot.at_ms), Some(now));
                transport.sleep(decision.slot.wait_ms.unsigned_abs()).await;
            }
        }
    }
}

/// Run a future whose awaits complete without waiting (scripted transports in tests, benchmarks).
/// Returns `None` if the future is still pending after being polled once.
pub fn run_ready<F: Future>(fut: F) -> Option<F::Output> {
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    let mut cx = Context::from_waker(Waker::noop());
    match pin!(fut).poll(&mut cx) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::EngineConfig;

    /// Accepts every Fonnte send; sleeping moves its fake clock on. Records when each send left.
    struct Scripted {
        clock: Cell<i64>,
        sent: RefCell<Vec<i64>>,
        sleeps: RefCell<Vec<u64>>,
        /// How late each sleep wakes up, in order (a busy event loop); then on time.
        late: RefCell<Vec<i64>>,
    }

    impl Transport for Scripted {
        async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.sent.borrow_mut().push(self.clock.get());
            Ok(HttpResponse {
                status: 200,
                headers: BTreeMap::new(),
                body: r#"{"status":true,"id":["1"],"process":"pending"}"#.into(),
            })
        }

        async fn sleep(&self, ms: u64) {
            self.sleeps.borrow_mut().push(ms);
            let mut late = self.late.borrow_mut();
            let extra = if late.is_empty() { 0 } else { late.remove(0) };
            self.clock.set(self.clock.get() + ms as i64 + extra);
        }
    }

    fn engine(rate: Option<u32>) -> Engine {
        let config: EngineConfig = serde_json::from_value(serde_json::json!({
            "providers": [{"id": "fonnte", "kind": "fonnte", "state": "configured",
                           "ratePerMinute": rate, "credentials": {"token": "t"}}],
            "templates": [{"code": "t", "body": "Halo {{name}}", "fonnte": {}}]
        }))
        .expect("config");
        Engine::new(config).expect("valid")
    }

    fn notification() -> Notification {
        serde_json::from_value(serde_json::json!({
            "template": "t", "recipient": {"phone": "081234567890"}, "values": {"name": "Budi"}
        }))
        .expect("notification")
    }

    fn send_many(engine: &Engine, count: usize) -> Scripted {
        send_late(engine, count, Vec::new())
    }

    fn send_late(engine: &Engine, count: usize, late: Vec<i64>) -> Scripted {
        let t = Scripted {
            clock: Cell::new(1_000),
            sent: RefCell::default(),
            sleeps: RefCell::default(),
            late: RefCell::new(late),
        };
        let pacer = RefCell::new(Pacer::new());
        let clock = || t.clock.get();
        for _ in 0..count {
            let outcome = run_ready(drive(engine, &notification(), &t, &clock, &pacer))
                .expect("a scripted transport never waits")
                .expect("sent");
            assert_eq!(outcome.status, crate::model::OutcomeStatus::Sent);
        }
        t
    }

    #[test]
    fn a_rate_limited_provider_is_sent_to_one_interval_apart() {
        let t = send_many(&engine(Some(600)), 4);
        assert_eq!(*t.sent.borrow(), [1_000, 1_100, 1_200, 1_300]);
        assert_eq!(*t.sleeps.borrow(), [100, 100, 100]);
    }

    #[test]
    fn an_unlimited_provider_never_sleeps() {
        for rate in [None, Some(0)] {
            let t = send_many(&engine(rate), 3);
            assert_eq!(*t.sent.borrow(), [1_000, 1_000, 1_000]);
            assert!(t.sleeps.borrow().is_empty());
        }
    }

    #[test]
    fn a_late_wake_up_takes_a_new_slot_instead_of_leaving_late() {
        // The second send's timer fires 70 ms late (at 1_170): beyond max(3, 100 / 20) ms, so
        // it takes the next free slot (1_200) rather than leaving 30 ms before its owner would.
        let t = send_late(&engine(Some(600)), 3, vec![70]);
        assert_eq!(*t.sent.borrow(), [1_000, 1_200, 1_300]);
        assert_eq!(*t.sleeps.borrow(), [100, 30, 100]);
    }
}
