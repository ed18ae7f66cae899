//! Routing: which providers may carry a notification, in which order, and why.
//!
//! Rules, in the order they fire (each leaves a [`TraceStep`] with a stable code):
//! 1. an opted-out recipient gets nothing (`route.opted_out`);
//! 2. a forced provider is used alone, whatever its state (`route.forced`, with warnings
//!    `route.forced_not_configured` / `route.forced_without_opt_in`) — the test wizard needs this;
//! 3. otherwise candidates are the default provider (Meta when unset: `route.default_meta`), then the
//!    fallback order, then the remaining profiles;
//! 4. a candidate must be `configured` (`route.skip_not_configured`); Meta also needs the recipient's
//!    opt-in (`route.skip_no_opt_in`) and an approved Meta mapping of the template
//!    (`route.skip_no_meta_template`, `route.skip_meta_not_approved` — paused, disabled,
//!    rejected…), a quality Meta rates `RED` (`route.skip_meta_quality`), a template edited since
//!    Meta approved it (`route.skip_meta_changed`), and a template that breaks Meta's rules
//!    (`route.skip_meta_lint`);
//! 5. the first eligible candidate is chosen (`route.selected`), the others follow in the chain
//!    (`route.fallback`); none → `route.no_provider`;
//! 6. a gateway send to a recipient without Meta opt-in carries the opt-in invitation
//!    (`route.opt_in_link`, or `route.opt_in_link_missing` when no link is configured).

use std::borrow::Cow;

use crate::concat;
use crate::error::{Error, Result};
use crate::model::{
    Decision, EngineConfig, MasterTemplate, MetaMapping, Notification, ProviderConfig,
    ProviderKind, ProviderState, TraceStep,
};

/// Indonesian invitation used when the config has no text. `{url}` is replaced by the link.
pub const DEFAULT_OPT_IN_TEXT: &str =
    "Ingin menerima notifikasi resmi melalui WhatsApp Business kami? Setujui di sini: {url}";

/// Meta review statuses under which a template can be sent.
fn meta_status_allows_sending(status: Option<&str>) -> bool {
    status.is_none_or(|s| s.trim().is_empty() || s.eq_ignore_ascii_case("approved"))
}

/// Meta quality scores under which a template is not sent through Meta: Meta pauses a `RED`
/// template, and every further send lowers the number's own rating.
fn meta_quality_blocks(quality: Option<&str>) -> bool {
    quality.is_some_and(|q| q.trim().eq_ignore_ascii_case("red"))
}

/// Why Meta's own review stops a Meta template: its status (paused, disabled, rejected,
/// pending…) or a `RED` quality score. `(trace code, reason)`; `None` when Meta may carry it.
pub fn meta_review_block(meta: &MetaMapping) -> Option<(&'static str, String)> {
    if !meta_status_allows_sending(meta.status.as_deref()) {
        return Some((
            "route.skip_meta_not_approved",
            format!(
                "Meta template {:?} is {}, not approved",
                meta.template_name,
                meta.status.as_deref().unwrap_or_default()
            ),
        ));
    }
    if meta_quality_blocks(meta.quality.as_deref()) {
        return Some((
            "route.skip_meta_quality",
            format!(
                "Meta rates template {:?} low quality (RED)",
                meta.template_name
            ),
        ));
    }
    None
}

/// Why Meta would refuse a template, found once when the engine is built.
#[derive(Debug, Clone)]
pub struct MetaBlock {
    /// The trace code of the skip.
    code: &'static str,
    message: String,
}

impl MetaBlock {
    /// The template breaks one of Meta's rules (`route.skip_meta_lint`).
    pub(crate) fn lint(message: String) -> Self {
        MetaBlock {
            code: "route.skip_meta_lint",
            message,
        }
    }

    /// The template was edited after Meta approved it (`route.skip_meta_changed`).
    pub(crate) fn changed(message: String) -> Self {
        MetaBlock {
            code: "route.skip_meta_changed",
            message,
        }
    }
}

