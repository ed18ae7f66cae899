//! Drivers: the engine's dispatch loop over a pluggable HTTP transport.
//!
//! The transport belongs to the host, not to the decision code: `fetch` in JS hosts, `requests` in
//! Odoo (which runs the same loop in Python over the host ABI), a scripted fake in tests.

use std::future::Future;

use crate::dispatch::Action;
use crate::engine::Engine;
use crate::error::Result;
use crate::model::{HttpRequest, HttpResponse, Notification, Outcome, TransportError};

/// Performs one HTTP request. Implementations must say, on failure, whether the request may have
/// reached the provider (`TransportError::maybe_sent`): that decides between fallback and `unknown`.
#[allow(async_fn_in_trait)] // hosts are single-threaded (Wasm); no Send bound wanted
pub trait Transport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
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

/// Send `n` through `transport` until the dispatch is done.
pub async fn drive<T: Transport, C: Clock>(
    engine: &Engine,
    n: &Notification,
    transport: &T,
    clock: &C,
) -> Result<Outcome> {
    let mut dispatch = engine.dispatch(n, clock.now_ms())?;
    loop {
        match dispatch.poll(engine, clock.now_ms())? {
            Action::Done { outcome } => return Ok(outcome),
            Action::Send { request, .. } => match transport.send(request).await {
                Ok(resp) => dispatch.handle_response(engine, resp, clock.now_ms())?,
                Err(err) => dispatch.handle_transport_error(engine, err, clock.now_ms())?,
            },
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
