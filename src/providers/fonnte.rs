//! Fonnte (providers.md §A): `Authorization: <device token>` (raw, no `Bearer`), multipart form
//! bodies, and **HTTP 200 even for failures** — the body's boolean `status` is the verdict.
//!
//! - Send: `POST {base}/send`, fields `target`, `message`, `countryCode=62` as
//!   `multipart/form-data` (§A.3, §F): Fonnte's own docs post exactly that (PHP cURL with
//!   `CURLOPT_POSTFIELDS => array(...)`). Url-encoding works for third-party code but Fonnte
//!   documents it only for the GET variant; JSON works but is undocumented. The boundary is fixed
//!   ([`common::MULTIPART_BOUNDARY`], lengthened if a value contains it), so the bytes are the same
//!   in every host and in the fixtures; hosts send body and `Content-Type` unchanged. Text only.
//! - `status:true` is accepted with the ids of the `id` array; `process: pending` is **accepted**
//!   too: Fonnte keeps a message for a disconnected device and retries it for up to 7 days, so
//!   sending it elsewhere could deliver it twice.
//! - `status:false` means Fonnte did not queue the message; `reason` decides the classification.
//! - Health check: `POST {base}/device`.
//!
//! NOT CONFIRMED facts and how this module copes:
//! - **`status` vs `Status`**: some error examples capitalise the key; keys `status`, `reason`,
//!   `id`, `process`, `detail` are looked up case-insensitively. `status` is read as a boolean or
//!   the strings `"true"` / `"false"`.
//! - **`invalid token` (seen on `/send`) vs `token invalid` (docs)**: both, case-insensitively.
//! - **Send-time reasons for a disconnected device, an exhausted quota, a bad target** are not
//!   documented. Matching is by words (`disconnect`, `quota`/`limit`, `target`/`not registered`);
//!   any other `status:false` is *provider down* with the reason verbatim, so the message falls
//!   back to another provider. The reason, lower-cased and trimmed, is the `code`.
//! - **ids** arrive as numbers or strings; both become strings.
//! - **`/device` may say `token invalid` for a token that still sends** (third-party report): the
//!   health check says so in its detail rather than declaring the token dead.

use serde_json::{Map, Value};

use super::common::{self, classified, get_ci, quote, required};
use super::{Classified, Content, HealthCheck, Provider, Secrets};
use crate::error::Result;
use crate::model::{Classification, HttpRequest, HttpResponse, ProviderConfig, ProviderKind};

/// `countryCode` sent with every request: Fonnte replaces a leading `0` with it (the engine already
/// sends `62…`, so this only matters for numbers given in national form).
const COUNTRY_CODE: &str = "62";

pub struct Fonnte;

