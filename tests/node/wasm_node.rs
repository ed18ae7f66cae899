//! The shared fixtures and the fetch transport through the JS API, in node
//! (`wasm-pack test --node -- --features js`, run by `make test-wasm-node`).
#![cfg(all(target_arch = "wasm32", feature = "js"))]

#[path = "../rust/common/mod.rs"]
mod common;

use common::js::{fetch_transport_scenarios, Js};
use common::{run_suites, SUITES};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn shared_fixtures_through_js() {
    let (count, failures) = run_suites::<Js>(SUITES);
    assert!(count > 0);
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[wasm_bindgen_test]
async fn fetch_transport_against_simulator() {
    fetch_transport_scenarios().await;
}
