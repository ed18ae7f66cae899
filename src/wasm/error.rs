//! Engine errors as real JS `Error`s carrying the stable `code` (the one `into_js_error` helper).

use wasm_bindgen::JsValue;

/// A JS `Error` named `SicantikError` with a `code` property.
pub fn js_error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("SicantikError");
    // Reflect::set on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &code.into());
    err.into()
}

/// The engine error, with its `suggestion` (a corrected input) as a property when it has one.
pub fn into_js_error(e: crate::Error) -> JsValue {
    let err = js_error(e.code(), &e.to_string());
    if let Some(s) = e.suggestion() {
        let _ = js_sys::Reflect::set(&err, &"suggestion".into(), &s.into());
    }
    // The arguments of the code's catalogue sentence (`Error::args`): hosts never parse `message`.
    let args = js_sys::Object::new();
    for (name, value) in e.args() {
        let _ = js_sys::Reflect::set(&args, &name.into(), &value.into());
    }
    let _ = js_sys::Reflect::set(&err, &"args".into(), &args);
    err
}
