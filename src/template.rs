//! Master templates: parse `{{named}}` placeholders, validate, resolve values, render text.
//!
//! Syntax: `{{name}}` with `name` an identifier (`[A-Za-z_][A-Za-z0-9_]*`) or a number (Meta's
//! positional `{{1}}`); spaces just inside the braces are tolerated (`{{ name }}`). A lone `{` or
//! `}` is literal text. Anything else that involves `{{` or `}}` is an error, reported with its
//! position (1-based character count), so an office clerk can find it in the form.
//!
//! Optional texts (`header`, `buttonUrlSuffix`, a gateway mapping's `body`) that are blank count
//! as unset: forms commonly send `""` for an empty field.

use std::collections::BTreeMap;

use crate::convert::MetaShape;
use crate::error::{Error, Result};
use crate::model::{GatewayMapping, MasterTemplate, MetaParamFormat, ProviderKind};

/// Value name the engine fills with the recipient's opt-in link. A template may use it like any
/// other parameter (`{{opt_in_link}}`).
pub const OPT_IN_LINK: &str = "opt_in_link";

/// A piece of template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Placeholder(String),
}

/// Parse `text` into literal text and `{{placeholder}}` segments.
///
/// Adjacent literal text is merged and never empty, so `parse(x)` of a text without placeholders
/// is one `Text` (or nothing for `""`).
pub fn parse(template_code: &str, text: &str) -> Result<Vec<Segment>> {
    let malformed = |reason: String| Error::TemplateMalformed {
        template: template_code.to_string(),
        reason,
    };
    // Braces are ASCII, so the scan works on bytes and every index it stops at is a char
    // boundary. Errors give char positions: what a person counts in the editor.
    let position = |byte: usize| text.get(..byte).map_or(0, |s| s.chars().count()) + 1;
    let bytes = text.as_bytes();
    let mut segments = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        if c == b'{' && next == Some(b'{') {
            let open = i;
            let mut j = i + 2;
            loop {
                match (bytes.get(j), bytes.get(j + 1)) {
                    (None, _) => {
                        return Err(malformed(format!(
                            "'{{{{' at character {} is never closed with '}}}}'",
                            position(open)
                        )))
                    }
                    (Some(b'}'), Some(b'}')) => break,
                    (Some(b'{'), Some(b'{')) => {
                        return Err(malformed(format!(
                            "nested '{{{{' at character {} inside the placeholder opened at character {}",
                            position(j),
                            position(open)
                        )))
                    }
                    _ => j += 1,
                }
            }
            let name = text
                .get(open + 2..j)
                .unwrap_or_default()
                .trim_matches(|c| c == ' ' || c == '\t');
            if name.is_empty() {
                return Err(malformed(format!(
                    "empty placeholder '{{{{}}}}' at character {}",
                    position(open)
                )));
            }
            if !is_valid_name(name) {
                return Err(malformed(format!(
                    "invalid placeholder name {:?} at character {}: use letters, digits and '_' \
                     (not starting with a digit), or a number like {{{{1}}}}",
                    shorten(name),
                    position(open)
                )));
            }
            if literal_start < open {
                let literal = text.get(literal_start..open).unwrap_or_default();
                segments.push(Segment::Text(literal.to_string()));
            }
            segments.push(Segment::Placeholder(name.to_string()));
            i = j + 2;
            literal_start = i;
        } else if c == b'}' && next == Some(b'}') {
            return Err(malformed(format!(
                "'}}}}' at character {} has no matching '{{{{'",
                position(i)
            )));
        } else {
            i += 1;
        }
    }
    if let Some(literal) = text.get(literal_start..).filter(|l| !l.is_empty()) {
        segments.push(Segment::Text(literal.to_string()));
    }
    Ok(segments)
}

/// Whether `name` can be a placeholder / parameter name: an identifier or all digits.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        None => false,
        Some(c) if c.is_ascii_digit() => chars.all(|c| c.is_ascii_digit()),
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        Some(_) => false,
    }
}

/// The distinct placeholders of `text`, in order of first appearance.
pub fn placeholders(template_code: &str, text: &str) -> Result<Vec<String>> {
    let segments = parse(template_code, text)?;
    let mut seen = Names::default();
    let mut out = Vec::new();
    for segment in &segments {
        if let Segment::Placeholder(name) = segment {
            if seen.insert(name) {
                out.push(name.clone());
            }
        }
    }
    Ok(out)
}

