//! Watzap.id (providers.md §B): every endpoint is `POST` with a JSON body that carries the
//! credentials (`api_key`, `number_key`).
//!
//! - Send: `POST {base}/send_message` with `{"api_key","message","number_key","phone_no"}` (keys in
//!   alphabetical order, as `serde_json` writes them). Text only: Watzap has no templates.
//! - Watzap returns **no message id**, and documents no delivery webhook.
//! - Health check: `POST {base}/checking_key`.
//!
//! NOT CONFIRMED facts and how this module copes (each noted in providers.md §B):
//! - **Where the status codes live and which HTTP status a failure has.** The documented codes
//!   (`200`, `1002`…`1006`) are read from the body's `status`, accepted as a string (`"200"`), a
//!   number (`200`) or a boolean (`true`, as `checking_key` answers). Explicit credential codes
//!   (1002–1004) win over the HTTP status; otherwise HTTP 429 is throttled, HTTP 400/422 is a
//!   refusal of our request (rejected when the message names an invalid / unregistered number, else
//!   a config error), 5xx and codes 1005/1006 mean Watzap failed without sending (provider down),
//!   other 4xx are config errors. A 2xx whose body cannot be read, or whose `status` is not
//!   recognised, is `unknown`: Watzap may have sent it.
//! - **`checking_key` spells the key `api_key` in its table and `api-key` in its PHP sample.** The
//!   health check sends both (same value); an extra JSON field is harmless to either reading.

use serde_json::{json, Map, Value};

use super::common::{self, classified, quote, required, JsonWriter};
use super::{Classified, Content, HealthCheck, Provider, Secrets};
use crate::error::Result;
use crate::model::{Classification, HttpRequest, HttpResponse, ProviderConfig, ProviderKind};

pub struct Watzap;

