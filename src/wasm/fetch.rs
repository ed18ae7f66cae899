//! The default JS transport: the global `fetch` (browsers, node ≥ 18, workers). Never `window`:
//! it does not exist in node or in a worker.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::model::{HttpRequest, HttpResponse, TransportError, TransportErrorKind};
use crate::transport::Transport;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(req: &web_sys::Request) -> js_sys::Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(cb: &js_sys::Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Used when neither the request nor the provider profile sets a timeout.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

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
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let not_sent = |m: String| failure(TransportErrorKind::Connect, false, m);
        let headers =
            web_sys::Headers::new().map_err(|_| not_sent("cannot create headers".into()))?;
        for (k, v) in &req.headers {
            headers
                .append(k, v)
                .map_err(|_| not_sent(format!("invalid header {k:?}")))?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method(&req.method);
        init.set_headers(&headers);
        if let Some(body) = &req.body {
            init.set_body(&JsValue::from_str(body));
        }
        let controller = web_sys::AbortController::new()
            .map_err(|_| not_sent("cannot create AbortController".into()))?;
        init.set_signal(Some(&controller.signal()));
        let request = web_sys::Request::new_with_str_and_init(&req.url, &init)
            .map_err(|_| not_sent(format!("invalid request to {}", req.url)))?;

        let timeout_ms = req.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let timed_out = Rc::clone(&timed_out);
            Closure::once_into_js(move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let timer = set_timeout(
            on_timeout.unchecked_ref(),
            timeout_ms.min(i32::MAX as u32) as i32,
        );
        let result = exchange(&request).await;
        clear_timeout(&timer);
        result.map_err(|(e, body_phase)| {
            if timed_out.get() {
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
}

/// Fetch and read the body. The error says whether it happened while reading the body (the
/// provider answered, so the request was certainly received).
async fn exchange(request: &web_sys::Request) -> Result<HttpResponse, (JsValue, bool)> {
    let resp = JsFuture::from(global_fetch(request))
        .await
        .map_err(|e| (e, false))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|e| (e, true))?;
    let text = resp.text().map_err(|e| (e, true))?;
    let body = JsFuture::from(text).await.map_err(|e| (e, true))?;
    let mut headers = std::collections::BTreeMap::new();
    for name in ["content-type", "retry-after"] {
        if let Ok(Some(v)) = resp.headers().get(name) {
            headers.insert(name.to_string(), v);
        }
    }
    Ok(HttpResponse {
        status: resp.status(),
        headers,
        body: body.as_string().unwrap_or_default(),
    })
}
