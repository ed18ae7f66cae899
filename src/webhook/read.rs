//! Each provider's webhook body read into events, once the request is authenticated (mod.rs).
//! Shapes are checked first: a body that is not what the provider sends is refused whole
//! (`webhook.malformed`), so nothing of it is applied; unknown fields are ignored.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{
    header, is_stop, refuse, Event, Ignored, Inbound, Status, StatusError, WebhookArgs, MALFORMED,
    MATCH_KEY_DIGITS, RANKS,
};
use crate::error::{Error, Result};

type Obj = Map<String, Value>;

pub(super) struct Context<'a> {
    pub now_ms: i64,
    pub country: &'a str,
}

/// Payload keys that may carry our webhook secret (or a device token): never in an event.
const SECRET_KEYS: &[&str] = &["secret", "secret_key", "webhook_secret", "token"];

/// Meta's template changes, read by `template_health` (the `metaTemplateEvents` op).
const TEMPLATE_FIELDS: &[&str] = &[
    "message_template_status_update",
    "message_template_quality_update",
];

fn malformed(reason: impl Into<String>) -> Error {
    refuse(MALFORMED, reason)
}

fn json_body(body: &str) -> Result<Value> {
    serde_json::from_str(body).map_err(|e| malformed(format!("not JSON: {e}")))
}

/// `obj[key]` as a list of objects (absent or null: none).
fn objects<'a>(obj: &'a Obj, key: &str) -> Result<Vec<&'a Obj>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_object()
                    .ok_or_else(|| malformed(format!("{key} must be a list of objects")))
            })
            .collect(),
        Some(_) => Err(malformed(format!("{key} must be a list of objects"))),
    }
}

/// A non-blank string, or a number, as text.
fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn string<'a>(obj: &'a Obj, key: &str) -> Option<&'a str> {
    obj.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A provider's timestamp (seconds; a number above 10^11 is read as milliseconds) in
/// milliseconds, never later than now (a clock running ahead never dates an event in the future).
fn timestamp_ms(v: Option<&Value>, now_ms: i64) -> Option<i64> {
    let n: i64 = scalar(v)?.parse().ok().filter(|n| *n > 0)?;
    let ms = if n > 100_000_000_000 {
        n
    } else {
        n.checked_mul(1000)?
    };
    Some(ms.min(now_ms))
}

fn ignored(code: &'static str, args: &[(&'static str, &str)]) -> Event {
    let args: BTreeMap<_, _> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
    Event::Ignored(Ignored { code, args })
}

fn status(
    message_id: String,
    raw: &str,
    at_ms: Option<i64>,
    recipient: Option<String>,
    error: impl FnOnce() -> StatusError,
) -> Event {
    let Some(&(state, rank)) = RANKS.iter().find(|(s, _)| *s == raw) else {
        return ignored("webhook.status_unknown", &[("status", raw)]);
    };
    Event::Status(Status {
        message_id,
        state,
        rank,
        at_ms,
        recipient,
        error: (state == "failed").then(error),
    })
}

fn inbound(
    from: &str,
    message_id: Option<String>,
    text: Option<&str>,
    at_ms: Option<i64>,
    opens_window: bool,
    ctx: &Context,
) -> Event {
    match crate::phone::normalize(from, ctx.country) {
        Ok(number) => Event::Inbound(Inbound {
            message_id,
            match_key: number[number.len().saturating_sub(MATCH_KEY_DIGITS)..].to_string(),
            from: number,
            text: text.map(str::to_string),
            stop: text.is_some_and(is_stop),
            at_ms,
            opens_window,
        }),
        Err(_) => {
            let shown: String = from.chars().take(64).collect();
            ignored("webhook.phone_invalid", &[("input", &shown)])
        }
    }
}

