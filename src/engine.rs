//! (in progress)
pub struct Engine;
