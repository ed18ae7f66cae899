//! JS timers, for the fetch transport's timeout and for paced sends: the global `setTimeout` /
//! `clearTimeout` (browsers, node, workers) — never `window`, which node and workers lack.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `catch`: a host without timers gets an error, not a JS exception through the engine.
    #[wasm_bindgen(js_name = setTimeout, catch)]
    pub(super) fn set_timeout(cb: &js_sys::Function, ms: i32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(super) fn clear_timeout(id: &JsValue);
}

/// Longest delay `setTimeout` honours; a larger one would fire at once.
const MAX_DELAY_MS: u64 = i32::MAX as u64;

/// Resolve after `ms` milliseconds (in steps for waits beyond `setTimeout`'s range).
pub async fn sleep(ms: u64) {
    let mut left = ms;
    while left > 0 {
        let step = left.min(MAX_DELAY_MS);
        left -= step;
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            // `step` fits: it is at most i32::MAX.
            if set_timeout(&resolve, step as i32).is_err() {
                // No timer in this host: do not stall the send forever.
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        let _ = JsFuture::from(promise).await;
    }
}
