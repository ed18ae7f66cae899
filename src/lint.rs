//! Lint master templates and values against Meta's rules before anything is sent.
//!
//! An issue of severity [`Severity::Error`] means Meta would refuse the template or the message
//! (error 132000, 132005, 132001…): Meta is not eligible until it is fixed, but the gateways are
//! unaffected. [`lint_template`] checks the texts as Meta would see them even before a Meta mapping
//! exists (so a template can be written Meta-ready); checks of the mapping itself need one.
//! [`lint_compiled_values`] looks at one send and only matters when the template has a Meta
//! mapping.
//!
//! Values are sanitized for Meta rather than refused: see `crate::meta_template::sanitize`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::compiled::CompiledTemplate;
use crate::meta_template::{
    is_number, meta_body_params, meta_header_param, numeric_cmp, sanitize_meta_cow,
    sanitize_resolved, strip_zeros, DEFAULT_LANGUAGE, META_BODY_MAX, META_BODY_PARAMS_WARN,
    META_HEADER_MAX, META_MAX_SPACES, META_NAME_MAX,
};
use crate::model::{MasterTemplate, MetaMapping, MetaParamFormat};
use crate::template::{self, non_blank, Resolved, Segment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Meta would refuse this; Meta is not eligible until it is fixed.
    Error,
    /// Works, but worth a look (e.g. a value was sanitized).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LintIssue {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// Which part it concerns: `body`, `header`, `meta.templateName`, `values.permit_number`…
    pub field: Option<String>,
    /// The arguments of the code's catalogue sentence (lengths, limits, parameter names): hosts
    /// fill the sentence from these and never parse `message`. Absent when there are none. The
    /// map type of `ErrorInfo::args` (one B-tree type in the web build).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

impl LintIssue {
    fn new(code: &str, severity: Severity, field: &str, message: String) -> Self {
        LintIssue {
            code: code.to_string(),
            severity,
            message,
            field: Some(field.to_string()),
            args: BTreeMap::new(),
        }
    }

    /// The issue with argument `name` set to `value`. Not inlined, nor is [`LintIssue::with_num`]:
    /// dozens of issues call them, and each inlined copy (a map insert, a number's formatting)
    /// would grow the web build.
    #[inline(never)]
    pub(crate) fn with(mut self, name: &str, value: &str) -> Self {
        self.args.insert(name.to_string(), value.to_string());
        self
    }

    /// [`LintIssue::with`] of a number.
    #[inline(never)]
    pub(crate) fn with_num(self, name: &str, value: usize) -> Self {
        self.with(name, &value.to_string())
    }

    pub(crate) fn error(code: &str, field: &str, message: String) -> Self {
        Self::new(code, Severity::Error, field, message)
    }

    pub(crate) fn warning(code: &str, field: &str, message: String) -> Self {
        Self::new(code, Severity::Warning, field, message)
    }
}

/// Whether any issue is an error (Meta would refuse).
pub fn has_errors(issues: &[LintIssue]) -> bool {
    issues.iter().any(|i| i.severity == Severity::Error)
}

/// Meta rules on the template itself (name, lengths, parameter count and order).
pub fn lint_template(t: &MasterTemplate) -> Vec<LintIssue> {
    let mut issues = Vec::new();
    if let Some(meta) = &t.meta {
        lint_name(&meta.template_name, &mut issues);
        lint_language(t, &mut issues);
    }

    let body = match template::parse(&t.code, &t.body) {
        Ok(segments) => segments,
        Err(e) => {
            issues.push(LintIssue::error(
                "meta.template_invalid",
                "body",
                e.to_string(),
            ));
            return issues;
        }
    };
    if let Some(header) = non_blank(&t.header) {
        match template::parse(&t.code, header) {
            Ok(segments) => lint_header(&segments, &mut issues),
            Err(e) => issues.push(LintIssue::error(
                "meta.template_invalid",
                "header",
                e.to_string(),
            )),
        }
    }
    if let Some(suffix) = non_blank(&t.button_url_suffix) {
        if let Err(e) = template::parse(&t.code, suffix) {
            issues.push(LintIssue::error(
                "meta.template_invalid",
                "buttonUrlSuffix",
                e.to_string(),
            ));
        }
    }
    // The body parsed above, so this cannot fail; fall back to its placeholders anyway.
    let order = meta_body_params(t).unwrap_or_else(|_| distinct_placeholders(&body));
    lint_body(t, &body, &order, &mut issues);
    issues
}

/// [`lint_template`] of a template the engine compiled: its texts parse, and are not parsed again.
pub(crate) fn lint_compiled(t: &MasterTemplate, c: &CompiledTemplate) -> Vec<LintIssue> {
    let mut issues = Vec::new();
    if let Some(meta) = &t.meta {
        lint_name(&meta.template_name, &mut issues);
        lint_language(t, &mut issues);
    }
    if let Some(header) = &c.header {
        lint_header(header, &mut issues);
    }
    lint_body(t, &c.body, &c.meta.body, &mut issues);
    issues
}

/// The rules on the (parsed) body; `order` is the Meta parameter order ([`meta_body_params`]).
fn lint_body(t: &MasterTemplate, body: &[Segment], order: &[String], issues: &mut Vec<LintIssue>) {
    let distinct = distinct_placeholders(body);
    let format = t.meta.as_ref().map(|m| m.param_format).unwrap_or_default();

    let meta_text = meta_body_text(body, order, format);
    let len = meta_text.chars().count();
    if len > META_BODY_MAX {
        issues.push(
            LintIssue::error(
                "meta.body_too_long",
                "body",
                format!(
                "the body is {len} characters as Meta sees it; Meta allows at most {META_BODY_MAX}"
            ),
            )
            .with_num("len", len)
            .with_num("max", META_BODY_MAX),
        );
    }

    if let Some(meta) = t.meta.as_ref().filter(|m| !m.body_params.is_empty()) {
        lint_param_count(&meta.body_params, &distinct, issues);
    }
    if let Some(meta) = &t.meta {
        lint_approved(meta, order.len(), issues);
    }
    match format {
        MetaParamFormat::Positional => lint_positional_order(&distinct, order, issues),
        MetaParamFormat::Named => {
            lint_named(&distinct, "body", issues);
            // The header's parameter is sent with its name too (see convert::meta_message).
            if let Ok(Some(name)) = meta_header_param(t) {
                lint_named(&[name], "header", issues);
            }
        }
    }
    lint_adjacent(body, issues);
    if distinct.len() > META_BODY_PARAMS_WARN {
        issues.push(LintIssue::warning(
            "meta.too_many_params",
            "body",
            format!(
                "the body has {} parameters; more than {META_BODY_PARAMS_WARN} is hard to get approved and Odoo refuses it",
                distinct.len()
            ),
        )
        .with_num("count", distinct.len())
        .with_num("max", META_BODY_PARAMS_WARN));
    }
}

/// Meta rules on the values of one send (sanitized values, hydrated body length). Nothing to say
/// when the template has no Meta mapping: the gateways send values as they are.
pub(crate) fn lint_compiled_values(
    t: &MasterTemplate,
    c: &CompiledTemplate,
    resolved: &Resolved,
) -> Vec<LintIssue> {
    if t.meta.is_none() {
        return Vec::new();
    }
    let mut issues = Vec::new();
    let values = resolved.lookup();
    for name in &c.meta.value_names() {
        if let Some(v) = values.get(name) {
            if sanitize_meta_cow(v) != v {
                issues.push(LintIssue::warning(
                    "meta.param_sanitized",
                    &format!("values.{name}"),
                    format!(
                        "the value of {{{{{name}}}}} has a line break, a tab or more than {META_MAX_SPACES} spaces in a row; Meta gets it with those replaced by one space"
                    ),
                )
                .with("param", name)
                .with_num("spaces", META_MAX_SPACES));
            }
        }
    }
    let sanitized = sanitize_resolved(resolved);
    let hydrated = template::render_segments(&t.code, &c.body, &sanitized.lookup(), 0);
    if let Ok(hydrated) = hydrated {
        let len = hydrated.chars().count();
        if len > META_BODY_MAX {
            issues.push(LintIssue::error(
                "meta.body_too_long",
                "body",
                format!(
                    "with these values the message is {len} characters; Meta refuses more than {META_BODY_MAX} (error 132005)"
                ),
            )
            .with_num("len", len)
            .with_num("max", META_BODY_MAX));
        }
    }
    issues
}

fn lint_name(name: &str, issues: &mut Vec<LintIssue>) {
    let field = "meta.templateName";
    // Every variant names the name (cut to 80 characters) and the longest Meta allows.
    let error = |message: String| {
        LintIssue::error("meta.template_name", field, message)
            .with("name", &name.chars().take(80).collect::<String>())
            .with_num("max", META_NAME_MAX)
    };
    if name.is_empty() {
        issues.push(error("the Meta template name is empty".to_string()));
    } else if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        issues.push(error(format!(
            "Meta template names use only lowercase letters a–z, digits and '_' (got {:?})",
            name.chars().take(80).collect::<String>()
        )));
    } else if name.len() > META_NAME_MAX {
        issues.push(error(format!(
            "the Meta template name is longer than {META_NAME_MAX} characters"
        )));
    }
}

