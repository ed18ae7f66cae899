//! The sans-IO dispatch state machine (the quinn-proto / h11 shape).
//!
//! ```text
//!            poll() → Send(req)              handle_response / handle_transport_error
//!  Ready ───────────────────────▶ Waiting ─────────────────────────────────────────▶ Ready (next provider)
//!    │                                    └──────────────────────────────────────────▶ Done(outcome)
//!    └── chain empty / exhausted ───────────────────────────────────────────────────▶ Done(outcome)
//! ```
//!
//! Fallback to the next provider happens only when it cannot cause a second delivery: the
//! provider answered that it did not take the message (`provider_down`, `config_error`) or the
//! connection failed before anything was sent. An answer we cannot read, or a timeout after the
//! request left, ends the dispatch as `unknown`: the message is never sent elsewhere. A throttled
//! provider ends it as `deferred` with the time to try the same provider again.
//!
//! The state is plain data (serde): a host may keep it between steps (the wasmtime host does,
//! as JSON) and it never contains credentials.

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{
    Attempt, Classification, Decision, HttpRequest, HttpResponse, Notification, Outcome,
    OutcomeStatus, ProviderKind, TransportError,
};
use crate::providers::{provider, Classified, Secrets};

/// Wait used when a provider throttles without saying for how long.
pub(crate) const DEFAULT_RETRY_AFTER_MS: i64 = 60_000;

// Starting a dispatch is the engine's operation, written here: the engine needs no dispatch.
impl Engine {
    /// Start sending `n`; see [`Dispatch`].
    pub fn dispatch(&self, n: &Notification, now_ms: i64) -> Result<Dispatch> {
        Dispatch::new(self, n, now_ms)
    }
}

/// What the host should do next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Action {
    /// Perform this request (it carries real credentials: never log it) and feed back the result.
    Send {
        provider: String,
        request: HttpRequest,
    },
    /// Finished.
    Done { outcome: Outcome },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Phase {
    Ready,
    Waiting {
        provider: String,
        kind: ProviderKind,
        /// Masked copy of the request, for the attempt log.
        request: HttpRequest,
    },
    Done {
        outcome: Outcome,
    },
}

/// Sending one notification through its provider chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dispatch {
    notification: Notification,
    decision: Decision,
    /// Index in `decision.chain` of the next provider to try.
    next: usize,
    phase: Phase,
    attempts: Vec<Attempt>,
}

