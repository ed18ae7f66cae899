//! Small helpers shared by the three provider modules: credentials, request assembly, form
//! encoding, defensive reading of response bodies.
//!
//! Everything here treats a response body as arbitrary text: nothing indexes, unwraps or assumes a
//! shape, so no provider answer (HTML, truncated JSON, megabytes of noise) can make the engine
//! panic.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{Classified, Content, Secrets};
use crate::error::{Error, Result};
use crate::model::{Classification, HttpRequest, HttpResponse, ProviderConfig, SECRET_MASK};

/// Longest piece of provider text (message, details, reason) quoted in a `detail`.
pub(crate) const MAX_QUOTE_CHARS: usize = 300;

/// Longest provider-derived `code` (Fonnte reasons are free text).
pub(crate) const MAX_CODE_CHARS: usize = 64;

/// Default back-off for a throttled answer without `Retry-After`.
pub(crate) const DEFAULT_THROTTLE_MS: i64 = 60_000;

/// Upper bound applied to a `Retry-After` header (one day), so a silly value cannot overflow or
/// park a message forever.
const MAX_RETRY_AFTER_MS: i64 = 86_400_000;

/// The trimmed value of a credential, or `config.invalid` naming the profile and the field — never
/// the value. `field` is the JSON name in `credentials` (e.g. `accessToken`).
pub(crate) fn required<'a>(
    p: &ProviderConfig,
    field: &str,
    value: &'a Option<String>,
) -> Result<&'a str> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::config(format!(
            "provider {:?} ({}) has no `credentials.{field}`; it is needed for this request",
            p.id,
            p.kind.as_str()
        ))),
    }
}

/// A secret credential as `secrets` asks: [`required`], or the mask when it is set at all (as
/// [`crate::model::Credentials::masked`] would give it).
pub(crate) fn secret<'a>(
    p: &ProviderConfig,
    secrets: Secrets,
    field: &str,
    value: &'a Option<String>,
) -> Result<&'a str> {
    match secrets {
        Secrets::Masked if value.is_some() => Ok(SECRET_MASK),
        _ => required(p, field, value),
    }
}

/// The text of `content` for a gateway (`name`) that sends plain text only.
pub(crate) fn text_only<'a>(
    p: &ProviderConfig,
    name: &str,
    content: Content<'a>,
) -> Result<&'a str> {
    match content {
        Content::Text(text) => Ok(text),
        Content::Meta(_) => Err(Error::ProviderUnsupported {
            id: p.id.clone(),
            reason: format!("{name} sends plain text only, not Meta templates"),
        }),
    }
}

/// `to` trimmed; `input.invalid` when empty.
pub(crate) fn recipient(to: &str) -> Result<&str> {
    let to = to.trim();
    if to.is_empty() {
        return Err(Error::input("the recipient phone number is empty"));
    }
    Ok(to)
}

/// A request with the given headers and the timeout it is sent with: the profile's, else the
/// engine's default, so no host needs a default of its own.
pub(crate) fn request<const N: usize>(
    p: &ProviderConfig,
    method: &str,
    url: String,
    headers: [(&str, String); N],
    body: Option<String>,
) -> HttpRequest {
    // Inserted one by one: `collect` into a map sorts first, and that sort's code costs the web
    // build kilobytes for three headers.
    let mut map = std::collections::BTreeMap::new();
    for (k, v) in headers {
        map.insert(k.to_string(), v);
    }
    HttpRequest {
        method: method.to_string(),
        url,
        headers: map,
        body,
        timeout_ms: Some(p.timeout_ms.unwrap_or(crate::transport::DEFAULT_TIMEOUT_MS)),
    }
}

/// A request body written as JSON piece by piece: fixed parts verbatim, strings escaped by
/// `serde_json` itself (so the bytes are what serializing gives). Deriving `Serialize` for the
/// bodies costs several times more: every key goes through the escaper again on every request.
pub(crate) struct JsonWriter {
    buf: Vec<u8>,
    /// The first failure of `serde_json` (none is possible with a `Vec`), reported by `finish`.
    error: Option<serde_json::Error>,
}

impl JsonWriter {
    /// A writer with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        JsonWriter {
            buf: Vec::with_capacity(capacity),
            error: None,
        }
    }

    /// JSON text as it is (keys, punctuation, literals).
    pub(crate) fn raw(&mut self, json: &str) -> &mut Self {
        self.buf.extend_from_slice(json.as_bytes());
        self
    }

    /// A JSON string.
    pub(crate) fn string(&mut self, s: &str) -> &mut Self {
        self.value(s)
    }

    /// Any value, as `serde_json` writes it.
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        if let Err(e) = serde_json::to_writer(&mut self.buf, value) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// The JSON text written.
    pub(crate) fn finish(self) -> Result<String> {
        let fail = |e: &dyn std::fmt::Display| {
            Error::input(format!("cannot encode the request body: {e}"))
        };
        if let Some(e) = self.error {
            return Err(fail(&e));
        }
        String::from_utf8(self.buf).map_err(|e| fail(&e))
    }
}