/// Meta's `entry[].changes[].value` statuses and messages (providers.md §C.8), then its template
/// changes.
pub(super) fn meta(body: &str, ctx: &Context) -> Result<Vec<Event>> {
    let payload = json_body(body)?;
    let root = payload
        .as_object()
        .ok_or_else(|| malformed("the payload must be an object"))?;
    let mut events = Vec::new();
    for entry in objects(root, "entry")? {
        for change in objects(entry, "changes")? {
            let field = change.get("field").and_then(Value::as_str).unwrap_or("");
            let value = match change.get("value") {
                None | Some(Value::Null) => continue,
                Some(Value::Object(v)) => v,
                Some(_) => return Err(malformed("changes[].value must be an object")),
            };
            if TEMPLATE_FIELDS.contains(&field) {
                continue;
            }
            let statuses = objects(value, "statuses")?;
            let messages = objects(value, "messages")?;
            for s in &statuses {
                events.push(meta_status(s, ctx)?);
            }
            for m in &messages {
                events.push(meta_message(m, ctx)?);
            }
            if statuses.is_empty() && messages.is_empty() && !matches!(field, "" | "messages") {
                events.push(ignored("webhook.unknown_event", &[("event", field)]));
            }
        }
    }
    let templates = crate::template_health::events(&payload).map_err(|e| match e {
        Error::InputInvalid { reason } => malformed(reason),
        other => other,
    })?;
    events.extend(templates.into_iter().map(|t| {
        if t.field == "quality" {
            Event::TemplateQuality(t)
        } else {
            Event::TemplateStatus(t)
        }
    }));
    Ok(events)
}

fn meta_status(s: &Obj, ctx: &Context) -> Result<Event> {
    for key in ["id", "status"] {
        if s.get(key).is_some_and(|v| !v.is_string()) {
            return Err(malformed(format!("statuses[].{key} must be a string")));
        }
    }
    let raw = string(s, "status").unwrap_or("").to_ascii_lowercase();
    let Some(id) = string(s, "id") else {
        return Ok(ignored("webhook.status_no_id", &[("status", &raw)]));
    };
    let error = || {
        let err = s
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .and_then(Value::as_object);
        let get = |key: &str| err.and_then(|e| string(e, key));
        let details = err
            .and_then(|e| e.get("error_data"))
            .and_then(Value::as_object)
            .and_then(|d| string(d, "details"));
        StatusError {
            // Meta's own code, else the engine's `meta.failed` (a catalogue code: a literal so
            // the catalogue's scan of the sources sees it).
            code: scalar(err.and_then(|e| e.get("code")))
                .map_or_else(|| "meta.failed".to_string(), |c| format!("meta.{c}")),
            title: get("title").map(str::to_string),
            detail: details
                .or_else(|| get("message"))
                .or_else(|| get("title"))
                .unwrap_or("")
                .to_string(),
        }
    };
    Ok(status(
        id.to_string(),
        &raw,
        timestamp_ms(s.get("timestamp"), ctx.now_ms),
        scalar(s.get("recipient_id")),
        error,
    ))
}

fn meta_message(m: &Obj, ctx: &Context) -> Result<Event> {
    if m.get("from").is_some_and(|v| !v.is_string()) {
        return Err(malformed("messages[].from must be a string"));
    }
    for key in ["text", "button", "interactive"] {
        if m.get(key).is_some_and(|v| !v.is_object() && !v.is_null()) {
            return Err(malformed(format!("messages[].{key} must be an object")));
        }
    }
    let part = |key: &str| m.get(key).and_then(Value::as_object);
    // A quick-reply button says what it means in its payload, its text is the label.
    let text = match string(m, "type").unwrap_or("") {
        "text" => part("text").and_then(|t| string(t, "body")),
        "button" => part("button").and_then(|b| string(b, "payload").or_else(|| string(b, "text"))),
        "interactive" => part("interactive").and_then(|i| {
            ["button_reply", "list_reply"]
                .iter()
                .find_map(|k| i.get(*k).and_then(Value::as_object))
                .and_then(|r| string(r, "title"))
        }),
        _ => None,
    };
    Ok(inbound(
        string(m, "from").unwrap_or(""),
        scalar(m.get("id")),
        text,
        timestamp_ms(m.get("timestamp"), ctx.now_ms),
        true,
        ctx,
    ))
}

/// A gateway's payload: form fields (`application/x-www-form-urlencoded`) or a JSON object; an
/// empty body is an empty payload.
pub(super) fn gateway_payload(args: &WebhookArgs) -> Result<Obj> {
    let form = header(args, "content-type").is_some_and(|c| {
        c.to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if form {
        let mut out = Map::new();
        for pair in args.body.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            out.insert(form_decode(k)?, Value::String(form_decode(v)?));
        }
        return Ok(out);
    }
    if args.body.trim().is_empty() {
        return Ok(Map::new());
    }
    match json_body(&args.body)? {
        Value::Object(o) => Ok(o),
        _ => Err(malformed("the payload must be an object")),
    }
}

/// One form-encoded name or value: `+` is a space, `%XX` a byte; a `%` without two hex digits
/// is kept as is.
fn form_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| malformed("a form field is not UTF-8"))
}

