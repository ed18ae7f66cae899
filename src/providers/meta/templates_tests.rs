//! The health check and the template sync.

use serde_json::json;

use super::*;
use crate::providers::meta::test_support::{headers, profile};
use crate::providers::test_support::resp;

#[test]
fn health_check_request_and_parse() {
    let req = Meta.build_health_check(&profile()).unwrap();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.url,
        "https://graph.facebook.com/v25.0/1234567890?fields=display_phone_number,verified_name,quality_rating,code_verification_status"
    );
    assert_eq!(
        req.headers,
        headers(&[("Authorization", "Bearer EAAG-secret")])
    );
    assert_eq!(req.body, None);

    let ok = Meta.parse_health_check(&resp(
        200,
        r#"{"verified_name":"DPMPTSP Karo","code_verification_status":"VERIFIED","display_phone_number":"+62 812-0000-0001","quality_rating":"GREEN","platform_type":"CLOUD_API","id":"1234567890"}"#,
    ));
    assert!(ok.ok);
    assert_eq!(ok.code, None);
    assert_eq!(
        ok.info,
        json!({"display_phone_number":"+62 812-0000-0001","verified_name":"DPMPTSP Karo",
               "quality_rating":"GREEN","code_verification_status":"VERIFIED"})
    );
    assert!(ok.detail.contains("GREEN"));

    let bad = Meta.parse_health_check(&resp(
        401,
        r#"{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"fbtrace_id":"X"}}"#,
    ));
    assert!(!bad.ok);
    assert_eq!(bad.code.as_deref(), Some("190"));
    assert!(bad.detail.contains("Invalid OAuth access token."));

    let weird = Meta.parse_health_check(&resp(200, r#"{"id":"1"}"#));
    assert!(!weird.ok);
    assert_eq!(weird.code.as_deref(), Some("http.200"));
    let html = Meta.parse_health_check(&resp(502, "<html>Bad Gateway</html>"));
    assert!(!html.ok);
    assert_eq!(html.code.as_deref(), Some("http.502"));
}

#[test]
fn template_list_request_bytes() {
    let req = template_list_request(&profile(), None).unwrap();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.url,
        "https://graph.facebook.com/v25.0/998877/message_templates?fields=name,components,language,status,category,id,quality_score,parameter_format&limit=200"
    );
    assert_eq!(
        req.headers,
        headers(&[("Authorization", "Bearer EAAG-secret")])
    );
    assert!(!req.url.contains("EAAG"));
    assert_eq!(req.body, None);

    let req = template_list_request(&profile(), Some("QVFIU+k1/x=")).unwrap();
    assert!(
        req.url.ends_with("&limit=200&after=QVFIU%2Bk1%2Fx%3D"),
        "{}",
        req.url
    );
}