/// Meta's template language codes ("Supported languages"; providers.md §F), space-separated to
/// keep the web build small. Underscores, never hyphens (`pt_BR`); Indonesian is `id`. Checked
/// against third-party copies of Meta's table (docs/meta-conformance.md): all but `ka`, `rw_RW`,
/// `ky_KG` are in them; Meta's newer table also has regional codes this list lacks (`ar_EG`,
/// `en_AU`, …), so a well-formed code missing here is only a warning.
const META_LANGUAGES: &str =
    "af sq ar az bn bg ca zh_CN zh_HK zh_TW hr cs da nl en en_GB en_US et \
    fil fi fr ka de el gu ha he hi hu id ga it ja kn kk rw_RW ko ky_KG lo lv lt mk ms ml mr nb fa \
    pl pt_BR pt_PT pa ro ru sr sk sl es es_AR es_ES es_MX sw sv ta te th tr uk ur uz vi zu";

/// The template's Meta language must be one of Meta's codes. A misspelling (`id-ID`, `ID`,
/// `pt-BR`: a hyphen or the wrong case) and Indonesian written as anything but `id` (`id_ID`, `in`:
/// confirmed by Meta's page, providers.md §F) are errors naming the right code. A well-formed code
/// not in the list (`en_AU`) is only a warning, with the nearest listed code as a hint: Meta adds
/// regional codes, and refusing a valid one would block Meta for no reason.
fn lint_language(t: &MasterTemplate, issues: &mut Vec<LintIssue>) {
    let field = "meta.language";
    let code = t
        .meta
        .as_ref()
        .and_then(|m| non_blank(&m.language))
        .or(non_blank(&t.language))
        .map(str::trim)
        .unwrap_or(DEFAULT_LANGUAGE);
    let known = |c: &str| META_LANGUAGES.split_ascii_whitespace().any(|k| k == c);
    if known(code) {
        return;
    }
    let shown: String = code.chars().take(20).collect();
    // `in` is the withdrawn ISO 639 code of Indonesian; otherwise fix the case and separator,
    // then drop a region Meta does not list (`id_ID` → `id`).
    let fixed = code.replace('-', "_");
    let (lang, region) = fixed.split_once('_').unwrap_or((&fixed, ""));
    let lang = lang.to_ascii_lowercase();
    let lang = if lang == "in" { "id".to_string() } else { lang };
    let with_region = format!("{lang}_{}", region.to_ascii_uppercase());
    let suggestion = [with_region.as_str(), lang.as_str()]
        .into_iter()
        .find(|c| known(c));
    // `ll`, `lll` or `ll_RR`: how Meta writes its codes.
    let well_formed = {
        let (l, r) = code.split_once('_').unwrap_or((code, "AA"));
        (2..=3).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_lowercase())
            && r.len() == 2
            && r.bytes().all(|b| b.is_ascii_uppercase())
    };
    let issue = match suggestion {
        Some(right) if !well_formed || right == "id" => LintIssue::error(
            "meta.language",
            field,
            format!("{shown:?} is not one of Meta's language codes; use {right:?}"),
        ),
        Some(right) => LintIssue::warning(
            "meta.language",
            field,
            format!(
                "{shown:?} is not in this engine's list of Meta's language codes (Meta adds \
                 regional codes); if WhatsApp Manager does not list it, use {right:?}"
            ),
        ),
        None => LintIssue::warning(
            "meta.language",
            field,
            format!("{shown:?} is not in this engine's list of Meta's language codes; check it in WhatsApp Manager"),
        ),
    };
    let issue = issue.with("language", &shown);
    issues.push(match suggestion {
        Some(right) => issue.with("suggestion", right),
        None => issue,
    });
}

