//! Shadow replay: what a routing change would do to messages already sent, before it goes live.
//!
//! The host gives the configuration in force, the draft it is about to save (another default
//! provider, fallback order, profile state, Meta mapping…) and the notifications of recent
//! messages, each with its own reference. Each notification is started as a send with both
//! configurations ([`Dispatch::new`] and its first [`Dispatch::poll`], the code every host sends
//! with): the provider the first request would go to, whether it carries the opt-in invitation,
//! or why nothing may leave. Nothing is sent: the requests are built and dropped. The answer
//! counts what changes and keeps a few examples of each kind of change.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::dispatch::{Action, Dispatch};
use crate::engine::Engine;
use crate::error::{Error, ErrorInfo, Result};
use crate::model::Notification;

/// Most messages one `replay` call takes (hosts replay the last N, default 1,000).
pub const MAX_MESSAGES: usize = 10_000;
/// Examples kept per kind of change when the caller does not say.
pub const DEFAULT_EXAMPLES: usize = 5;
/// Most examples per kind of change a caller may ask for.
pub const MAX_EXAMPLES: usize = 50;
/// Longest text reference, in bytes.
pub const MAX_REF_LEN: usize = 200;

/// `replay` arguments. The configurations and notifications are kept as raw JSON and parsed by
/// the parsers `configure` and `decide` use: a second, derived parser of the same types inside
/// this struct would cost the web build some 8 KB.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplayArgs<'a> {
    /// The configuration in force (an `EngineConfig`).
    #[serde(borrow)]
    pub current: &'a RawValue,
    /// The configuration the admin is about to save.
    #[serde(borrow)]
    pub draft: &'a RawValue,
    #[serde(borrow)]
    pub messages: Vec<ReplayMessage<'a>>,
    /// Examples kept per kind of change (default [`DEFAULT_EXAMPLES`], at most [`MAX_EXAMPLES`]).
    #[serde(default)]
    pub examples: Option<u32>,
}

/// One message to replay: the host's reference (a record id, a CSV row) and its notification.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayMessage<'a> {
    /// An integer or a text of at most [`MAX_REF_LEN`] bytes, echoed as given.
    #[serde(rename = "ref", borrow)]
    pub reference: &'a RawValue,
    #[serde(borrow)]
    pub notification: &'a RawValue,
}

/// `reference` when it is an integer or a short text.
fn check_ref(reference: &RawValue) -> Result<&RawValue> {
    let text = reference.get();
    let ok = match text.as_bytes() {
        [b'"', ..] => text.len() <= MAX_REF_LEN + 2 && serde_json::from_str::<String>(text).is_ok(),
        [b'-', digits @ ..] | digits => {
            !digits.is_empty() && digits.len() <= 18 && digits.iter().all(u8::is_ascii_digit)
        }
    };
    if ok {
        Ok(reference)
    } else {
        Err(Error::input(format!(
            "a message's ref is an integer or a text of at most {MAX_REF_LEN} bytes, not {}",
            text.get(..40).unwrap_or(text)
        )))
    }
}

/// What sending one notification would do with one configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// The provider the first request goes to; `None` when nothing may be sent.
    pub provider: Option<String>,
    /// Whether that request carries the opt-in invitation.
    pub invitation: bool,
    /// Why: the decision's trace codes, then the code of each provider skipped because its
    /// request could not be built, then the outcome's code when nothing may be sent.
    pub codes: Vec<Cow<'static, str>>,
    /// Set when the engine refuses the notification (then nothing else is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
}

impl Route {
    fn refused(e: &Error) -> Route {
        Route {
            provider: None,
            invitation: false,
            codes: vec![Cow::Borrowed(e.code())],
            error: Some(e.info()),
        }
    }

    fn refused_code(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.code.as_str())
    }
}

