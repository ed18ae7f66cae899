//! The default JS transport: the global `fetch` (browsers, node ≥ 18, workers). Never `window`:
//! it does not exist in node or in a worker.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::timer::{clear_timeout, set_timeout};
use crate::model::{HttpRequest, HttpResponse, TransportError, TransportErrorKind};
use crate::transport::Transport;

#[wasm_bindgen]
extern "C" {
    // `catch`: a host whose `fetch` throws instead of rejecting must not escape as a JS exception.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &web_sys::RequestInit) -> Result<js_sys::Promise, JsValue>;
}

use crate::transport::DEFAULT_TIMEOUT_MS;

/// Error codes (node/undici `cause.code`) that mean the request never left this machine.
const NOT_SENT_CODES: &[&str] = &[
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "UND_ERR_CONNECT_TIMEOUT",
    "ERR_INVALID_URL",
    "CERT_HAS_EXPIRED",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "ERR_TLS_CERT_ALTNAME_INVALID",
];

pub struct FetchTransport;

thread_local! {
    /// Whether the host is node (its `fetch` is undici's), looked up once.
    static IS_NODE: bool = {
        let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
        let process = get(&js_sys::global(), "process");
        process.is_object() && get(&get(&process, "versions"), "node").is_string()
    };
}

fn failure(kind: TransportErrorKind, maybe_sent: bool, message: String) -> TransportError {
    TransportError {
        kind,
        maybe_sent,
        message,
    }
}

/// What a rejected `fetch` means for fallback.
///
/// node (undici) gives a `cause` with a code: connect-phase codes mean nothing was sent; anything
/// else (reset, "other side closed") may have reached the provider. Browsers give a bare
/// `TypeError` without a cause. Every request the engine builds is CORS-preflighted (it carries
/// `Authorization` or a JSON body), and a server that is down fails the preflight before the
/// request itself leaves, so a browser network error is read as "not sent". The server host
/// (Odoo, which really sends) has exact information from `requests`.
fn classify_rejection(e: &JsValue) -> TransportError {
    let message = js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "fetch failed".into());
    let cause = js_sys::Reflect::get(e, &"cause".into()).unwrap_or(JsValue::UNDEFINED);
    if cause.is_undefined() || cause.is_null() {
        return failure(TransportErrorKind::Connect, false, message);
    }
    let code = js_sys::Reflect::get(&cause, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default();
    if NOT_SENT_CODES.contains(&code.as_str()) {
        failure(
            TransportErrorKind::Connect,
            false,
            format!("{message} ({code})"),
        )
    } else {
        failure(
            TransportErrorKind::Other,
            true,
            format!("{message} ({code})"),
        )
    }
}

impl Transport for FetchTransport {
    /// One `fetch(url, init)` with a plain `init` object, as a JS caller would write it: no
    /// `Request` or `Headers` object (fetch builds its own, so those were built twice) and no Rust
    /// closure for the timer (it calls the controller's bound `abort`). Cheap per request: this
    /// runs for every message of a bulk send.
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let not_sent = |m: &str| failure(TransportErrorKind::Connect, false, m.to_string());
        let headers = js_sys::Object::new();
        for (k, v) in &req.headers {
            // Setting a property on a fresh plain object cannot fail; fetch validates the names.
            let _ = js_sys::Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
        }
        let init = web_sys::RequestInit::new();
        init.set_method(&req.method);
        init.set_headers(&headers);
        if let Some(body) = &req.body {
            init.set_body(&JsValue::from_str(body));
        }
        if IS_NODE.with(|n| *n) {
            // undici clones every request (a tee of its body stream, ≈ 12 % of a send's CPU)
            // unless it has no window and refuses redirects. No provider redirects a send; a
            // refused redirect rejects with a `cause` and reads as maybe sent (`unknown`), which
            // is safer than re-POSTing elsewhere. Browsers keep following: there a refused
            // redirect would be a bare TypeError, read as "not sent".
            let _ = js_sys::Reflect::set(&init, &"redirect".into(), &"error".into());
            let _ = js_sys::Reflect::set(&init, &"window".into(), &JsValue::NULL);
        }
        let controller = web_sys::AbortController::new()
            .map_err(|_| not_sent("cannot create AbortController"))?;
        let signal = controller.signal();
        init.set_signal(Some(&signal));
        let abort = js_sys::Reflect::get(&controller, &"abort".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| not_sent("cannot arm the timeout"))?
            .bind0(&controller);

        let timeout_ms = req.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        let timer = set_timeout(&abort, timeout_ms.min(i32::MAX as u32) as i32)
            .map_err(|_| not_sent("cannot arm the timeout"))?;
        let result = exchange(&req.url, &init).await;
        clear_timeout(&timer);
        result.map_err(|(e, body_phase)| {
            // Only the timer aborts this signal.
            if signal.aborted() {
                failure(
                    TransportErrorKind::Timeout,
                    true,
                    format!("no answer within {timeout_ms} ms"),
                )
            } else if body_phase {
                failure(
                    TransportErrorKind::Other,
                    true,
                    "the answer was cut off".into(),
                )
            } else {
                classify_rejection(&e)
            }
        })
    }

    async fn sleep(&self, ms: u64) {
        super::timer::sleep(ms).await
    }
}

/// Fetch and read the body. The error says whether it happened while reading the body (the
/// provider answered, so the request was certainly received).
async fn exchange(url: &str, init: &web_sys::RequestInit) -> Result<HttpResponse, (JsValue, bool)> {
    let promise = global_fetch(url, init).map_err(|e| (e, false))?;
    let resp = JsFuture::from(promise).await.map_err(|e| (e, false))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|e| (e, true))?;
    let text = resp.text().map_err(|e| (e, true))?;
    let body = JsFuture::from(text).await.map_err(|e| (e, true))?;
    let mut headers = std::collections::BTreeMap::new();
    let answered = resp.headers();
    for name in ["content-type", "retry-after"] {
        if let Ok(Some(v)) = answered.get(name) {
            headers.insert(name.to_string(), v);
        }
    }
    Ok(HttpResponse {
        status: resp.status(),
        headers,
        body: body.as_string().unwrap_or_default(),
    })
}