/// Room for `len` bytes of text once written as a JSON string: the quotes and a few escapes
/// (line breaks, quotes). A text with more escapes just makes its buffer grow once.
pub(crate) fn with_escapes(len: usize) -> usize {
    len + len / 32 + 4
}

/// Whether a byte stays itself in form encoding (RFC 3986 unreserved characters).
#[inline]
fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// [`is_unreserved`] as a table: the encoder looks at every byte of every Fonnte message, and a
/// table lookup stays cheap even in the size-optimized build.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b: u8 = 0;
    loop {
        table[b as usize] =
            matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~');
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

/// Percent-encode `s` onto `out`: unreserved bytes kept, a space as `space`, every other byte of
/// the UTF-8 form as `%XX` (upper-case hex). Byte by byte into a byte buffer: message texts have a
/// space every few characters, so copying runs whole (many short copies) was slower.
fn push_encoded(out: &mut Vec<u8>, s: &str, space: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(b);
        } else if b == b' ' {
            out.extend_from_slice(space);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0x0f)]]);
        }
    }
}

/// The encoder's output as text: it is ASCII by construction, so the check never fails.
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Length of `s` once percent-encoded with a space of `space_len` bytes.
fn encoded_len(s: &str, space_len: usize) -> usize {
    s.bytes()
        .map(|b| match b {
            b' ' => space_len,
            b if is_unreserved(b) => 1,
            _ => 3,
        })
        .sum()
}

/// `application/x-www-form-urlencoded` encoding of one name or value: unreserved `A-Za-z0-9-._~`
/// kept, space as `+`, every other byte of the UTF-8 form as `%XX` (upper-case hex). Also safe for
/// a URL path segment when the input has no space (ids, cursors).
pub(crate) fn form_encode(s: &str) -> String {
    let mut out = Vec::with_capacity(encoded_len(s, 1));
    push_encoded(&mut out, s, b"+");
    ascii(out)
}

/// A percent-encoded URL path segment (a space becomes `%20`, never `+`); borrowed when nothing
/// needs encoding, as ids and versions usually do not.
pub(crate) fn path_segment(s: &str) -> Cow<'_, str> {
    if s.bytes().all(is_unreserved) {
        return Cow::Borrowed(s);
    }
    let mut out = Vec::with_capacity(encoded_len(s, 3));
    push_encoded(&mut out, s, b"%20");
    Cow::Owned(ascii(out))
}

/// Boundary of every multipart body the engine writes. Fixed, not random, so the bytes are the
/// same in every host and in the fixtures; [`multipart_body`] lengthens it in the rare case a
/// value contains it.
pub(crate) const MULTIPART_BOUNDARY: &str = "sicantik-whatsapp-form-boundary";

/// A `multipart/form-data` body (RFC 7578) of text fields, in the order given, and its
/// `Content-Type` value. Values go in as UTF-8 bytes, unencoded (no `Content-Type` per part: text
/// fields, as PHP cURL posts an array). The boundary is [`MULTIPART_BOUNDARY`], or
/// `MULTIPART_BOUNDARY-1`, `-2`, … when a name or value contains it: deterministic, and it ends
/// because a bounded text contains only a bounded number of those candidates.
pub(crate) fn multipart_body(fields: &[(&str, &str)]) -> (String, String) {
    let mut boundary = MULTIPART_BOUNDARY.to_string();
    let mut n = 0u32;
    while fields
        .iter()
        .any(|(k, v)| k.contains(boundary.as_str()) || v.contains(boundary.as_str()))
    {
        n += 1;
        boundary = crate::concat(&[MULTIPART_BOUNDARY, "-", &n.to_string()]);
    }
    // --b CRLF, Content-Disposition line (40 + name) CRLF CRLF, value CRLF; then --b-- CRLF.
    let len: usize = fields
        .iter()
        .map(|(k, v)| boundary.len() + k.len() + v.len() + 50)
        .sum::<usize>()
        + boundary.len()
        + 6;
    let mut out = String::with_capacity(len);
    for (k, v) in fields {
        out.push_str("--");
        out.push_str(&boundary);
        out.push_str("\r\nContent-Disposition: form-data; name=\"");
        out.push_str(k);
        out.push_str("\"\r\n\r\n");
        out.push_str(v);
        out.push_str("\r\n");
    }
    out.push_str("--");
    out.push_str(&boundary);
    out.push_str("--\r\n");
    let content_type = crate::concat(&["multipart/form-data; boundary=", &boundary]);
    (out, content_type)
}