/// Start sending `n` with `engine` and stop before the first request leaves.
pub fn route(engine: &Engine, n: &Notification) -> Result<Route> {
    // No clock: when the message may leave is not a routing question.
    let mut dispatch = Dispatch::new(engine, n, 0)?;
    let action = dispatch.poll(engine, 0)?;
    let mut codes: Vec<Cow<'static, str>> = dispatch
        .decision()
        .trace
        .iter()
        .map(|step| step.code.clone())
        .collect();
    codes.extend(
        dispatch
            .attempts()
            .iter()
            .filter_map(|a| a.code.clone().map(Cow::Owned)),
    );
    let (provider, invitation) = match action {
        Action::Send { provider, .. } => {
            let kind = engine.provider(&provider)?.kind;
            let template = engine.template(&n.template)?;
            // The same rule the message text is built with.
            let invitation =
                crate::route::opt_in_link(engine.config(), template, n, kind).is_some();
            (Some(provider), invitation)
        }
        Action::Done { outcome } => {
            if let Some(code) = outcome.code.filter(|c| !codes.iter().any(|k| k == c)) {
                codes.push(Cow::Owned(code));
            }
            (None, false)
        }
    };
    Ok(Route {
        provider,
        invitation,
        codes,
        error: None,
    })
}

/// The kinds of change, in the order examples list them.
const KINDS: [&str; 7] = [
    "providerChanged",
    "invitationLost",
    "invitationGained",
    "becameIneligible",
    "becameEligible",
    "newlyRefused",
    "noLongerRefused",
];

/// How many messages changed in each way (a message may change in several).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    /// Sent by another provider (both configurations send).
    pub provider_changed: usize,
    /// Carried the opt-in invitation and would not (both configurations send).
    pub invitation_lost: usize,
    pub invitation_gained: usize,
    /// Had a provider and would have none: nothing may be sent.
    pub became_ineligible: usize,
    pub became_eligible: usize,
    /// Accepted by the engine and would be refused (an error code, e.g. `template.mapping`).
    pub newly_refused: usize,
    pub no_longer_refused: usize,
}

impl Changes {
    fn add(&mut self, kind: usize) {
        let counter = match kind {
            0 => &mut self.provider_changed,
            1 => &mut self.invitation_lost,
            2 => &mut self.invitation_gained,
            3 => &mut self.became_ineligible,
            4 => &mut self.became_eligible,
            5 => &mut self.newly_refused,
            _ => &mut self.no_longer_refused,
        };
        *counter += 1;
    }
}

/// Counts by key (a few provider ids or error codes), sorted by key; a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(Vec<(String, usize)>);

impl Counts {
    fn add(&mut self, key: &str) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
            Ok(i) => self.0[i].1 += 1,
            Err(i) => self.0.insert(i, (key.to_string(), 1)),
        }
    }

    pub fn get(&self, key: &str) -> usize {
        self.0.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
    }
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, n)| (k, n)))
    }
}

/// What one configuration does with all the messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    /// Messages whose first request goes to each provider id.
    pub by_provider: Counts,
    /// Messages for which nothing may be sent (no eligible provider, opted out, no request
    /// could be built).
    pub ineligible: usize,
    /// Messages that carry the opt-in invitation.
    pub with_invitation: usize,
    /// Messages the engine refuses, and their error codes.
    pub refused: usize,
    pub refused_codes: Counts,
}

impl Side {
    fn count(&mut self, r: &Route) {
        if let Some(code) = r.refused_code() {
            self.refused += 1;
            self.refused_codes.add(code);
            return;
        }
        match &r.provider {
            Some(p) => self.by_provider.add(p),
            None => self.ineligible += 1,
        }
        if r.invitation {
            self.with_invitation += 1;
        }
    }
}

/// One message that changes, as an example.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Example<'a> {
    #[serde(rename = "ref")]
    pub reference: &'a RawValue,
    pub changes: Vec<&'static str>,
    pub current: Route,
    pub draft: Route,
}

/// The answer of `replay`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report<'a> {
    pub replayed: usize,
    /// Messages with at least one change.
    pub changed: usize,
    pub changes: Changes,
    pub current: Side,
    pub draft: Side,
    /// Up to the asked number of examples per kind of change, in the order of the messages.
    pub examples: Vec<Example<'a>>,
    /// Changed messages not given as examples.
    pub examples_omitted: usize,
}

/// Which kinds of change (indexes in [`KINDS`]) turn `before` into `after`.
fn kinds_of_change(before: &Route, after: &Route) -> Vec<usize> {
    match (before.error.is_some(), after.error.is_some()) {
        (false, true) => return vec![5],
        (true, false) => return vec![6],
        (true, true) => return Vec::new(),
        (false, false) => {}
    }
    let mut kinds = Vec::new();
    match (&before.provider, &after.provider) {
        (Some(a), Some(b)) if a != b => kinds.push(0),
        (Some(_), None) => kinds.push(3),
        (None, Some(_)) => kinds.push(4),
        _ => {}
    }
    match (before.invitation, after.invitation) {
        (true, false) => kinds.push(1),
        (false, true) => kinds.push(2),
        _ => {}
    }
    kinds
}