/// `Some(text)` when the optional text is set and not blank.
pub fn non_blank(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|s| !s.trim().is_empty())
}

/// The template's parameters in canonical order: `params` when declared, else placeholders in
/// order of first appearance (header, body, button suffix).
pub fn params(t: &MasterTemplate) -> Result<Vec<String>> {
    if !t.params.is_empty() {
        let mut seen = Names::default();
        for name in &t.params {
            if !is_valid_name(name) {
                return Err(Error::TemplateMalformed {
                    template: t.code.clone(),
                    reason: format!("declared parameter {:?} is not a valid name", shorten(name)),
                });
            }
            if !seen.insert(name) {
                return Err(Error::TemplateMalformed {
                    template: t.code.clone(),
                    reason: format!("parameter {name:?} is declared twice"),
                });
            }
        }
        return Ok(t.params.clone());
    }
    let texts = [
        non_blank(&t.header),
        Some(t.body.as_str()),
        non_blank(&t.button_url_suffix),
    ];
    let mut lists = Vec::new();
    for text in texts.into_iter().flatten() {
        lists.push(placeholders(&t.code, text)?);
    }
    let mut seen = Names::default();
    let mut out = Vec::new();
    for name in lists.iter().flatten() {
        if seen.insert(name) {
            out.push(name.clone());
        }
    }
    Ok(out)
}

/// Check the whole template (texts, placeholders, mappings) without values.
pub fn validate(t: &MasterTemplate) -> Result<()> {
    crate::limits::check_template(t)?;
    if t.code.trim().is_empty() {
        return Err(Error::config("a template has an empty code"));
    }
    if t.body.trim().is_empty() {
        return Err(Error::TemplateEmpty {
            template: t.code.clone(),
        });
    }
    let params = params(t)?;
    let params = Names::of(&params);
    let texts = [
        non_blank(&t.header),
        Some(t.body.as_str()),
        non_blank(&t.button_url_suffix),
        t.watzap.as_ref().and_then(|m| non_blank(&m.body)),
        t.fonnte.as_ref().and_then(|m| non_blank(&m.body)),
    ];
    for text in texts.into_iter().flatten() {
        for name in placeholders(&t.code, text)? {
            if !params.contains(name.as_str()) {
                return Err(Error::TemplateUnknownPlaceholder {
                    template: t.code.clone(),
                    placeholder: name,
                });
            }
        }
    }

    let mapping = |reason: String| Error::TemplateMapping {
        template: t.code.clone(),
        reason,
    };
    let known = |what: &str, name: &str| {
        if params.contains(name) {
            Ok(())
        } else {
            Err(mapping(format!(
                "{what} names {:?}, which is not a parameter of the template",
                shorten(name)
            )))
        }
    };
    if let Some(meta) = &t.meta {
        let mut listed = Names::default();
        for name in &meta.body_params {
            known("meta bodyParams", name)?;
            // A named parameter can only be given once; positional ones may repeat a value.
            if !listed.insert(name.as_str()) && meta.param_format == MetaParamFormat::Named {
                return Err(mapping(format!("meta bodyParams lists {name:?} twice")));
            }
        }
        if let Some(name) = non_blank(&meta.header_param) {
            known("meta headerParam", name)?;
        }
    }
    for (label, gateway) in [("watzap", &t.watzap), ("fonnte", &t.fonnte)] {
        if let Some(gateway) = gateway {
            for name in &gateway.variables {
                known(&format!("{label} variables"), name)?;
            }
        }
    }
    Ok(())
}

/// A template's values, checked and in canonical parameter order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    pub values: Vec<(String, String)>,
    /// Values given that the template does not use (ignored; reported as a warning).
    pub unused: Vec<String>,
}

impl Resolved {
    /// One value (a linear search: for many lookups, see [`Resolved::lookup`]).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The values indexed by name (the first of a repeated name wins, as with [`Resolved::get`]):
    /// rendering looks up every placeholder, which must not cost a search each.
    pub(crate) fn lookup(&self) -> Lookup<'_> {
        let mut index = BTreeMap::new();
        // In reverse, so the first of a repeated name is the one kept.
        for (i, (k, _)) in self.values.iter().enumerate().rev() {
            index.insert(k.clone(), i);
        }
        Lookup {
            values: &self.values,
            index,
        }
    }
}

