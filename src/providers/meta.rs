//! Meta WhatsApp Cloud API (providers.md §C).
//!
//! - Send: `POST {base}/{version}/{phoneNumberId}/messages`, `Authorization: Bearer <accessToken>`,
//!   JSON body (template, or text inside the 24 h window). Keys are serialized by `serde_json` in
//!   alphabetical order, so the bytes are the same on every host.
//! - Classification follows Meta's `error.code` (§C.4, §C.5, §F) with this project's policy
//!   ([`code_class`], one row per code of Meta's error-code page): throttled 4, 80007, 130429,
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

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
#[cfg(test)]
use serde_json::json; // the tests write their JSON with it
use serde_json::{Map, Value};

use super::common::{self, classified, form_encode, path_segment, quote, required, JsonWriter};
use super::{Classified, Content, HealthCheck, Provider, Secrets};
use crate::error::{Error, Result};
use crate::meta_template::{MetaComponent, TextParameter};
use crate::model::{
    Classification, HttpRequest, HttpResponse, MetaMapping, MetaParamFormat, ProviderConfig,
    ProviderKind,
};

/// Graph API version used when the profile does not set one.
pub const DEFAULT_API_VERSION: &str = "v25.0";

/// Fields asked of the phone number node by the health check.
const HEALTH_FIELDS: &str =
    "display_phone_number,verified_name,quality_rating,code_verification_status";

/// Fields asked of each template by the template sync.
const TEMPLATE_FIELDS: &str =
    "name,components,language,status,category,id,quality_score,parameter_format";

/// Page size of the template sync (Odoo uses the same).
const TEMPLATE_PAGE_SIZE: u32 = 200;

/// Back-off for 131056 (pair rate limit: about one message per 6 s to the same recipient).
const PAIR_RATE_LIMIT_MS: i64 = 6_000;

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
        let token = common::secret(p, secrets, "accessToken", &p.credentials.access_token)?;
        let phone_id = required(p, "phoneNumberId", &p.credentials.phone_number_id)?;
        let to = common::recipient(to)?;
        let body = match content {
            Content::Meta(m) => {
                let typed = m.components.as_slice();
                // Omitted when there are none (a template without variables), which Meta accepts.
                let components = (!typed.is_empty()).then_some(typed);
                template_body(to, m.name, m.language, components, components_len(typed))?
            }
            Content::Text(text) => text_body(to, text)?,
        };
        let version = api_version(p);
        let url = crate::concat(&[
            self.base_url(p),
            "/",
            &version,
            "/",
            &path_segment(phone_id),
            "/messages",
        ]);
        Ok(common::request(
            p,
            "POST",
            url,
            [
                ("Authorization", crate::concat(&["Bearer ", token])),
                ("Content-Type", "application/json".to_string()),
            ],
            Some(body),
        ))
    }

    fn classify_send(&self, resp: &HttpResponse) -> Classified {
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

    fn build_health_check(&self, p: &ProviderConfig) -> Result<HttpRequest> {
        let token = required(p, "accessToken", &p.credentials.access_token)?;
        let phone_id = required(p, "phoneNumberId", &p.credentials.phone_number_id)?;
        let url = format!(
            "{}/{}/{}?fields={HEALTH_FIELDS}",
            self.base_url(p),
            api_version(p),
            path_segment(phone_id)
        );
        let auth = format!("Bearer {token}");
        Ok(common::request(
            p,
            "GET",
            url,
            [("Authorization", auth)],
            None,
        ))
    }

    fn parse_health_check(&self, resp: &HttpResponse) -> HealthCheck {
        let body = common::json_object(&resp.body);
        if let Some(err) = body.as_ref().and_then(MetaError::from_body) {
            return HealthCheck {
                ok: false,
                code: Some(err.code_text(resp.status)),
                detail: err.detail(),
                info: Value::Object(Map::new()),
            };
        }
        let obj = body.unwrap_or_default();
        let mut info = Map::new();
        for key in HEALTH_FIELDS.split(',') {
            if let Some(v) = obj.get(key).filter(|v| !v.is_null()) {
                info.insert(key.to_string(), v.clone());
            }
        }
        let number = common::str_of(&obj, "display_phone_number");
        match number {
            Some(number) if common::is_success(resp.status) => {
                let name = common::str_of(&obj, "verified_name").unwrap_or("(no verified name)");
                let mut detail = format!(
                    "Phone number {} ({}) is reachable",
                    quote(number),
                    quote(name)
                );
                if let Some(q) = common::str_of(&obj, "quality_rating") {
                    detail.push_str(&format!("; quality rating {}", quote(q)));
                }
                if let Some(v) = common::str_of(&obj, "code_verification_status") {
                    detail.push_str(&format!("; code verification {}", quote(v)));
                }
                HealthCheck {
                    ok: true,
                    code: None,
                    detail,
                    info: Value::Object(info),
                }
            }
            _ => HealthCheck {
                ok: false,
                code: Some(common::http_code(resp.status)),
                detail: format!(
                    "Meta answered HTTP {} without the phone number's display_phone_number ({})",
                    resp.status,
                    common::body_excerpt(&resp.body)
                ),
                info: Value::Object(info),
            },
        }
    }
}

/// The Graph version segment of a profile: `api_version` trimmed of slashes, `v` added when
/// missing, [`DEFAULT_API_VERSION`] when unset.
fn api_version(p: &ProviderConfig) -> Cow<'_, str> {
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

/// Bytes of a template send body besides the components and the strings it carries.
const TEMPLATE_BODY_LEN: usize = 172;