/// Replay the messages of `args` (a [`ReplayArgs`] as JSON) with both configurations.
pub fn replay(args: &str) -> Result<Report<'_>> {
    let args: ReplayArgs = serde_json::from_str(args).map_err(|e| Error::input(e.to_string()))?;
    if args.messages.len() > MAX_MESSAGES {
        return Err(Error::input(format!(
            "replay at most {MAX_MESSAGES} messages per call, not {}",
            args.messages.len()
        )));
    }
    let per_kind = args.examples.map_or(DEFAULT_EXAMPLES, |e| e as usize);
    if per_kind > MAX_EXAMPLES {
        return Err(Error::input(format!(
            "examples: at most {MAX_EXAMPLES} per kind of change, not {per_kind}"
        )));
    }
    let engine = |config: &RawValue, which: &str| {
        Engine::from_json(config.get(), which).map_err(|e| match e {
            Error::ConfigInvalid { reason, field } => Error::ConfigInvalid {
                reason: format!("{which}: {reason}"),
                field,
            },
            e => e,
        })
    };
    let current = engine(args.current, "current configuration")?;
    let draft = engine(args.draft, "draft configuration")?;
    let mut report = Report {
        replayed: args.messages.len(),
        changed: 0,
        changes: Changes::default(),
        current: Side::default(),
        draft: Side::default(),
        examples: Vec::new(),
        examples_omitted: 0,
    };
    let mut shown = [0usize; KINDS.len()];
    for m in args.messages {
        let reference = check_ref(m.reference)?;
        // A notification that does not parse is refused like any other bad input.
        let notification = serde_json::from_str::<Notification>(m.notification.get())
            .map_err(|e| Error::input(e.to_string()));
        let outcome = |engine: &Engine| {
            notification
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|n| route(engine, n))
                .unwrap_or_else(|e| Route::refused(&e))
        };
        let (before, after) = (outcome(&current), outcome(&draft));
        report.current.count(&before);
        report.draft.count(&after);
        let kinds = kinds_of_change(&before, &after);
        if kinds.is_empty() {
            continue;
        }
        report.changed += 1;
        for &k in &kinds {
            report.changes.add(k);
        }
        // An example when it shows a kind of change that has fewer examples than asked.
        if kinds.iter().any(|&k| shown[k] < per_kind) {
            for &k in &kinds {
                shown[k] += 1;
            }
            report.examples.push(Example {
                reference,
                changes: kinds.iter().map(|&k| KINDS[k]).collect(),
                current: before,
                draft: after,
            });
        } else {
            report.examples_omitted += 1;
        }
    }
    Ok(report)
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn config(default: &str, meta_state: &str) -> Value {
        json!({
            "defaultProvider": default,
            "optIn": {"url": "https://izin.go.id/setuju"},
            "providers": [
                {"id": "meta", "kind": "meta", "state": meta_state,
                 "credentials": {"accessToken": "t", "phoneNumberId": "1"}},
                {"id": "fonnte", "kind": "fonnte", "state": "configured",
                 "credentials": {"token": "secret-fonnte"}}],
            "templates": [{"code": "t", "name": "T", "language": "id", "body": "Halo {{name}}",
                           "meta": {"templateName": "t_meta"}}]})
    }

    fn notification(phone: &str, opt_in: bool) -> Value {
        json!({"template": "t", "values": {"name": "Siti"},
               "recipient": {"phone": phone, "metaOptIn": opt_in}})
    }

    fn message(reference: Value, phone: &str, opt_in: bool) -> Value {
        json!({"ref": reference, "notification": notification(phone, opt_in)})
    }

    fn run(current: Value, draft: Value, messages: Vec<Value>, examples: Option<u32>) -> Value {
        let mut args = json!({"current": current, "draft": draft, "messages": messages});
        if let Some(e) = examples {
            args["examples"] = json!(e);
        }
        let text = args.to_string();
        match replay(&text) {
            Ok(report) => serde_json::to_value(&report).expect("json"),
            Err(e) => json!({"error": e.code(), "message": e.to_string()}),
        }
    }

    #[test]
    fn the_route_is_the_first_request_of_a_send() {
        let engine =
            Engine::from_json(&config("meta", "configured").to_string(), "config").expect("engine");
        let n: Notification = serde_json::from_value(notification("0812-3456-7890", true)).unwrap();
        let r = route(&engine, &n).expect("route");
        assert_eq!(r.provider.as_deref(), Some("meta"));
        assert!(!r.invitation);
        let n: Notification =
            serde_json::from_value(notification("0812-3456-7890", false)).unwrap();
        let r = route(&engine, &n).expect("route");
        assert_eq!(r.provider.as_deref(), Some("fonnte"));
        assert!(r.invitation);
        assert!(r.codes.iter().any(|c| c == "route.opt_in_link"), "{r:?}");
    }

    #[test]
    fn turning_meta_off_moves_opted_in_citizens_to_the_gateway() {
        let report = run(
            config("meta", "configured"),
            config("meta", "draft"),
            vec![
                message(json!(1), "0812-3456-7890", true),
                message(json!("row 2"), "0812-3456-7891", false),
                message(json!(3), "12", true),
                json!({"ref": 4, "notification": {"template": 5}}),
            ],
            None,
        );
        assert_eq!(report["replayed"], 4, "{report}");
        assert_eq!(report["changed"], 1);
        assert_eq!(report["changes"]["providerChanged"], 1);
        // An opted-in citizen gets no invitation, on either provider.
        assert_eq!(report["changes"]["invitationGained"], 0);
        assert_eq!(
            report["current"]["byProvider"],
            json!({"meta": 1, "fonnte": 1})
        );
        assert_eq!(report["draft"]["byProvider"], json!({"fonnte": 2}));
        // A notification that does not parse is refused, and the others still replayed.
        assert_eq!(
            report["draft"]["refusedCodes"],
            json!({"phone.invalid": 1, "input.invalid": 1})
        );
        assert_eq!(report["examples"].as_array().map(Vec::len), Some(1));
        assert_eq!(report["examples"][0]["ref"], 1);
        assert!(!report.to_string().contains("secret-fonnte"), "{report}");
    }

    #[test]
    fn examples_are_bounded_per_kind() {
        let messages = (0..20)
            .map(|i| message(json!(i), "0812-3456-7890", true))
            .collect();
        let report = run(
            config("meta", "configured"),
            config("fonnte", "configured"),
            messages,
            Some(2),
        );
        assert_eq!(report["changes"]["providerChanged"], 20);
        assert_eq!(report["examples"].as_array().map(Vec::len), Some(2));
        assert_eq!(report["examplesOmitted"], 18);
    }

    #[test]
    fn input_is_bounded_and_configurations_named() {
        let same = || config("meta", "configured");
        let many = vec![message(json!(1), "0812-3456-7890", true); MAX_MESSAGES + 1];
        assert_eq!(run(same(), same(), many, None)["error"], "input.invalid");
        let one = || vec![message(json!(1), "0812-3456-7890", true)];
        let too_many = Some(MAX_EXAMPLES as u32 + 1);
        assert_eq!(
            run(same(), same(), one(), too_many)["error"],
            "input.invalid"
        );
        let bad = run(same(), config("nope", "configured"), one(), None);
        assert_eq!(bad["error"], "config.invalid");
        assert!(bad["message"]
            .as_str()
            .unwrap_or_default()
            .contains("draft configuration"));
        let bad = run(json!({"providers": 1}), same(), one(), None);
        assert!(bad["message"]
            .as_str()
            .unwrap_or_default()
            .contains("current configuration"));
    }

    #[test]
    fn refs_are_integers_or_short_texts_echoed_as_given() {
        let ok = |r: Value| {
            run(
                config("meta", "configured"),
                config("fonnte", "configured"),
                vec![message(r, "0812-3456-7890", true)],
                None,
            )
        };
        assert_eq!(ok(json!(-42))["examples"][0]["ref"], -42);
        assert_eq!(ok(json!("baris 7"))["examples"][0]["ref"], "baris 7");
        for bad in [
            json!("x".repeat(MAX_REF_LEN + 1)),
            json!({"a": 1}),
            json!(1.5),
            json!(null),
        ] {
            assert_eq!(ok(bad.clone())["error"], "input.invalid", "{bad}");
        }
    }
}
