//! Parsing, validation, values and rendering of master templates.

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
    validate(tpl)?;
    let params = params(tpl)?;
    let values = SendValues::new(&tpl.code, &params, given, BTreeMap::new(), None, false)?;
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
