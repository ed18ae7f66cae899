//! JS-free ABI for wasmtime and other plain Wasm hosts (see `docs/host-abi.md`).
//!
//! One export call per operation: the host writes the call's JSON into the input buffer (whose
//! address it may cache) and calls `sw_call(len)`, which returns the answer's address and length
//! packed in a `u64`. The answer buffer is owned by the module and reused by the next call.

use std::cell::RefCell;

use crate::limits;
use crate::ops::Host;

struct State {
    host: Host,
    input: Vec<u8>,
    output: String,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State {
        host: Host::new(),
        input: Vec::new(),
        output: String::new(),
    });
}

/// Make the input buffer hold `len` bytes and return its address; 0 (and the buffer unchanged)
/// when `len` is above [`limits::CALL_MAX_BYTES`]: a call that large is refused before the
/// engine allocates for it (the following `sw_call` answers `limit.call`).
#[no_mangle]
pub extern "C" fn sw_input(len: u32) -> u32 {
    if len as usize > limits::CALL_MAX_BYTES {
        return 0;
    }
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.input.resize(len as usize, 0);
        s.input.as_mut_ptr() as usize as u32
    })
}

/// Run the call held in the first `len` bytes of the input buffer.
#[no_mangle]
pub extern "C" fn sw_call(len: u32) -> u64 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let State {
            host,
            input,
            output,
        } = &mut *s;
        *output = match input.get(..len as usize) {
            Some(bytes) => run_bytes(host, bytes),
            // More than the buffer holds: the host's `sw_input` was refused (or never made).
            None => error_json(&call_too_large(len)),
        };
        pack(output)
    })
}

fn run_bytes(host: &mut Host, bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => host.call(text),
        Err(_) => {
            r#"{"error":{"code":"input.invalid","message":"invalid input: the call is not UTF-8"}}"#
                .to_string()
        }
    }
}

fn call_too_large(len: u32) -> crate::ErrorInfo {
    limits::Limit::Call
        .check(len as usize, || "the call".into())
        .err()
        .map(|e| e.info())
        .unwrap_or_else(|| crate::ErrorInfo {
            code: "input.invalid".into(),
            message: "invalid input: the call is longer than the input buffer".into(),
            suggestion: None,
            args: Default::default(),
        })
}

fn error_json(info: &crate::ErrorInfo) -> String {
    serde_json::json!({ "error": info }).to_string()
}

fn pack(output: &str) -> u64 {
    ((output.as_ptr() as usize as u64) << 32) | output.len() as u64
}
