//! Understanding Meta's answer to a send: accepted with its id, or Meta's error code and the
//! project's policy for it ([`code_class`]).

use serde_json::{Map, Value};

use super::super::common::{self, classified, quote};
use super::super::Classified;
use crate::model::{Classification, HttpResponse};

/// Back-off for 131056 (pair rate limit: about one message per 6 s to the same recipient).
const PAIR_RATE_LIMIT_MS: i64 = 6_000;

/// See [`crate::providers::Provider::classify_send`].
pub(super) fn classify_send(resp: &HttpResponse) -> Classified {
    let status = resp.status;
    let body = common::json_object(&resp.body);
    if let Some(err) = body.as_ref().and_then(MetaError::from_body) {
        return err.classify(resp);
    }
    if common::is_success(status) {
        if let Some(obj) = &body {
            if let Some(c) = accepted(obj) {
                return c;
            }
            return classified(
                Classification::Unknown,
                Some(common::http_code(status)),
                format!(
                    "Meta answered HTTP {status} without a message id; it may or may not have \
                     taken the message ({})",
                    common::body_excerpt(&resp.body)
                ),
            );
        }
        return classified(
            Classification::Unknown,
            Some(common::http_code(status)),
            format!(
                "Meta answered HTTP {status} with a body that is not JSON; it may or may not \
                 have taken the message ({})",
                common::body_excerpt(&resp.body)
            ),
        );
    }
    non_meta_failure(resp)
}

/// `messages[].id` of a 2xx body, as an accepted classification; `None` without any id.
fn accepted(obj: &Map<String, Value>) -> Option<Classified> {
    let messages = obj.get("messages").and_then(Value::as_array)?;
    let ids: Vec<String> = messages
        .iter()
        .filter_map(|m| m.get("id"))
        .filter_map(common::scalar_text)
        .collect();
    if ids.is_empty() {
        return None;
    }
    // Meta's OpenAPI description (§F) lists `accepted`, `held_for_quality_assessment` and
    // `paused`: each is a message Meta took (it has an id), so each is `accepted` here.
    let status = messages
        .iter()
        .find_map(|m| m.get("message_status").and_then(Value::as_str));
    let mut detail = match status {
        Some("held_for_quality_assessment") => {
            "Meta accepted the message but holds it for quality assessment \
             (message_status held_for_quality_assessment): delivery may be delayed or cancelled"
        }
        Some("paused") => {
            "Meta accepted the message but its delivery is paused (message_status paused): \
             delivery may be delayed or cancelled"
        }
        _ => "Meta accepted the message; delivery is reported later by webhook",
    }
    .to_string();
    let contact = obj
        .get("contacts")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .and_then(Value::as_object);
    if let Some(c) = contact {
        if let (Some(input), Some(wa_id)) = (common::str_of(c, "input"), common::str_of(c, "wa_id"))
        {
            if input != wa_id {
                detail.push_str(&format!(
                    "; WhatsApp id of {} is {}",
                    quote(input),
                    quote(wa_id)
                ));
            }
        }
    }
    Some(Classified {
        message_ids: ids,
        ..classified(Classification::Accepted, None, detail)
    })
}

/// A failure whose body is not a Meta error: judged by the HTTP status alone.
fn non_meta_failure(resp: &HttpResponse) -> Classified {
    let status = resp.status;
    let code = Some(common::http_code(status));
    let excerpt = common::body_excerpt(&resp.body);
    if status == 429 {
        common::throttled(
            resp,
            code,
            format!("Meta rate-limited the request (HTTP 429; {excerpt})"),
            common::DEFAULT_THROTTLE_MS,
        )
    } else if common::is_server_error(status) {
        classified(
            Classification::ProviderDown,
            code,
            format!("Meta is unavailable (HTTP {status}; {excerpt})"),
        )
    } else if common::is_client_error(status) {
        let detail = format!(
            "Meta refused the request with HTTP {status} and no Meta error (check the base URL, \
             API version and access token; {excerpt})"
        );
        if common::is_profile_status(status) {
            common::profile_error(code, detail)
        } else {
            classified(Classification::ConfigError, code, detail)
        }
    } else {
        classified(
            Classification::Unknown,
            code,
            format!("Meta answered HTTP {status}, which this engine cannot interpret ({excerpt})"),
        )
    }
}

