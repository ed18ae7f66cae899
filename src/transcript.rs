//! `dispatchScripted`: one whole dispatch against scripted transport answers, so that the shared
//! fixtures (tests/fixtures/README.md) state a dispatch as one op call with its expected answer,
//! and every host's fixture runner stays generic. Not in the web build (see Cargo.toml).
//!
//! It drives the same steps as a host (`dispatchStart`, then `dispatchFeed` per answer) and, like
//! a host, keeps the state between steps as JSON text: the round trip is part of what it tests.

use serde::{Deserialize, Serialize};

use crate::dispatch::{Action, Dispatch};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{HttpRequest, HttpResponse, Notification, Outcome, TransportError};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Args {
    notification: Notification,
    now_ms: i64,
    /// What the transport answers to each request, in order.
    #[serde(default)]
    responses: Vec<Scripted>,
}

/// Exactly one of the two, as in `dispatchFeed`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Scripted {
    response: Option<HttpResponse>,
    transport_error: Option<TransportError>,
}

#[derive(Serialize)]
struct Answer {
    /// Every request the engine asked to send, in order.
    requests: Vec<HttpRequest>,
    outcome: Outcome,
}

pub fn dispatch_scripted(engine: &Engine, args: &str) -> Result<String> {
    let a: Args = serde_json::from_str(args).map_err(|e| Error::input(e.to_string()))?;
    let mut dispatch = engine.dispatch(&a.notification, a.now_ms)?;
    let mut scripted = a.responses.into_iter();
    let mut requests = Vec::new();
    loop {
        let request = match dispatch.poll(engine, a.now_ms)? {
            Action::Done { outcome } => {
                if scripted.next().is_some() {
                    return Err(Error::input("more scripted responses than requests"));
                }
                let answer = Answer { requests, outcome };
                return serde_json::to_string(&answer).map_err(|e| Error::input(e.to_string()));
            }
            Action::Send { request, .. } => request,
        };
        requests.push(request);
        let next = scripted.next().ok_or_else(|| {
            Error::input(format!(
                "no scripted response for request {}",
                requests.len()
            ))
        })?;
        // The state crosses the host boundary as JSON between steps.
        let text = serde_json::to_string(&dispatch).map_err(|e| Error::input(e.to_string()))?;
        dispatch =
            serde_json::from_str::<Dispatch>(&text).map_err(|e| Error::input(e.to_string()))?;
        match (next.response, next.transport_error) {
            (Some(r), None) => dispatch.handle_response(engine, r, a.now_ms)?,
            (None, Some(e)) => dispatch.handle_transport_error(engine, e, a.now_ms)?,
            _ => {
                return Err(Error::input(
                    "a scripted answer is exactly one of `response` or `transportError`",
                ))
            }
        }
    }
}