struct Trace(Vec<TraceStep>);

impl Trace {
    fn with_capacity(steps: usize) -> Self {
        Trace(Vec::with_capacity(steps))
    }

    fn push(
        &mut self,
        code: &'static str,
        provider: Option<&ProviderConfig>,
        message: impl Into<Cow<'static, str>>,
    ) -> &mut TraceStep {
        self.0.push(TraceStep {
            code: Cow::Borrowed(code),
            message: message.into(),
            provider: provider.map(|p| p.id.clone()),
            args: Default::default(),
        });
        let last = self.0.len() - 1;
        &mut self.0[last]
    }
}

/// A skipped provider's trace step: code, English words, the sentence's arguments.
type Skip = (&'static str, String, Vec<(&'static str, String)>);

/// Why a provider cannot carry this notification, if it cannot.
fn ineligibility(
    p: &ProviderConfig,
    template: &MasterTemplate,
    n: &Notification,
    meta_block: Option<&MetaBlock>,
) -> Option<Skip> {
    let name = p.display_name();
    if p.state != ProviderState::Configured {
        return Some((
            "route.skip_not_configured",
            concat(&[name, " skipped: its profile is not marked as configured"]),
            Vec::new(),
        ));
    }
    if p.kind == ProviderKind::Meta {
        if !n.recipient.meta_opt_in {
            return Some((
                "route.skip_no_opt_in",
                concat(&[
                    name,
                    " skipped: the recipient has not opted in to official WhatsApp messages",
                ]),
                Vec::new(),
            ));
        }
        let Some(meta) = template
            .meta
            .as_ref()
            .filter(|m| !m.template_name.trim().is_empty())
        else {
            return Some((
                "route.skip_no_meta_template",
                format!(
                    "{name} skipped: template {:?} has no Meta template mapping",
                    template.code
                ),
                vec![("template", template.code.clone())],
            ));
        };
        if let Some((code, reason)) = meta_review_block(meta) {
            return Some((
                code,
                concat(&[name, " skipped: ", &reason]),
                vec![
                    ("metaTemplate", meta.template_name.clone()),
                    ("status", meta.status.clone().unwrap_or_default()),
                    ("quality", meta.quality.clone().unwrap_or_default()),
                ],
            ));
        }
        if let Some(block) = meta_block {
            return Some((
                block.code,
                format!(
                    "{name} skipped: Meta would refuse template {:?} ({})",
                    template.code, block.message
                ),
                vec![
                    ("template", template.code.clone()),
                    ("reason", block.message.clone()),
                ],
            ));
        }
    }
    None
}

/// Whether a send through `kind` carries the opt-in invitation, and the link it uses.
pub fn opt_in_link<'a>(
    config: &'a EngineConfig,
    template: &MasterTemplate,
    n: &'a Notification,
    kind: ProviderKind,
) -> Option<&'a str> {
    if !kind.is_gateway() || n.recipient.meta_opt_in || template.append_opt_in_link == Some(false) {
        return None;
    }
    opt_in_url(config, n)
}

/// The consent link for this recipient: their own (signed) link, else the configured one.
pub fn opt_in_url<'a>(config: &'a EngineConfig, n: &'a Notification) -> Option<&'a str> {
    personal_opt_in_url(n).or_else(|| {
        config
            .opt_in
            .as_ref()
            .and_then(|o| o.url.as_deref())
            .map(str::trim)
            .filter(|u| !u.is_empty())
    })
}

/// The recipient's own consent link, when the host gave one.
pub fn personal_opt_in_url(n: &Notification) -> Option<&str> {
    n.recipient
        .opt_in_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
}

/// The invitation text, split around its `{url}` once (when the engine is built), so a message
/// gets its paragraph without searching the text again.
#[derive(Debug, Clone)]
pub(crate) struct OptInText {
    /// The text between the `{url}`s; a single part means the link follows the text.
    parts: Vec<String>,
}

