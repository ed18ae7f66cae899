//! Phone normalization: what people in Indonesia type → digits with country code (`62…`).
//! (Interface fixed; implementation in progress.)

use crate::error::Result;

/// Calling code assumed when a number has none.
pub const DEFAULT_COUNTRY: &str = "62";

/// Normalize `input` to digits with country code, no `+` (e.g. `6281234567890`).
/// `default_country` is a calling code (`"62"`) used for numbers written nationally.
pub fn normalize(input: &str, default_country: &str) -> Result<String> {
    let _ = (input, default_country);
    unimplemented!()
}
