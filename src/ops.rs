//! JSON-in / JSON-out operations: the whole engine behind one `call`, for hosts that speak JSON
//! (the wasmtime ABI, fixtures, command-line tools). See `docs/host-abi.md` for the table.
//!
//! A call is `{"op": "<name>", "args": <value>}`; the answer is `{"ok": <result>}` or
//! `{"error": {"code", "message"}}`. Nothing here panics on any input.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::dispatch::{Action, Dispatch};
use crate::engine::Engine;
use crate::error::{Error, ErrorInfo, Result};
use crate::lint::{self, LintIssue};
use crate::model::{EngineConfig, HttpResponse, MasterTemplate, Notification, TransportError};
use crate::providers::{meta, provider};

/// A host's engine state: the configuration given by `configure`.
#[derive(Debug, Default)]
pub struct Host {
    engine: Option<Engine>,
}

#[derive(Deserialize)]
struct Call<'a> {
    op: String,
    #[serde(borrow, default)]
    args: Option<&'a RawValue>,
}

/// One step of a dispatch, as hosts see it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Step<'a> {
    state: &'a Dispatch,
    action: Action,
}

impl Host {
    pub fn new() -> Host {
        Host::default()
    }

    /// The engine configured by the last successful `configure`.
    pub fn engine(&self) -> Result<&Engine> {
        self.engine.as_ref().ok_or(Error::NotConfigured)
    }

    /// Run one call given as JSON text; always returns JSON text.
    pub fn call(&mut self, input: &str) -> String {
        let result = crate::limits::Limit::Call
            .check(input.len(), || "the call".into())
            .and_then(|()| {
                serde_json::from_str::<Call>(input).map_err(|e| {
                    Error::input(format!("a call is {{\"op\": ..., \"args\": ...}}: {e}"))
                })
            })
            .and_then(|call| {
                let args = call.args.map(RawValue::get).unwrap_or("null");
                self.run(&call.op, args)
            });
        match result {
            // Wrapped in place: a batch's answer can be hundreds of megabytes, not worth a copy.
            Ok(mut json) => {
                json.insert_str(0, "{\"ok\":");
                json.push('}');
                json
            }
            Err(e) => error_json(&e.info()),
        }
    }

    /// Run `op` on `args` (JSON text); the result as JSON text.
    pub fn run(&mut self, op: &str, args: &str) -> Result<String> {
        if op == "configure" {
            // A refused configuration leaves none, rather than silently keeping the previous one.
            self.engine = None;
            let config: EngineConfig = parse(args)?;
            let engine = Engine::new(config)?;
            let summary = configure_summary(&engine);
            self.engine = Some(engine);
            return to_json(&summary);
        }
        run_op(self.engine.as_ref(), op, args)
    }
}