/// [`Resolved::lookup`]: each name's index in the values. Its B-tree has the key and value types
/// the engine's template index already has: each other pair of types would add some 6 KB of
/// B-tree code to the web build (owned keys cost one small allocation per name).
pub(crate) struct Lookup<'a> {
    values: &'a [(String, String)],
    index: BTreeMap<String, usize>,
}

impl Lookup<'_> {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        let i = *self.index.get(name)?;
        self.values.get(i).map(|(_, v)| v.as_str())
    }
}

impl Values for Lookup<'_> {
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

/// Where rendering finds the value of a parameter.
pub(crate) trait Values {
    /// The value of parameter `name`; `None` when it has none or is no parameter.
    fn value(&self, name: &str) -> Option<&str>;
}

impl Values for Resolved {
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

/// The values of one send, checked and borrowed from the notification: what a [`Resolved`]
/// holds, without copying a name or a value.
#[derive(Debug, Clone)]
pub(crate) struct SendValues<'a> {
    params: &'a [String],
    given: &'a BTreeMap<String, String>,
    /// The typed values given, formatted (owned: written for this send's template).
    formatted: BTreeMap<String, String>,
    /// Fills [`OPT_IN_LINK`] when the caller gave no value for it.
    opt_in_link: Option<&'a str>,
    /// `opt_in_link` is the recipient's own (signed) link: it is the value of [`OPT_IN_LINK`]
    /// whatever the caller gave, so a value can never send someone else's (or a phishing) URL.
    personal_link: bool,
}

impl<'a> SendValues<'a> {
    /// `given` checked against `params`: every parameter needs a value that is not blank.
    pub(crate) fn new(
        template_code: &str,
        params: &'a [String],
        given: &'a BTreeMap<String, String>,
        formatted: BTreeMap<String, String>,
        opt_in_link: Option<&'a str>,
        personal_link: bool,
    ) -> Result<SendValues<'a>> {
        crate::limits::check_values(template_code, given.iter().chain(&formatted))?;
        let values = SendValues {
            params,
            given,
            formatted,
            opt_in_link,
            personal_link,
        };
        for name in params {
            if values.value(name).is_none_or(|v| v.trim().is_empty()) {
                return Err(Error::TemplateMissingParam {
                    template: template_code.to_string(),
                    param: name.clone(),
                });
            }
        }
        Ok(values)
    }

    /// The same values, owned, in canonical order, with the names given that the template does
    /// not use (sorted).
    pub(crate) fn to_resolved(&self) -> Resolved {
        let params = Names::of(self.params);
        let owned = |name: &String| (name.clone(), self.value(name).unwrap_or_default().into());
        let mut unused: Vec<String> = self
            .given
            .keys()
            .chain(self.formatted.keys())
            .filter(|k| !params.contains(k))
            .cloned()
            .collect();
        crate::sort_texts(&mut unused, str::cmp);
        Resolved {
            values: self.params.iter().map(owned).collect(),
            unused,
        }
    }
}

impl Values for SendValues<'_> {
    /// Only ever asked for a parameter: a compiled template's texts and Meta shape name nothing
    /// else (checked by [`validate`]), so no lookup in `params` per placeholder.
    fn value(&self, name: &str) -> Option<&str> {
        if name == OPT_IN_LINK && self.personal_link {
            return self.opt_in_link;
        }
        match self.given.get(name).or_else(|| self.formatted.get(name)) {
            Some(v) => Some(v),
            None if name == OPT_IN_LINK => self.opt_in_link,
            None => None,
        }
    }
}

