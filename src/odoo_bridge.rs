//! Meta through Odoo Enterprise's WhatsApp app (the Odoo host's `OdooWhatsAppTransport`): the
//! engine still decides and builds the Cloud API request; Odoo's composer sends the template.
//!
//! - `odooWhatsAppTemplate` reads the engine's own Meta request into what a composer needs (the
//!   recipient, the template's name and language, the texts of the header, body and URL
//!   buttons), so the host never parses the body;
//! - `odooWhatsAppResponse` turns what Odoo did into the answer the engine classifies, with the
//!   Meta code chosen here, next to the classifier (`providers/meta.rs`), never by the host:
//!
//! | outcome | Meta answer | classification |
//! |---|---|---|
//! | `accepted` | 200, `messages[0].id` = the message id | accepted |
//! | `templateUnavailable` (not approved in Odoo's app under that name and language) | 132001 | config error: falls back, tells the admin |
//! | `refused` (Odoo refused the message before sending: validation) | 100 | config error |
//! | `failed` (Odoo's message ended in error) | 131000 | provider down: falls back |
//!
//! Whatever Odoo raised *while* sending is a transport failure that may have sent (`unknown`),
//! fed as `transportError`: never resent elsewhere.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::model::{HttpRequest, HttpResponse};

/// What a composer needs of the engine's Meta template request.
#[derive(Debug, PartialEq, Serialize)]
pub struct TemplateMessage {
    /// The recipient, digits with country code.
    pub to: String,
    pub name: String,
    pub language: String,
    /// The header's text parameters, in order.
    pub header: Vec<String>,
    /// The body's text parameters, in order.
    pub body: Vec<String>,
    /// The URL buttons' text parameter.
    pub buttons: Vec<UrlButton>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct UrlButton {
    /// The button's position in the template, from 0.
    pub index: u32,
    pub text: String,
}

/// The `odooWhatsAppTemplate` op: `request` must be a Meta template send built by the engine.
pub fn template_message(request: &HttpRequest) -> Result<TemplateMessage> {
    let unsupported = |reason: &str| Error::ProviderUnsupported {
        id: "odoo_whatsapp".into(),
        reason: reason.into(),
    };
    let payload: Value = serde_json::from_str(request.body.as_deref().unwrap_or(""))
        .map_err(|_| unsupported("the request is not a Cloud API JSON request"))?;
    let template = payload
        .get("template")
        .and_then(Value::as_object)
        .filter(|_| payload.get("type").and_then(Value::as_str) == Some("template"))
        .ok_or_else(|| unsupported("Odoo WhatsApp sends approved templates only"))?;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let mut message = TemplateMessage {
        to: text(payload.get("to")),
        name: text(template.get("name")),
        language: text(template.get("language").and_then(|l| l.get("code"))),
        header: Vec::new(),
        body: Vec::new(),
        buttons: Vec::new(),
    };
    let components = template.get("components").and_then(Value::as_array);
    for c in components
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        let texts = texts(c);
        match c.get("type").and_then(Value::as_str) {
            Some("header") => message.header = texts,
            Some("body") => message.body = texts,
            Some("button") if c.get("sub_type").and_then(Value::as_str) == Some("url") => {
                let index = match c.get("index") {
                    Some(Value::String(s)) => s.parse().ok(),
                    Some(Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                    _ => None,
                };
                if let (Some(index), Some(text)) = (index, texts.into_iter().next()) {
                    message.buttons.push(UrlButton { index, text });
                }
            }
            _ => {}
        }
    }
    Ok(message)
}

fn texts(component: &Map<String, Value>) -> Vec<String> {
    let parameters = component.get("parameters").and_then(Value::as_array);
    parameters
        .into_iter()
        .flatten()
        .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|p| p.get("text").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// What Odoo did with the message (see the module's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Accepted,
    TemplateUnavailable,
    Refused,
    Failed,
}

/// The `odooWhatsAppResponse` op's arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseArgs {
    pub outcome: Outcome,
    /// Odoo's message id (`accepted`).
    #[serde(default)]
    pub message_id: Option<String>,
    /// Odoo's words, quoted in the attempt's detail.
    #[serde(default)]
    pub detail: Option<String>,
}

/// The `odooWhatsAppResponse` op.
pub fn response(args: &ResponseArgs) -> Result<HttpResponse> {
    let code = match args.outcome {
        Outcome::Accepted => {
            let id = args
                .message_id
                .as_deref()
                .filter(|id| !id.is_empty())
                .ok_or_else(|| Error::input("an accepted message needs its messageId"))?;
            let body =
                serde_json::json!({"messaging_product": "whatsapp", "messages": [{"id": id}]});
            return Ok(json_response(200, &body));
        }
        Outcome::TemplateUnavailable => 132001,
        Outcome::Refused => 100,
        Outcome::Failed => 131000,
    };
    let message = format!("Odoo WhatsApp: {}", args.detail.as_deref().unwrap_or(""));
    let body =
        serde_json::json!({"error": {"message": message, "code": code, "type": "OAuthException"}});
    Ok(json_response(400, &body))
}

fn json_response(status: u16, body: &Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: [("content-type".to_string(), "application/json".to_string())].into(),
        body: body.to_string(),
    }
}

#[cfg(test)]
#[path = "odoo_bridge_tests.rs"]
mod tests;
