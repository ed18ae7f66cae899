//! wasm-bindgen API for JS hosts (browser, node, Odoo web client). Thin: every export hands its
//! arguments to the JSON operations of [`crate::ops`] — the same ones the wasmtime host calls — so
//! a JS host gets byte-for-byte the results the Python host gets. No business logic here.

mod error;
mod fetch;
mod js_transport;
mod timer;
mod ts;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use error::{into_js_error, js_error};

/// Run one JSON operation: `args` goes through `JSON.stringify`, the result through `JSON.parse`,
/// so JS sees exactly the JSON every other host sees.
fn call(engine: Option<&crate::Engine>, op: &str, args: &JsValue) -> Result<JsValue, JsValue> {
    let text = if args.is_undefined() {
        "null".to_string()
    } else {
        js_sys::JSON::stringify(args)
            .map_err(|_| {
                js_error(
                    "input.invalid",
                    "invalid input: the argument cannot be turned into JSON",
                )
            })?
            .as_string()
            .unwrap_or_else(|| "null".into())
    };
    crate::limits::Limit::Call
        .check(text.len(), || "the call".into())
        .map_err(into_js_error)?;
    let out = crate::ops::run_op(engine, op, &text).map_err(into_js_error)?;
    js_sys::JSON::parse(&out)
        .map_err(|_| js_error("input.invalid", "the engine produced invalid JSON"))
}

/// A JS value as JSON text (`JSON.stringify`); a failure is `input.invalid`.
fn js_json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            js_error(
                "input.invalid",
                &format!("invalid input: the {what} cannot be turned into JSON"),
            )
        })?;
    crate::limits::Limit::Call
        .check(text.len(), || format!("the {what}"))
        .map_err(into_js_error)?;
    Ok(text)
}

/// A JS value read through `JSON.stringify` into a contract type; any failure is `input.invalid`.
fn from_js_json<T: serde::de::DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let text = js_json_text(value, what)?;
    serde_json::from_str(&text)
        .map_err(|e| js_error("input.invalid", &format!("invalid input: {what}: {e}")))
}

/// Version of the engine.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Route panics to `console.error` (feature `panic-hook`; the engine is designed never to panic).
#[wasm_bindgen(js_name = initLogging)]
pub fn init_logging() {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}

/// Normalize a phone number as typed to digits with country code (`62…`).
#[wasm_bindgen(js_name = normalizePhone)]
pub fn normalize_phone(text: &str, default_country: Option<String>) -> Result<String, JsValue> {
    let country = default_country.unwrap_or_else(|| crate::phone::DEFAULT_COUNTRY.to_string());
    crate::phone::normalize(text, &country).map_err(into_js_error)
}

/// Template validation and Meta lint issues.
#[wasm_bindgen(js_name = lintTemplate, unchecked_return_type = "LintIssue[]")]
pub fn lint_template(
    #[wasm_bindgen(unchecked_param_type = "MasterTemplate")] template: JsValue,
) -> Result<JsValue, JsValue> {
    call(None, "lintTemplate", &template)
}

/// Lint of a provider profile at `nowMs` (a Meta profile's Graph API version: ending, ended).
#[wasm_bindgen(js_name = lintProfile, unchecked_return_type = "LintIssue[]")]
pub fn lint_profile(
    #[wasm_bindgen(unchecked_param_type = "ProviderConfig")] provider: JsValue,
    #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
) -> Result<JsValue, JsValue> {
    let args = js_sys::Object::new();
    js_sys::Reflect::set(&args, &"provider".into(), &provider)?;
    js_sys::Reflect::set(&args, &"nowMs".into(), &now_ms.into())?;
    call(None, "lintProfile", &args)
}

/// The engine for one configuration.
#[wasm_bindgen(js_name = Engine)]
pub struct Engine {
    inner: Rc<crate::Engine>,
    /// Rate-limited providers' next free slots, shared by this engine's concurrent sends.
    pacer: Rc<RefCell<crate::pace::Pacer>>,
}

