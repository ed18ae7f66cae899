//! The phone number's health check and the template sync (§C.7).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::super::common::{self, form_encode, path_segment, quote, required};
use super::super::{HealthCheck, Provider};
use super::classify::MetaError;
use super::{api_version, Meta};
use crate::error::{Error, Result};
use crate::model::{HttpRequest, HttpResponse, MetaMapping, MetaParamFormat, ProviderConfig};

/// Fields asked of the phone number node by the health check.
const HEALTH_FIELDS: &str =
    "display_phone_number,verified_name,quality_rating,code_verification_status";

/// Fields asked of each template by the template sync.
const TEMPLATE_FIELDS: &str =
    "name,components,language,status,category,id,quality_score,parameter_format";

/// Page size of the template sync (Odoo uses the same).
const TEMPLATE_PAGE_SIZE: u32 = 200;

/// The request of the health check (see [`Provider::build_health_check`]).
pub(super) fn health_check_request(meta: &Meta, p: &ProviderConfig) -> Result<HttpRequest> {
    let token = required(p, "accessToken", &p.credentials.access_token)?;
    let phone_id = required(p, "phoneNumberId", &p.credentials.phone_number_id)?;
    let url = format!(
        "{}/{}/{}?fields={HEALTH_FIELDS}",
        meta.base_url(p),
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

/// Read the health check's answer (see [`Provider::parse_health_check`]).
pub(super) fn parse_health_check(resp: &HttpResponse) -> HealthCheck {
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
#[path = "templates_tests.rs"]
mod tests;