impl Provider for Fonnte {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Fonnte
    }

    fn default_base_url(&self) -> &'static str {
        "https://api.fonnte.com"
    }

    fn build_send_with(
        &self,
        p: &ProviderConfig,
        secrets: Secrets,
        to: &str,
        content: Content<'_>,
    ) -> Result<HttpRequest> {
        let text = common::text_only(p, "Fonnte", content)?;
        let token = common::secret(p, secrets, "token", &p.credentials.token)?;
        let to = common::recipient(to)?;
        let body = common::multipart_body(&[
            ("target", to),
            ("message", text),
            ("countryCode", COUNTRY_CODE),
        ]);
        Ok(form_post(p, "send", token, Some(body)))
    }

    fn classify_send(&self, resp: &HttpResponse) -> Classified {
        let http = resp.status;
        let body = common::json_object(&resp.body);
        let verdict = body.as_ref().and_then(status_of);
        if http == 429 {
            let said = body
                .as_ref()
                .and_then(reason_of)
                .map(|r| format!(". Fonnte says: {}", quote(r)))
                .unwrap_or_default();
            return common::throttled(
                resp,
                Some(common::http_code(http)),
                format!("Fonnte rate-limited the request (HTTP 429){said}"),
                common::DEFAULT_THROTTLE_MS,
            );
        }
        match (verdict, &body) {
            (Some(false), Some(obj)) => return failure(obj),
            (Some(true), Some(obj)) if common::is_success(http) => return success(obj),
            _ => {}
        }
        let code = Some(common::http_code(http));
        let excerpt = common::body_excerpt(&resp.body);
        if common::is_server_error(http) {
            classified(
                Classification::ProviderDown,
                code,
                format!("Fonnte is unavailable (HTTP {http}; {excerpt})"),
            )
        } else if common::is_client_error(http) {
            let detail = format!(
                "Fonnte refused the request with HTTP {http} (check the base URL and token; \
                 {excerpt})"
            );
            Classified {
                profile_error: common::is_profile_status(http),
                ..classified(Classification::ConfigError, code, detail)
            }
        } else {
            classified(
                Classification::Unknown,
                code,
                format!(
                    "Fonnte answered HTTP {http} without a readable status; it may or may not \
                     have queued the message ({excerpt})"
                ),
            )
        }
    }

    fn build_health_check(&self, p: &ProviderConfig) -> Result<HttpRequest> {
        let token = required(p, "token", &p.credentials.token)?;
        Ok(form_post(p, "device", token, None))
    }

    fn parse_health_check(&self, resp: &HttpResponse) -> HealthCheck {
        let body = common::json_object(&resp.body);
        let Some(obj) = body.as_ref().filter(|_| common::is_success(resp.status)) else {
            return HealthCheck {
                ok: false,
                code: Some(common::http_code(resp.status)),
                detail: format!(
                    "Fonnte answered HTTP {} without a device profile ({})",
                    resp.status,
                    common::body_excerpt(&resp.body)
                ),
                info: Value::Object(Map::new()),
            };
        };
        let mut info = Map::new();
        for key in [
            "device",
            "device_status",
            "expired",
            "quota",
            "package",
            "name",
        ] {
            if let Some(v) = get_ci(obj, key).filter(|v| !v.is_null()) {
                info.insert(key.to_string(), v.clone());
            }
        }
        match status_of(obj) {
            Some(true) => {
                let device = get_ci(obj, "device")
                    .and_then(common::scalar_text)
                    .map(|d| quote(&d))
                    .unwrap_or_else(|| "(unknown)".into());
                let state = get_ci(obj, "device_status")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or("");
                let mut extra = String::new();
                if let Some(q) = get_ci(obj, "quota").and_then(common::scalar_text) {
                    extra.push_str(&format!("; quota {}", quote(&q)));
                }
                if let Some(e) = get_ci(obj, "expired").and_then(common::scalar_text) {
                    extra.push_str(&format!("; expires {}", quote(&e)));
                }
                if state.eq_ignore_ascii_case("connect") {
                    HealthCheck {
                        ok: true,
                        code: None,
                        detail: format!("Fonnte device {device} is connected{extra}"),
                        info: Value::Object(info),
                    }
                } else {
                    HealthCheck {
                        ok: false,
                        code: Some("disconnect".into()),
                        detail: format!(
                            "Fonnte device {device} is not connected (device_status {}): messages \
                             are queued as pending until it reconnects (up to 7 days){extra}",
                            if state.is_empty() {
                                "missing".to_string()
                            } else {
                                quote(state)
                            }
                        ),
                        info: Value::Object(info),
                    }
                }
            }
            Some(false) => {
                let reason = reason_of(obj).unwrap_or("");
                let mut detail = format!("Fonnte refused the device check: {}", quote(reason));
                if is_token_reason(&reason.to_ascii_lowercase()) {
                    detail.push_str(
                        " (a token /device refuses may still send: try a test message before \
                         replacing it)",
                    );
                }
                HealthCheck {
                    ok: false,
                    code: Some(reason_code(reason)),
                    detail,
                    info: Value::Object(info),
                }
            }
            None => HealthCheck {
                ok: false,
                code: Some(common::http_code(resp.status)),
                detail: format!(
                    "Fonnte answered without a status ({})",
                    common::body_excerpt(&resp.body)
                ),
                info: Value::Object(info),
            },
        }
    }
}