impl OptInText {
    pub(crate) fn new(config: &EngineConfig) -> Self {
        let text = config
            .opt_in
            .as_ref()
            .and_then(|o| o.text.as_deref())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(DEFAULT_OPT_IN_TEXT);
        OptInText {
            parts: text.split("{url}").map(str::to_string).collect(),
        }
    }

    /// Length in bytes of the paragraph for `url`.
    pub(crate) fn len(&self, url: &str) -> usize {
        let text: usize = self.parts.iter().map(String::len).sum();
        match self.parts.len() {
            1 => text + 1 + url.len(),
            n => text + n.saturating_sub(1) * url.len(),
        }
    }

    /// Append the paragraph for `url`: every `{url}` replaced by the link, or the link after the
    /// text and a space.
    pub(crate) fn push_to(&self, out: &mut String, url: &str) {
        if let [text] = self.parts.as_slice() {
            out.push_str(text);
            out.push(' ');
            out.push_str(url);
            return;
        }
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push_str(url);
            }
            out.push_str(part);
        }
    }
}

/// Decide the providers for `n`. `phone` is the already normalized number.
///
/// Errors only on caller misuse (a forced provider id that does not exist); everything else is a
/// decision, possibly with no provider.
pub fn decide(
    config: &EngineConfig,
    template: &MasterTemplate,
    n: &Notification,
    phone: String,
    meta_block: Option<&MetaBlock>,
) -> Result<Decision> {
    // Each trace gets room for the most steps its branch can take, and no more: a batch keeps
    // every decision.
    if n.recipient.opted_out {
        let mut trace = Trace::with_capacity(1);
        trace.push(
            "route.opted_out",
            None,
            "The recipient asked not to receive WhatsApp messages: nothing is sent",
        );
        return Ok(finish(config, template, n, phone, Vec::new(), trace));
    }

    if let Some(forced) = n.force_provider.as_deref().filter(|f| !f.is_empty()) {
        let p = find(config, forced)?;
        // Forced, two warnings at most (the second only for Meta), the invitation (gateways).
        let mut trace = Trace::with_capacity(3);
        trace.push(
            "route.forced",
            Some(p),
            concat(&[
                p.display_name(),
                " was forced by the sender; no other provider is tried",
            ]),
        );
        if p.state != ProviderState::Configured {
            trace.push(
                "route.forced_not_configured",
                Some(p),
                concat(&[
                    p.display_name(),
                    " is not marked as configured but is used because it was forced",
                ]),
            );
        }
        if p.kind == ProviderKind::Meta && !n.recipient.meta_opt_in {
            trace.push(
                "route.forced_without_opt_in",
                Some(p),
                "Meta is used although the recipient has not opted in, because it was forced",
            );
        }
        return Ok(finish(config, template, n, phone, vec![p], trace));
    }

    // The default, one step per provider, then "no provider" or the invitation.
    let mut trace = Trace::with_capacity(config.providers.len() + 2);
    let mut chain: Vec<&ProviderConfig> = Vec::new();
    for p in candidates(config, &mut trace)? {
        match ineligibility(p, template, n, meta_block) {
            Some((code, message, args)) => {
                let step = trace.push(code, Some(p), message);
                for (name, value) in args {
                    step.args.insert(name.to_string(), value);
                }
            }
            None => {
                if chain.is_empty() {
                    trace.push(
                        "route.selected",
                        Some(p),
                        concat(&[p.display_name(), " is used first"]),
                    );
                } else {
                    trace
                        .push(
                            "route.fallback",
                            Some(p),
                            concat(&[
                                p.display_name(),
                                " is fallback number ",
                                &chain.len().to_string(),
                                " if the previous one is unavailable",
                            ]),
                        )
                        .args
                        .insert("number".into(), chain.len().to_string());
                }
                chain.push(p);
            }
        }
    }
    if chain.is_empty() {
        trace.push(
            "route.no_provider",
            None,
            "No provider is eligible for this recipient and template: nothing can be sent",
        );
    }
    Ok(finish(config, template, n, phone, chain, trace))
}