#[test]
fn template_list_parse() {
    let body = json!({
        "data": [
            {"name": "permit_ready", "parameter_format": "POSITIONAL",
             "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Izin {{1}}"},
                {"type": "BODY", "text": "Yth. {{1}}, izin {{2}} nomor {{3}} ... {{10}} {{2}}"},
                {"type": "FOOTER", "text": "DPMPTSP"},
                {"type": "BUTTONS", "buttons": [
                    {"type": "QUICK_REPLY", "text": "STOP"},
                    {"type": "URL", "text": "Lihat", "url": "https://izin.example/{{1}}"}]}],
             "language": "id", "status": "APPROVED", "category": "UTILITY",
             "id": "300000000000001", "quality_score": {"score": "GREEN"}},
            {"name": "status_update", "parameter_format": "NAMED",
             "components": [{"type": "BODY",
                "text": "Yth. {{partner_name}}, izin {{permit_number}}: {{status}} ({{partner_name}})"}],
             "language": "id", "status": "PENDING", "category": "UTILITY", "id": 42},
            {"name": "no_format_named", "components": [{"type": "BODY", "text": "Hi {{nama}}"}],
             "language": "en_US", "id": "7"},
            {"name": "image_header", "components": [
                {"type": "HEADER", "format": "IMAGE"},
                {"type": "BODY", "text": "No params"}], "language": "id", "id": "8"},
            {"components": []},
            "garbage",
            {"name": "", "id": "9"}
        ],
        "paging": {"cursors": {"before": "QVFI-b", "after": "QVFI-a"},
                   "next": "https://graph.facebook.com/v25.0/998877/message_templates?after=QVFI-a"}
    });
    let page = parse_template_list(&resp(200, &body.to_string())).unwrap();
    assert_eq!(page.after.as_deref(), Some("QVFI-a"));
    assert_eq!(page.templates.len(), 4);

    let t = &page.templates[0];
    assert_eq!(t.id, "300000000000001");
    assert_eq!(t.param_format, MetaParamFormat::Positional);
    assert_eq!(t.header.as_deref(), Some("Izin {{1}}"));
    assert_eq!(t.button_url.as_deref(), Some("https://izin.example/{{1}}"));
    assert_eq!(t.body_param_count, 4);
    assert!(t.body_param_names.is_empty());
    assert_eq!(t.quality_score.as_deref(), Some("GREEN"));
    assert_eq!(
        t.suggested_mapping,
        MetaMapping {
            template_name: "permit_ready".into(),
            language: Some("id".into()),
            param_format: MetaParamFormat::Positional,
            body_params: vec!["1".into(), "2".into(), "3".into(), "10".into()],
            header_param: Some("1".into()),
            button_index: Some(1),
            status: Some("APPROVED".into()),
            quality: Some("GREEN".into()),
            approved_body_param_count: Some(4),
        }
    );

    let t = &page.templates[1];
    assert_eq!(t.id, "42");
    assert_eq!(t.param_format, MetaParamFormat::Named);
    assert_eq!(
        t.body_param_names,
        vec!["partner_name", "permit_number", "status"]
    );
    assert_eq!(t.body_param_count, 3);
    assert_eq!(t.suggested_mapping.body_params, t.body_param_names);
    assert_eq!(t.suggested_mapping.button_index, None);

    assert_eq!(page.templates[2].param_format, MetaParamFormat::Named);
    assert_eq!(page.templates[3].header, None);
    assert_eq!(page.templates[3].body_param_count, 0);

    // Serialized in camelCase.
    let v = serde_json::to_value(&page.templates[1]).unwrap();
    assert_eq!(v["paramFormat"], "named");
    assert_eq!(v["bodyParamNames"][0], "partner_name");
    assert_eq!(v["suggestedMapping"]["templateName"], "status_update");
    let back: MetaTemplatePage =
        serde_json::from_value(serde_json::to_value(&page).unwrap()).unwrap();
    assert_eq!(back, page);
}

#[test]
fn template_list_last_page_and_errors() {
    let page = parse_template_list(&resp(
        200,
        r#"{"data":[],"paging":{"cursors":{"before":"b","after":"a"}}}"#,
    ))
    .unwrap();
    assert!(page.templates.is_empty());
    assert_eq!(page.after, None);
    assert_eq!(
        parse_template_list(&resp(200, r#"{"data":[]}"#))
            .unwrap()
            .after,
        None
    );

    let e = parse_template_list(&resp(
        400,
        r#"{"error":{"message":"Unsupported get request. Object with ID '998877' does not exist","type":"GraphMethodException","code":100,"error_subcode":33}}"#,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "config.invalid");
    assert!(e.to_string().contains("100"));
    assert!(e.to_string().contains("does not exist"));

    for (status, body) in [
        (200, ""),
        (200, "<html>"),
        (200, r#"{"data":5}"#),
        (502, "Bad Gateway"),
        (500, r#"{"data":[]}"#),
    ] {
        let e = parse_template_list(&resp(status, body)).unwrap_err();
        assert_eq!(e.code(), "input.invalid", "{status} {body}");
    }
}

#[test]
fn placeholder_scan_is_lenient() {
    assert_eq!(placeholders("{{1}} {{ 2 }} {{1}}"), vec!["1", "2"]);
    assert_eq!(placeholders("{{a b}} {{}} {{x"), Vec::<String>::new());
    assert_eq!(placeholders("{{{{nama}}}}"), Vec::<String>::new());
    assert_eq!(placeholders("é{{nama}}é"), vec!["nama"]);
}