/// The body as a JSON object, or `None` (empty, not JSON, or JSON but not an object).
pub(crate) fn json_object(body: &str) -> Option<Map<String, Value>> {
    let body = body.trim_start_matches('\u{feff}').trim();
    if body.is_empty() {
        return None;
    }
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// A map entry whose key matches `key` case-insensitively (exact match preferred).
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A string field, trimmed, when present and non-empty.
pub(crate) fn str_of<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A scalar (string or number) as text: ids arrive both ways.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The scalars of an array (or a single scalar) as text, skipping anything else.
pub(crate) fn scalar_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(scalar_text).collect(),
        Some(other) => scalar_text(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// `s` cut to at most `max` characters (on a char boundary), with `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// Provider text fit for a one-line `detail`: control characters and runs of whitespace collapsed
/// to one space, then cut to [`MAX_QUOTE_CHARS`].
pub(crate) fn quote(s: &str) -> String {
    // Cut generously first so a huge body costs no more than a few kilobytes of work.
    let head = truncate(s, MAX_QUOTE_CHARS * 4);
    let mut flat = String::with_capacity(head.len());
    let mut space = false;
    for c in head.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
        } else {
            if space && !flat.is_empty() {
                flat.push(' ');
            }
            space = false;
            flat.push(c);
        }
    }
    truncate(&flat, MAX_QUOTE_CHARS)
}

/// A short excerpt of a body that could not be understood, for `detail`.
pub(crate) fn body_excerpt(body: &str) -> String {
    let q = quote(body);
    if q.is_empty() {
        "the body is empty".to_string()
    } else {
        format!("the body starts with: {q}")
    }
}

/// Provider free text turned into a code: trimmed, ASCII letters lower-cased (providers answer in
/// English or Indonesian; full Unicode case tables would cost the web build ~10 KB), cut to
/// [`MAX_CODE_CHARS`].
pub(crate) fn text_code(s: &str) -> String {
    truncate(&quote(s).to_ascii_lowercase(), MAX_CODE_CHARS)
}

/// `http.<status>`, the code of answers that carry no provider code.
pub(crate) fn http_code(status: u16) -> String {
    format!("http.{status}")
}

pub(crate) fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

pub(crate) fn is_server_error(status: u16) -> bool {
    (500..600).contains(&status)
}

pub(crate) fn is_client_error(status: u16) -> bool {
    (400..500).contains(&status)
}