impl Provider for Watzap {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Watzap
    }

    fn default_base_url(&self) -> &'static str {
        "https://api.watzap.id/v1"
    }

    fn build_send_with(
        &self,
        p: &ProviderConfig,
        secrets: Secrets,
        to: &str,
        content: Content<'_>,
    ) -> Result<HttpRequest> {
        let text = common::text_only(p, "Watzap", content)?;
        let api_key = common::secret(p, secrets, "apiKey", &p.credentials.api_key)?;
        let number_key = common::secret(p, secrets, "numberKey", &p.credentials.number_key)?;
        let to = common::recipient(to)?;
        let size = SEND_BODY_LEN
            + api_key.len()
            + number_key.len()
            + to.len()
            + common::with_escapes(text.len());
        // Keys in alphabetical order: the order `serde_json` gave the JSON object this body used
        // to be built as, kept so the bytes stay the same.
        let mut body = JsonWriter::with_capacity(size);
        body.raw(r#"{"api_key":"#)
            .string(api_key)
            .raw(r#","message":"#)
            .string(text)
            .raw(r#","number_key":"#)
            .string(number_key)
            .raw(r#","phone_no":"#)
            .string(to)
            .raw("}");
        Ok(json_post(p, "send_message", body.finish()?))
    }

    fn classify_send(&self, resp: &HttpResponse) -> Classified {
        let http = resp.status;
        let body = common::json_object(&resp.body);
        let status = body.as_ref().and_then(|b| b.get("status")).map(status_of);
        let message = body
            .as_ref()
            .and_then(|b| common::str_of(b, "message"))
            .map(quote);
        let said = message
            .as_deref()
            .map(|m| format!(". Watzap says: {m}"))
            .unwrap_or_default();

        if common::is_success(http) && status == Some(Status::Success) {
            return classified(
                Classification::Accepted,
                None,
                format!(
                    "Watzap accepted the message (Watzap returns no message id and no delivery \
                     status){said}"
                ),
            );
        }
        if let Some(Status::Code(code)) = &status {
            if let Some(meaning) = credential_code(code) {
                return common::profile_error(
                    Some(code.clone()),
                    format!("Watzap error {code}: {meaning}{said}"),
                );
            }
        }
        let code = match &status {
            Some(Status::Code(code)) => Some(code.clone()),
            _ => Some(common::http_code(http)),
        };
        if http == 429 {
            return common::throttled(
                resp,
                code,
                format!("Watzap rate-limited the request (HTTP 429){said}"),
                common::DEFAULT_THROTTLE_MS,
            );
        }
        if http == 400 || http == 422 {
            let about_number = message.as_deref().is_some_and(names_bad_number);
            let (class, why) = if about_number {
                (
                    Classification::Rejected,
                    "Watzap refused the recipient's number",
                )
            } else {
                (
                    Classification::ConfigError,
                    "Watzap refused the request as malformed",
                )
            };
            let excerpt = match message {
                Some(_) => String::new(),
                None => format!(" ({})", common::body_excerpt(&resp.body)),
            };
            return classified(class, code, format!("{why} (HTTP {http}){said}{excerpt}"));
        }
        if common::is_server_error(http) {
            return classified(
                Classification::ProviderDown,
                code,
                format!(
                    "Watzap is unavailable (HTTP {http}){said}{}",
                    excerpt_unless(&message, &resp.body)
                ),
            );
        }
        if let Some(Status::Code(c)) = &status {
            if c == "1005" || c == "1006" {
                let meaning = if c == "1005" {
                    "fatal error"
                } else {
                    "other error"
                };
                return classified(
                    Classification::ProviderDown,
                    code,
                    format!("Watzap error {c} ({meaning}): the message was not sent{said}"),
                );
            }
        }
        if common::is_client_error(http) {
            let detail = format!(
                "Watzap refused the request with HTTP {http} (check the base URL and keys){said}{}",
                excerpt_unless(&message, &resp.body)
            );
            return Classified {
                profile_error: common::is_profile_status(http),
                ..classified(Classification::ConfigError, code, detail)
            };
        }
        let what = match (&body, &status) {
            (None, _) => "a body that is not a JSON object".to_string(),
            (Some(_), None) => "no status".to_string(),
            (Some(_), Some(s)) => format!("status {}", s.text()),
        };
        classified(
            Classification::Unknown,
            code,
            format!(
                "Watzap answered HTTP {http} with {what}; it may or may not have sent the \
                 message{said}{}",
                excerpt_unless(&message, &resp.body)
            ),
        )
    }

    fn build_health_check(&self, p: &ProviderConfig) -> Result<HttpRequest> {
        let api_key = required(p, "apiKey", &p.credentials.api_key)?;
        // Both spellings of Watzap's own docs (providers.md §B.2); see the module docs.
        let body = json!({"api_key": api_key, "api-key": api_key});
        Ok(json_post(p, "checking_key", body.to_string()))
    }

    fn parse_health_check(&self, resp: &HttpResponse) -> HealthCheck {
        let body = common::json_object(&resp.body);
        let status = body.as_ref().and_then(|b| b.get("status")).map(status_of);
        let message = body.as_ref().and_then(|b| common::str_of(b, "message"));
        if !(common::is_success(resp.status) && status == Some(Status::Success)) {
            let code = match &status {
                Some(Status::Code(c)) => c.clone(),
                _ => common::http_code(resp.status),
            };
            let meaning = credential_code(&code).unwrap_or("the key check failed");
            let detail = match message {
                Some(m) => format!("Watzap: {meaning}. Watzap says: {}", quote(m)),
                None => format!(
                    "Watzap: {meaning} (HTTP {}; {})",
                    resp.status,
                    common::body_excerpt(&resp.body)
                ),
            };
            return HealthCheck {
                ok: false,
                code: Some(code),
                detail,
                info: Value::Object(Map::new()),
            };
        }
        let data = body
            .as_ref()
            .and_then(|b| b.get("data"))
            .and_then(Value::as_object);
        let mut info = Map::new();
        let mut licenses = Vec::new();
        if let Some(d) = data {
            for key in ["name", "plan", "expires_on"] {
                if let Some(v) = d.get(key).filter(|v| !v.is_null()) {
                    info.insert(key.to_string(), v.clone());
                }
            }
            // Only the number and its connection: a license's `key` is the number key (secret).
            for l in d
                .get("licenses_key")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
            {
                let mut one = Map::new();
                for key in ["wa_number", "is_connected"] {
                    if let Some(v) = l.get(key).filter(|v| !v.is_null()) {
                        one.insert(key.to_string(), v.clone());
                    }
                }
                licenses.push(Value::Object(one));
            }
        }
        let connected = licenses
            .iter()
            .filter(|l| l.get("is_connected").and_then(Value::as_bool) == Some(true))
            .count();
        let total = licenses.len();
        info.insert("licenses".into(), Value::Array(licenses));
        let account = data
            .and_then(|d| common::str_of(d, "name"))
            .map(|n| format!(" for {}", quote(n)))
            .unwrap_or_default();
        HealthCheck {
            ok: true,
            code: None,
            detail: format!(
                "Watzap API key is valid{account}; {connected} of {total} licensed numbers connected"
            ),
            info: Value::Object(info),
        }
    }
}

/// Bytes of a send body besides the values it carries.
const SEND_BODY_LEN: usize = 56;

/// `POST {base}/{endpoint}` with a JSON body.
fn json_post(p: &ProviderConfig, endpoint: &str, body: String) -> HttpRequest {
    common::request(
        p,
        "POST",
        crate::concat(&[Watzap.base_url(p), "/", endpoint]),
        [("Content-Type", "application/json".to_string())],
        Some(body),
    )
}

/// The body's `status`, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    /// `"200"`, `200` or `true`.
    Success,
    /// Another numeric code (`"1002"`, `1002`).
    Code(String),
    /// Anything else (`false`, `"error"`, an object…), as text.
    Other(String),
}

impl Status {
    fn text(&self) -> String {
        match self {
            Status::Success => "200".into(),
            Status::Code(c) => c.clone(),
            Status::Other(o) => o.clone(),
        }
    }
}

fn status_of(v: &Value) -> Status {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match v {
        Value::Bool(true) => Status::Success,
        Value::Number(n) if n.as_u64() == Some(200) => Status::Success,
        Value::Number(n) => Status::Code(n.to_string()),
        Value::String(s) => {
            let s = s.trim();
            if s == "200" || s.eq_ignore_ascii_case("true") {
                Status::Success
            } else if numeric(s) {
                Status::Code(common::truncate(s, common::MAX_CODE_CHARS))
            } else {
                Status::Other(common::text_code(s))
            }
        }
        other => Status::Other(common::text_code(&other.to_string())),
    }
}

/// Meaning of the credential codes (config errors).
fn credential_code(code: &str) -> Option<&'static str> {
    match code {
        "1002" => Some("invalid API key"),
        "1003" => Some("invalid number key"),
        "1004" => Some("pairing failed or access denied (is the WhatsApp number paired?)"),
        // Watzap's help page on API errors (providers.md §F): the plan does not include the API,
        // so nothing was sent and another provider may carry the message.
        "3001" => Some("need upgrade package: the plan does not include the API"),
        _ => None,
    }
}

/// Whether a Watzap message says the recipient's number is invalid or not on WhatsApp (and is
/// not about the *number key*).
fn names_bad_number(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    if m.contains("key") {
        return false;
    }
    let about_number = ["number", "nomor", "phone", "whatsapp", "wa "]
        .iter()
        .any(|w| m.contains(w));
    let negative = [
        "invalid",
        "not valid",
        "not registered",
        "unregistered",
        "not exist",
        "not found",
        "not on whatsapp",
        "tidak valid",
        "tidak terdaftar",
        "belum terdaftar",
    ]
    .iter()
    .any(|w| m.contains(w));
    about_number && negative
}

/// `" (<excerpt>)"` when Watzap gave no message to quote.
fn excerpt_unless(message: &Option<String>, body: &str) -> String {
    match message {
        Some(_) => String::new(),
        None => format!(" ({})", common::body_excerpt(body)),
    }
}

#[cfg(test)]
#[path = "watzap_tests.rs"]
mod tests;
