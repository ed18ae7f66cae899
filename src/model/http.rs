use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The only I/O vocabulary of the engine: the request a host must perform.
/// Headers are a sorted map so every host serializes them identically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Request body as text (JSON, or a multipart form for Fonnte); `None` for GET.
    #[serde(default)]
    pub body: Option<String>,
    /// How long the host should wait for the response before giving up, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u32>,
}

/// What the host got back. Header names are matched case-insensitively by the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpResponse {
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A request that did not produce a response. `maybe_sent` is the key fact for fallback: when the
/// request may have reached the provider (timeout after sending, connection reset mid-response),
/// the outcome is unknown and the message must not be sent elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransportError {
    pub kind: TransportErrorKind,
    pub maybe_sent: bool,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportErrorKind {
    /// DNS failure, connection refused: nothing was sent.
    Connect,
    /// No response in time.
    Timeout,
    /// Anything else (TLS, reset, aborted).
    Other,
}