/// `Retry-After` in milliseconds when the header holds delta-seconds (integer or decimal),
/// rounded up to the next millisecond. The HTTP-date form is ignored: the core reads no clock, so
/// the caller's default applies. Read with integers: `str::parse::<f64>` alone brought some 8 KB
/// of float parsing into the web build.
pub(crate) fn retry_after_ms(resp: &HttpResponse) -> Option<i64> {
    let raw = resp.header("retry-after")?.trim();
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    let secs = whole.bytes().fold(0i64, |n, b| {
        n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    let mut ms = 0i64;
    for (i, b) in fraction.bytes().enumerate() {
        let d = i64::from(b - b'0');
        match i {
            0..=2 => ms += d * [100, 10, 1][i],
            // Beyond the millisecond: any non-zero digit rounds up.
            _ if d > 0 => {
                ms += 1;
                break;
            }
            _ => {}
        }
    }
    Some(
        secs.saturating_mul(1000)
            .saturating_add(ms)
            .min(MAX_RETRY_AFTER_MS),
    )
}

/// A classification without message ids or back-off.
pub(crate) fn classified(
    classification: Classification,
    code: Option<String>,
    detail: impl Into<String>,
) -> Classified {
    Classified {
        classification,
        code,
        detail: detail.into(),
        message_ids: Vec::new(),
        retry_after_ms: None,
        profile_error: false,
    }
}

/// A `config_error` about the profile itself (credentials, account, endpoint): the host moves the
/// profile to error (see [`Classified::profile_error`]).
pub(crate) fn profile_error(code: Option<String>, detail: impl Into<String>) -> Classified {
    Classified {
        profile_error: true,
        ..classified(Classification::ConfigError, code, detail)
    }
}

/// HTTP statuses that say the credentials or the endpoint are wrong, whatever the body: 401
/// (not authenticated), 403 (not allowed), 404 (no such endpoint: base URL or version).
pub(crate) fn is_profile_status(status: u16) -> bool {
    matches!(status, 401 | 403 | 404)
}

/// A throttled classification: `Retry-After` when the answer has one, else `default_ms`.
pub(crate) fn throttled(
    resp: &HttpResponse,
    code: Option<String>,
    detail: impl Into<String>,
    default_ms: i64,
) -> Classified {
    Classified {
        retry_after_ms: Some(retry_after_ms(resp).unwrap_or(default_ms)),
        ..classified(Classification::Throttled, code, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_follows_the_spec() {
        assert_eq!(form_encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(form_encode("a b"), "a+b");
        assert_eq!(form_encode("a+b&c=d/e?"), "a%2Bb%26c%3Dd%2Fe%3F");
        assert_eq!(form_encode("Yth. Budi\n"), "Yth.+Budi%0A");
        assert_eq!(form_encode("é•"), "%C3%A9%E2%80%A2");
        assert_eq!(form_encode("🙂"), "%F0%9F%99%82");
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn multipart_bytes_and_boundary() {
        let (body, ct) = multipart_body(&[("a", "1 2\r\n&"), ("b", "é")]);
        assert_eq!(
            ct,
            "multipart/form-data; boundary=sicantik-whatsapp-form-boundary"
        );
        assert_eq!(
            body,
            "--sicantik-whatsapp-form-boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\
             1 2\r\n&\r\n--sicantik-whatsapp-form-boundary\r\nContent-Disposition: form-data; \
             name=\"b\"\r\n\r\né\r\n--sicantik-whatsapp-form-boundary--\r\n"
        );
        assert!(body.len() <= body.capacity());
        // A value holding the boundary (and its first replacement) gets the next one.
        let text = "x sicantik-whatsapp-form-boundary y sicantik-whatsapp-form-boundary-1";
        let (body, ct) = multipart_body(&[("message", text)]);
        assert_eq!(
            ct,
            "multipart/form-data; boundary=sicantik-whatsapp-form-boundary-2"
        );
        assert!(body.starts_with("--sicantik-whatsapp-form-boundary-2\r\n"));
        assert!(body.ends_with("\r\n--sicantik-whatsapp-form-boundary-2--\r\n"));
        assert_eq!(
            multipart_body(&[]).0,
            "--sicantik-whatsapp-form-boundary--\r\n"
        );
    }

    #[test]
    fn truncation_is_char_safe() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc…");
        assert_eq!(truncate("ééé", 2), "éé…");
        assert_eq!(truncate("🙂🙂🙂", 1), "🙂…");
        assert_eq!(quote("  a\n\t b \r\n"), "a b");
        assert_eq!(
            quote(&"x".repeat(10_000)).chars().count(),
            MAX_QUOTE_CHARS + 1
        );
        assert_eq!(text_code("  Invalid TOKEN "), "invalid token");
    }

    #[test]
    fn retry_after_parsing() {
        let with = |v: &str| HttpResponse {
            status: 429,
            headers: [("Retry-After".to_string(), v.to_string())].into(),
            body: String::new(),
        };
        assert_eq!(retry_after_ms(&with("7")), Some(7000));
        assert_eq!(retry_after_ms(&with(" 1.5 ")), Some(1500));
        assert_eq!(retry_after_ms(&with("0")), Some(0));
        assert_eq!(retry_after_ms(&with("-3")), None);
        // Rounded up to the millisecond, as ceil(seconds × 1000).
        assert_eq!(retry_after_ms(&with("0.0001")), Some(1));
        assert_eq!(retry_after_ms(&with("2.25")), Some(2250));
        assert_eq!(retry_after_ms(&with("2.2500")), Some(2250));
        assert_eq!(retry_after_ms(&with(".5")), Some(500));
        assert_eq!(retry_after_ms(&with("5.")), Some(5000));
        assert_eq!(
            retry_after_ms(&with("99999999999999999999")),
            Some(MAX_RETRY_AFTER_MS)
        );
        for bad in [".", "", "1.2.3", "1e3", "+1", " 1 2"] {
            assert_eq!(retry_after_ms(&with(bad)), None, "{bad:?}");
        }
        assert_eq!(retry_after_ms(&with("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert_eq!(retry_after_ms(&with("1.2.3")), None);
        assert_eq!(
            retry_after_ms(&with("99999999999999999999999")),
            Some(MAX_RETRY_AFTER_MS)
        );
        assert_eq!(retry_after_ms(&HttpResponse::default()), None);
    }

    #[test]
    fn json_object_is_lenient_and_safe() {
        assert!(json_object("").is_none());
        assert!(json_object("<html>").is_none());
        assert!(json_object("[1]").is_none());
        assert!(json_object("\u{feff} {\"a\":1} ").is_some());
        assert!(json_object(&"[".repeat(100_000)).is_none());
    }
}
