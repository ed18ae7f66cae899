//! Meta WhatsApp Cloud API (providers.md §C).
//!
//! - Send: `POST {base}/{version}/{phoneNumberId}/messages`, `Authorization: Bearer <accessToken>`,
//!   JSON body (template, or text inside the 24 h window). Keys are serialized by `serde_json` in
//!   alphabetical order, so the bytes are the same on every host.
//! - Classification follows Meta's `error.code` (§C.4, §C.5, §F) with this project's policy
//!   ([`classify`]'s `code_class`, one row per code of Meta's error-code page): throttled 4, 80007, 130429,
//!   131048, 131056, 131064 (and HTTP 429); config errors (alert the admin, fall back) for
//!   token, permission, parameter, template and registration problems; rejected (this
//!   recipient, no fallback, no alert) 130403, 130472, 131021, 131026, 131047, 131049, 131050;
//!   provider down 1, 2, 131000, 131016, 131057, 133004 and any 5xx. Any other code on a 4xx is a
//!   config error.
//! - An HTTP 200 means *accepted*, not delivered: delivery is reported later by webhooks.
//! - Health check: `GET {base}/{version}/{phoneNumberId}?fields=…`.
//! - Template sync: [`template_list_request`] / [`parse_template_list`] (§C.7).
//!
//! Decisions where the facts are thin:
//! - A 4xx whose body is *not* a Meta error (a proxy's HTML 401/403/404, a wrong base URL) is a
//!   config error: a 4xx is a refusal, so nothing was sent and falling back is safe. Only 2xx (and
//!   1xx/3xx) answers that cannot be read are `unknown`.
//! - `error.code` is read as a number or a numeric string; `error_data.details` as an object field
//!   or, defensively, a bare string. Meta's words are quoted verbatim (cut to ~300 chars).
//! - The API version is taken from the profile (`v25.0` by default); a version written without
//!   its `v` (`25.0`) gets one.
//!
//! Files: `send` (request bodies), `classify` (answers to a send), `templates` (health check and
//! template sync).

mod classify;
mod send;
mod templates;

use std::borrow::Cow;

use super::common::path_segment;
use super::{Classified, Content, HealthCheck, Provider, Secrets};
use crate::error::Result;
use crate::model::{HttpRequest, HttpResponse, ProviderConfig, ProviderKind};

pub use templates::{
    parse_template_list, template_list_request, MetaTemplateInfo, MetaTemplatePage,
};

/// Graph API version used when the profile does not set one.
pub const DEFAULT_API_VERSION: &str = "v25.0";

pub struct Meta;

impl Provider for Meta {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Meta
    }

    fn default_base_url(&self) -> &'static str {
        "https://graph.facebook.com"
    }

    fn build_send_with(
        &self,
        p: &ProviderConfig,
        secrets: Secrets,
        to: &str,
        content: Content<'_>,
    ) -> Result<HttpRequest> {
        send::request(self, p, secrets, to, content)
    }

    fn classify_send(&self, resp: &HttpResponse) -> Classified {
        classify::classify_send(resp)
    }

    fn build_health_check(&self, p: &ProviderConfig) -> Result<HttpRequest> {
        templates::health_check_request(self, p)
    }

    fn parse_health_check(&self, resp: &HttpResponse) -> HealthCheck {
        templates::parse_health_check(resp)
    }
}

/// The Graph version segment of a profile: `api_version` trimmed of slashes, `v` added when
/// missing, [`DEFAULT_API_VERSION`] when unset.
pub(super) fn api_version(p: &ProviderConfig) -> Cow<'_, str> {
    let v = p
        .api_version
        .as_deref()
        .map(|v| v.trim().trim_matches('/'))
        .filter(|v| !v.is_empty())
        .unwrap_or(DEFAULT_API_VERSION);
    if v.starts_with(|c: char| c.is_ascii_digit()) {
        Cow::Owned(crate::concat(&["v", &path_segment(v)]))
    } else {
        path_segment(v)
    }
}

/// Shared by the tests of the three files: a complete profile and Meta's answers.
#[cfg(test)]
mod test_support {
    use std::collections::BTreeMap;

    use crate::model::{Credentials, ProviderConfig, ProviderKind};
    use crate::providers::test_support;

    pub fn profile() -> ProviderConfig {
        test_support::profile(
            "meta-main",
            ProviderKind::Meta,
            Credentials {
                access_token: Some("EAAG-secret".into()),
                phone_number_id: Some("1234567890".into()),
                waba_id: Some("998877".into()),
                ..Default::default()
            },
        )
    }

    pub fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    pub fn error_body(code: i64, message: &str, details: &str) -> String {
        serde_json::json!({"error": {"message": message, "type": "OAuthException", "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details},
            "fbtrace_id": "AbC"}})
        .to_string()
    }
}
