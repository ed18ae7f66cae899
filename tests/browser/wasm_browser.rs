//! The shared fixtures and the fetch transport through the JS API, in headless Chromium
//! (`wasm-pack test --headless --chrome`, in a page and in a dedicated Worker: `make test-wasm-browser`).
#![cfg(all(target_arch = "wasm32", feature = "js"))]

#[path = "../rust/common/mod.rs"]
mod common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

js_host_tests!();
