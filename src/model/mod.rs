//! Boundary types: the JSON contract shared by every host (camelCase, one wire shape).
//!
//! Every optional field is an `Option` and every list defaults to empty, so hosts may omit what
//! they do not use. Hand-written TypeScript mirrors of these types live in `src/wasm/ts.rs`; the
//! README documents them once.

mod config;
mod decision;
mod http;
mod notification;
mod outcome;
mod template;

pub use config::{
    Credentials, EngineConfig, OptInConfig, ProviderConfig, ProviderKind, ProviderState,
    QuietHoursConfig, DEFAULT_QUIET_END, DEFAULT_QUIET_START, SECRET_MASK,
};
pub use decision::{Decision, TraceStep};
pub use http::{HttpRequest, HttpResponse, TransportError, TransportErrorKind};
pub use notification::{Notification, Recipient, Values};
pub use outcome::{Attempt, Classification, Outcome, OutcomeStatus};
pub use template::{GatewayMapping, MasterTemplate, MetaMapping, MetaParamFormat};