impl Dispatch {
    /// Check the notification and decide the chain. Errors are caller misuse (bad phone, unknown
    /// template, missing value); "nothing may be sent" is a `Done` outcome from [`Dispatch::poll`].
    ///
    /// A non-urgent message asked for during quiet hours or on an office holiday in the
    /// recipient's zone ends at once as `deferred` until the next allowed moment: nothing is built.
    pub fn new(engine: &Engine, n: &Notification, now_ms: i64) -> Result<Dispatch> {
        let decision = engine.decide(n)?;
        let mut dispatch = Dispatch {
            notification: n.clone(),
            decision,
            next: 0,
            phase: Phase::Ready,
            attempts: Vec::new(),
        };
        // Nothing may be sent at all (opted out, no provider): that answer needs no waiting.
        if dispatch.decision.chain.is_empty() {
            return Ok(dispatch);
        }
        let w = engine.send_window(n, now_ms)?;
        if w.wait_ms > 0 {
            dispatch.phase = Phase::Done {
                outcome: Outcome {
                    status: OutcomeStatus::Deferred,
                    provider: None,
                    message_ids: Vec::new(),
                    code: w.code.map(str::to_string),
                    message: Some(w.message()),
                    retry_at_ms: Some(w.at_ms),
                    idempotency_key: n.idempotency_key.clone(),
                    attempts: Vec::new(),
                    trace: w.trace,
                },
            };
        }
        Ok(dispatch)
    }

    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// The outcome, once done.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.phase {
            Phase::Done { outcome } => Some(outcome),
            _ => None,
        }
    }

    /// What to do next. Call this after [`Dispatch::new`] and after every `handle_*` call, until it
    /// returns [`Action::Done`]. Errors when a request is still waiting for its result.
    pub fn poll(&mut self, engine: &Engine, now_ms: i64) -> Result<Action> {
        match &self.phase {
            Phase::Done { outcome } => {
                return Ok(Action::Done {
                    outcome: outcome.clone(),
                })
            }
            Phase::Waiting { provider, .. } => {
                return Err(Error::DispatchState {
                    reason: format!("the request to {provider:?} has no result yet"),
                })
            }
            Phase::Ready => {}
        }
        while let Some(id) = self.decision.chain.get(self.next).cloned() {
            self.next += 1;
            let built = engine.provider(&id).and_then(|p| {
                let prepared = engine.prepare(&self.notification)?;
                // One rendering, two requests: the real one to send, the masked one to log.
                let message = engine.message_for(&prepared, p)?;
                let real = engine.build_request(&prepared, p, Secrets::Real, &message)?;
                let masked = engine.build_request(&prepared, p, Secrets::Masked, &message)?;
                Ok((p.kind, real, masked))
            });
            match built {
                Ok((kind, request, masked)) => {
                    self.phase = Phase::Waiting {
                        provider: id.clone(),
                        kind,
                        request: masked,
                    };
                    return Ok(Action::Send {
                        provider: id,
                        request,
                    });
                }
                // Nothing left the engine, so trying the next provider is safe.
                Err(e) => {
                    let kind = engine
                        .provider(&id)
                        .map(|p| p.kind)
                        .unwrap_or(ProviderKind::Meta);
                    self.attempts.push(Attempt {
                        provider: id,
                        kind,
                        classification: Classification::ConfigError,
                        // A request that cannot be built (a template mapping, a missing
                        // credential) is checked by the profile's and template's own lint.
                        profile_error: false,
                        code: Some(e.code().to_string()),
                        detail: e.to_string(),
                        message_ids: Vec::new(),
                        request: None,
                        response: None,
                        transport_error: None,
                        at_ms: now_ms,
                    });
                }
            }
        }
        let outcome = self.final_failure();
        self.phase = Phase::Done {
            outcome: outcome.clone(),
        };
        Ok(Action::Done { outcome })
    }

    /// Feed the provider's answer to the request of the last [`Action::Send`].
    pub fn handle_response(
        &mut self,
        engine: &Engine,
        response: HttpResponse,
        now_ms: i64,
    ) -> Result<()> {
        let (id, kind, request) = self.take_waiting()?;
        let mut classified = provider(kind).classify_send(&response);
        // A provider may echo a credential (in its body, hence in a reason-derived code or detail).
        let response = match engine.provider(&id) {
            Ok(p) => {
                let redact = |s: &str| p.credentials.redact(s).into_owned();
                classified.detail = redact(&classified.detail);
                classified.code = classified.code.as_deref().map(redact);
                // Inserted one by one, not collected: see `providers::common::request`.
                let mut headers = std::collections::BTreeMap::new();
                for (k, v) in &response.headers {
                    headers.insert(k.clone(), redact(v));
                }
                HttpResponse {
                    status: response.status,
                    headers,
                    body: redact(&response.body),
                }
            }
            Err(_) => response,
        };
        self.record(id, kind, request, classified, Some(response), None, now_ms);
        Ok(())
    }

    /// Feed a failure to get any answer to the request of the last [`Action::Send`].
    pub fn handle_transport_error(
        &mut self,
        engine: &Engine,
        error: TransportError,
        now_ms: i64,
    ) -> Result<()> {
        let (id, kind, request) = self.take_waiting()?;
        let message = match engine.provider(&id) {
            Ok(p) => p.credentials.redact(&error.message).into_owned(),
            Err(_) => error.message.clone(),
        };
        let error = TransportError { message, ..error };
        let classified = classify_transport_error(&error);
        self.record(id, kind, request, classified, None, Some(error), now_ms);
        Ok(())
    }

    fn take_waiting(&mut self) -> Result<(String, ProviderKind, HttpRequest)> {
        match std::mem::replace(&mut self.phase, Phase::Ready) {
            Phase::Waiting {
                provider,
                kind,
                request,
            } => Ok((provider, kind, request)),
            other => {
                self.phase = other;
                Err(Error::DispatchState {
                    reason: "no request is waiting for a result; call poll() first".into(),
                })
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        id: String,
        kind: ProviderKind,
        request: HttpRequest,
        c: Classified,
        response: Option<HttpResponse>,
        transport_error: Option<TransportError>,
        now_ms: i64,
    ) {
        let qualified =
            |code: &Option<String>| code.as_ref().map(|c| format!("{}.{c}", kind.as_str()));
        let outcome = match c.classification {
            Classification::Accepted => {
                Some(self.new_outcome(OutcomeStatus::Sent, &id, c.message_ids.clone(), None, None))
            }
            Classification::Rejected => Some(self.new_outcome(
                OutcomeStatus::Failed,
                &id,
                Vec::new(),
                qualified(&c.code),
                Some(c.detail.clone()),
            )),
            Classification::Unknown => Some(self.new_outcome(
                OutcomeStatus::Unknown,
                &id,
                Vec::new(),
                qualified(&c.code).or(Some("dispatch.unknown".into())),
                Some(c.detail.clone()),
            )),
            Classification::Throttled => {
                let mut o = self.new_outcome(
                    OutcomeStatus::Deferred,
                    &id,
                    Vec::new(),
                    qualified(&c.code),
                    Some(c.detail.clone()),
                );
                o.retry_at_ms = Some(
                    now_ms
                        .saturating_add(c.retry_after_ms.unwrap_or(DEFAULT_RETRY_AFTER_MS).max(0)),
                );
                Some(o)
            }
            Classification::ConfigError | Classification::ProviderDown => None,
        };
        self.attempts.push(Attempt {
            provider: id,
            kind,
            classification: c.classification,
            profile_error: c.profile_error,
            code: c.code,
            detail: c.detail,
            message_ids: c.message_ids,
            request: Some(request),
            response,
            transport_error,
            at_ms: now_ms,
        });
        if let Some(mut outcome) = outcome {
            outcome.attempts = self.attempts.clone();
            self.phase = Phase::Done { outcome };
        }
    }

    fn new_outcome(
        &self,
        status: OutcomeStatus,
        provider: &str,
        message_ids: Vec<String>,
        code: Option<String>,
        message: Option<String>,
    ) -> Outcome {
        Outcome {
            status,
            provider: Some(provider.to_string()),
            message_ids,
            code,
            message,
            retry_at_ms: None,
            idempotency_key: self.notification.idempotency_key.clone(),
            attempts: Vec::new(),
            trace: Vec::new(),
        }
    }

    /// Nothing more to try: say why, from the decision or the attempts.
    fn final_failure(&self) -> Outcome {
        let (code, message) = if self.decision.chain.is_empty() {
            let opted_out = self
                .decision
                .trace
                .iter()
                .any(|t| t.code == "route.opted_out");
            if opted_out {
                (
                    "route.opted_out",
                    "The recipient opted out; nothing was sent".to_string(),
                )
            } else {
                (
                    "route.no_provider",
                    "No provider is eligible; nothing was sent".to_string(),
                )
            }
        } else {
            let summary: Vec<String> = self
                .attempts
                .iter()
                .map(|a| format!("{}: {}", a.provider, a.detail))
                .collect();
            (
                "dispatch.exhausted",
                format!("Every provider failed. {}", summary.join("; ")),
            )
        };
        Outcome {
            status: OutcomeStatus::Failed,
            provider: self.attempts.last().map(|a| a.provider.clone()),
            message_ids: Vec::new(),
            code: Some(code.to_string()),
            message: Some(message),
            retry_at_ms: None,
            idempotency_key: self.notification.idempotency_key.clone(),
            attempts: self.attempts.clone(),
            trace: Vec::new(),
        }
    }
}

/// A transport failure as an attempt's classification: `unknown` when the request may have left
/// (never resent elsewhere), else `provider_down`. `error.message` is already redacted.
pub(crate) fn classify_transport_error(error: &TransportError) -> Classified {
    let kind_name = match error.kind {
        crate::model::TransportErrorKind::Connect => "connect",
        crate::model::TransportErrorKind::Timeout => "timeout",
        crate::model::TransportErrorKind::Other => "other",
    };
    if error.maybe_sent {
        Classified {
            classification: Classification::Unknown,
            code: Some(format!("transport.{kind_name}")),
            detail: format!(
                "No answer after the request was sent ({}): the provider may have the message",
                error.message
            ),
            message_ids: Vec::new(),
            retry_after_ms: None,
            profile_error: false,
        }
    } else {
        Classified {
            classification: Classification::ProviderDown,
            code: Some(format!("transport.{kind_name}")),
            detail: format!("The request could not be sent ({})", error.message),
            message_ids: Vec::new(),
            retry_after_ms: None,
            profile_error: false,
        }
    }
}