fn find<'a>(config: &'a EngineConfig, id: &str) -> Result<&'a ProviderConfig> {
    config
        .providers
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::ProviderUnknown { id: id.to_string() })
}

/// Default provider first, then the fallback order, then every other profile; no repeats.
fn candidates<'a>(config: &'a EngineConfig, trace: &mut Trace) -> Result<Vec<&'a ProviderConfig>> {
    let mut out: Vec<&ProviderConfig> = Vec::with_capacity(config.providers.len());
    let mut add = |p: &'a ProviderConfig| {
        if !out.iter().any(|q| q.id == p.id) {
            out.push(p);
        }
    };
    match config.default_provider.as_deref().filter(|d| !d.is_empty()) {
        Some(id) => {
            let p = find(config, id)?;
            trace.push(
                "route.default",
                Some(p),
                concat(&[p.display_name(), " is the default provider"]),
            );
            add(p);
        }
        None => {
            if let Some(p) = config
                .providers
                .iter()
                .find(|p| p.kind == ProviderKind::Meta)
            {
                trace.push(
                    "route.default_meta",
                    Some(p),
                    "No default provider is set: Meta is tried first",
                );
                add(p);
            }
        }
    }
    for id in &config.fallback_order {
        add(find(config, id)?);
    }
    for p in &config.providers {
        add(p);
    }
    Ok(out)
}

fn finish(
    config: &EngineConfig,
    template: &MasterTemplate,
    n: &Notification,
    phone: String,
    chain: Vec<&ProviderConfig>,
    mut trace: Trace,
) -> Decision {
    let first = chain.first().copied();
    let mut append = false;
    if let Some(p) = first.filter(|p| p.kind.is_gateway()) {
        if n.recipient.meta_opt_in {
            // Already opted in: an invitation would be noise.
        } else if template.append_opt_in_link == Some(false) {
            trace
                .push(
                    "route.opt_in_link_not_for_template",
                    Some(p),
                    format!(
                        "Template {:?} does not carry the opt-in invitation",
                        template.code
                    ),
                )
                .args
                .insert("template".into(), template.code.clone());
        } else if opt_in_link(config, template, n, p.kind).is_some() {
            append = true;
            trace.push(
                "route.opt_in_link",
                Some(p),
                "The invitation to opt in to official WhatsApp messages is appended",
            );
        } else {
            trace.push(
                "route.opt_in_link_missing",
                Some(p),
                "No opt-in link is configured, so no invitation is appended",
            );
        }
    }
    Decision {
        provider: first.map(|p| p.id.clone()),
        kind: first.map(|p| p.kind),
        chain: chain.iter().map(|p| p.id.clone()).collect(),
        append_opt_in_link: append,
        phone,
        template: template.code.clone(),
        trace: trace.0,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
mod tests {
    use super::*;
    use crate::model::OptInConfig;

    #[test]
    fn opt_in_text_fills_every_link() {
        let cases = [
            (
                None,
                DEFAULT_OPT_IN_TEXT.replace("{url}", "https://x.id/s?a=1"),
            ),
            (Some("Klik"), "Klik https://x.id/s?a=1".to_string()),
            (
                Some("  {url} lalu {url}{url} "),
                "https://x.id/s?a=1 lalu https://x.id/s?a=1https://x.id/s?a=1".to_string(),
            ),
            (Some("{url"), "{url https://x.id/s?a=1".to_string()),
        ];
        for (text, want) in cases {
            let config = EngineConfig {
                opt_in: Some(OptInConfig {
                    url: None,
                    text: text.map(String::from),
                }),
                ..Default::default()
            };
            let text = OptInText::new(&config);
            let mut paragraph = String::new();
            text.push_to(&mut paragraph, "https://x.id/s?a=1");
            assert_eq!(paragraph, want);
            // The length is known before writing (the message is allocated once).
            assert_eq!(text.len("https://x.id/s?a=1"), paragraph.len());
        }
    }
}
