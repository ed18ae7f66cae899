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

use crate::error::{Error, Result};
use crate::model::{MasterTemplate, MetaParamFormat};
use crate::shorten;

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

#[cfg(all(test, not(target_arch = "wasm32")))] // unit tests run natively
#[path = "template_tests.rs"]
mod tests;
