//! What a template asks for: its parameters in canonical order, as the renderer reads them, with
//! the role of each. Hosts build their forms from this answer instead of scanning `{{…}}` with a
//! regex of their own (which disagreed with the renderer on `{{1}}` and on odd spacing).
//!
//! The answer (`describeTemplate`, see `docs/host-abi.md`):
//! `{"params": [{"name", "positional", "role", "ask"}], "reserved": [{"name", "role"}], "error"}`.
//! It is written piece by piece: derived `Serialize` types for it cost the web build 4 KB.

use crate::error::{Error, Result};
use crate::model::MasterTemplate;
use crate::providers::common::JsonWriter;
use crate::template::{self, OPT_IN_LINK};

/// Value name a host fills with the recipient's name (the partner's, in Odoo).
pub const PARTNER_NAME: &str = "partner_name";
/// Value name a host fills with the office's name (the company's, in Odoo).
pub const OFFICE_NAME: &str = "office_name";

/// The reserved parameter names and their roles, as `(name, role)`. Every other parameter has
/// the role `value`: a person (or the sending record) gives it.
/// - `optInLink`: the engine fills it with the recipient's consent link; never asked for.
/// - `partnerName`: the host fills it with the recipient's name; a form may offer it for editing.
/// - `officeName`: the host fills it with the office's name; a form may offer it for editing.
pub const RESERVED: [(&str, &str); 3] = [
    (OPT_IN_LINK, "optInLink"),
    (PARTNER_NAME, "partnerName"),
    (OFFICE_NAME, "officeName"),
];

/// [`RESERVED`] as JSON (a test checks they agree).
const RESERVED_JSON: &str = r#"[{"name":"opt_in_link","role":"optInLink"},{"name":"partner_name","role":"partnerName"},{"name":"office_name","role":"officeName"}]"#;

/// The role of parameter `name`.
pub fn role(name: &str) -> &'static str {
    RESERVED
        .iter()
        .find(|(reserved, _)| *reserved == name)
        .map_or("value", |(_, role)| role)
}

/// Describe `t` as the renderer reads it: the same parser, the same canonical order (declared
/// `params`, else first appearance in header, body, button suffix), the same validation. `error`
/// is what a send of the template is refused with; `params` is empty when its placeholders cannot
/// be read at all.
pub fn describe(t: &MasterTemplate) -> Result<String> {
    // An oversize template is not parsed: its size is the answer.
    let (names, error) = match crate::limits::check_template(t).and_then(|()| template::params(t)) {
        Ok(names) => {
            let error = template::validate(t).err();
            (names, error)
        }
        Err(e) => (Vec::new(), Some(e)),
    };
    let mut w = JsonWriter::with_capacity(256 + 80 * names.len());
    w.raw("{\"params\":[");
    for (i, name) in names.iter().enumerate() {
        let role = role(name);
        w.raw(if i == 0 { "{\"name\":" } else { ",{\"name\":" })
            .string(name)
            .raw(",\"positional\":")
            .raw(bool_json(name.bytes().all(|b| b.is_ascii_digit())))
            .raw(",\"role\":\"")
            .raw(role)
            .raw("\",\"ask\":")
            .raw(bool_json(role != "optInLink"))
            .raw("}");
    }
    w.raw("],\"reserved\":")
        .raw(RESERVED_JSON)
        .raw(",\"error\":");
    match error.as_ref().map(Error::info) {
        Some(e) => w.value(&e),
        None => w.raw("null"),
    };
    w.raw("}");
    w.finish()
}

fn bool_json(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn describe_json(t: &MasterTemplate) -> Value {
        serde_json::from_str(&describe(t).unwrap()).unwrap()
    }

    fn tpl(body: &str) -> MasterTemplate {
        MasterTemplate {
            code: "t".into(),
            body: body.into(),
            ..Default::default()
        }
    }

    fn names_roles(d: &Value) -> Vec<(String, String, bool)> {
        d["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().into(),
                    p["role"].as_str().unwrap().into(),
                    p["ask"].as_bool().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn positional_placeholders_are_parameters() {
        let d = describe_json(&tpl("Yth. {{1}}, izin {{2}}"));
        assert_eq!(
            d["params"],
            json!([
                {"name": "1", "positional": true, "role": "value", "ask": true},
                {"name": "2", "positional": true, "role": "value", "ask": true},
            ])
        );
        assert_eq!(d["error"], Value::Null);
    }

    #[test]
    fn roles_and_canonical_order() {
        let mut t = tpl("{{ partner_name }} {{permit}} {{opt_in_link}} {{office_name}}");
        t.header = Some("Izin {{permit}}".into());
        let got = names_roles(&describe_json(&t));
        let want = [
            ("permit", "value", true),
            ("partner_name", "partnerName", true),
            ("opt_in_link", "optInLink", false),
            ("office_name", "officeName", true),
        ];
        let want: Vec<(String, String, bool)> = want
            .iter()
            .map(|(n, r, a)| (n.to_string(), r.to_string(), *a))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn reserved_json_lists_the_reserved_names() {
        let v: Value = serde_json::from_str(RESERVED_JSON).unwrap();
        let listed: Vec<(&str, &str)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["name"].as_str().unwrap(), r["role"].as_str().unwrap()))
            .collect();
        assert_eq!(listed, RESERVED);
    }

    #[test]
    fn a_newline_inside_braces_is_what_the_renderer_refuses() {
        let d = describe_json(&tpl("Yth. {{\nname}}"));
        assert_eq!(d["params"], json!([]));
        assert_eq!(d["error"]["code"], "template.malformed");
        // The same error a send of it gets.
        let err = crate::compiled::CompiledTemplate::new(&tpl("Yth. {{\nname}}")).unwrap_err();
        assert_eq!(d["error"]["message"], err.to_string());
    }

    #[test]
    fn a_placeholder_outside_the_declared_parameters_is_reported() {
        let mut t = tpl("{{a}} {{b}}");
        t.params = vec!["a".into()];
        let d = describe_json(&t);
        assert_eq!(names_roles(&d), [("a".into(), "value".into(), true)]);
        assert_eq!(d["error"]["code"], "template.unknown_placeholder");
    }

    #[test]
    fn an_oversize_template_is_not_parsed() {
        let t = tpl(&"{{a}}".repeat(crate::limits::LIMITS.template_text_bytes));
        let d = describe_json(&t);
        assert_eq!(d["params"], json!([]));
        assert!(d["error"]["code"].as_str().unwrap().starts_with("limit."));
    }
}