/// The secrets a Fonnte payload may carry (providers.md §A.7: field name NOT CONFIRMED).
pub(super) fn fonnte_secrets(p: &Obj) -> Vec<String> {
    ["secret", "secret_key", "webhook_secret"]
        .iter()
        .filter_map(|k| scalar(p.get(*k)))
        .collect()
}

/// A JSON value that Python would call true: not null, false, 0 or "".
fn truthy(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| match v {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
        _ => true,
    })
}

/// Fonnte's status webhook (`id`, `state`/`status`; providers.md §A.7, value sets NOT CONFIRMED:
/// `sent`, `delivered`, `read`; `invalid` and `expired` fail), its device webhook, and incoming
/// chats (`sender`, `message`/`text`).
pub(super) fn fonnte(p: &Obj, ctx: &Context) -> Vec<Event> {
    let mut events = Vec::new();
    let ids: Vec<String> = match p.get("id") {
        Some(Value::Array(items)) => items.iter().filter_map(|v| scalar(Some(v))).collect(),
        other => scalar(other).into_iter().collect(),
    };
    let state = truthy(p.get("state")).or_else(|| truthy(p.get("status")));
    if let (false, Some(state)) = (ids.is_empty(), state) {
        let raw = match state {
            Value::String(s) => s.trim().to_ascii_lowercase(),
            other => other.to_string(),
        };
        let mapped = match raw.as_str() {
            "invalid" | "expired" => "failed",
            other => other,
        };
        let detail = || {
            let kept: Obj = p
                .iter()
                .filter(|(k, _)| !SECRET_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Value::Object(kept).to_string()
        };
        for id in ids {
            let at = timestamp_ms(p.get("timestamp"), ctx.now_ms);
            events.push(status(id, mapped, at, scalar(p.get("target")), || {
                StatusError {
                    code: format!("fonnte.{raw}"),
                    title: None,
                    detail: detail(),
                }
            }));
        }
    } else if let Some(s) = p
        .get("status")
        .and_then(Value::as_str)
        .filter(|s| s.eq_ignore_ascii_case("connect") || s.eq_ignore_ascii_case("disconnect"))
    {
        events.push(ignored("webhook.device_event", &[("status", s)]));
    }
    if let Some(sender) = scalar(p.get("sender")) {
        let text = string(p, "message").or_else(|| string(p, "text"));
        let at = timestamp_ms(p.get("timestamp"), ctx.now_ms);
        events.push(inbound(&sender, None, text, at, false, ctx));
    }
    if events.is_empty() {
        let keys: Vec<&str> = p
            .keys()
            .map(String::as_str)
            .filter(|k| !SECRET_KEYS.contains(k))
            .collect();
        events.push(ignored(
            "webhook.unknown_event",
            &[("event", &keys.join(", "))],
        ));
    }
    events
}

/// Watzap's incoming chat (`{"type": "incoming_chat", "data": {chat_id, message_id, timestamp,
/// message_body, is_from_me…}}`, providers.md §B.4); it documents no status webhook.
pub(super) fn watzap(body: &str, ctx: &Context) -> Result<Vec<Event>> {
    let payload = json_body(body)?;
    let root = payload
        .as_object()
        .ok_or_else(|| malformed("the payload must be an object"))?;
    let kind = string(root, "type").unwrap_or("");
    if kind != "incoming_chat" {
        return Ok(vec![ignored("webhook.unknown_event", &[("event", kind)])]);
    }
    let data = root
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("data must be an object"))?;
    if data.get("is_from_me") == Some(&Value::Bool(true)) {
        return Ok(vec![ignored("webhook.from_me", &[])]);
    }
    // A chat id is the number with WhatsApp's suffix (`6281234567890@c.us`).
    let chat = scalar(data.get("chat_id")).unwrap_or_default();
    let from = chat.split('@').next().unwrap_or("");
    Ok(vec![inbound(
        from,
        scalar(data.get("message_id")),
        string(data, "message_body"),
        timestamp_ms(data.get("timestamp"), ctx.now_ms),
        false,
        ctx,
    )])
}