/// `POST {base}/{endpoint}` with the raw token; with a body, its multipart content type.
fn form_post(
    p: &ProviderConfig,
    endpoint: &str,
    token: &str,
    body: Option<(String, String)>,
) -> HttpRequest {
    let url = crate::concat(&[Fonnte.base_url(p), "/", endpoint]);
    let token = token.to_string();
    match body {
        Some((b, content_type)) => common::request(
            p,
            "POST",
            url,
            [("Authorization", token), ("Content-Type", content_type)],
            Some(b),
        ),
        None => common::request(p, "POST", url, [("Authorization", token)], None),
    }
}

/// `status` / `Status` as a boolean (also the strings `"true"` / `"false"`).
fn status_of(obj: &Map<String, Value>) -> Option<bool> {
    match get_ci(obj, "status")? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn reason_of(obj: &Map<String, Value>) -> Option<&str> {
    get_ci(obj, "reason")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
}

fn reason_code(reason: &str) -> String {
    let code = common::text_code(reason);
    if code.is_empty() {
        "status false".to_string()
    } else {
        code
    }
}

fn is_token_reason(lower: &str) -> bool {
    // "invalid device : invalid token" in Fonnte's docs (providers.md §F): a device token problem.
    lower.contains("invalid token")
        || lower.contains("token invalid")
        || lower.contains("invalid device")
        || lower.contains("unknown user")
        || (lower.contains("token")
            && ["invalid", "expired", "not found", "required"]
                .iter()
                .any(|w| lower.contains(w)))
}

fn is_target_reason(lower: &str) -> bool {
    [
        "target invalid",
        "invalid target",
        "target required",
        "not registered",
        "unregistered",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

fn is_quota_reason(lower: &str) -> bool {
    lower.contains("quota") || lower.contains("limit")
}

/// `status:true` on a 2xx.
fn success(obj: &Map<String, Value>) -> Classified {
    let ids = common::scalar_list(get_ci(obj, "id"));
    let process = get_ci(obj, "process")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut detail = match process {
        Some(p) if p.eq_ignore_ascii_case("pending") => format!(
            "Fonnte queued the message (process {}): it is kept and retried while the device is \
             disconnected, for up to 7 days — do not resend it elsewhere",
            quote(p)
        ),
        Some(p) => format!("Fonnte took the message (process {})", quote(p)),
        None => "Fonnte took the message".to_string(),
    };
    if let Some(d) = get_ci(obj, "detail").and_then(Value::as_str) {
        detail.push_str(&format!(". Fonnte says: {}", quote(d)));
    }
    if let Some(r) = get_ci(obj, "requestid").and_then(common::scalar_text) {
        detail.push_str(&format!(" (request id {})", quote(&r)));
    }
    if ids.is_empty() {
        detail.push_str(" (no message id returned)");
    }
    Classified {
        message_ids: ids,
        ..classified(Classification::Accepted, None, detail)
    }
}

/// `status:false`: Fonnte did not queue the message; the reason says why.
fn failure(obj: &Map<String, Value>) -> Classified {
    let reason = reason_of(obj).unwrap_or("");
    let lower = reason.to_ascii_lowercase();
    let code = Some(reason_code(reason));
    let said = if reason.is_empty() {
        "Fonnte gave no reason".to_string()
    } else {
        format!("Fonnte says: {}", quote(reason))
    };
    let (class, why) = if is_token_reason(&lower) {
        (
            Classification::ConfigError,
            "the Fonnte device token is invalid",
        )
    } else if is_target_reason(&lower) {
        (
            Classification::Rejected,
            "Fonnte refused the recipient's number",
        )
    } else if is_quota_reason(&lower) {
        (
            Classification::ConfigError,
            "the Fonnte package quota or limit is exhausted",
        )
    } else if lower.contains("disconnect") {
        (
            Classification::ProviderDown,
            "the Fonnte device is disconnected",
        )
    } else {
        (
            Classification::ProviderDown,
            "Fonnte did not queue the message (status false)",
        )
    };
    let detail = format!("{why}. {said}");
    if is_token_reason(&lower) {
        // The device token is the profile's: every send through it fails until it is replaced.
        // A quota resets with the package or the next day, so it leaves the profile alone.
        return common::profile_error(code, detail);
    }
    classified(class, code, detail)
}

#[cfg(test)]
#[path = "fonnte_tests.rs"]
mod tests;