/// The `error` object of a Graph API answer (§C.4).
#[derive(Debug, Default)]
pub(super) struct MetaError {
    code: Option<i64>,
    message: Option<String>,
    details: Option<String>,
    user_message: Option<String>,
}

impl MetaError {
    /// `Some` when the body is `{"error": {…}}`.
    pub(super) fn from_body(obj: &Map<String, Value>) -> Option<MetaError> {
        let err = obj.get("error")?.as_object()?;
        let code = err.get("code").and_then(|c| match c {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        let details = match err.get("error_data") {
            Some(Value::Object(d)) => common::str_of(d, "details").map(str::to_string),
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        };
        Some(MetaError {
            code,
            message: common::str_of(err, "message").map(str::to_string),
            details,
            user_message: common::str_of(err, "error_user_msg").map(str::to_string),
        })
    }

    /// The numeric code as text, else `http.<status>`.
    pub(super) fn code_text(&self, status: u16) -> String {
        self.code
            .map(|c| c.to_string())
            .unwrap_or_else(|| common::http_code(status))
    }

    /// English explanation followed by Meta's own words.
    pub(super) fn detail(&self) -> String {
        let mut out = match self.code {
            Some(code) => format!("Meta error {code}: {}", explain(code)),
            None => "Meta error without a code".to_string(),
        };
        let mut said = Vec::new();
        if let Some(m) = &self.message {
            said.push(quote(m));
        }
        if let Some(d) = &self.details {
            said.push(format!("details: {}", quote(d)));
        }
        if let Some(u) = &self.user_message {
            said.push(format!("user message: {}", quote(u)));
        }
        if !said.is_empty() {
            out.push_str(". Meta says: ");
            out.push_str(&said.join("; "));
        }
        out
    }

    fn classify(&self, resp: &HttpResponse) -> Classified {
        let status = resp.status;
        let class = match self.code.and_then(code_class) {
            Some(c) => c,
            None if status == 429 => Classification::Throttled,
            None if common::is_server_error(status) => Classification::ProviderDown,
            None if common::is_client_error(status) => Classification::ConfigError,
            None => Classification::Unknown,
        };
        let code = Some(self.code_text(status));
        if class == Classification::Throttled {
            let default_ms = match self.code {
                Some(131056) => PAIR_RATE_LIMIT_MS,
                _ => common::DEFAULT_THROTTLE_MS,
            };
            return common::throttled(resp, code, self.detail(), default_ms);
        }
        Classified {
            // A listed code says it; otherwise (no code, or one Meta's page does not list) the
            // HTTP status does, as for the classification.
            profile_error: class == Classification::ConfigError
                && match self.code.filter(|c| code_class(*c).is_some()) {
                    Some(c) => code_breaks_profile(c),
                    None => common::is_profile_status(status),
                },
            ..classified(class, code, self.detail())
        }
    }
}

/// Meta codes that say the profile itself is broken — the token, its permissions, the phone
/// number's registration or the business account — rather than one template or message
/// (132xxx, 131008/131009 parameters, 100 a request field): every later send would fail too.
fn code_breaks_profile(code: i64) -> bool {
    matches!(
        code,
        0 | 3
            | 10
            | 33
            | 190
            | 200..=299
            | 368
            | 131005
            | 131031
            | 131037
            | 131042
            | 131045
            | 133000
            | 133005..=133010
            | 133015
    )
}

/// The routing policy for every code of Meta's error-code page (§C.5, §F; README
/// "Conformance"); `None` for codes it does not list (then the HTTP status decides).
fn code_class(code: i64) -> Option<Classification> {
    use Classification::*;
    Some(match code {
        // Meta's "throttling errors" (131048 spam and 131064 are listed there too: wait, the
        // configuration is fine); 132069 is a throttled Flow.
        4 | 80007 | 130429 | 131048 | 131056 | 131064 | 132069 | 133016 => Throttled,
        0
        | 3
        | 10
        | 33
        | 100
        | 190
        | 200..=299
        | 368
        | 130497
        | 131005
        | 131008
        | 131009
        | 131031
        | 131037
        | 131042
        | 131045
        | 131051
        | 131052
        | 131053
        | 132000
        | 132001
        | 132005
        | 132007
        | 132012
        | 132015
        | 132016
        | 132018
        | 132068
        | 133000
        | 133005..=133010
        | 133015
        | 135000 => ConfigError,
        // About this recipient: failed, no fallback (another provider would reach the same
        // person against their block, Meta's experiment or their choice), no admin alert.
        130403 | 130472 | 131021 | 131026 | 131047 | 131049 | 131050 => Rejected,
        // Temporary on Meta's side, nothing was sent: 131057 is maintenance mode (e.g. a
        // throughput upgrade), not a configuration error.
        1 | 2 | 131000 | 131016 | 131057 | 133004 => ProviderDown,
        _ => return None,
    })
}

/// English meaning of a Meta error code (§C.5).
fn explain(code: i64) -> &'static str {
    match code {
        0 => "the access token expired or was invalidated; replace it with a System User token",
        190 => "the access token has expired or is invalid; replace it with a System User token",
        3 | 10 | 200..=299 => "the app or token lacks a permission or capability",
        100 => "a request parameter is invalid or unsupported",
        4 => "the app's API call rate limit was reached; back off",
        80007 => "the WhatsApp Business Account rate limit was reached; back off",
        130429 => "the Cloud API throughput limit of this number was reached; back off",
        131056 => "too many messages to the same recipient in a short time (pair rate limit)",
        131048 => "spam rate limit: the sending number may send fewer messages after blocks or reports; check its quality rating",
        131064 => "Meta throttled the sending number; retry later",
        133016 => "too many registration attempts for this phone number; retry later",
        132069 => "the Flow is throttled; retry later",
        130403 => "the business has blocked this recipient on WhatsApp; do not retry",
        130472 => "the recipient's number is part of a Meta experiment; the message was not sent",
        131021 => "the recipient is the sending number itself",
        131057 => "the business account is in maintenance mode (temporary, e.g. a throughput upgrade)",
        33 => "the business phone number was deleted or the value is not valid",
        131005 => "access denied: the token lacks a permission",
        131037 => "the WhatsApp number needs an approved display name before it can send",
        131042 => "a payment problem with the business account (eligibility)",
        131045 => "the phone number's certificate is incorrect; register it again",
        131052 | 131053 => "a media file could not be downloaded or uploaded",
        132068 => "the Flow is blocked",
        133000 | 133005..=133009 | 133015 => "the phone number's registration needs attention",
        135000 => "a generic user error: check the request",
        131047 => "more than 24 hours passed since the recipient last replied; only an approved template may be sent",
        131026 => "the message is undeliverable to this recipient (not on WhatsApp, outdated app, or terms not accepted)",
        131049 => "Meta held the message back to protect ecosystem engagement; wait at least 24 hours",
        131050 => "the recipient stopped marketing messages",
        131051 => "the message type is not supported",
        131008 => "a required parameter is missing",
        131009 => "a parameter value is invalid",
        132000 => "the number of parameters does not match the template",
        132001 => "the template does not exist in this language or is not approved",
        132005 => "the text with its parameters filled in is too long",
        132007 => "the template content violates a format character policy",
        132012 => "parameter values are formatted incorrectly",
        132015 => "the template is paused for low quality",
        132016 => "the template is permanently disabled for low quality",
        132018 => "a parameter contains a new line, a tab or more than 4 consecutive spaces",
        133010 => "the sending phone number is not registered on the Cloud API",
        368 => "the business account is restricted for policy violations",
        131031 => "the business account is locked",
        130497 => "the business account may not message users in this country",
        1 | 2 | 131000 | 131016 | 133004 => "Meta had an internal or temporary error",
        _ => "an error this engine has no specific rule for",
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