/// Run every op but `configure` against an engine (when the op needs one).
pub fn run_op(engine: Option<&Engine>, op: &str, args: &str) -> Result<String> {
    let engine = || engine.ok_or(Error::NotConfigured);
    {
        match op {
            "version" => to_json(&crate::VERSION),
            "limits" => to_json(&crate::limits::LIMITS),
            "checkCredentials" => {
                let a: crate::secrets::CheckArgs = parse(args)?;
                to_json(&crate::secrets::check_credentials(&a))
            }
            "decide" => to_json(&engine()?.decide(&parse(args)?)?),
            "preview" => to_json(&engine()?.preview(&parse(args)?)?),
            "render" => {
                let a: RenderArgs = parse(args)?;
                to_json(&engine()?.render(&a.notification, &a.provider)?)
            }
            "plan" => to_json(&engine()?.plan(&parse(args)?)?),
            "planBatch" => {
                let a: BatchArgs = parse(args)?;
                crate::limits::Limit::Batch.check(a.notifications.len(), || "the batch".into())?;
                to_json(&PlanBatch {
                    engine: engine()?,
                    notifications: &a.notifications,
                    compact: a.compact,
                })
            }
            "normalizePhone" => {
                let a: PhoneArgs = parse(args)?;
                let country = a
                    .default_country
                    .as_deref()
                    .unwrap_or(crate::phone::DEFAULT_COUNTRY);
                to_json(&crate::phone::normalize(&a.phone, country)?)
            }
            "lintTemplate" => {
                let t: MasterTemplate = parse(args)?;
                to_json(&lint_with_validation(&t))
            }
            "lintProfile" => {
                let a: LintProfileArgs = parse(args)?;
                to_json(&crate::providers::graph_version::lint_profile(
                    &a.provider,
                    a.now_ms,
                ))
            }
            "dispatchStart" => {
                let a: StartArgs = parse(args)?;
                let engine = engine()?;
                let mut dispatch = engine.dispatch(&a.notification, a.now_ms)?;
                step(engine, &mut dispatch, a.now_ms)
            }
            "dispatchFeed" => {
                let a: FeedArgs = parse(args)?;
                let engine = engine()?;
                let mut dispatch = a.state;
                match (a.response, a.transport_error) {
                    (Some(r), None) => dispatch.handle_response(engine, r, a.now_ms)?,
                    (None, Some(e)) => dispatch.handle_transport_error(engine, e, a.now_ms)?,
                    _ => {
                        return Err(Error::input(
                            "dispatchFeed needs exactly one of `response` or `transportError`",
                        ))
                    }
                }
                step(engine, &mut dispatch, a.now_ms)
            }
            "healthCheckRequest" => {
                let a: ProviderArgs = parse(args)?;
                let p = engine()?.provider(&a.provider)?;
                to_json(&provider(p.kind).build_health_check(p)?)
            }
            "healthCheckParse" => {
                let a: ProviderResponseArgs = parse(args)?;
                let p = engine()?.provider(&a.provider)?;
                let mut check = provider(p.kind).parse_health_check(&a.response);
                check.detail = p.credentials.redact(&check.detail).into_owned();
                to_json(&check)
            }
            "metaTemplatesRequest" => {
                let a: TemplatesArgs = parse(args)?;
                let p = engine()?.provider(&a.provider)?;
                to_json(&meta::template_list_request(p, a.after.as_deref())?)
            }
            "pace" => {
                let a: PaceArgs = parse(args)?;
                let p = engine()?.provider(&a.provider)?;
                let decision = crate::pace::decide(crate::pace::PaceInput {
                    rate_per_minute: p.rate_limit(),
                    next_free_ms: a.next_free_ms,
                    now_ms: a.now_ms,
                    slot_at_ms: a.slot_at_ms,
                    retry: a.retry,
                    max_wait_ms: a.max_wait_ms,
                });
                to_json(&crate::pace::ProviderDecision {
                    provider: &a.provider,
                    decision,
                })
            }
            "quietHours" => {
                // The dispatch's own arguments: the answer is what `dispatchStart` would wait for.
                let a: StartArgs = parse(args)?;
                to_json(&engine()?.send_window(&a.notification, a.now_ms)?)
            }
            "metaTemplatesParse" => {
                let a: ResponseArgs = parse(args)?;
                to_json(&meta::parse_template_list(&a.response)?)
            }
            // Tamper-evident evidence (src/evidence.rs): no configuration needed.
            "evidenceFact" => {
                let fact: crate::evidence::Fact = parse(args)?;
                to_json(&fact.normalized()?)
            }
            "evidenceEntry" => {
                let a: EvidenceEntryArgs = parse(args)?;
                let prev = a.prev_hash.as_deref().unwrap_or(crate::evidence::GENESIS);
                to_json(&crate::evidence::entry(a.fact, a.seq, prev)?)
            }
            "evidenceVerify" => to_json(&crate::evidence::verify(parse(args)?)?),
            // Shadow replay (src/replay.rs): both configurations come with the call.
            "replay" => to_json(&crate::replay::replay(args)?),
            // Free text to one citizen (src/free_text.rs): Meta only inside its 24 h window.
            "freeTextOptions" => to_json(&crate::free_text::options(engine()?, &parse(args)?)?),
            "freeTextRequest" => to_json(&crate::free_text::request(engine()?, &parse(args)?)?),
            "freeTextClassify" => to_json(&crate::free_text::classify(engine()?, &parse(args)?)?),
            // Meta template health (src/template_health.rs): no configuration needed.
            "metaTemplateEvents" => {
                let payload: serde_json::Value = parse(args)?;
                to_json(&crate::template_health::events(&payload)?)
            }
            "metaTemplateHealth" => {
                let t: MasterTemplate = parse(args)?;
                crate::limits::check_template(&t)?;
                to_json(&crate::template_health::health(&t))
            }
            // What a template asks for (src/describe.rs): hosts build their forms from it.
            "describeTemplate" => {
                let a: TemplateArgs = parse(args)?;
                let t = template_arg(engine, &a.template)?;
                crate::describe::describe(&t)
            }
            // The catalogue (src/catalogue.rs): not in the web build, whose size it would grow.
            #[cfg(any(not(feature = "js"), feature = "catalogue"))]
            "catalogue" => crate::catalogue::catalogue(),
            #[cfg(any(not(feature = "js"), feature = "catalogue"))]
            "maskConfig" => to_json(&crate::catalogue::mask_config(parse(args)?)),
            // Provider webhooks (src/webhook/): not in the web build, browsers receive none.
            #[cfg(any(not(feature = "js"), feature = "server"))]
            "parseWebhook" => to_json(&crate::webhook::parse(&parse(args)?)?),
            // Values too large to store (src/limits.rs), refused by a server before it stores them.
            #[cfg(any(not(feature = "js"), feature = "server"))]
            "checkValues" => to_json(&crate::limits::oversize_values(&parse(args)?)),
            // Meta through Odoo Enterprise's WhatsApp app (src/odoo_bridge.rs).
            #[cfg(any(not(feature = "js"), feature = "server"))]
            "odooWhatsAppTemplate" => {
                let a: RequestArgs = parse(args)?;
                to_json(&crate::odoo_bridge::template_message(&a.request)?)
            }
            #[cfg(any(not(feature = "js"), feature = "server"))]
            "odooWhatsAppResponse" => to_json(&crate::odoo_bridge::response(&parse(args)?)?),
            // A dispatch against scripted transport answers, for the shared fixtures.
            #[cfg(any(not(feature = "js"), feature = "transcript"))]
            "dispatchScripted" => crate::transcript::dispatch_scripted(engine()?, args),
            other => Err(Error::input(format!("unknown op {other:?}"))),
        }
    }
}

