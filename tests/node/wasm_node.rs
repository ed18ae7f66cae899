//! The shared fixtures and the fetch transport through the JS API, in node
//! (`wasm-pack test --node -- --features js`, run by `make test-wasm-node`).
#![cfg(all(target_arch = "wasm32", feature = "js"))]

#[path = "../rust/common/mod.rs"]
mod common;

js_host_tests!();
