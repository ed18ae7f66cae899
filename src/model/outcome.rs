use serde::{Deserialize, Serialize};

use super::{HttpRequest, HttpResponse, ProviderKind, TraceStep, TransportError};

/// How one provider response (or transport failure) was understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// The provider took the message (queued counts: Fonnte `pending`, Meta `accepted`).
    Accepted,
    /// Permanently refused for this recipient (not on WhatsApp, invalid number).
    Rejected,
    /// Our side is wrong: token expired, template missing, parameter mismatch. Alert the admin.
    ConfigError,
    /// Rate limited: retry the same provider later.
    Throttled,
    /// The provider is unavailable and did not take the message (5xx, connection refused).
    ProviderDown,
    /// We cannot tell whether the message was taken (timeout after sending, unreadable answer).
    Unknown,
}

/// One request to one provider and what came of it. Requests and responses are masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub provider: String,
    pub kind: ProviderKind,
    pub classification: Classification,
    /// The answer says the provider profile itself is broken (credentials, account, endpoint):
    /// the host moves the profile to error until someone fixes it, and tells its managers. Only
    /// ever true with `config_error`; false for a template or message problem.
    #[serde(default)]
    pub profile_error: bool,
    /// Provider error code when there is one (`131026`, `invalid token`, `1002`, `http.503`).
    pub code: Option<String>,
    /// English explanation of the classification.
    pub detail: String,
    #[serde(default)]
    pub message_ids: Vec<String>,
    /// `None` when no request could be built (e.g. a credential is missing).
    pub request: Option<HttpRequest>,
    pub response: Option<HttpResponse>,
    pub transport_error: Option<TransportError>,
    pub at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeStatus {
    Sent,
    /// Definitely not delivered; `code` says why. Safe to retry after fixing the cause.
    Failed,
    /// Ambiguous: the last provider may have the message. Never resent automatically.
    Unknown,
    /// Throttled, or held by quiet hours: try again at `retryAtMs`.
    Deferred,
}

/// The end of a dispatch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub status: OutcomeStatus,
    /// Provider of the last attempt (the one that has, may have, or will get the message).
    pub provider: Option<String>,
    pub message_ids: Vec<String>,
    /// Why it failed / is unknown / deferred (`route.opted_out`, `meta.131026`, …).
    pub code: Option<String>,
    pub message: Option<String>,
    pub retry_at_ms: Option<i64>,
    pub idempotency_key: Option<String>,
    pub attempts: Vec<Attempt>,
    /// Why a message waits before any request (quiet hours, holidays); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStep>,
}