/// Bytes of a text send body besides the strings it carries.
const TEXT_BODY_LEN: usize = 124;

// The bodies below are written key by key. Keys are in alphabetical order: the order `serde_json`
// gave the JSON objects these bodies used to be built as, kept so the bytes stay the same.

/// The JSON body of a template send; `components_len` is about how long the components are.
fn template_body(
    to: &str,
    name: &str,
    language: &str,
    components: Option<&[MetaComponent<'_>]>,
    components_len: usize,
) -> Result<String> {
    let size = TEMPLATE_BODY_LEN + to.len() + name.len() + language.len() + components_len;
    let mut w = JsonWriter::with_capacity(size);
    w.raw(r#"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"#);
    if let Some(c) = components {
        w.raw(r#""components":"#);
        write_components(&mut w, c);
        w.raw(",");
    }
    w.raw(r#""language":{"code":"#)
        .string(language)
        .raw(r#","policy":"deterministic"},"name":"#)
        .string(name)
        .raw(r#"},"to":"#)
        .string(to)
        .raw(r#","type":"template"}"#);
    w.finish()
}

/// Typed components, written exactly as `serde_json` serializes them (see the test
/// `typed_components_are_written_as_serialized`).
fn write_components(w: &mut JsonWriter, components: &[MetaComponent<'_>]) {
    w.raw("[");
    for (i, c) in components.iter().enumerate() {
        if i > 0 {
            w.raw(",");
        }
        w.raw("{");
        if let Some(index) = &c.index {
            w.raw(r#""index":"#).string(index).raw(",");
        }
        w.raw(r#""parameters":["#);
        for (j, p) in c.parameters.iter().enumerate() {
            if j > 0 {
                w.raw(",");
            }
            w.raw("{");
            if let Some(name) = p.parameter_name {
                w.raw(r#""parameter_name":"#).string(name).raw(",");
            }
            w.raw(r#""text":"#)
                .string(&p.text)
                .raw(r#","type":"#)
                .string(p.kind)
                .raw("}");
        }
        w.raw("]");
        if let Some(sub_type) = c.sub_type {
            w.raw(r#","sub_type":"#).string(sub_type);
        }
        w.raw(r#","type":"#).string(c.kind).raw("}");
    }
    w.raw("]");
}

/// About how long [`write_components`] writes `components`, to size the body it goes in.
fn components_len(components: &[MetaComponent<'_>]) -> usize {
    let parameter = |p: &TextParameter<'_>| {
        // {"parameter_name":"…","text":"…","type":"text"}
        let name = p.parameter_name.map_or(0, |n| 20 + n.len());
        25 + name + common::with_escapes(p.text.len())
    };
    let component = |c: &MetaComponent<'_>| {
        // {"index":"…","parameters":[…],"sub_type":"…","type":"…"},
        let index = c.index.as_ref().map_or(0, |i| 11 + i.len());
        let sub_type = c.sub_type.map_or(0, |s| 14 + s.len());
        27 + index + sub_type + c.kind.len() + c.parameters.iter().map(parameter).sum::<usize>()
    };
    2 + components.iter().map(component).sum::<usize>()
}

/// The JSON body of a text send.
fn text_body(to: &str, text: &str) -> Result<String> {
    let size = TEXT_BODY_LEN + to.len() + common::with_escapes(text.len());
    let mut w = JsonWriter::with_capacity(size);
    w.raw(r#"{"messaging_product":"whatsapp","recipient_type":"individual","text":{"body":"#)
        .string(text)
        .raw(r#","preview_url":false},"to":"#)
        .string(to)
        .raw(r#","type":"text"}"#);
    w.finish()
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
struct MetaError {
    code: Option<i64>,
    message: Option<String>,
    details: Option<String>,
    user_message: Option<String>,
}

impl MetaError {
    /// `Some` when the body is `{"error": {…}}`.
    fn from_body(obj: &Map<String, Value>) -> Option<MetaError> {
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
    fn code_text(&self, status: u16) -> String {
        self.code
            .map(|c| c.to_string())
            .unwrap_or_else(|| common::http_code(status))
    }

    /// English explanation followed by Meta's own words.
    fn detail(&self) -> String {
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

/// One page of the template sync.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaTemplatePage {
    pub templates: Vec<MetaTemplateInfo>,
    /// Cursor for the next page (`paging.cursors.after`), only when Meta announces one
    /// (`paging.next`). Pass it to [`template_list_request`].
    pub after: Option<String>,
}

/// A Meta message template as listed by the Graph API, with a mapping suggested for a master
/// template that carries it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaTemplateInfo {
    pub id: String,
    pub name: String,
    pub language: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, … as Meta spells it.
    pub status: Option<String>,
    /// `UTILITY`, `MARKETING`, `AUTHENTICATION`.
    pub category: Option<String>,
    /// `quality_score.score` (`GREEN`, `YELLOW`, `RED`, `UNKNOWN`), when Meta gives one.
    pub quality_score: Option<String>,
    /// `parameter_format` when Meta gives it; otherwise `named` when a body placeholder is not a
    /// number.
    pub param_format: MetaParamFormat,
    /// Text of the `BODY` component.
    pub body: Option<String>,
    /// Text of a `TEXT` header.
    pub header: Option<String>,
    /// `url` of the first URL button.
    pub button_url: Option<String>,
    /// Distinct placeholders of the body.
    pub body_param_count: u32,
    /// Named format: the body's parameter names in order of first appearance. Empty for
    /// positional templates.
    pub body_param_names: Vec<String>,
    /// A Meta mapping that fits this template: name, language, format, body parameters (`1`,
    /// `2`, … for positional), the header placeholder, the index of the first URL button that
    /// takes a variable, and the status.
    pub suggested_mapping: MetaMapping,
}

/// The request for one page of the WABA's message templates (§C.7). `after` is the cursor of
/// [`MetaTemplatePage::after`]; the token goes in the `Authorization` header, never in the URL.
pub fn template_list_request(p: &ProviderConfig, after: Option<&str>) -> Result<HttpRequest> {
    let token = required(p, "accessToken", &p.credentials.access_token)?;
    let waba = required(p, "wabaId", &p.credentials.waba_id)?;
    let mut url = format!(
        "{}/{}/{}/message_templates?fields={TEMPLATE_FIELDS}&limit={TEMPLATE_PAGE_SIZE}",
        Meta.base_url(p),
        api_version(p),
        path_segment(waba)
    );
    if let Some(cursor) = after.map(str::trim).filter(|c| !c.is_empty()) {
        url.push_str("&after=");
        url.push_str(&form_encode(cursor));
    }
    let auth = format!("Bearer {token}");
    Ok(common::request(
        p,
        "GET",
        url,
        [("Authorization", auth)],
        None,
    ))
}

/// Read one page of the template sync.
///
/// Errors: a Meta error body → `config.invalid` naming Meta's code and message (token,
/// permission or WABA id problems); any other answer that is not a 2xx JSON object with a `data`
/// array → `input.invalid`. Entries without a name are skipped; every other field is optional.
pub fn parse_template_list(resp: &HttpResponse) -> Result<MetaTemplatePage> {
    let body = common::json_object(&resp.body);
    if let Some(err) = body.as_ref().and_then(MetaError::from_body) {
        return Err(Error::config(format!(
            "Meta refused the template list (HTTP {}, code {}): {}",
            resp.status,
            err.code_text(resp.status),
            err.detail()
        )));
    }
    let data = body
        .as_ref()
        .filter(|_| common::is_success(resp.status))
        .and_then(|b| b.get("data"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Error::input(format!(
                "the Meta template list answer (HTTP {}) is not a page of templates ({})",
                resp.status,
                common::body_excerpt(&resp.body)
            ))
        })?;
    let templates = data
        .iter()
        .filter_map(Value::as_object)
        .filter_map(template_info)
        .collect();
    let paging = body
        .as_ref()
        .and_then(|b| b.get("paging"))
        .and_then(Value::as_object);
    let after = paging
        .filter(|pg| common::str_of(pg, "next").is_some())
        .and_then(|pg| pg.get("cursors"))
        .and_then(Value::as_object)
        .and_then(|c| common::str_of(c, "after"))
        .map(str::to_string);
    Ok(MetaTemplatePage { templates, after })
}

fn template_info(t: &Map<String, Value>) -> Option<MetaTemplateInfo> {
    let name = common::str_of(t, "name")?.to_string();
    let id = t
        .get("id")
        .and_then(common::scalar_text)
        .unwrap_or_default();
    let language = common::str_of(t, "language")
        .unwrap_or_default()
        .to_string();
    let status = common::str_of(t, "status").map(str::to_string);
    let category = common::str_of(t, "category").map(str::to_string);
    let quality_score = match t.get("quality_score") {
        Some(Value::Object(q)) => common::str_of(q, "score").map(str::to_string),
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };

    let components: Vec<&Map<String, Value>> = t
        .get("components")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let of_type = |ty: &str| {
        components.iter().copied().find(|c| {
            c.get("type")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case(ty))
        })
    };
    let body = of_type("BODY")
        .and_then(|c| c.get("text"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let header = of_type("HEADER")
        .filter(|c| {
            c.get("format")
                .and_then(Value::as_str)
                .is_none_or(|f| f.eq_ignore_ascii_case("TEXT"))
        })
        .and_then(|c| c.get("text"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let buttons: Vec<&Map<String, Value>> = of_type("BUTTONS")
        .and_then(|c| c.get("buttons"))
        .and_then(Value::as_array)
        .map(|b| b.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let is_url = |b: &Map<String, Value>| {
        b.get("type")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("URL"))
    };
    let button_url = buttons
        .iter()
        .find(|b| is_url(b))
        .and_then(|b| b.get("url"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let button_index = buttons
        .iter()
        .position(|b| {
            is_url(b)
                && b.get("url")
                    .and_then(Value::as_str)
                    .is_some_and(|u| !placeholders(u).is_empty())
        })
        .and_then(|i| u32::try_from(i).ok());

    let body_names = body.as_deref().map(placeholders).unwrap_or_default();
    let all_numeric = body_names
        .iter()
        .all(|n| n.bytes().all(|b| b.is_ascii_digit()));
    let param_format = match t.get("parameter_format").and_then(Value::as_str) {
        Some(f) if f.trim().eq_ignore_ascii_case("named") => MetaParamFormat::Named,
        Some(f) if f.trim().eq_ignore_ascii_case("positional") => MetaParamFormat::Positional,
        _ if all_numeric => MetaParamFormat::Positional,
        _ => MetaParamFormat::Named,
    };
    let body_param_count = u32::try_from(body_names.len()).unwrap_or(u32::MAX);
    let (body_param_names, body_params) = match param_format {
        MetaParamFormat::Named => (body_names.clone(), body_names),
        MetaParamFormat::Positional => {
            let mut numbers = body_names;
            crate::sort_texts(&mut numbers, |a, b| {
                a.len().cmp(&b.len()).then_with(|| a.cmp(b))
            });
            (Vec::new(), numbers)
        }
    };
    let header_param = header
        .as_deref()
        .and_then(|h| placeholders(h).into_iter().next());

    let suggested_mapping = MetaMapping {
        template_name: name.clone(),
        language: Some(language.clone()).filter(|l| !l.is_empty()),
        param_format,
        body_params,
        header_param,
        button_index,
        status: status.clone(),
        quality: quality_score.clone(),
        // Only an approved version is what Meta will accept sends against.
        approved_body_param_count: status
            .as_deref()
            .filter(|s| s.eq_ignore_ascii_case("approved"))
            .map(|_| body_param_count),
    };
    Some(MetaTemplateInfo {
        id,
        name,
        language,
        status,
        category,
        quality_score,
        param_format,
        body,
        header,
        button_url,
        body_param_count,
        body_param_names,
        suggested_mapping,
    })
}

/// Distinct `{{name}}` / `{{1}}` placeholders of a Meta text, in order of first appearance.
/// Lenient: anything between braces that is not a word is ignored.
fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !out.iter().any(|n| n == name)
        {
            out.push(name.to_string());
        }
        rest = &after[end + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{Credentials, MasterTemplate};
    use crate::providers::test_support::{self, resp};

    fn profile() -> ProviderConfig {
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

    fn classify(status: u16, body: &str) -> Classified {
        Meta.classify_send(&resp(status, body))
    }

    fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn error_body(code: i64, message: &str, details: &str) -> String {
        json!({"error": {"message": message, "type": "OAuthException", "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details},
            "fbtrace_id": "AbC"}})
        .to_string()
    }

    /// The engine's Meta message and the request a dispatch sends for template `t` with
    /// `values` through [`profile`]: the path production takes (engine, message, request).
    fn sent(t: MasterTemplate, values: &[(&str, &str)]) -> (String, HttpRequest) {
        let mut p = profile();
        p.state = crate::model::ProviderState::Configured;
        let code = t.code.clone();
        let engine = crate::Engine::new(crate::model::EngineConfig {
            providers: vec![p],
            templates: vec![t],
            ..Default::default()
        })
        .unwrap();
        let values: serde_json::Map<String, Value> = values
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        let n: crate::model::Notification = serde_json::from_value(json!({"template": code,
            "recipient": {"phone": "6281234567890", "metaOptIn": true}, "values": values}))
        .unwrap();
        let prepared = engine.prepare(&n).unwrap();
        let message = engine.meta_message(&prepared).unwrap();
        let mut w = JsonWriter::with_capacity(0);
        write_components(&mut w, &message.components);
        // The hand-written components are exactly what serializing them gives.
        let written = w.finish().unwrap();
        assert_eq!(written, serde_json::to_string(&message.components).unwrap());
        let mut dispatch = engine.dispatch(&n, 0).unwrap();
        match dispatch.poll(&engine, 0).unwrap() {
            crate::Action::Send { request, .. } => (written, request),
            other => panic!("{other:?}"),
        }
    }

    fn meta_template(body: &str) -> MasterTemplate {
        MasterTemplate {
            code: "permit_ready".into(),
            body: body.into(),
            meta: Some(MetaMapping {
                template_name: "izin_terbit".into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn template_send_request_bytes() {
        let mut t = meta_template("Yth. {{name}}");
        t.button_url_suffix = Some("{{token}}".into());
        let (_, req) = sent(t, &[("name", "Budi"), ("token", "abc123")]);
        assert_eq!(req.method, "POST");
        assert_eq!(
            req.url,
            "https://graph.facebook.com/v25.0/1234567890/messages"
        );
        assert_eq!(
            req.headers,
            headers(&[
                ("Authorization", "Bearer EAAG-secret"),
                ("Content-Type", "application/json")
            ])
        );
        assert_eq!(
            req.body.as_deref(),
            Some(
                r#"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"components":[{"parameters":[{"text":"Budi","type":"text"}],"type":"body"},{"index":"0","parameters":[{"text":"abc123","type":"text"}],"sub_type":"url","type":"button"}],"language":{"code":"id","policy":"deterministic"},"name":"izin_terbit"},"to":"6281234567890","type":"template"}"#
            )
        );
        assert_eq!(req.timeout_ms, None);
    }

    #[test]
    fn typed_components_are_written_as_serialized() {
        let mut t = meta_template("Yth. {{partner_name}}, izin {{permit_number}}.");
        t.header = Some("Izin {{permit_type}}".into());
        t.button_url_suffix = Some("cek/{{permit_number}}?a=\"{{partner_name}}\"".into());
        if let Some(m) = t.meta.as_mut() {
            m.button_index = Some(2);
        }
        let values = [
            ("partner_name", "Budi \"B\"\n\\ Santoso\u{1}"),
            ("permit_number", "503/IMB/2024 – é"),
            ("permit_type", "IMB"),
        ];
        for format in [MetaParamFormat::Positional, MetaParamFormat::Named] {
            if let Some(m) = t.meta.as_mut() {
                m.param_format = format;
            }
            let (components, req) = sent(t.clone(), &values);
            // The request carries the components as written.
            let body = req.body.unwrap_or_default();
            assert!(body.contains(&components), "{body}");
        }
    }

    #[test]
    fn template_without_components_omits_them() {
        let mut t = meta_template("Kantor tutup hari ini.");
        if let Some(m) = t.meta.as_mut() {
            m.template_name = "hello".into();
            m.language = Some("en_US".into());
        }
        let (components, req) = sent(t, &[]);
        assert_eq!(components, "[]");
        assert_eq!(
            req.body.as_deref(),
            Some(
                r#"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"language":{"code":"en_US","policy":"deterministic"},"name":"hello"},"to":"6281234567890","type":"template"}"#
            )
        );
    }

    #[test]
    fn text_send_request_bytes_with_overrides() {
        let mut p = profile();
        p.base_url = Some(" http://127.0.0.1:8787/meta/ ".into());
        p.api_version = Some("19.0".into());
        p.timeout_ms = Some(15_000);
        let req = Meta
            .build_send(&p, "6281234567890", Content::Text("Halo \"Budi\"\nbaris 2"))
            .unwrap();
        assert_eq!(
            req.url,
            "http://127.0.0.1:8787/meta/v19.0/1234567890/messages"
        );
        assert_eq!(
            req.body.as_deref(),
            Some(
                r#"{"messaging_product":"whatsapp","recipient_type":"individual","text":{"body":"Halo \"Budi\"\nbaris 2","preview_url":false},"to":"6281234567890","type":"text"}"#
            )
        );
        assert_eq!(req.timeout_ms, Some(15_000));
    }

    #[test]
    fn missing_credentials_name_the_field_not_the_value() {
        let mut p = profile();
        p.credentials.access_token = Some("   ".into());
        let e = Meta.build_send(&p, "6281", Content::Text("x")).unwrap_err();
        assert_eq!(e.code(), "config.invalid");
        let msg = e.to_string();
        assert!(
            msg.contains("meta-main") && msg.contains("accessToken"),
            "{msg}"
        );

        let mut p = profile();
        p.credentials.phone_number_id = None;
        let msg = Meta.build_health_check(&p).unwrap_err().to_string();
        assert!(
            msg.contains("phoneNumberId") && !msg.contains("EAAG-secret"),
            "{msg}"
        );

        let mut p = profile();
        p.credentials.waba_id = None;
        let e = template_list_request(&p, None).unwrap_err();
        assert_eq!(e.code(), "config.invalid");
        assert!(e.to_string().contains("wabaId"));
        assert!(!e.to_string().contains("EAAG-secret"));

        let e = Meta
            .build_send(&profile(), " ", Content::Text("x"))
            .unwrap_err();
        assert_eq!(e.code(), "input.invalid");
    }

    #[test]
    fn accepted_with_message_id() {
        let c = classify(
            200,
            r#"{"messaging_product":"whatsapp","contacts":[{"input":"6281234567890","wa_id":"6281234567890"}],"messages":[{"id":"wamid.HBgLNjI4MTIz","message_status":"accepted"}]}"#,
        );
        assert_eq!(c.classification, Classification::Accepted);
        assert_eq!(c.message_ids, vec!["wamid.HBgLNjI4MTIz"]);
        assert_eq!(c.code, None);
        assert_eq!(c.retry_after_ms, None);
        assert!(!c.detail.contains("held"));
    }

    #[test]
    fn held_for_quality_assessment_is_still_accepted() {
        let c = classify(
            200,
            r#"{"messages":[{"id":"wamid.X","message_status":"held_for_quality_assessment"}],"contacts":[{"input":"+6281","wa_id":"6281"}]}"#,
        );
        assert_eq!(c.classification, Classification::Accepted);
        assert!(
            c.detail.contains("held_for_quality_assessment"),
            "{}",
            c.detail
        );
        assert!(c.detail.contains("6281"), "{}", c.detail);
    }

    #[test]
    fn success_without_id_or_json_is_unknown() {
        for body in [
            r#"{"messaging_product":"whatsapp","messages":[]}"#,
            r#"{"messages":[{"id":""}]}"#,
            r#"{"messages":"wamid.X"}"#,
            "",
            "OK",
            r#"{"messages":[{"id":"wamid"#,
        ] {
            let c = classify(200, body);
            assert_eq!(c.classification, Classification::Unknown, "{body}");
            assert_eq!(c.code.as_deref(), Some("http.200"));
            assert!(c.message_ids.is_empty());
        }
    }

    #[test]
    fn error_131026_undeliverable_is_rejected() {
        let c = classify(
            400,
            &error_body(131026, "Message undeliverable", "Message Undeliverable."),
        );
        assert_eq!(c.classification, Classification::Rejected);
        assert_eq!(c.code.as_deref(), Some("131026"));
        assert!(c.detail.contains("Message undeliverable"), "{}", c.detail);
        assert!(
            c.detail.contains("details: Message Undeliverable."),
            "{}",
            c.detail
        );
        assert_eq!(c.retry_after_ms, None);
    }

    #[test]
    fn error_130429_is_throttled_for_a_minute() {
        let body = r#"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}"#;
        let c = classify(400, body);
        assert_eq!(c.classification, Classification::Throttled);
        assert_eq!(c.code.as_deref(), Some("130429"));
        assert_eq!(c.retry_after_ms, Some(60_000));
        assert!(c.detail.contains("(#130429) Rate limit hit"));
    }

    #[test]
    fn throttle_backoffs_and_retry_after() {
        let c = classify(
            400,
            &error_body(131056, "(#131056) pair rate limit hit", "x"),
        );
        assert_eq!(c.classification, Classification::Throttled);
        assert_eq!(c.retry_after_ms, Some(6_000));
        for code in [4, 80007] {
            let c = classify(429, &error_body(code, "limit", "x"));
            assert_eq!(c.classification, Classification::Throttled);
            assert_eq!(c.retry_after_ms, Some(60_000));
        }
        let mut r = resp(400, &error_body(131056, "pair", "x"));
        r.headers.insert("retry-after".into(), "12".into());
        assert_eq!(Meta.classify_send(&r).retry_after_ms, Some(12_000));

        // HTTP 429 without a body.
        let c = classify(429, "");
        assert_eq!(c.classification, Classification::Throttled);
        assert_eq!(c.code.as_deref(), Some("http.429"));
        assert_eq!(c.retry_after_ms, Some(60_000));
        let mut r = resp(429, "");
        r.headers.insert("Retry-After".into(), "3".into());
        assert_eq!(Meta.classify_send(&r).retry_after_ms, Some(3_000));
    }

    #[test]
    fn error_190_token_is_config_error() {
        let body = r#"{"error":{"message":"Error validating access token: Session has expired on Friday, 09-Feb-24 04:00:00 PST. The current time is Friday, 09-Feb-24 05:25:47 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A1"}}"#;
        let c = classify(401, body);
        assert_eq!(c.classification, Classification::ConfigError);
        assert_eq!(c.code.as_deref(), Some("190"));
        assert!(c.detail.contains("Session has expired"), "{}", c.detail);
    }

    #[test]
    fn only_profile_codes_break_the_profile() {
        // The profile's own: token, permission, account, number registration.
        for code in [0, 3, 10, 33, 190, 200, 299, 368, 131031, 131045, 133010] {
            let c = classify(400, &error_body(code, "x", ""));
            assert_eq!(c.classification, Classification::ConfigError, "{code}");
            assert!(c.profile_error, "{code} breaks the profile");
        }
        // A template's, a request's or a recipient's: the profile is fine.
        for code in [100, 131008, 131009, 132000, 132001, 132015, 131026, 131047] {
            assert!(
                !classify(400, &error_body(code, "x", "")).profile_error,
                "{code}"
            );
        }
        // No Meta error: 401/403/404 are the credentials or the endpoint, 400 the request.
        assert!(classify(401, "<html>Unauthorized</html>").profile_error);
        assert!(classify(404, "").profile_error);
        assert!(!classify(400, "").profile_error);
        assert!(!classify(503, "").profile_error);
        // An unlisted code: the HTTP status says.
        assert!(classify(403, &error_body(999_999, "x", "")).profile_error);
        assert!(!classify(400, &error_body(999_999, "x", "")).profile_error);
    }

    #[test]
    fn template_errors_are_config_errors() {
        let c = classify(
            400,
            &error_body(
                132000,
                "(#132000) Number of parameters does not match the expected number of params",
                "body: number of localizable_params (2) does not match the expected number of params (3)",
            ),
        );
        assert_eq!(c.classification, Classification::ConfigError);
        assert_eq!(c.code.as_deref(), Some("132000"));
        assert!(c.detail.contains("localizable_params (2)"));

        let c = classify(
            404,
            &error_body(
                132001,
                "(#132001) Template name does not exist in the translation",
                "template name (izin_terbit) does not exist in id",
            ),
        );
        assert_eq!(c.classification, Classification::ConfigError);
        assert_eq!(c.code.as_deref(), Some("132001"));
        assert!(c.detail.contains("does not exist in id"));
    }

    #[test]
    fn error_131047_reengagement_is_rejected() {
        let c = classify(
            400,
            &error_body(
                131047,
                "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
            ),
        );
        assert_eq!(c.classification, Classification::Rejected);
        assert_eq!(c.code.as_deref(), Some("131047"));
        assert!(c.detail.contains("24 hours"));
    }

    #[test]
    fn code_policy_table() {
        let cases: &[(i64, u16, Classification)] = &[
            (0, 401, Classification::ConfigError),
            (3, 500, Classification::ConfigError),
            (10, 403, Classification::ConfigError),
            (200, 403, Classification::ConfigError),
            (299, 403, Classification::ConfigError),
            (100, 400, Classification::ConfigError),
            (131008, 400, Classification::ConfigError),
            (131009, 400, Classification::ConfigError),
            (131048, 400, Classification::Throttled),
            (131064, 400, Classification::Throttled),
            (130403, 400, Classification::Rejected),
            (130472, 400, Classification::Rejected),
            (131057, 400, Classification::ProviderDown),
            (131051, 400, Classification::ConfigError),
            (132005, 400, Classification::ConfigError),
            (132007, 400, Classification::ConfigError),
            (132012, 400, Classification::ConfigError),
            (132015, 400, Classification::ConfigError),
            (132016, 400, Classification::ConfigError),
            (132018, 400, Classification::ConfigError),
            (133010, 400, Classification::ConfigError),
            (368, 403, Classification::ConfigError),
            (131031, 403, Classification::ConfigError),
            (130497, 403, Classification::ConfigError),
            (131049, 400, Classification::Rejected),
            (131050, 400, Classification::Rejected),
            (1, 500, Classification::ProviderDown),
            (2, 503, Classification::ProviderDown),
            (131000, 500, Classification::ProviderDown),
            (131016, 503, Classification::ProviderDown),
            (133004, 503, Classification::ProviderDown),
            // Not in the policy: decided by the HTTP status.
            (999998, 400, Classification::ConfigError),
            (999999, 503, Classification::ProviderDown),
            (999999, 429, Classification::Throttled),
        ];
        for &(code, status, want) in cases {
            let c = classify(status, &error_body(code, "m", "d"));
            assert_eq!(c.classification, want, "code {code} HTTP {status}");
            assert_eq!(c.code, Some(code.to_string()));
        }
    }

    #[test]
    fn odd_error_shapes() {
        // Code as a string, details as a bare string, no message.
        let c = classify(400, r#"{"error":{"code":"131026","error_data":"gone"}}"#);
        assert_eq!(c.classification, Classification::Rejected);
        assert_eq!(c.code.as_deref(), Some("131026"));
        assert!(c.detail.contains("gone"));
        // Error object without a code.
        let c = classify(400, r#"{"error":{"message":"Bad things"}}"#);
        assert_eq!(c.classification, Classification::ConfigError);
        assert_eq!(c.code.as_deref(), Some("http.400"));
        assert!(c.detail.contains("Bad things"));
        // Wrong types everywhere.
        let c = classify(
            500,
            r#"{"error":{"code":[1],"message":{"x":1},"error_data":5}}"#,
        );
        assert_eq!(c.classification, Classification::ProviderDown);
        let c = classify(400, r#"{"error":"nope"}"#);
        assert_eq!(c.classification, Classification::ConfigError);
        assert_eq!(c.code.as_deref(), Some("http.400"));
    }

    #[test]
    fn html_and_malformed_failures() {
        let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>";
        let c = classify(502, html);
        assert_eq!(c.classification, Classification::ProviderDown);
        assert_eq!(c.code.as_deref(), Some("http.502"));
        assert!(c.detail.contains("502 Bad Gateway"), "{}", c.detail);
        assert!(!c.detail.contains('\n'));

        assert_eq!(
            classify(503, "").classification,
            Classification::ProviderDown
        );
        assert_eq!(
            classify(500, "{not json").classification,
            Classification::ProviderDown
        );
        let c = classify(404, "<h1>Not Found</h1>");
        assert_eq!(c.classification, Classification::ConfigError);
        assert_eq!(c.code.as_deref(), Some("http.404"));
        assert_eq!(classify(302, "").classification, Classification::Unknown);
    }

    #[test]
    fn huge_bodies_are_cut() {
        let huge_msg = "x".repeat(2_000_000);
        let c = classify(
            400,
            &error_body(131026, &huge_msg, "é".repeat(5000).as_str()),
        );
        assert_eq!(c.classification, Classification::Rejected);
        assert!(c.detail.chars().count() < 1_000, "{}", c.detail.len());

        let c = classify(200, &"🙂".repeat(1_000_000));
        assert_eq!(c.classification, Classification::Unknown);
        assert!(c.detail.chars().count() < 600);

        let nested = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        assert_eq!(
            classify(200, &nested).classification,
            Classification::Unknown
        );
    }

    #[test]
    fn health_check_request_and_parse() {
        let req = Meta.build_health_check(&profile()).unwrap();
        assert_eq!(req.method, "GET");
        assert_eq!(
            req.url,
            "https://graph.facebook.com/v25.0/1234567890?fields=display_phone_number,verified_name,quality_rating,code_verification_status"
        );
        assert_eq!(
            req.headers,
            headers(&[("Authorization", "Bearer EAAG-secret")])
        );
        assert_eq!(req.body, None);

        let ok = Meta.parse_health_check(&resp(
            200,
            r#"{"verified_name":"DPMPTSP Karo","code_verification_status":"VERIFIED","display_phone_number":"+62 812-0000-0001","quality_rating":"GREEN","platform_type":"CLOUD_API","id":"1234567890"}"#,
        ));
        assert!(ok.ok);
        assert_eq!(ok.code, None);
        assert_eq!(
            ok.info,
            json!({"display_phone_number":"+62 812-0000-0001","verified_name":"DPMPTSP Karo",
                   "quality_rating":"GREEN","code_verification_status":"VERIFIED"})
        );
        assert!(ok.detail.contains("GREEN"));

        let bad = Meta.parse_health_check(&resp(
            401,
            r#"{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"fbtrace_id":"X"}}"#,
        ));
        assert!(!bad.ok);
        assert_eq!(bad.code.as_deref(), Some("190"));
        assert!(bad.detail.contains("Invalid OAuth access token."));

        let weird = Meta.parse_health_check(&resp(200, r#"{"id":"1"}"#));
        assert!(!weird.ok);
        assert_eq!(weird.code.as_deref(), Some("http.200"));
        let html = Meta.parse_health_check(&resp(502, "<html>Bad Gateway</html>"));
        assert!(!html.ok);
        assert_eq!(html.code.as_deref(), Some("http.502"));
    }

    #[test]
    fn template_list_request_bytes() {
        let req = template_list_request(&profile(), None).unwrap();
        assert_eq!(req.method, "GET");
        assert_eq!(
            req.url,
            "https://graph.facebook.com/v25.0/998877/message_templates?fields=name,components,language,status,category,id,quality_score,parameter_format&limit=200"
        );
        assert_eq!(
            req.headers,
            headers(&[("Authorization", "Bearer EAAG-secret")])
        );
        assert!(!req.url.contains("EAAG"));
        assert_eq!(req.body, None);

        let req = template_list_request(&profile(), Some("QVFIU+k1/x=")).unwrap();
        assert!(
            req.url.ends_with("&limit=200&after=QVFIU%2Bk1%2Fx%3D"),
            "{}",
            req.url
        );
    }

    #[test]
    fn template_list_parse() {
        let body = json!({
            "data": [
                {"name": "permit_ready", "parameter_format": "POSITIONAL",
                 "components": [
                    {"type": "HEADER", "format": "TEXT", "text": "Izin {{1}}"},
                    {"type": "BODY", "text": "Yth. {{1}}, izin {{2}} nomor {{3}} ... {{10}} {{2}}"},
                    {"type": "FOOTER", "text": "DPMPTSP"},
                    {"type": "BUTTONS", "buttons": [
                        {"type": "QUICK_REPLY", "text": "STOP"},
                        {"type": "URL", "text": "Lihat", "url": "https://izin.example/{{1}}"}]}],
                 "language": "id", "status": "APPROVED", "category": "UTILITY",
                 "id": "300000000000001", "quality_score": {"score": "GREEN"}},
                {"name": "status_update", "parameter_format": "NAMED",
                 "components": [{"type": "BODY",
                    "text": "Yth. {{partner_name}}, izin {{permit_number}}: {{status}} ({{partner_name}})"}],
                 "language": "id", "status": "PENDING", "category": "UTILITY", "id": 42},
                {"name": "no_format_named", "components": [{"type": "BODY", "text": "Hi {{nama}}"}],
                 "language": "en_US", "id": "7"},
                {"name": "image_header", "components": [
                    {"type": "HEADER", "format": "IMAGE"},
                    {"type": "BODY", "text": "No params"}], "language": "id", "id": "8"},
                {"components": []},
                "garbage",
                {"name": "", "id": "9"}
            ],
            "paging": {"cursors": {"before": "QVFI-b", "after": "QVFI-a"},
                       "next": "https://graph.facebook.com/v25.0/998877/message_templates?after=QVFI-a"}
        });
        let page = parse_template_list(&resp(200, &body.to_string())).unwrap();
        assert_eq!(page.after.as_deref(), Some("QVFI-a"));
        assert_eq!(page.templates.len(), 4);

        let t = &page.templates[0];
        assert_eq!(t.id, "300000000000001");
        assert_eq!(t.param_format, MetaParamFormat::Positional);
        assert_eq!(t.header.as_deref(), Some("Izin {{1}}"));
        assert_eq!(t.button_url.as_deref(), Some("https://izin.example/{{1}}"));
        assert_eq!(t.body_param_count, 4);
        assert!(t.body_param_names.is_empty());
        assert_eq!(t.quality_score.as_deref(), Some("GREEN"));
        assert_eq!(
            t.suggested_mapping,
            MetaMapping {
                template_name: "permit_ready".into(),
                language: Some("id".into()),
                param_format: MetaParamFormat::Positional,
                body_params: vec!["1".into(), "2".into(), "3".into(), "10".into()],
                header_param: Some("1".into()),
                button_index: Some(1),
                status: Some("APPROVED".into()),
                quality: Some("GREEN".into()),
                approved_body_param_count: Some(4),
            }
        );

        let t = &page.templates[1];
        assert_eq!(t.id, "42");
        assert_eq!(t.param_format, MetaParamFormat::Named);
        assert_eq!(
            t.body_param_names,
            vec!["partner_name", "permit_number", "status"]
        );
        assert_eq!(t.body_param_count, 3);
        assert_eq!(t.suggested_mapping.body_params, t.body_param_names);
        assert_eq!(t.suggested_mapping.button_index, None);

        assert_eq!(page.templates[2].param_format, MetaParamFormat::Named);
        assert_eq!(page.templates[3].header, None);
        assert_eq!(page.templates[3].body_param_count, 0);

        // Serialized in camelCase.
        let v = serde_json::to_value(&page.templates[1]).unwrap();
        assert_eq!(v["paramFormat"], "named");
        assert_eq!(v["bodyParamNames"][0], "partner_name");
        assert_eq!(v["suggestedMapping"]["templateName"], "status_update");
        let back: MetaTemplatePage =
            serde_json::from_value(serde_json::to_value(&page).unwrap()).unwrap();
        assert_eq!(back, page);
    }

    #[test]
    fn template_list_last_page_and_errors() {
        let page = parse_template_list(&resp(
            200,
            r#"{"data":[],"paging":{"cursors":{"before":"b","after":"a"}}}"#,
        ))
        .unwrap();
        assert!(page.templates.is_empty());
        assert_eq!(page.after, None);
        assert_eq!(
            parse_template_list(&resp(200, r#"{"data":[]}"#))
                .unwrap()
                .after,
            None
        );

        let e = parse_template_list(&resp(
            400,
            r#"{"error":{"message":"Unsupported get request. Object with ID '998877' does not exist","type":"GraphMethodException","code":100,"error_subcode":33}}"#,
        ))
        .unwrap_err();
        assert_eq!(e.code(), "config.invalid");
        assert!(e.to_string().contains("100"));
        assert!(e.to_string().contains("does not exist"));

        for (status, body) in [
            (200, ""),
            (200, "<html>"),
            (200, r#"{"data":5}"#),
            (502, "Bad Gateway"),
            (500, r#"{"data":[]}"#),
        ] {
            let e = parse_template_list(&resp(status, body)).unwrap_err();
            assert_eq!(e.code(), "input.invalid", "{status} {body}");
        }
    }

    #[test]
    fn placeholder_scan_is_lenient() {
        assert_eq!(placeholders("{{1}} {{ 2 }} {{1}}"), vec!["1", "2"]);
        assert_eq!(placeholders("{{a b}} {{}} {{x"), Vec::<String>::new());
        assert_eq!(placeholders("{{{{nama}}}}"), Vec::<String>::new());
        assert_eq!(placeholders("é{{nama}}é"), vec!["nama"]);
    }
}
