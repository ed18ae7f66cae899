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
use crate::pace::Pacer;

/// A request's timeout when neither the request nor the provider profile sets one (every host's
/// transport; hosts read it from the `catalogue` op's defaults).
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

/// Reserve `provider`'s next slot, sleep until it, then hold until one interval after the last
/// departure (see [`Pacer`]). The slot is taken before the wait (so a concurrent send queues
/// behind it) and no borrow of `pacer` is held across an await.
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
    let now = clock.now_ms();
    let slot = match pacer.try_borrow_mut() {
        Ok(mut p) => p.reserve(provider, Some(rate), now),
        // Unreachable on one thread; if it ever happens, one interval is the safe wait.
        Err(_) => {
            let interval = crate::pace::interval_ms(Some(rate));
            crate::pace::slot(Some(rate), Some(now.saturating_add(interval)), now)
        }
    };
    if slot.wait_ms > 0 {
        transport.sleep(slot.wait_ms.unsigned_abs()).await;
    }
    // Hold until one interval after the last departure. Each pass either leaves or sleeps until
    // the moment the last departure allows, so it ends as soon as this send wins a free moment.
    let mut now = clock.now_ms();
    loop {
        let hold = pacer
            .try_borrow()
            .map_or(0, |p| p.hold_ms(provider, Some(rate), now));
        if hold <= 0 {
            break;
        }
        transport.sleep(hold.unsigned_abs()).await;
        let later = clock.now_ms();
        if later <= now {
            break; // a clock that does not move (a scripted test's) would hold forever
        }
        now = later;
    }
    if let Ok(mut p) = pacer.try_borrow_mut() {
        p.sent(provider, Some(rate), now);
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
            self.clock.set(self.clock.get() + ms as i64);
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
        let t = Scripted {
            clock: Cell::new(1_000),
            sent: RefCell::default(),
            sleeps: RefCell::default(),
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
}