/// Substitute the placeholders of parsed text, into a string allocated once with room for `extra`
/// more bytes. Values are inserted literally (a value containing `{{x}}` is not expanded again).
pub(crate) fn render_segments(
    template_code: &str,
    segments: &[Segment],
    values: &dyn Values,
    extra: usize,
) -> Result<String> {
    let value = |name: &str| {
        values
            .value(name)
            .ok_or_else(|| Error::TemplateMissingParam {
                template: template_code.to_string(),
                param: name.to_string(),
            })
    };
    // One pass, each value looked up once; room for the literal text plus typical values (a
    // longer value makes the text grow once, which costs less than a second round of lookups).
    let mut len = extra;
    for segment in segments {
        len += match segment {
            Segment::Text(s) => s.len(),
            Segment::Placeholder(_) => 32,
        };
    }
    let mut out = String::with_capacity(len.min(crate::limits::MESSAGE_MAX_BYTES));
    for segment in segments {
        let piece = match segment {
            Segment::Text(s) => s.as_str(),
            Segment::Placeholder(name) => value(name)?,
        };
        // Checked before the text grows: a value repeated many times cannot blow it up.
        let len = out.len().saturating_add(piece.len()).saturating_add(extra);
        crate::limits::Limit::Message.check(len, || {
            format!("the message of template {:?}", shorten(template_code))
        })?;
        out.push_str(piece);
    }
    Ok(out)
}

/// A template validated and parsed once, when the engine is built: a send then only looks values
/// up and concatenates, and never parses text again.
#[derive(Debug, Clone)]
pub(crate) struct CompiledTemplate {
    /// Canonical parameter order, as [`params`] gives it.
    pub params: Vec<String>,
    pub body: Vec<Segment>,
    /// The header, when set.
    pub header: Option<Vec<Segment>>,
    /// A gateway's own body, when its mapping has one.
    pub watzap_body: Option<Vec<Segment>>,
    pub fonnte_body: Option<Vec<Segment>>,
    /// Which values Meta's header, body and button take.
    pub meta: MetaShape,
}

impl CompiledTemplate {
    /// [`validate`] `t` and keep its parsed texts.
    pub(crate) fn new(t: &MasterTemplate) -> Result<CompiledTemplate> {
        validate(t)?;
        let parse_set =
            |text: &Option<String>| non_blank(text).map(|text| parse(&t.code, text)).transpose();
        let gateway_body = |m: &Option<GatewayMapping>| match m {
            Some(m) => parse_set(&m.body),
            None => Ok(None),
        };
        let params = params(t)?;
        Ok(CompiledTemplate {
            params,
            body: parse(&t.code, &t.body)?,
            header: parse_set(&t.header)?,
            watzap_body: gateway_body(&t.watzap)?,
            fonnte_body: gateway_body(&t.fonnte)?,
            meta: MetaShape::of(t)?,
        })
    }

    /// The values of one send, checked (every parameter has a value that is not blank); `opt_in_link` fills
    /// [`OPT_IN_LINK`] when `given` has no value for it, or always when it is the recipient's
    /// own link (`personal_link`).
    pub(crate) fn values<'a>(
        &'a self,
        template_code: &str,
        given: &'a BTreeMap<String, String>,
        formatted: BTreeMap<String, String>,
        opt_in_link: Option<&'a str>,
        personal_link: bool,
    ) -> Result<SendValues<'a>> {
        SendValues::new(
            template_code,
            &self.params,
            given,
            formatted,
            opt_in_link,
            personal_link,
        )
    }

    /// The text `kind` sends, parsed: a gateway's own body when its mapping has one, else the
    /// master body (for Meta, the chat-bubble preview of the template).
    pub(crate) fn text_for(&self, kind: ProviderKind) -> &[Segment] {
        let own = match kind {
            ProviderKind::Meta => None,
            ProviderKind::Watzap => self.watzap_body.as_deref(),
            ProviderKind::Fonnte => self.fonnte_body.as_deref(),
        };
        own.unwrap_or(&self.body)
    }
}

/// A set of names, with the B-tree types of [`Lookup`] (see there why).
#[derive(Default)]
pub(crate) struct Names(BTreeMap<String, usize>);

impl Names {
    pub(crate) fn of(names: &[String]) -> Names {
        let mut set = Names::default();
        for name in names {
            set.insert(name);
        }
        set
    }