#[wasm_bindgen(js_class = Engine)]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EngineConfig")] config: JsValue,
    ) -> Result<Engine, JsValue> {
        // The parser the `replay` op uses too: one copy of it in the Wasm.
        let config = js_json_text(&config, "config")?;
        Ok(Engine {
            inner: Rc::new(crate::Engine::from_json(&config, "config").map_err(into_js_error)?),
            pacer: Rc::default(),
        })
    }

    /// Which providers, in which order, and why.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn decide(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Notification")] notification: JsValue,
    ) -> Result<JsValue, JsValue> {
        call(Some(&self.inner), "decide", &notification)
    }

    /// The decision plus every provider's masked request, and Meta lint.
    #[wasm_bindgen(unchecked_return_type = "Preview")]
    pub fn preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Notification")] notification: JsValue,
    ) -> Result<JsValue, JsValue> {
        call(Some(&self.inner), "preview", &notification)
    }

    /// One provider's text, parameters and masked request.
    #[wasm_bindgen(unchecked_return_type = "ProviderPreview")]
    pub fn render(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Notification")] notification: JsValue,
        provider: &str,
    ) -> Result<JsValue, JsValue> {
        let args = js_sys::Object::new();
        js_sys::Reflect::set(&args, &"notification".into(), &notification)?;
        js_sys::Reflect::set(&args, &"provider".into(), &provider.into())?;
        call(Some(&self.inner), "render", &args)
    }

    /// Decision and first masked request for many notifications; bad ones get an error entry.
    #[wasm_bindgen(js_name = planBatch, unchecked_return_type = "BatchItem[]")]
    pub fn plan_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Notification[]")] notifications: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.batch(notifications, false)
    }

    /// `planBatch` answering compact plans (trace codes, the request; no words, no separate
    /// text): about half the bytes, for bulk senders planning thousands of messages.
    #[wasm_bindgen(js_name = planBatchCompact, unchecked_return_type = "CompactBatchItem[]")]
    pub fn plan_batch_compact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Notification[]")] notifications: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.batch(notifications, true)
    }

    fn batch(&self, notifications: JsValue, compact: bool) -> Result<JsValue, JsValue> {
        let args = js_sys::Object::new();
        js_sys::Reflect::set(&args, &"notifications".into(), &notifications)?;
        if compact {
            js_sys::Reflect::set(&args, &"compact".into(), &JsValue::TRUE)?;
        }
        call(Some(&self.inner), "planBatch", &args)
    }

    /// Any operation of the host ABI (`docs/host-abi.md`) but `configure`, e.g. `dispatchStart` /
    /// `dispatchFeed` for a host that drives the dispatch itself.
    #[wasm_bindgen(unchecked_return_type = "any")]
    pub fn call(
        &self,
        op: &str,
        #[wasm_bindgen(unchecked_param_type = "any")] args: JsValue,
    ) -> Result<JsValue, JsValue> {
        call(Some(&self.inner), op, &args)
    }

    /// Send through a transport and resolve with the outcome. Options: `transport` (an object with
    /// `send(request) => Promise<response>` and optionally `sleep(ms) => Promise`; the global
    /// `fetch` when absent), `now` (`() => ms`). Sends to a provider with `ratePerMinute` wait for
    /// their slot, shared by every concurrent `send` of this engine.
    #[wasm_bindgen(unchecked_return_type = "Promise<Outcome>")]
    pub fn send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Notification")] notification: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SendOptions")] options: Option<JsValue>,
    ) -> Result<js_sys::Promise, JsValue> {
        let n: crate::model::Notification = from_js_json(&notification, "notification")?;
        let engine = Rc::clone(&self.inner);
        let pacer = Rc::clone(&self.pacer);
        let options = js_transport::SendOptions::from_js(&options.unwrap_or(JsValue::UNDEFINED))?;
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let outcome = options
                .drive(&engine, &n, &pacer)
                .await
                .map_err(into_js_error)?;
            let json = serde_json::to_string(&outcome)
                .map_err(|e| js_error("input.invalid", &e.to_string()))?;
            js_sys::JSON::parse(&json)
        }))
    }
}