/// The rules on the (parsed) header.
fn lint_header(segments: &[Segment], issues: &mut Vec<LintIssue>) {
    let count = segments
        .iter()
        .filter(|s| matches!(s, Segment::Placeholder(_)))
        .count();
    if count > 1 {
        issues.push(
            LintIssue::error(
                "meta.header_params",
                "header",
                format!("the header has {count} placeholders; Meta allows one ({{{{1}}}})"),
            )
            .with_num("count", count),
        );
    }
    // Meta sees the header variable as {{1}}.
    let len: usize = segments
        .iter()
        .map(|s| match s {
            Segment::Text(x) => x.chars().count(),
            Segment::Placeholder(_) => "{{1}}".len(),
        })
        .sum();
    if len > META_HEADER_MAX {
        issues.push(
            LintIssue::error(
                "meta.header_too_long",
                "header",
                format!("the header is {len} characters; Meta allows at most {META_HEADER_MAX}"),
            )
            // The names of the error `meta.header_too_long` (one sentence for both).
            .with_num("chars", len)
            .with_num("max", META_HEADER_MAX),
        );
    }
}

fn lint_param_count(body_params: &[String], distinct: &[String], issues: &mut Vec<LintIssue>) {
    let field = "meta.bodyParams";
    let listed = template::Names::of(body_params);
    let used = template::Names::of(distinct);
    for name in body_params {
        if !used.contains(name.as_str()) {
            issues.push(
                LintIssue::error(
                    "meta.param_count",
                    field,
                    format!("bodyParams lists {name:?}, but the body has no {{{{{name}}}}}"),
                )
                .with("param", name),
            );
        }
    }
    for name in distinct {
        if !listed.contains(name.as_str()) {
            issues.push(
                LintIssue::error(
                    "meta.param_count",
                    field,
                    format!("the body uses {{{{{name}}}}}, but bodyParams does not list it"),
                )
                .with("param", name),
            );
        }
    }
    if body_params.len() != distinct.len() {
        issues.push(LintIssue::error(
            "meta.param_count",
            field,
            format!(
                "bodyParams has {} entries but the body has {} distinct placeholders; Meta refuses a parameter count that differs from the template (error 132000)",
                body_params.len(),
                distinct.len()
            ),
        )
        .with_num("listed", body_params.len())
        .with_num("used", distinct.len()));
    }
}

