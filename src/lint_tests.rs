//! Meta's rules on templates and values.

use super::*;
use crate::model::MetaMapping;
use proptest::prelude::*;

const BODY: &str = "Yth. {{partner_name}}, izin Anda nomor {{permit_number}} telah terbit.";

fn t(body: &str) -> MasterTemplate {
    MasterTemplate {
        code: "permit_ready".into(),
        body: body.into(),
        meta: Some(MetaMapping {
            template_name: "izin_terbit".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn codes(issues: &[LintIssue]) -> Vec<&str> {
    issues.iter().map(|i| i.code.as_str()).collect()
}

fn resolved(pairs: &[(&str, &str)]) -> Resolved {
    Resolved {
        values: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        unused: vec![],
    }
}

/// The value lint a preview of `tpl` gives (nothing when the template does not compile).
fn lint_values(tpl: &MasterTemplate, values: &Resolved) -> Vec<LintIssue> {
    match CompiledTemplate::new(tpl) {
        Ok(compiled) => lint_compiled_values(tpl, &compiled, values),
        Err(_) => Vec::new(),
    }
}

/// Previews lint the engine's compiled templates: the issues must be those of the texts.
#[test]
fn compiled_templates_lint_the_same() {
    let long = format!(
        "{} {{{{partner_name}}}}{{{{permit_number}}}}",
        "x".repeat(1100)
    );
    let mut cases = vec![t(BODY), t("{{1}} dan {{3}}"), t(&long)];
    let mut with_header = t(BODY);
    with_header.header =
        Some("Izin {{permit_number}} {{partner_name}} — terlalu panjang sekali untuk Meta".into());
    with_header.button_url_suffix = Some("{{permit_number}}".into());
    cases.push(with_header);
    let mut named = t("Halo {{Nama}} {{nomor_2}}");
    if let Some(m) = named.meta.as_mut() {
        m.param_format = MetaParamFormat::Named;
        m.body_params = vec!["nomor_2".into()];
        m.template_name = "Izin Terbit".into();
    }
    cases.push(named);
    for tpl in cases {
        let compiled = CompiledTemplate::new(&tpl).unwrap();
        assert_eq!(lint_compiled(&tpl, &compiled), lint_template(&tpl));
    }
}

#[test]
fn a_good_template_is_clean() {
    assert_eq!(lint_template(&t(BODY)), vec![]);
    let mut no_meta = t(BODY);
    no_meta.meta = None;
    assert_eq!(lint_template(&no_meta), vec![]);
}

#[test]
fn template_name_rules() {
    for bad in [
        "",
        "Izin_Terbit",
        "izin terbit",
        "izin-terbit",
        "izin_terbit_ü",
    ] {
        let mut tpl = t(BODY);
        if let Some(m) = tpl.meta.as_mut() {
            m.template_name = bad.into();
        }
        let issues = lint_template(&tpl);
        assert_eq!(codes(&issues), ["meta.template_name"], "{bad:?}");
        assert_eq!(issues[0].field.as_deref(), Some("meta.templateName"));
        assert_eq!(issues[0].severity, Severity::Error);
    }
    let mut tpl = t(BODY);
    if let Some(m) = tpl.meta.as_mut() {
        m.template_name = "a".repeat(513);
    }
    assert_eq!(codes(&lint_template(&tpl)), ["meta.template_name"]);
    // Without a mapping there is no name to check.
    let mut tpl = t(BODY);
    tpl.meta = None;
    assert!(lint_template(&tpl).is_empty());
}

#[test]
fn body_length_counts_what_meta_sees() {
    // 1000 chars of text + {{1}} (5) = 1005 as Meta sees it, though the name is long.
    let long_name = "a".repeat(30);
    let body = format!("{}{{{{{long_name}}}}}.", "x".repeat(1000));
    assert!(lint_template(&t(&body))
        .iter()
        .all(|i| i.code != "meta.body_too_long"));
    let body = format!("{}{{{{nama}}}}.", "x".repeat(1019));
    let issues = lint_template(&t(&body));
    assert!(codes(&issues).contains(&"meta.body_too_long"), "{issues:?}");
    // Characters, not bytes.
    let body = format!("Yth. {{{{nama}}}}, {}", "é".repeat(1000));
    assert!(!codes(&lint_template(&t(&body))).contains(&"meta.body_too_long"));
}

#[test]
fn named_format_keeps_names_in_the_length() {
    let mut tpl = t(&format!("{}{{{{{}}}}}.", "x".repeat(1000), "a".repeat(30)));
    if let Some(m) = tpl.meta.as_mut() {
        m.param_format = MetaParamFormat::Named;
    }
    assert!(codes(&lint_template(&tpl)).contains(&"meta.body_too_long"));
}

#[test]
fn header_rules() {
    let mut tpl = t(BODY);
    tpl.header = Some("Izin {{permit_number}} untuk {{partner_name}}".into());
    assert_eq!(codes(&lint_template(&tpl)), ["meta.header_params"]);

    tpl.header = Some(format!(
        "{} {{{{permit_number}}}}",
        "Pemberitahuan".repeat(5)
    ));
    let issues = lint_template(&tpl);
    assert_eq!(codes(&issues), ["meta.header_too_long"]);
    assert_eq!(issues[0].field.as_deref(), Some("header"));

    tpl.header = Some("Izin {{permit_number}} terbit".into());
    assert!(lint_template(&tpl).is_empty());
}

#[test]
fn param_count_against_body_params() {
    let mut tpl = t(BODY);
    if let Some(m) = tpl.meta.as_mut() {
        m.body_params = vec!["partner_name".into()];
    }
    let issues = lint_template(&tpl);
    assert!(
        issues.iter().all(|i| i.code == "meta.param_count"),
        "{issues:?}"
    );
    assert!(issues
        .iter()
        .any(|i| i.message.contains("{{permit_number}}")));

    if let Some(m) = tpl.meta.as_mut() {
        m.body_params = vec![
            "partner_name".into(),
            "permit_number".into(),
            "alamat".into(),
        ];
    }
    let issues = lint_template(&tpl);
    assert!(
        issues.iter().any(|i| i.message.contains("\"alamat\"")),
        "{issues:?}"
    );

    if let Some(m) = tpl.meta.as_mut() {
        m.body_params = vec!["permit_number".into(), "partner_name".into()];
    }
    assert!(lint_template(&tpl).is_empty());
}

#[test]
fn numbered_placeholders_must_be_contiguous() {
    let issues = lint_template(&t("Yth. {{1}}, izin {{3}} terbit."));
    assert_eq!(codes(&issues), ["meta.param_order"]);
    assert!(
        issues[0].message.contains("{{1}}, {{3}}"),
        "{}",
        issues[0].message
    );

    // Order in the text does not matter, numbering does.
    assert!(lint_template(&t("Izin {{2}} untuk {{1}} terbit.")).is_empty());

    assert_eq!(
        codes(&lint_template(&t("Yth. {{1}}, izin {{nomor}} terbit."))),
        ["meta.param_order"]
    );

    let mut tpl = t("Yth. {{1}}, izin {{2}} terbit.");
    if let Some(m) = tpl.meta.as_mut() {
        m.body_params = vec!["2".into(), "1".into()];
    }
    assert_eq!(codes(&lint_template(&tpl)), ["meta.param_order"]);
}

#[test]
fn named_parameters_need_lowercase_names() {
    let mut tpl = t("Yth. {{Nama}}, izin {{1}} terbit.");
    if let Some(m) = tpl.meta.as_mut() {
        m.param_format = MetaParamFormat::Named;
    }
    assert_eq!(
        codes(&lint_template(&tpl)),
        ["meta.param_name", "meta.param_name"]
    );
}

#[test]
fn adjacent_and_edge_placeholders_warn() {
    let issues = lint_template(&t("{{partner_name}} {{permit_number}}"));
    assert_eq!(
        codes(&issues),
        ["meta.param_adjacent", "meta.param_adjacent"]
    );
    assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    assert_eq!(
        codes(&lint_template(&t("Izin {{a}}{{b}} terbit"))),
        ["meta.param_adjacent"]
    );
    assert_eq!(
        codes(&lint_template(&t("  Izin nomor {{a}} \n"))),
        ["meta.param_adjacent"]
    );
}

#[test]
fn many_params_warn() {
    let body: String = (0..11).map(|i| format!("v{{{{p{i}}}}} ")).collect();
    let issues = lint_template(&t(&format!("Data: {body}.")));
    assert_eq!(codes(&issues), ["meta.too_many_params"]);
    assert_eq!(issues[0].severity, Severity::Warning);
}

#[test]
fn broken_texts_are_reported_not_panicked() {
    assert_eq!(
        codes(&lint_template(&t("Yth. {{nama"))),
        ["meta.template_invalid"]
    );
    let mut tpl = t(BODY);
    tpl.header = Some("}}".into());
    assert_eq!(codes(&lint_template(&tpl)), ["meta.template_invalid"]);
}

#[test]
fn values_lint() {
    let tpl = t(BODY);
    let r = resolved(&[
        ("partner_name", "Budi\nSantoso"),
        ("permit_number", "503/IMB"),
    ]);
    let issues = lint_values(&tpl, &r);
    assert_eq!(codes(&issues), ["meta.param_sanitized"]);
    assert_eq!(issues[0].field.as_deref(), Some("values.partner_name"));
    assert_eq!(issues[0].severity, Severity::Warning);

    let r = resolved(&[
        ("partner_name", &"B".repeat(1000)),
        ("permit_number", "503/IMB"),
    ]);
    let issues = lint_values(&tpl, &r);
    assert_eq!(codes(&issues), ["meta.body_too_long"]);
    assert!(has_errors(&issues));

    // No Meta mapping: values go to gateways untouched, nothing to say.
    let mut gateway_only = t(BODY);
    gateway_only.meta = None;
    let r = resolved(&[("partner_name", "Budi\nSantoso"), ("permit_number", "1")]);
    assert!(lint_values(&gateway_only, &r).is_empty());
}

#[test]
fn values_only_meta_receives_are_checked() {
    let mut tpl = t("Yth. {{partner_name}}, izin Anda telah terbit.");
    tpl.params = vec!["partner_name".into(), "alamat".into()];
    let r = resolved(&[("partner_name", "Budi"), ("alamat", "Jl. A\nNo. 1")]);
    assert!(lint_values(&tpl, &r).is_empty());
}

proptest! {
    #[test]
    fn lint_never_panics(body in any::<String>(), header in proptest::option::of(any::<String>())) {
        let mut tpl = t(&body);
        tpl.header = header;
        let _ = lint_template(&tpl);
        let _ = lint_values(&tpl, &Resolved::default());
    }
}
