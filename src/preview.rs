//! Dry-run views: what each provider would get, with credentials masked.

use serde::Serialize;

use crate::convert::{self, OrderedParams};
use crate::engine::{Engine, Message, Prepared};
use crate::error::{ErrorInfo, Result};
use crate::lint::{self, LintIssue};
use crate::model::{
    Decision, HttpRequest, Notification, ProviderConfig, ProviderKind, ProviderState,
};
use crate::providers::Secrets;

// The engine's preview operations live with the previews: the engine needs none of them.
impl Engine {
    /// One provider's view of the notification: text, parameters, masked request.
    pub fn render(&self, n: &Notification, provider_id: &str) -> Result<ProviderPreview> {
        let prepared = self.prepare(n)?;
        let p = self.provider(provider_id)?;
        Ok(ProviderPreview::build(self, &prepared, p, None))
    }

    /// The decision plus what every provider would get, credentials masked.
    pub fn preview(&self, n: &Notification) -> Result<Preview> {
        let prepared = self.prepare(n)?;
        Preview::build(self, &prepared)
    }

    /// Decision and the first masked request, for dry runs and bulk planning.
    pub fn plan(&self, n: &Notification) -> Result<Plan> {
        let prepared = self.prepare(n)?;
        Plan::build(self, &prepared)
    }
}

/// Decision plus every provider's masked request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub decision: Decision,
    pub providers: Vec<ProviderPreview>,
    /// Meta lint of the template and of these values.
    pub lint: Vec<LintIssue>,
    /// Values given that the template does not use.
    pub unused_values: Vec<String>,
}

/// One provider's view of a notification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderPreview {
    pub provider: String,
    pub kind: ProviderKind,
    pub name: String,
    pub state: ProviderState,
    /// Position in the decision's chain (0 = first), `None` when not eligible.
    pub position: Option<usize>,
    pub append_opt_in_link: bool,
    /// What the citizen reads.
    pub text: Option<String>,
    /// Provider parameter form: Meta `template` object, Watzap `{"1": …}`, Fonnte `{"var1": …}`.
    pub params: serde_json::Value,
    /// The request, credentials masked.
    pub request: Option<HttpRequest>,
    /// Why no request could be built.
    pub error: Option<ErrorInfo>,
}

impl ProviderPreview {
    pub(crate) fn build(
        engine: &Engine,
        prepared: &Prepared<'_>,
        p: &ProviderConfig,
        decision: Option<&Decision>,
    ) -> ProviderPreview {
        let position = decision.and_then(|d| d.chain.iter().position(|id| *id == p.id));
        let append = crate::route::opt_in_link(
            engine.config(),
            prepared.template,
            prepared.notification,
            p.kind,
        )
        .is_some();
        // Text, parameters and request all come from one rendering of the message.
        let message = engine.message_for(prepared, p);
        let text = match &message {
            Ok(Message::Text(t)) => Some(t.clone()),
            // Meta shows the master body: the chat-bubble preview of the template.
            _ if p.kind == ProviderKind::Meta => engine.message_text(prepared, p.kind).ok(),
            _ => None,
        };
        let params = match (&message, p.kind) {
            (Ok(Message::Meta(m)), _) => serde_json::to_value(m).unwrap_or(serde_json::Value::Null),
            (_, ProviderKind::Meta) => serde_json::Value::Null,
            (_, ProviderKind::Watzap) => to_json(&convert::watzap_params(
                prepared.template,
                &prepared.resolved(),
            )),
            (_, ProviderKind::Fonnte) => to_json(&convert::fonnte_params(
                prepared.template,
                &prepared.resolved(),
            )),
        };
        let request = message.and_then(|m| engine.build_request(prepared, p, Secrets::Masked, &m));
        let (request, error) = match request {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e.info())),
        };
        ProviderPreview {
            provider: p.id.clone(),
            kind: p.kind,
            name: p.display_name().to_string(),
            state: p.state,
            position,
            append_opt_in_link: append,
            text,
            params,
            request,
            error,
        }
    }
}

fn to_json(p: &OrderedParams) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or(serde_json::Value::Null)
}

impl Preview {
    pub(crate) fn build(engine: &Engine, prepared: &Prepared<'_>) -> Result<Preview> {
        let decision = engine.decide_prepared(prepared)?;
        let providers = engine
            .config()
            .providers
            .iter()
            .map(|p| ProviderPreview::build(engine, prepared, p, Some(&decision)))
            .collect();
        let resolved = prepared.resolved();
        let (t, compiled) = (prepared.template, prepared.compiled);
        let mut lint = lint::lint_compiled(t, compiled);
        lint.extend(lint::lint_compiled_values(t, compiled, &resolved));
        Ok(Preview {
            decision,
            providers,
            lint,
            unused_values: resolved.unused,
        })
    }
}

/// The decision and the first provider's masked request: a dry run of one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub decision: Decision,
    pub request: Option<HttpRequest>,
    pub text: Option<String>,
}

impl Plan {
    pub(crate) fn build(engine: &Engine, prepared: &Prepared<'_>) -> Result<Plan> {
        let decision = engine.decide_prepared(prepared)?;
        let Some(p) = decision
            .provider
            .as_deref()
            .map(|id| engine.provider(id))
            .transpose()?
        else {
            return Ok(Plan {
                decision,
                request: None,
                text: None,
            });
        };
        // One rendering serves the request and the text shown.
        let message = engine.message_for(prepared, p)?;
        let request = engine.build_request(prepared, p, Secrets::Masked, &message)?;
        let text = match message {
            Message::Text(text) => Some(text),
            Message::Meta(_) => None,
        };
        Ok(Plan {
            decision,
            request: Some(request),
            text,
        })
    }
}