/// The code of the issue saying the template changed since Meta approved it.
pub const APPROVED_MISMATCH: &str = "meta.approved_mismatch";

/// The master template was edited after Meta approved its Meta template: a different number of
/// body parameters is refused by Meta (132000) on every send.
fn lint_approved(meta: &MetaMapping, sent: usize, issues: &mut Vec<LintIssue>) {
    let Some(approved) = meta.approved_body_param_count else {
        return;
    };
    if usize::try_from(approved).is_ok_and(|a| a == sent) {
        return;
    }
    issues.push(
        LintIssue::error(
            APPROVED_MISMATCH,
            "body",
            format!(
            "the body sends {sent} parameters, but the Meta template {:?} that Meta approved has \
             {approved}: the Meta template no longer matches (submit the changed template to Meta \
             and sync, or change the body back)",
            meta.template_name
        ),
        )
        .with_num("sent", sent)
        .with_num("approved", approved as usize)
        .with(
            "name",
            &meta.template_name.chars().take(80).collect::<String>(),
        ),
    );
}

/// Numbered placeholders are Meta positions: they must be 1..n, and bodyParams must agree.
fn lint_positional_order(distinct: &[String], order: &[String], issues: &mut Vec<LintIssue>) {
    let numbered: Vec<&String> = distinct.iter().filter(|n| is_number(n)).collect();
    if numbered.is_empty() {
        return;
    }
    if numbered.len() != distinct.len() {
        issues.push(LintIssue::error(
            "meta.param_order",
            "body",
            "the body mixes numbered ({{1}}) and named placeholders; Meta positions would be ambiguous".to_string(),
        ));
        return;
    }
    let mut numbers: Vec<String> = numbered.iter().map(|n| strip_zeros(n)).collect();
    crate::sort_texts(&mut numbers, numeric_cmp);
    let contiguous = numbers
        .iter()
        .enumerate()
        .all(|(i, n)| *n == (i + 1).to_string());
    if !contiguous {
        let found: Vec<String> = numbers.iter().map(|n| format!("{{{{{n}}}}}")).collect();
        issues.push(
            LintIssue::error(
                "meta.param_order",
                "body",
                format!(
                    "numbered placeholders must run from {{{{1}}}} without gaps; the body has {}",
                    found.join(", ")
                ),
            )
            .with("found", &found.join(", ")),
        );
        return;
    }
    for (i, name) in order.iter().enumerate() {
        if is_number(name) && strip_zeros(name) != (i + 1).to_string() {
            issues.push(LintIssue::error(
                "meta.param_order",
                "meta.bodyParams",
                format!(
                    "bodyParams puts {{{{{name}}}}} at position {}; a numbered placeholder must be at its own position",
                    i + 1
                ),
            )
            .with("param", name)
            .with_num("position", i + 1));
            return;
        }
    }
}

