//! Meta template health: what Meta's webhooks say about a template, and whether Meta may carry
//! a master template now.
//!
//! - `metaTemplateEvents` reads a Meta webhook payload (providers.md §C.8) and returns its
//!   `message_template_status_update` / `message_template_quality_update` changes, each with the
//!   review status and/or quality score the host stores on the master templates that map to it.
//! - `metaTemplateHealth` judges one master template with the routing's own rules
//!   ([`crate::route::meta_review_block`], the lint's `meta.approved_mismatch`): the host tells
//!   the managers when the answer changes, and routing skips Meta with the same code.
//!
//! The payload shapes follow Meta's webhook reference as quoted by third parties (NOT CONFIRMED
//! on Meta's own page): the status change is `{event, message_template_id,
//! message_template_name, message_template_language, reason, other_info{title, description}}`,
//! the quality change `{previous_quality_score, new_quality_score, message_template_id, …}`.
//! A quality change is recognised by its `new_quality_score` too, as one reference labels it
//! with the status field's name. Anything else in the payload (messages, statuses) is ignored.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::lint;
use crate::model::MasterTemplate;

/// Status events that are not a review status: the template keeps the one it had. `FLAGGED`:
/// Meta warns that the quality is dropping (paused later if it does not recover).
const NOT_A_STATUS: &[&str] = &["FLAGGED"];

/// One template change of a webhook.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateEvent {
    /// `status` or `quality`.
    pub field: String,
    /// The WhatsApp Business Account (`entry[].id`).
    pub waba_id: Option<String>,
    pub template_id: Option<String>,
    pub template_name: String,
    pub language: Option<String>,
    /// The event as Meta spells it (`APPROVED`, `PAUSED`, `DISABLED`, `REJECTED`, `FLAGGED`…).
    pub event: Option<String>,
    /// The review status to store, upper case; `None` when the event does not change it.
    pub status: Option<String>,
    /// The quality score to store (`GREEN`, `YELLOW`, `RED`, `UNKNOWN`).
    pub quality: Option<String>,
    pub previous_quality: Option<String>,
    /// Meta's reason and explanation, when it gives them (`reason`, `other_info`).
    pub reason: Option<String>,
}

/// The Meta template changes of a webhook payload, in order. A payload that is not an object,
/// or whose `entry` / `changes` are not lists of objects, is refused (`input.invalid`): nothing
/// of it is applied.
pub fn events(payload: &Value) -> Result<Vec<TemplateEvent>> {
    let root = payload
        .as_object()
        .ok_or_else(|| Error::input("the webhook payload must be an object"))?;
    let mut out = Vec::new();
    for entry in objects(root, "entry")? {
        let waba_id = entry.get("id").and_then(scalar);
        for change in objects(entry, "changes")? {
            let field = change.get("field").and_then(Value::as_str).unwrap_or("");
            let Some(value) = change.get("value").and_then(Value::as_object) else {
                continue;
            };
            let is_quality = field == "message_template_quality_update"
                || (field == "message_template_status_update"
                    && value.contains_key("new_quality_score"));
            if !is_quality && field != "message_template_status_update" {
                continue;
            }
            let Some(name) = text(value, "message_template_name") else {
                continue;
            };
            let mut event = TemplateEvent {
                field: if is_quality { "quality" } else { "status" }.into(),
                waba_id: waba_id.clone(),
                template_id: value.get("message_template_id").and_then(scalar),
                template_name: name,
                language: text(value, "message_template_language"),
                event: None,
                status: None,
                quality: None,
                previous_quality: None,
                reason: None,
            };
            if is_quality {
                event.quality = text(value, "new_quality_score").map(|q| q.to_ascii_uppercase());
                event.previous_quality =
                    text(value, "previous_quality_score").map(|q| q.to_ascii_uppercase());
            } else {
                let name = text(value, "event").map(|e| e.to_ascii_uppercase());
                event.status = name.clone().filter(|e| !NOT_A_STATUS.contains(&e.as_str()));
                event.event = name;
                event.reason = reason(value);
            }
            out.push(event);
        }
    }
    Ok(out)
}

/// Whether Meta may carry a master template now, and if not why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateHealth {
    /// False when the template has a Meta mapping that Meta will not take now.
    pub usable: bool,
    /// The routing's skip code (`route.skip_meta_not_approved`, `route.skip_meta_quality`,
    /// `route.skip_meta_changed`); `None` when usable.
    pub code: Option<String>,
    /// English reason, e.g. `Meta template "izin_terbit" is PAUSED, not approved`.
    pub message: Option<String>,
}

/// The health of `t` for Meta. A template without a Meta mapping is usable (Meta is not
/// involved: routing never considers it for Meta).
pub fn health(t: &MasterTemplate) -> TemplateHealth {
    let Some(meta) = t
        .meta
        .as_ref()
        .filter(|m| !m.template_name.trim().is_empty())
    else {
        return TemplateHealth {
            usable: true,
            code: None,
            message: None,
        };
    };
    let block = crate::route::meta_review_block(meta).or_else(|| {
        lint::lint_template(t)
            .into_iter()
            .find(|i| i.code == lint::APPROVED_MISMATCH)
            .map(|i| ("route.skip_meta_changed", i.message))
    });
    match block {
        Some((code, message)) => TemplateHealth {
            usable: false,
            code: Some(code.into()),
            message: Some(message),
        },
        None => TemplateHealth {
            usable: true,
            code: None,
            message: None,
        },
    }
}

fn objects<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<Vec<&'a Map<String, Value>>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_object()
                    .ok_or_else(|| Error::input(format!("{key} must be a list of objects")))
            })
            .collect(),
        Some(_) => Err(Error::input(format!("{key} must be a list of objects"))),
    }
}

fn text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A string or a number as text (template ids come as numbers).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `reason` (unless Meta's `NONE`) and `other_info`'s title and description, joined.
fn reason(value: &Map<String, Value>) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(r) = text(value, "reason").filter(|r| !r.eq_ignore_ascii_case("none")) {
        parts.push(r);
    }
    if let Some(info) = value.get("other_info").and_then(Value::as_object) {
        parts.extend(text(info, "title"));
        parts.extend(text(info, "description"));
    }
    if let Some(info) = value.get("rejection_info").and_then(Value::as_object) {
        parts.extend(text(info, "reason"));
        parts.extend(text(info, "recommendation"));
    }
    (!parts.is_empty()).then(|| parts.join(": "))
}
