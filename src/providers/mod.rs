//! The three provider protocols: build the exact HTTP request, classify the response.
//!
//! One module per provider behind one [`Provider`] trait; [`provider`] picks the implementation
//! for a kind. Nothing here performs I/O.

pub(crate) mod common;
pub mod fonnte;
pub mod graph_version;
pub mod meta;
pub mod watzap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::meta_template::MetaMessage;
use crate::model::{Classification, HttpRequest, HttpResponse, ProviderConfig, ProviderKind};

/// What is sent: a Meta template (Meta only) or plain text (gateways; Meta inside the 24 h window).
#[derive(Debug, Clone, Copy)]
pub enum Content<'a> {
    /// A Meta template message, typed as the engine builds it: written to the body as it is.
    Meta(&'a MetaMessage<'a>),
    Text(&'a str),
}

/// Which credential values a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    /// The real values: only for the request actually sent.
    Real,
    /// Every secret that is set replaced by [`crate::model::SECRET_MASK`] (previews, logs).
    Masked,
}

/// A provider response, understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Classified {
    pub classification: Classification,
    /// Provider error code (`131026`, `invalid token`, `1002`) or `http.<status>`.
    pub code: Option<String>,
    /// English explanation, with the provider's own words verbatim where it gave some.
    pub detail: String,
    pub message_ids: Vec<String>,
    /// For `throttled`: how long to wait before trying the same provider again.
    pub retry_after_ms: Option<i64>,
    /// The answer says the provider profile itself is broken (credentials, account, endpoint),
    /// not this message or its template: every later send through it would fail the same way.
    pub profile_error: bool,
}

/// Result of a provider's status endpoint ("Test connection").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    pub ok: bool,
    pub code: Option<String>,
    pub detail: String,
    /// Provider facts worth showing (device number, connection, expiry, quota…).
    pub info: serde_json::Value,
}

pub trait Provider: Sync {
    fn kind(&self) -> ProviderKind;

    /// Public API base URL, used unless the profile overrides `baseUrl`.
    fn default_base_url(&self) -> &'static str;

    /// The request that sends `content` to `to` (digits with country code, e.g. `6281…`).
    /// Errors with `config.invalid` when a credential the request needs is missing, and with
    /// `provider.unsupported` for content the provider cannot carry.
    fn build_send(
        &self,
        p: &ProviderConfig,
        to: &str,
        content: Content<'_>,
    ) -> Result<HttpRequest> {
        self.build_send_with(p, Secrets::Real, to, content)
    }

    /// [`Provider::build_send`] with the credentials `secrets` says: a masked request is built
    /// from the profile directly, without a masked copy of it.
    fn build_send_with(
        &self,
        p: &ProviderConfig,
        secrets: Secrets,
        to: &str,
        content: Content<'_>,
    ) -> Result<HttpRequest>;

    /// Understand the answer to a request made by [`Provider::build_send`].
    fn classify_send(&self, resp: &HttpResponse) -> Classified;

    /// The request of the provider's status endpoint (Meta phone number, Watzap `checking_key`,
    /// Fonnte `device`).
    fn build_health_check(&self, p: &ProviderConfig) -> Result<HttpRequest>;

    fn parse_health_check(&self, resp: &HttpResponse) -> HealthCheck;

    /// Base URL of a profile, without a trailing slash.
    fn base_url<'a>(&self, p: &'a ProviderConfig) -> &'a str {
        p.base_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or(self.default_base_url())
            .trim()
            .trim_end_matches('/')
    }
}

/// The implementation for a kind.
pub fn provider(kind: ProviderKind) -> &'static dyn Provider {
    match kind {
        ProviderKind::Meta => &meta::Meta,
        ProviderKind::Watzap => &watzap::Watzap,
        ProviderKind::Fonnte => &fonnte::Fonnte,
    }
}

/// Shared by the providers' unit tests: a bare profile and a response.
#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeMap;

    use crate::model::{Credentials, HttpResponse, ProviderConfig, ProviderKind};

    pub fn profile(id: &str, kind: ProviderKind, credentials: Credentials) -> ProviderConfig {
        ProviderConfig {
            id: id.into(),
            kind,
            state: Default::default(),
            name: None,
            base_url: None,
            api_version: None,
            timeout_ms: None,
            rate_per_minute: None,
            credentials,
        }
    }

    pub fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: BTreeMap::new(),
            body: body.into(),
        }
    }
}

/// Arbitrary answers through every provider parser: nothing panics, details stay short.
#[cfg(all(test, not(target_arch = "wasm32")))] // proptest is a native-only dev-dependency
mod fuzz {
    use proptest::prelude::*;

    use super::{meta, provider};
    use crate::model::{HttpResponse, ProviderKind};

    fn bodies() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            // JSON-ish noise built from the keys the parsers look at.
            proptest::collection::vec(
                prop_oneof![
                    Just("{".to_string()),
                    Just("}".to_string()),
                    Just("[".to_string()),
                    Just("]".to_string()),
                    Just(",".to_string()),
                    Just(":".to_string()),
                    Just("\"status\"".to_string()),
                    Just("\"Status\"".to_string()),
                    Just("\"error\"".to_string()),
                    Just("\"code\"".to_string()),
                    Just("\"messages\"".to_string()),
                    Just("\"id\"".to_string()),
                    Just("\"reason\"".to_string()),
                    Just("\"data\"".to_string()),
                    Just("\"paging\"".to_string()),
                    Just("\"components\"".to_string()),
                    Just("\"registered\"".to_string()),
                    Just("true".to_string()),
                    Just("false".to_string()),
                    Just("null".to_string()),
                    Just("\"200\"".to_string()),
                    Just("131026".to_string()),
                    "\"[a-z {}]{0,12}\"",
                    "-?[0-9]{1,20}",
                ],
                0..40,
            )
            .prop_map(|parts| parts.concat()),
        ]
    }

    proptest! {
        #[test]
        fn parsers_never_panic(status in 0u16..1000, body in bodies(), retry in "[0-9a-zA-Z .,:-]{0,12}") {
            let resp = HttpResponse {
                status,
                headers: [("Retry-After".to_string(), retry)].into(),
                body,
            };
            for kind in ProviderKind::ALL {
                let p = provider(kind);
                let c = p.classify_send(&resp);
                prop_assert!(c.detail.chars().count() < 2_000);
                prop_assert!(c.code.as_ref().is_none_or(|s| s.chars().count() <= 200));
                let h = p.parse_health_check(&resp);
                prop_assert!(h.detail.chars().count() < 2_000);
            }
            let _ = meta::parse_template_list(&resp);
        }
    }
}
