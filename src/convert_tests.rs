//! Each provider's parameter form, seen through the engine's preview: the path production takes
//! (configure, prepare, one message per provider, its request).

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::error::Error;
use crate::model::{GatewayMapping, MetaParamFormat};
use crate::model::{MetaMapping, Notification};
use crate::Engine;

const BODY: &str = "Yth. {{partner_name}}, izin Anda nomor {{permit_number}} telah terbit.";

fn t() -> MasterTemplate {
    MasterTemplate {
        code: "permit_ready".into(),
        name: "Izin terbit".into(),
        body: BODY.into(),
        meta: Some(MetaMapping {
            template_name: "izin_terbit".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn meta_mut(tpl: &mut MasterTemplate) -> &mut MetaMapping {
    tpl.meta.get_or_insert_with(Default::default)
}

const BUDI: &[(&str, &str)] = &[
    ("partner_name", "Budi Santoso"),
    ("permit_number", "503/IMB/2024"),
    ("permit_type", "IMB"),
];

/// The `preview` of `tpl` with these values: every provider (Meta, Watzap, Fonnte, in that
/// order) with its text, parameters and masked request.
fn preview(tpl: &MasterTemplate, values: &[(&str, &str)]) -> crate::Result<Value> {
    let config = json!({
        "providers": [
            {"id": "meta", "kind": "meta", "state": "configured",
             "credentials": {"accessToken": "a", "phoneNumberId": "1"}},
            {"id": "watzap", "kind": "watzap", "state": "configured",
             "credentials": {"apiKey": "k", "numberKey": "n"}},
            {"id": "fonnte", "kind": "fonnte", "state": "configured",
             "credentials": {"token": "t"}}],
        "templates": [tpl]});
    let engine = Engine::from_json(&config.to_string(), "the test configuration")?;
    let values: serde_json::Map<String, Value> = values
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let n: Notification = serde_json::from_value(json!({"template": tpl.code,
        "recipient": {"phone": "081234567890"}, "values": values}))
    .map_err(|e| Error::input(e.to_string()))?;
    Ok(serde_json::to_value(engine.preview(&n)?).unwrap_or_default())
}

/// Meta's `template` object as the preview shows it.
fn meta(tpl: &MasterTemplate, values: &[(&str, &str)]) -> Value {
    let p = preview(tpl, values).unwrap();
    assert_eq!(p["providers"][0]["kind"], "meta");
    p["providers"][0]["params"].clone()
}

/// What a gateway (1: Watzap, 2: Fonnte) or Meta (0) shows as the citizen's text.
fn text(p: &Value, i: usize) -> &str {
    p["providers"][i]["text"].as_str().unwrap_or_default()
}

#[test]
fn positional_body() {
    let p = meta(&t(), BUDI);
    assert_eq!(p["name"], "izin_terbit");
    assert_eq!(p["language"], "id");
    assert_eq!(
        p["components"],
        json!([{"type": "body", "parameters": [
            {"type": "text", "text": "Budi Santoso"},
            {"type": "text", "text": "503/IMB/2024"},
        ]}])
    );
    assert_eq!(p["sanitized"], json!([]));
}

#[test]
fn body_params_order_and_named_format() {
    let mut tpl = t();
    meta_mut(&mut tpl).body_params = vec!["permit_number".into(), "partner_name".into()];
    let p = meta(&tpl, BUDI);
    assert_eq!(p["components"][0]["parameters"][0]["text"], "503/IMB/2024");

    meta_mut(&mut tpl).param_format = MetaParamFormat::Named;
    let p = meta(&tpl, BUDI);
    assert_eq!(
        p["components"],
        json!([{"type": "body", "parameters": [
            {"type": "text", "text": "503/IMB/2024", "parameter_name": "permit_number"},
            {"type": "text", "text": "Budi Santoso", "parameter_name": "partner_name"},
        ]}])
    );

    // A named template's header parameter is named too; a positional one's never is.
    tpl.header = Some("Izin {{permit_type}}".into());
    let p = meta(&tpl, BUDI);
    assert_eq!(
        p["components"][0],
        json!({"type": "header", "parameters": [
            {"type": "text", "text": "IMB", "parameter_name": "permit_type"}]})
    );
    meta_mut(&mut tpl).param_format = MetaParamFormat::Positional;
    let p = meta(&tpl, BUDI);
    assert_eq!(
        p["components"][0],
        json!({"type": "header", "parameters": [{"type": "text", "text": "IMB"}]})
    );
}

#[test]
fn numbered_master_body_follows_numbers() {
    let mut tpl = t();
    tpl.body = "Izin {{2}} atas nama {{1}} telah terbit.".into();
    let p = meta(&tpl, &[("1", "Siti"), ("2", "SIUP-7")]);
    assert_eq!(p["components"][0]["parameters"][0]["text"], "Siti");
    assert_eq!(p["components"][0]["parameters"][1]["text"], "SIUP-7");
}

#[test]
fn header_and_button() {
    let mut tpl = t();
    tpl.header = Some("Izin {{permit_type}} terbit".into());
    tpl.button_url_suffix = Some("cek/{{permit_number}}".into());
    meta_mut(&mut tpl).language = Some("en_US".into());
    let p = meta(&tpl, BUDI);
    assert_eq!(p["language"], "en_US");
    assert_eq!(
        p["components"],
        json!([
            {"type": "header", "parameters": [{"type": "text", "text": "IMB"}]},
            {"type": "body", "parameters": [
                {"type": "text", "text": "Budi Santoso"},
                {"type": "text", "text": "503/IMB/2024"},
            ]},
            {"type": "button", "sub_type": "url", "index": "0",
             "parameters": [{"type": "text", "text": "cek/503/IMB/2024"}]},
        ])
    );

    // An explicit header parameter wins; the button index comes from the mapping.
    meta_mut(&mut tpl).header_param = Some("permit_number".into());
    meta_mut(&mut tpl).button_index = Some(1);
    let p = meta(&tpl, BUDI);
    assert_eq!(p["components"][0]["parameters"][0]["text"], "503/IMB/2024");
    assert_eq!(p["components"][2]["index"], "1");
}

#[test]
fn header_without_placeholder_is_omitted() {
    let mut tpl = t();
    tpl.header = Some("Pemberitahuan Izin".into());
    let p = meta(&tpl, BUDI);
    assert_eq!(p["components"].as_array().map(Vec::len), Some(1));
    assert_eq!(p["components"][0]["type"], "body");
}

#[test]
fn no_parameters_no_components() {
    let mut tpl = t();
    tpl.body = "Kantor perizinan tutup hari ini.".into();
    let p = preview(&tpl, &[]).unwrap();
    assert_eq!(p["providers"][0]["params"]["components"], json!([]));
    // Meta gets no `components` at all then.
    let body = p["providers"][0]["request"]["body"]
        .as_str()
        .unwrap_or_default();
    assert!(body.contains(r#""template":{"language""#), "{body}");
}

#[test]
fn language_falls_back_to_template_then_id() {
    let mut tpl = t();
    tpl.language = Some("en".into());
    assert_eq!(meta(&tpl, BUDI)["language"], "en");
    meta_mut(&mut tpl).language = Some(" ".into());
    assert_eq!(meta(&tpl, BUDI)["language"], "en");
    tpl.language = None;
    assert_eq!(meta(&tpl, BUDI)["language"], "id");
}

#[test]
fn values_are_sanitized_for_meta_only() {
    let mut tpl = t();
    tpl.button_url_suffix = Some("{{permit_number}}".into());
    let values = [
        ("partner_name", "Budi\nSantoso"),
        ("permit_number", "503\t/IMB"),
    ];
    let p = preview(&tpl, &values).unwrap();
    let m = &p["providers"][0]["params"];
    assert_eq!(m["components"][0]["parameters"][0]["text"], "Budi Santoso");
    assert_eq!(m["components"][1]["parameters"][0]["text"], "503 /IMB");
    assert_eq!(m["sanitized"], json!(["partner_name", "permit_number"]));
    // Gateways keep the citizen's text as typed.
    assert_eq!(
        text(&p, 2),
        "Yth. Budi\nSantoso, izin Anda nomor 503\t/IMB telah terbit."
    );
    assert_eq!(p["providers"][2]["params"]["var1"], "Budi\nSantoso");
}

#[test]
fn mapping_errors() {
    // No Meta mapping, or an empty name: the gateways still send, Meta cannot.
    let mut tpl = t();
    tpl.meta = None;
    let p = preview(&tpl, BUDI).unwrap();
    assert_eq!(p["providers"][0]["error"]["code"], "provider.unsupported");
    assert!(p["providers"][2]["request"].is_object());

    let mut tpl = t();
    meta_mut(&mut tpl).template_name = "  ".into();
    let p = preview(&tpl, BUDI).unwrap();
    assert_eq!(p["providers"][0]["error"]["code"], "provider.unsupported");

    // A mapping naming what is not a parameter: the template itself is refused.
    let mut tpl = t();
    meta_mut(&mut tpl).body_params = vec!["partner_name".into(), "alamat".into()];
    assert_eq!(preview(&tpl, BUDI).unwrap_err().code(), "template.mapping");

    // A parameter without a value.
    assert_eq!(
        preview(&t(), &[("partner_name", "Budi")]).unwrap_err(),
        Error::TemplateMissingParam {
            template: "permit_ready".into(),
            param: "permit_number".into()
        }
    );
}

#[test]
fn gateway_numbered_forms() {
    let mut tpl = t();
    let p = preview(&tpl, BUDI).unwrap();
    assert_eq!(
        p["providers"][1]["params"],
        json!({"1": "Budi Santoso", "2": "503/IMB/2024"})
    );
    assert_eq!(
        p["providers"][2]["params"],
        json!({"var1": "Budi Santoso", "var2": "503/IMB/2024"})
    );
    tpl.fonnte = Some(GatewayMapping {
        body: None,
        variables: vec![
            "permit_number".into(),
            "partner_name".into(),
            "permit_number".into(),
        ],
    });
    let p = preview(&tpl, BUDI).unwrap();
    assert_eq!(
        p["providers"][2]["params"],
        json!({"var1": "503/IMB/2024", "var2": "Budi Santoso", "var3": "503/IMB/2024"})
    );
    // Watzap has no mapping: canonical order.
    assert_eq!(p["providers"][1]["params"]["1"], "Budi Santoso");
}

#[test]
fn keys_keep_their_order_past_nine() {
    let r = Resolved {
        values: (1..=11).map(|i| (format!("p{i}"), i.to_string())).collect(),
        unused: vec![],
    };
    let json = serde_json::to_string(&fonnte_params(&t(), &r)).unwrap();
    assert!(json.find("\"var2\"") < json.find("\"var10\""), "{json}");
}

#[test]
fn gateway_text_picks_the_right_body() {
    let mut tpl = t();
    tpl.watzap = Some(GatewayMapping {
        body: Some("Halo {{partner_name}}, izin {{permit_number}} sudah bisa diambil.".into()),
        variables: vec![],
    });
    tpl.fonnte = Some(GatewayMapping {
        body: Some("   ".into()),
        variables: vec![],
    });
    let p = preview(&tpl, BUDI).unwrap();
    assert_eq!(
        text(&p, 1),
        "Halo Budi Santoso, izin 503/IMB/2024 sudah bisa diambil."
    );
    let master = "Yth. Budi Santoso, izin Anda nomor 503/IMB/2024 telah terbit.";
    assert_eq!(text(&p, 2), master);
    assert_eq!(text(&p, 0), master);

    tpl.body = " ".into();
    assert_eq!(preview(&tpl, BUDI).unwrap_err().code(), "template.empty");
}

#[test]
fn placeholder_like_values_stay_literal() {
    let values = [
        ("partner_name", "{{permit_number}}"),
        ("permit_number", "{{x}}"),
    ];
    let p = preview(&t(), &values).unwrap();
    assert_eq!(
        text(&p, 1),
        "Yth. {{permit_number}}, izin Anda nomor {{x}} telah terbit."
    );
    assert_eq!(
        p["providers"][0]["params"]["components"][0]["parameters"][0]["text"],
        "{{permit_number}}"
    );
}

proptest! {
    #[test]
    fn conversion_never_panics_and_meta_values_are_clean(
        name in any::<String>(),
        number in any::<String>(),
        named in any::<bool>(),
    ) {
        let mut tpl = t();
        tpl.header = Some("Izin {{permit_number}}".into());
        tpl.button_url_suffix = Some("{{permit_number}}".into());
        if named {
            meta_mut(&mut tpl).param_format = MetaParamFormat::Named;
        }
        let p = match preview(&tpl, &[("partner_name", &name), ("permit_number", &number)]) {
            Ok(p) => p,
            // A blank value is refused before any provider sees it.
            Err(e) => {
                prop_assert_eq!(e.code(), "template.missing_param");
                prop_assert!(name.trim().is_empty() || number.trim().is_empty());
                return Ok(());
            }
        };
        let meta = &p["providers"][0];
        // A long header value keeps Meta out (its 60 characters); the gateways still send.
        if meta["error"]["code"] != "meta.header_too_long" {
            let components = meta["params"]["components"].as_array().cloned().unwrap_or_default();
            prop_assert_eq!(components.len(), 3);
            for c in &components {
                for param in c["parameters"].as_array().cloned().unwrap_or_default() {
                    let text = param["text"].as_str().unwrap_or_default().to_string();
                    prop_assert!(!text.contains(['\n', '\r', '\t']));
                    prop_assert!(!text.contains("     "));
                }
            }
        }
        // Gateways: exact text, values literal.
        let expected = format!("Yth. {name}, izin Anda nomor {number} telah terbit.");
        prop_assert_eq!(text(&p, 1), expected.as_str());
        // Canonical order: the header's parameter first.
        prop_assert_eq!(&p["providers"][2]["params"], &json!({"var1": number, "var2": name}));
    }

    #[test]
    fn numbered_keys_are_contiguous(n in 0usize..30) {
        let r = Resolved {
            values: (0..n).map(|i| (format!("p{i}"), format!("v{i}"))).collect(),
            unused: vec![],
        };
        let w = watzap_params(&t(), &r);
        let keys: Vec<String> = w.0.iter().map(|(k, _)| k.clone()).collect();
        let expected: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
        prop_assert_eq!(keys, expected);
    }

    #[test]
    fn arbitrary_templates_never_panic(
        body in "[a-z {}]{0,30}",
        header in proptest::option::of("[a-z {}]{0,15}"),
        suffix in proptest::option::of("[a-z {}/]{0,15}"),
        v in any::<String>(),
    ) {
        let mut tpl = t();
        tpl.body = body;
        tpl.header = header;
        tpl.button_url_suffix = suffix;
        let values: Vec<(&str, &str)> = ["a", "b", "ab", "x"].iter().map(|k| (*k, v.as_str())).collect();
        let _ = preview(&tpl, &values);
        let _ = preview(&tpl, &[]);
        let _ = crate::lint::lint_template(&tpl);
    }
}
