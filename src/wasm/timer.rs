//! Waiting in JS hosts, for paced sends: the global `setTimeout` (browsers, node, workers), looked
//! up on `globalThis` — never `window`, which node and workers lack.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Longest delay `setTimeout` honours; a larger one would fire at once.
const MAX_DELAY_MS: u64 = i32::MAX as u64;

/// Resolve after `ms` milliseconds (in steps for waits beyond `setTimeout`'s range).
pub async fn sleep(ms: u64) {
    let mut left = ms;
    while left > 0 {
        let step = left.min(MAX_DELAY_MS);
        left -= step;
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            let global = js_sys::global();
            let set_timeout = js_sys::Reflect::get(&global, &"setTimeout".into())
                .and_then(|f| f.dyn_into::<js_sys::Function>());
            let armed = set_timeout
                .and_then(|f| f.call2(&global, &resolve, &JsValue::from_f64(step as f64)));
            if armed.is_err() {
                // No timer in this host: do not stall the send forever.
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        let _ = JsFuture::from(promise).await;
    }
}