    /// Add `name`; `false` when it was there already.
    pub(crate) fn insert(&mut self, name: &str) -> bool {
        if self.contains(name) {
            return false;
        }
        self.0.insert(name.to_string(), 0);
        true
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// A name as repeated in an error: at most 40 characters.
pub(crate) fn shorten(name: &str) -> String {
    match name.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", name.get(..cut).unwrap_or_default()),
        None => name.to_string(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
mod tests {
    use super::*;
    use crate::model::{GatewayMapping, MetaMapping};
    use proptest::prelude::*;

    const BODY: &str = "Yth. {{partner_name}}, izin Anda nomor {{permit_number}} telah terbit.";

    fn t(body: &str) -> MasterTemplate {
        MasterTemplate {
            code: "permit_ready".into(),
            name: "Izin terbit".into(),
            body: body.into(),
            ..Default::default()
        }
    }

    fn text(s: &str) -> Segment {
        Segment::Text(s.into())
    }

    fn ph(s: &str) -> Segment {
        Segment::Placeholder(s.into())
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The values of one send, as the engine checks them for `tpl` (no opt-in link).
    fn resolve(tpl: &MasterTemplate, given: &BTreeMap<String, String>) -> Result<Resolved> {
        let compiled = CompiledTemplate::new(tpl)?;
        let values = compiled.values(&tpl.code, given, BTreeMap::new(), None, false)?;
        Ok(values.to_resolved())
    }

    /// `text` rendered as the engine renders a message.
    fn render(code: &str, text: &str, values: &Resolved) -> Result<String> {
        render_segments(code, &parse(code, text)?, &values.lookup(), 0)
    }

    fn malformed(text: &str) -> String {
        match parse("permit_ready", text) {
            Err(Error::TemplateMalformed { reason, .. }) => reason,
            other => panic!("{text:?}: expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn parses_named_and_positional_placeholders() {
        assert_eq!(
            parse("x", BODY).unwrap(),
            vec![
                text("Yth. "),
                ph("partner_name"),
                text(", izin Anda nomor "),
                ph("permit_number"),
                text(" telah terbit."),
            ]
        );
        assert_eq!(
            parse("x", "{{1}}-{{ 2 }}{{\tNama_2 }}").unwrap(),
            vec![ph("1"), text("-"), ph("2"), ph("Nama_2")]
        );
        assert_eq!(parse("x", "").unwrap(), vec![]);
    }

    #[test]
    fn single_braces_are_literal() {
        assert_eq!(
            parse("x", "Kode {A} } { {{kode}}}").unwrap(),
            vec![text("Kode {A} } { "), ph("kode"), text("}")]
        );
        assert_eq!(parse("x", "{ {x} }").unwrap(), vec![text("{ {x} }")]);
    }

    #[test]
    fn malformed_texts_say_where() {
        assert_eq!(
            malformed("Yth. {{nama"),
            "'{{' at character 6 is never closed with '}}'"
        );
        assert_eq!(
            malformed("Nomor }} saja"),
            "'}}' at character 7 has no matching '{{'"
        );
        assert_eq!(
            malformed("a {{}} b"),
            "empty placeholder '{{}}' at character 3"
        );
        assert_eq!(
            malformed("{{  }}"),
            "empty placeholder '{{}}' at character 1"
        );
        assert!(malformed("{{nama lengkap}}").contains("\"nama lengkap\" at character 1"));
        assert!(malformed("{{1a}}").contains("\"1a\""));
        assert!(malformed("{{nama-lengkap}}").contains("invalid placeholder name"));
        assert!(malformed("{{{nama}}}").contains("invalid placeholder name"));
        assert_eq!(
            malformed("{{a {{b}} }}"),
            "nested '{{' at character 5 inside the placeholder opened at character 1"
        );
        assert!(malformed("{{a}} }}").contains("character 7"));
        // Positions count characters, not bytes.
        assert!(malformed("Izin № {{x").contains("character 8"));
    }

    #[test]
    fn names() {
        for ok in ["a", "_", "partner_name", "Nama2", "1", "10", "_1"] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in ["", "1a", "a-b", "a b", "é", "a.b"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn params_are_declared_or_derived() {
        let mut tpl = t(BODY);
        tpl.header = Some("Izin {{permit_type}}".into());
        tpl.button_url_suffix = Some("{{permit_number}}/{{token}}".into());
        assert_eq!(
            params(&tpl).unwrap(),
            ["permit_type", "partner_name", "permit_number", "token"]
        );

        tpl.params = vec!["permit_number".into(), "partner_name".into()];
        assert_eq!(params(&tpl).unwrap(), ["permit_number", "partner_name"]);

        tpl.params = vec!["a".into(), "a".into()];
        assert_eq!(params(&tpl).unwrap_err().code(), "template.malformed");
        tpl.params = vec!["nama lengkap".into()];
        assert_eq!(params(&tpl).unwrap_err().code(), "template.malformed");
    }

    #[test]
    fn blank_optional_texts_count_as_unset() {
        let mut tpl = t(BODY);
        tpl.header = Some("  ".into());
        tpl.button_url_suffix = Some(String::new());
        tpl.watzap = Some(GatewayMapping {
            body: Some(String::new()),
            variables: vec![],
        });
        assert_eq!(params(&tpl).unwrap(), ["partner_name", "permit_number"]);
        validate(&tpl).unwrap();
    }

    #[test]
    fn validate_accepts_a_complete_template() {
        let mut tpl = t(BODY);
        tpl.header = Some("Izin {{permit_number}}".into());
        tpl.meta = Some(MetaMapping {
            template_name: "izin_terbit".into(),
            body_params: vec!["partner_name".into(), "permit_number".into()],
            header_param: Some("permit_number".into()),
            ..Default::default()
        });
        tpl.fonnte = Some(GatewayMapping {
            body: Some(
                "Halo {{partner_name}}! Izin {{permit_number}} sudah jadi. {{opt_in_link}}".into(),
            ),
            variables: vec!["permit_number".into()],
        });
        tpl.params = vec![
            "partner_name".into(),
            "permit_number".into(),
            OPT_IN_LINK.into(),
        ];
        validate(&tpl).unwrap();
    }

    #[test]
    fn validate_rejects_each_problem() {
        let code = |tpl: &MasterTemplate| validate(tpl).unwrap_err().code();

        let mut tpl = t(BODY);
        tpl.code = " ".into();
        assert_eq!(code(&tpl), "config.invalid");

        assert_eq!(code(&t(" \n ")), "template.empty");
        assert_eq!(code(&t("Yth. {{nama")), "template.malformed");

        let mut tpl = t(BODY);
        tpl.header = Some("{{x".into());
        assert_eq!(code(&tpl), "template.malformed");

        let mut tpl = t(BODY);
        tpl.params = vec!["partner_name".into()];
        assert_eq!(
            validate(&tpl).unwrap_err(),
            Error::TemplateUnknownPlaceholder {
                template: "permit_ready".into(),
                placeholder: "permit_number".into()
            }
        );

        let mut tpl = t(BODY);
        tpl.watzap = Some(GatewayMapping {
            body: Some("Halo {{nama}}".into()),
            variables: vec![],
        });
        assert_eq!(code(&tpl), "template.unknown_placeholder");

        let mut tpl = t(BODY);
        tpl.fonnte = Some(GatewayMapping {
            body: Some("Halo {{nama".into()),
            variables: vec![],
        });
        assert_eq!(code(&tpl), "template.malformed");

        let mut tpl = t(BODY);
        tpl.meta = Some(MetaMapping {
            template_name: "izin_terbit".into(),
            body_params: vec!["partner_name".into(), "nomor".into()],
            ..Default::default()
        });
        let e = validate(&tpl).unwrap_err();
        assert_eq!(e.code(), "template.mapping");
        assert!(e.to_string().contains("\"nomor\""), "{e}");

        let mut tpl = t(BODY);
        tpl.meta = Some(MetaMapping {
            template_name: "izin_terbit".into(),
            header_param: Some("nomor".into()),
            ..Default::default()
        });
        assert_eq!(code(&tpl), "template.mapping");

        let mut tpl = t(BODY);
        tpl.meta = Some(MetaMapping {
            template_name: "izin_terbit".into(),
            param_format: MetaParamFormat::Named,
            body_params: vec!["partner_name".into(), "partner_name".into()],
            ..Default::default()
        });
        assert_eq!(code(&tpl), "template.mapping");

        let mut tpl = t(BODY);
        tpl.fonnte = Some(GatewayMapping {
            body: None,
            variables: vec!["partner_name".into(), "alamat".into()],
        });
        assert_eq!(code(&tpl), "template.mapping");
    }

    #[test]
    fn positional_mapping_may_repeat_a_value() {
        let mut tpl = t(BODY);
        tpl.meta = Some(MetaMapping {
            template_name: "izin_terbit".into(),
            body_params: vec!["partner_name".into(), "partner_name".into()],
            ..Default::default()
        });
        validate(&tpl).unwrap();
    }

    #[test]
    fn resolve_orders_values_and_reports_unused() {
        let tpl = t(BODY);
        let r = resolve(
            &tpl,
            &values(&[
                ("permit_number", "IMB/2024/0001"),
                ("partner_name", "Budi Santoso"),
                ("zeta", "1"),
                ("alamat", "Jl. Merdeka 1"),
            ]),
        )
        .unwrap();
        assert_eq!(
            r.values,
            vec![
                ("partner_name".to_string(), "Budi Santoso".to_string()),
                ("permit_number".to_string(), "IMB/2024/0001".to_string()),
            ]
        );
        assert_eq!(r.unused, ["alamat", "zeta"]);
        assert_eq!(r.get("permit_number"), Some("IMB/2024/0001"));
        assert_eq!(r.get("alamat"), None);
    }

    #[test]
    fn resolve_rejects_missing_and_blank_values() {
        let tpl = t(BODY);
        let e = resolve(&tpl, &values(&[("partner_name", "Budi")])).unwrap_err();
        assert_eq!(
            e,
            Error::TemplateMissingParam {
                template: "permit_ready".into(),
                param: "permit_number".into()
            }
        );
        let e = resolve(
            &tpl,
            &values(&[("partner_name", " \t\n"), ("permit_number", "1")]),
        )
        .unwrap_err();
        assert_eq!(e.code(), "template.missing_param");
        // Leading/trailing spaces of a real value are kept: the value is the caller's.
        let r = resolve(
            &tpl,
            &values(&[("partner_name", " Budi "), ("permit_number", "1")]),
        )
        .unwrap();
        assert_eq!(r.get("partner_name"), Some(" Budi "));
    }

    #[test]
    fn render_substitutes_literally() {
        let tpl = t(BODY);
        let r = resolve(
            &tpl,
            &values(&[
                ("partner_name", "{{permit_number}}"),
                ("permit_number", "503/IMB/2024"),
            ]),
        )
        .unwrap();
        assert_eq!(
            render(&tpl.code, &tpl.body, &r).unwrap(),
            "Yth. {{permit_number}}, izin Anda nomor 503/IMB/2024 telah terbit."
        );
        assert_eq!(
            render("x", "Tanpa variabel { }", &Resolved::default()).unwrap(),
            "Tanpa variabel { }"
        );
        assert_eq!(
            render("x", "Halo {{nama}}", &Resolved::default()).unwrap_err(),
            Error::TemplateMissingParam {
                template: "x".into(),
                param: "nama".into()
            }
        );
        assert_eq!(
            render("x", "{{", &r).unwrap_err().code(),
            "template.malformed"
        );
    }

    #[test]
    fn numeric_placeholders_are_ordinary_params() {
        let tpl = t("Yth. {{1}}, izin {{2}} terbit. Salam, {{1}}");
        assert_eq!(params(&tpl).unwrap(), ["1", "2"]);
        let r = resolve(&tpl, &values(&[("1", "Siti"), ("2", "SIUP-7")])).unwrap();
        assert_eq!(
            render(&tpl.code, &tpl.body, &r).unwrap(),
            "Yth. Siti, izin SIUP-7 terbit. Salam, Siti"
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = parse("x", &s);
        }

        #[test]
        fn braces_soup_never_panics(s in "[{} a1_\\-]{0,30}") {
            if let Ok(segments) = parse("x", &s) {
                // Re-serializing the segments gives back an equivalent text.
                let again: String = segments.iter().map(|seg| match seg {
                    Segment::Text(t) => t.clone(),
                    Segment::Placeholder(p) => format!("{{{{{p}}}}}"),
                }).collect();
                prop_assert_eq!(parse("x", &again).unwrap(), segments);
            }
        }

        #[test]
        fn text_without_double_braces_renders_to_itself(s in "[^{}]{0,40}") {
            prop_assert_eq!(render("x", &s, &Resolved::default()).unwrap(), s);
        }

        #[test]
        fn values_are_never_expanded_again(v in any::<String>()) {
            let r = Resolved { values: vec![("a".into(), v.clone())], unused: vec![] };
            prop_assert_eq!(render("x", "<{{a}}>", &r).unwrap(), format!("<{v}>"));
        }
    }
}