/// A template given by code ("permit_ready", from the configuration) or inline. Told apart by
/// the first token rather than an untagged enum, whose buffering costs the web build ~10 KB.
fn template_arg<'e>(
    engine: impl FnOnce() -> Result<&'e Engine>,
    raw: &RawValue,
) -> Result<std::borrow::Cow<'e, MasterTemplate>> {
    let text = raw.get();
    if text.trim_start().starts_with('"') {
        let code: String = parse(text)?;
        Ok(std::borrow::Cow::Borrowed(engine()?.template(&code)?))
    } else {
        Ok(std::borrow::Cow::Owned(parse(text)?))
    }
}

fn step(engine: &Engine, dispatch: &mut Dispatch, now_ms: i64) -> Result<String> {
    let action = dispatch.poll(engine, now_ms)?;
    to_json(&Step {
        state: dispatch,
        action,
    })
}

/// Template validation error (if any) followed by Meta lint issues.
pub fn lint_with_validation(t: &MasterTemplate) -> Vec<LintIssue> {
    let issue = |e: Error| LintIssue {
        code: e.code().to_string(),
        severity: lint::Severity::Error,
        message: e.to_string(),
        field: None,
        args: e.info().args,
    };
    // An oversize template is not parsed: its size is the one issue.
    if let Err(e) = crate::limits::check_template(t) {
        return vec![issue(e)];
    }
    let mut issues = Vec::new();
    if let Err(e) = crate::template::validate(t) {
        issues.push(issue(e));
    }
    issues.extend(lint::lint_template(t));
    issues
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigureSummary {
    providers: usize,
    templates: usize,
    /// Template problems by code: validation errors first, then Meta lint.
    lint: BTreeMap<String, Vec<LintIssue>>,
}

fn configure_summary(engine: &Engine) -> ConfigureSummary {
    let config = engine.config();
    // Inserted one by one, not collected: see `providers::common::request`.
    let mut lint = BTreeMap::new();
    for t in &config.templates {
        let issues = lint_with_validation(t);
        if !issues.is_empty() {
            lint.insert(t.code.clone(), issues);
        }
    }
    ConfigureSummary {
        providers: config.providers.len(),
        templates: config.templates.len(),
        lint,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum BatchItem<'a> {
    Ok(&'a crate::preview::Plan),
    #[serde(rename = "ok")]
    Compact(CompactPlan<'a>),
    Error(ErrorInfo),
}

/// A plan without what a bulk sender does not need per message: the trace as codes only (their
/// English words are fixed per code), no separate `text` (a gateway's text is in the request
/// body), no chain, kind or template. About half the bytes of a full plan: for batches of
/// thousands, the answer's size is most of the cost on the host's side (its JSON parser).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CompactPlan<'a> {
    provider: Option<&'a str>,
    phone: &'a str,
    append_opt_in_link: bool,
    trace: TraceCodes<'a>,
    request: Option<&'a crate::model::HttpRequest>,
}

struct TraceCodes<'a>(&'a [crate::model::TraceStep]);

impl Serialize for TraceCodes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|step| &*step.code))
    }
}

impl<'a> CompactPlan<'a> {
    fn of(plan: &'a crate::preview::Plan) -> Self {
        let d = &plan.decision;
        CompactPlan {
            provider: d.provider.as_deref(),
            phone: &d.phone,
            append_opt_in_link: d.append_opt_in_link,
            trace: TraceCodes(&d.trace),
            request: plan.request.as_ref(),
        }
    }
}

