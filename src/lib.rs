//! # sicantik-whatsapp
//!
//! The routing and payload engine behind the permit office's WhatsApp notifications.
//!
//! The core is **sans-IO**: it never reads a clock, a random source or the network. A host (the
//! browser, node, the Odoo server through wasmtime) passes `now` in, asks the engine what to do,
//! performs the HTTP request itself and feeds the response back. Every host therefore takes the
//! same decision and builds the same bytes.
//!
//! Layers, kept apart by `cfg`:
//! - the pure core (everything but `wasm/` and `abi`), which needs only `serde` and `serde_json`;
//! - `wasm/` (feature `js`, wasm32 only): the wasm-bindgen API for JS hosts;
//! - `abi` (feature `host-abi`): a JS-free JSON-in/JSON-out ABI for wasmtime.

#[cfg(any(not(feature = "js"), feature = "catalogue"))]
pub mod catalogue;
pub(crate) mod compiled;
pub mod convert;
pub mod describe;
pub mod dispatch;
pub mod engine;
pub mod error;
pub mod evidence;
pub mod free_text;
pub mod limits;
pub mod lint;
pub mod meta_template;
pub mod model;
#[cfg(any(not(feature = "js"), feature = "server"))]
pub mod odoo_bridge;
pub mod ops;
pub mod pace;
pub mod phone;
pub mod preview;
pub mod providers;
pub mod quiet;
pub mod replay;
pub mod route;
pub mod secrets;
pub mod template;
pub mod template_health;
// The fixtures' scripted dispatch: left out of the web build, whose size it would grow.
#[cfg(any(not(feature = "js"), feature = "transcript"))]
pub mod transcript;
pub mod transport;
pub mod typed;
#[cfg(any(not(feature = "js"), feature = "server"))]
pub mod webhook;

// Its exports pack 32-bit addresses: meaningful only in a wasm32 instance.
#[cfg(all(feature = "host-abi", target_arch = "wasm32"))]
pub mod abi;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod wasm;

pub use dispatch::{Action, Dispatch};
pub use engine::Engine;
pub use error::{Error, ErrorInfo, Result};

/// Version of the engine, stamped from Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `parts` joined into a string allocated once, at its final size (`format!` has to guess the
/// size, and often allocates too much or twice).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|s| s.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Sort a short list of texts, stably, by `cmp`. Placeholder lists have a handful of entries; one
/// insertion sort shared by every caller costs the web build a few hundred bytes, where each
/// `sort_by` with its own comparator was a copy of the standard library's driftsort (~3 KB each).
pub(crate) fn sort_texts(v: &mut [String], cmp: fn(&str, &str) -> std::cmp::Ordering) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && cmp(&v[j - 1], &v[j]) == std::cmp::Ordering::Greater {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// A name as repeated in an error: at most 40 characters.
pub(crate) fn shorten(name: &str) -> String {
    match name.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", name.get(..cut).unwrap_or_default()),
        None => name.to_string(),
    }
}
