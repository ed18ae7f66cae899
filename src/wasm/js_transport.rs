//! A transport made of any JS object with `send(request) => Promise<response>`, so a host can route
//! sends through its own server (the Odoo widget does: credentials stay there), and the options of
//! `Engine.send`.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::fetch::FetchTransport;
use crate::model::{
    HttpRequest, HttpResponse, Notification, Outcome, TransportError, TransportErrorKind,
};
use crate::pace::Pacer;
use crate::transport::{drive, Transport};

pub struct ObjectTransport {
    target: JsValue,
    send: js_sys::Function,
    /// The object's own `sleep(ms) => Promise` if it has one (a test's fake clock), else a timer.
    sleep: Option<js_sys::Function>,
}

fn to_json_value(v: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string())
}

/// A rejection of a JS transport: `{kind, maybeSent, message}` is honoured; anything else may
/// have reached the provider (the safe reading).
fn rejection(e: &JsValue) -> TransportError {
    if let Some(json) = to_json_value(e) {
        if let Ok(t) = serde_json::from_str::<TransportError>(&json) {
            return t;
        }
    }
    let message = js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the transport failed".into());
    TransportError {
        kind: TransportErrorKind::Other,
        maybe_sent: true,
        message,
    }
}

impl Transport for ObjectTransport {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let other = |m: &str| TransportError {
            kind: TransportErrorKind::Other,
            maybe_sent: true,
            message: m.to_string(),
        };
        let json = serde_json::to_string(&req).map_err(|e| other(&e.to_string()))?;
        let arg = js_sys::JSON::parse(&json).map_err(|_| other("cannot pass the request"))?;
        let promise = self
            .send
            .call1(&self.target, &arg)
            .map_err(|e| rejection(&e))?;
        let value = JsFuture::from(js_sys::Promise::resolve(&promise))
            .await
            .map_err(|e| rejection(&e))?;
        let text = to_json_value(&value)
            .ok_or_else(|| other("the transport answered something that is not JSON"))?;
        serde_json::from_str(&text).map_err(|e| {
            other(&format!(
                "the transport answered {{status, headers, body}} wrongly: {e}"
            ))
        })
    }

    async fn sleep(&self, ms: u64) {
        let Some(f) = &self.sleep else {
            return super::timer::sleep(ms).await;
        };
        let slept = match f.call1(&self.target, &JsValue::from_f64(ms as f64)) {
            Ok(p) => JsFuture::from(js_sys::Promise::resolve(&p)).await.is_ok(),
            Err(_) => false,
        };
        if !slept {
            // A failing sleep must not make pacing vanish: wait on a real timer instead.
            super::timer::sleep(ms).await;
        }
    }
}

/// Options of `Engine.send`.
pub struct SendOptions {
    transport: Option<ObjectTransport>,
    now: Option<js_sys::Function>,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        js_sys::Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

impl SendOptions {
    pub fn from_js(options: &JsValue) -> Result<SendOptions, JsValue> {
        let bad = |m: &str| super::error::js_error("input.invalid", m);
        let t = get(options, "transport");
        let transport = if t.is_undefined() || t.is_null() {
            None
        } else {
            let send = get(&t, "send")
                .dyn_into::<js_sys::Function>()
                .map_err(|_| bad("invalid input: transport must have a send(request) method"))?;
            let sleep = get(&t, "sleep").dyn_into::<js_sys::Function>().ok();
            Some(ObjectTransport {
                target: t,
                send,
                sleep,
            })
        };
        let n = get(options, "now");
        let now = if n.is_undefined() || n.is_null() {
            None
        } else {
            Some(
                n.dyn_into::<js_sys::Function>()
                    .map_err(|_| bad("invalid input: now must be a function"))?,
            )
        };
        Ok(SendOptions { transport, now })
    }

    fn now_ms(&self) -> i64 {
        self.now
            .as_ref()
            .and_then(|f| f.call0(&JsValue::UNDEFINED).ok())
            .and_then(|v| v.as_f64())
            .unwrap_or_else(js_sys::Date::now) as i64
    }

    /// Send `n`; `pacer` is the `Engine`'s, shared by its concurrent sends.
    pub async fn drive(
        &self,
        engine: &crate::Engine,
        n: &Notification,
        pacer: &RefCell<Pacer>,
    ) -> crate::Result<Outcome> {
        let clock = || self.now_ms();
        match &self.transport {
            Some(t) => drive(engine, n, t, &clock, pacer).await,
            None => drive(engine, n, &FetchTransport, &clock, pacer).await,
        }
    }
}