/// A batch's plans, each written to the answer as soon as it is made: the batch never holds
/// every plan at once (100,000 plans are some 200 MB), only the JSON text.
struct PlanBatch<'a> {
    engine: &'a Engine,
    notifications: &'a [Notification],
    compact: bool,
}

impl Serialize for PlanBatch<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut items = s.serialize_seq(Some(self.notifications.len()))?;
        for n in self.notifications {
            match self.engine.plan(n) {
                Ok(plan) if self.compact => {
                    items.serialize_element(&BatchItem::Compact(CompactPlan::of(&plan)))?
                }
                Ok(plan) => items.serialize_element(&BatchItem::Ok(&plan))?,
                Err(e) => items.serialize_element(&BatchItem::Error(e.info()))?,
            }
        }
        items.end()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LintProfileArgs {
    /// A profile as in `configure` (credentials are not needed and best left out).
    provider: crate::model::ProviderConfig,
    now_ms: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RenderArgs {
    notification: Notification,
    provider: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchArgs {
    notifications: Vec<Notification>,
    /// Answer with [`CompactPlan`]s instead of full plans.
    #[serde(default)]
    compact: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhoneArgs {
    phone: String,
    #[serde(default)]
    default_country: Option<String>,
}

/// A request the engine built (the Odoo WhatsApp bridge reads it back).
#[cfg(any(not(feature = "js"), feature = "server"))]
#[derive(Deserialize)]
struct RequestArgs {
    request: crate::model::HttpRequest,
}

#[derive(Deserialize)]
struct TemplateArgs {
    /// A template code or an inline `MasterTemplate`.
    template: Box<RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartArgs {
    notification: Notification,
    now_ms: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FeedArgs {
    state: Dispatch,
    now_ms: i64,
    #[serde(default)]
    response: Option<HttpResponse>,
    #[serde(default)]
    transport_error: Option<TransportError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProviderArgs {
    provider: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProviderResponseArgs {
    provider: String,
    response: HttpResponse,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TemplatesArgs {
    provider: String,
    #[serde(default)]
    after: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaceArgs {
    provider: String,
    now_ms: i64,
    #[serde(default)]
    next_free_ms: Option<i64>,
    /// The slot a host waited for (it woke up at `now_ms`).
    #[serde(default)]
    slot_at_ms: Option<i64>,
    /// How many slots the send already took again after late wake-ups.
    #[serde(default)]
    retry: u32,
    /// The longest wait the host accepts for a slot (a first request): beyond, `defer`.
    #[serde(default)]
    max_wait_ms: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EvidenceEntryArgs {
    fact: crate::evidence::Fact,
    seq: u64,
    /// Absent for a chain's first entry.
    #[serde(default)]
    prev_hash: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResponseArgs {
    response: HttpResponse,
}

fn parse<T: DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| Error::input(e.to_string()))
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::input(format!("cannot encode the result: {e}")))
}

fn error_json(info: &ErrorInfo) -> String {
    serde_json::to_string(&serde_json::json!({ "error": info })).unwrap_or_else(|_| {
        r#"{"error":{"code":"input.invalid","message":"unencodable error"}}"#.to_string()
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
mod tests {
    use super::*;

    fn code(answer: &str) -> String {
        let v: serde_json::Value = serde_json::from_str(answer).expect("always JSON");
        v["error"]["code"].as_str().unwrap_or("ok").to_string()
    }

    #[test]
    fn bad_calls_are_input_errors_not_panics() {
        let mut host = Host::new();
        assert_eq!(code(&host.call("not json")), "input.invalid");
        assert_eq!(code(&host.call(r#"{"op": "fly"}"#)), "input.invalid");
        assert_eq!(code(&host.call(r#"{"op": "version"}"#)), "ok");
        assert_eq!(
            code(&host.call(r#"{"op": "decide", "args": {}}"#)),
            "engine.not_configured"
        );
    }

    #[test]
    fn a_compact_batch_keeps_the_request_and_the_trace_codes() {
        let mut host = Host::new();
        let config = r#"{"op": "configure", "args": {
            "optIn": {"url": "https://example.go.id/setuju"},
            "providers": [{"id": "fonnte", "kind": "fonnte", "state": "configured",
                           "credentials": {"token": "secret-token"}}],
            "templates": [{"code": "t", "name": "T", "language": "id", "body": "Halo {{name}}"}]}}"#;
        assert_eq!(code(&host.call(config)), "ok");
        let mut batch = |compact: bool| {
            let call = serde_json::json!({"op": "planBatch", "args": {"compact": compact,
                "notifications": [
                    {"template": "t", "recipient": {"phone": "0812-3456-7890"}, "values": {"name": "Siti"}},
                    {"template": "t", "recipient": {"phone": "x"}, "values": {"name": "Budi"}}]}});
            let answer: serde_json::Value =
                serde_json::from_str(&host.call(&call.to_string())).expect("JSON");
            answer["ok"].clone()
        };
        let full = batch(false);
        let compact = batch(true);
        let (f, c) = (&full[0]["ok"], &compact[0]["ok"]);
        assert_eq!(c["request"], f["request"]);
        assert_eq!(c["provider"], f["decision"]["provider"]);
        assert_eq!(c["phone"], f["decision"]["phone"]);
        assert_eq!(c["appendOptInLink"], serde_json::json!(true));
        let codes: Vec<_> = f["decision"]["trace"]
            .as_array()
            .expect("trace")
            .iter()
            .map(|s| s["code"].clone())
            .collect();
        assert_eq!(c["trace"], serde_json::Value::Array(codes));
        assert!(c.get("text").is_none() && c.get("decision").is_none());
        assert!(!compact.to_string().contains("secret-token"));
        // Errors are reported the same way in both forms.
        assert_eq!(compact[1], full[1]);
        assert_eq!(compact[1]["error"]["code"], "phone.invalid");
    }

    #[test]
    fn describe_template_takes_a_code_or_an_inline_template() {
        let mut host = Host::new();
        let config = r#"{"op": "configure", "args": {"templates": [
            {"code": "t", "name": "T", "language": "id", "body": "Halo {{name}}"}]}}"#;
        assert_eq!(code(&host.call(config)), "ok");
        let first = |answer: String| -> String {
            let v: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
            v["ok"]["params"][0]["name"]
                .as_str()
                .unwrap_or(&answer)
                .to_string()
        };
        let by_code = r#"{"op": "describeTemplate", "args": {"template": "t"}}"#;
        assert_eq!(first(host.call(by_code)), "name");
        let inline = r#"{"op": "describeTemplate", "args": {"template":
            {"code": "x", "body": "Yth. {{nama}}"}}}"#;
        assert_eq!(first(host.call(inline)), "nama");
        let unknown = r#"{"op": "describeTemplate", "args": {"template": "nope"}}"#;
        assert_eq!(code(&host.call(unknown)), "template.unknown");
        for bad in ["42", "[1]", "{\"body\": 1}"] {
            let call = format!(r#"{{"op": "describeTemplate", "args": {{"template": {bad}}}}}"#);
            assert_eq!(code(&host.call(&call)), "input.invalid", "{bad}");
        }
    }

    #[test]
    fn a_dispatch_state_survives_the_round_trip() {
        let mut host = Host::new();
        let config = r#"{"op": "configure", "args": {
            "providers": [{"id": "fonnte", "kind": "fonnte", "state": "configured",
                           "credentials": {"token": "t"}}],
            "templates": [{"code": "t", "name": "T", "language": "id", "body": "Halo {{name}}"}]}}"#;
        assert_eq!(code(&host.call(config)), "ok");
        let start = r#"{"op": "dispatchStart", "args": {"nowMs": 1, "notification":
            {"template": "t", "recipient": {"phone": "0812-3456-7890"}, "values": {"name": "Siti"}}}}"#;
        let step: serde_json::Value = serde_json::from_str(&host.call(start)).expect("JSON");
        assert_eq!(step["ok"]["action"]["type"], "send", "{step}");
        let feed = serde_json::json!({"op": "dispatchFeed", "args": {"state": step["ok"]["state"],
            "nowMs": 2, "response": {"status": 200, "headers": {},
            "body": r#"{"status": true, "id": ["80367170"], "target": ["6281234567890"]}"#}}});
        let done: serde_json::Value =
            serde_json::from_str(&host.call(&feed.to_string())).expect("JSON");
        assert_eq!(done["ok"]["action"]["type"], "done", "{done}");
        assert_eq!(done["ok"]["action"]["outcome"]["status"], "sent", "{done}");
    }

    #[test]
    fn a_refused_configuration_leaves_none() {
        let mut host = Host::new();
        assert_eq!(code(&host.call(r#"{"op": "configure", "args": {}}"#)), "ok");
        let bad = r#"{"op": "configure", "args": {"defaultProvider": "nope"}}"#;
        assert_eq!(code(&host.call(bad)), "config.invalid");
        assert!(
            host.engine().is_err(),
            "the previous configuration must not linger"
        );
    }
}