/// Named Meta parameters (of the body or the header, `field`): lowercase letters and '_'.
fn lint_named(distinct: &[String], field: &str, issues: &mut Vec<LintIssue>) {
    for name in distinct {
        // Meta: "composed of lowercase characters and underscores" (providers.md §F): no digits.
        let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !ok {
            issues.push(LintIssue::error(
                "meta.param_name",
                field,
                format!(
                    "{{{{{name}}}}} cannot be a named Meta parameter: use lowercase letters and '_' only"
                ),
            )
            .with("param", name));
        }
    }
}

/// Meta rejects templates whose variables touch each other or the ends of the body.
fn lint_adjacent(body: &[Segment], issues: &mut Vec<LintIssue>) {
    // Whitespace-only text between two placeholders counts as touching.
    let meaningful: Vec<&Segment> = body
        .iter()
        .filter(|s| !matches!(s, Segment::Text(x) if x.trim().is_empty()))
        .collect();
    let starts = matches!(meaningful.first(), Some(Segment::Placeholder(_)));
    let ends = matches!(meaningful.last(), Some(Segment::Placeholder(_)));
    if starts || ends {
        issues.push(LintIssue::warning(
            "meta.param_adjacent",
            "body",
            "the body starts or ends with a placeholder; Meta may reject such a template — add text around it".to_string(),
        ));
    }
    let touching = meaningful.windows(2).find_map(|w| match w {
        [Segment::Placeholder(a), Segment::Placeholder(b)] => Some((a, b)),
        _ => None,
    });
    if let Some((a, b)) = touching {
        issues.push(LintIssue::warning(
            "meta.param_adjacent",
            "body",
            format!(
                "{{{{{a}}}}} and {{{{{b}}}}} have nothing but spaces between them; Meta may reject such a template"
            ),
        )
        .with("first", a)
        .with("second", b));
    }
}

/// The body as Meta stores it: placeholders become `{{n}}` (positional) or stay `{{name}}`.
fn meta_body_text(body: &[Segment], order: &[String], format: MetaParamFormat) -> String {
    // Each name's `{{n}}` at its first position in `order` (positional only).
    let mut positions = BTreeMap::new();
    if format == MetaParamFormat::Positional {
        for (i, name) in order.iter().enumerate().rev() {
            positions.insert(name.clone(), i);
        }
    }
    let mut out = String::new();
    for s in body {
        match s {
            Segment::Text(x) => out.push_str(x),
            Segment::Placeholder(name) => match positions.get(name.as_str()) {
                Some(i) => out.push_str(&format!("{{{{{}}}}}", i + 1)),
                None => out.push_str(&format!("{{{{{name}}}}}")),
            },
        }
    }
    out
}

fn distinct_placeholders(segments: &[Segment]) -> Vec<String> {
    let mut seen = template::Names::default();
    let mut out: Vec<String> = Vec::new();
    for s in segments {
        if let Segment::Placeholder(n) = s {
            if seen.insert(n) {
                out.push(n.clone());
            }
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
#[path = "lint_tests.rs"]
mod tests;
