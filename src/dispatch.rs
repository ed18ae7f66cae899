//! (in progress)
pub struct Dispatch;
pub enum Action {}
