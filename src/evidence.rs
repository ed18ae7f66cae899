//! Tamper-evident evidence: the canonical form of what happened to a notification or a consent,
//! and the hash chain over it.
//!
//! Every host gets the same bytes from here: a [`Fact`] (who, which template, which provider,
//! which answer, when, the consent evidence) is normalized — a message body or a provider answer
//! is replaced by its SHA-256, so purging the text later (retention) keeps the chain verifiable —
//! and an entry's hash is SHA-256 over `{"v":1,"seq":…,"prevHash":…,"fact":{…}}`, serialized
//! compactly with the fields in the order declared below (absent ones left out). The first entry
//! of a chain links to [`GENESIS`].
//!
//! [`verify`] walks stored entries and names the first that no longer matches: a broken link, a
//! hash that is not the entry's, or (when the host rebuilt the fact from the live records) a
//! record that changed since it was chained.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Version of the canonical form (part of every hashed entry).
pub const CANONICAL_VERSION: u32 = 1;
/// The `prevHash` of a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Longest short text in a fact (ids, codes, a consent statement, a user agent), in bytes.
pub const MAX_TEXT: usize = 4096;
/// Longest body or provider answer that is digested, in bytes.
pub const MAX_DIGESTED: usize = 1 << 20;
/// Most entries one `evidenceVerify` call walks (a host verifies a long chain in pages).
pub const MAX_ENTRIES: usize = 10_000;

/// What happened, in the engine's catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// A message reached a state (sent, failed, unknown, deferred, queued again…).
    #[serde(rename = "message.outcome")]
    MessageOutcome,
    /// A provider reported a delivery status (delivered, read, failed) for a message.
    #[serde(rename = "message.status")]
    MessageStatus,
    #[serde(rename = "consent.opt_in")]
    ConsentOptIn,
    #[serde(rename = "consent.opt_out")]
    ConsentOptOut,
    /// Message texts, payloads and provider answers older than the retention period were purged.
    #[serde(rename = "retention.purge")]
    RetentionPurge,
}

/// One thing that happened, as a host reports it. `body` and `answer` are given as text (the
/// engine digests them) or, once purged, as their `bodySha256` / `answerSha256`; never both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fact {
    pub kind: Kind,
    pub at_ms: i64,
    /// The chain it belongs to (the host's company).
    pub company: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Input only: replaced by `bodySha256`.
    #[serde(default, skip_serializing)]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
    /// Input only: replaced by `answerSha256`.
    #[serde(default, skip_serializing)]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Retention: how many messages were purged, and the cut-off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purged: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purged_before_ms: Option<i64>,
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn check_hash(field: &str, value: &str) -> Result<()> {
    if is_hash(value) {
        Ok(())
    } else {
        Err(Error::input(format!(
            "`{field}` must be 64 lowercase hex digits (a SHA-256)"
        )))
    }
}

/// Text given as itself or as its digest: the digest, checked.
fn digest_of(name: &str, text: Option<String>, digest: Option<String>) -> Result<Option<String>> {
    match (text, digest) {
        (Some(_), Some(_)) => Err(Error::input(format!(
            "give `{name}` or `{name}Sha256`, not both"
        ))),
        (Some(t), None) if t.len() > MAX_DIGESTED => Err(Error::input(format!(
            "`{name}` is longer than {MAX_DIGESTED} bytes"
        ))),
        (Some(t), None) => Ok(Some(sha256_hex(t.as_bytes()))),
        (None, Some(d)) => {
            check_hash(&format!("{name}Sha256"), &d)?;
            Ok(Some(d))
        }
        (None, None) => Ok(None),
    }
}

impl Fact {
    /// The fact as it is hashed: texts replaced by their digests, every field checked.
    pub fn normalized(mut self) -> Result<Fact> {
        self.body_sha256 = digest_of("body", self.body.take(), self.body_sha256.take())?;
        self.answer_sha256 = digest_of("answer", self.answer.take(), self.answer_sha256.take())?;
        for (name, value) in [
            ("phone", &self.phone),
            ("template", &self.template),
            ("provider", &self.provider),
            ("state", &self.state),
            ("deliveryStatus", &self.delivery_status),
            ("providerMessageId", &self.provider_message_id),
            ("errorCode", &self.error_code),
            ("source", &self.source),
            ("evidence", &self.evidence),
            ("ipAddress", &self.ip_address),
            ("userAgent", &self.user_agent),
        ] {
            if value.as_ref().is_some_and(|v| v.len() > MAX_TEXT) {
                return Err(Error::input(format!(
                    "`{name}` is longer than {MAX_TEXT} bytes"
                )));
            }
        }
        let missing = |what: &str| {
            Err(Error::input(format!(
                "a {} fact needs `{what}`",
                self.kind_name()
            )))
        };
        match self.kind {
            Kind::MessageOutcome | Kind::MessageStatus => {
                if self.message.is_none() {
                    return missing("message");
                }
                if self.state.is_none() {
                    return missing("state");
                }
            }
            Kind::ConsentOptIn | Kind::ConsentOptOut => {
                if self.consent.is_none() {
                    return missing("consent");
                }
                if self.partner.is_none() {
                    return missing("partner");
                }
            }
            Kind::RetentionPurge => {
                if self.purged.is_none() {
                    return missing("purged");
                }
                if self.purged_before_ms.is_none() {
                    return missing("purgedBeforeMs");
                }
            }
        }
        Ok(self)
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::MessageOutcome => "message.outcome",
            Kind::MessageStatus => "message.status",
            Kind::ConsentOptIn => "consent.opt_in",
            Kind::ConsentOptOut => "consent.opt_out",
            Kind::RetentionPurge => "retention.purge",
        }
    }
}

/// What is hashed: the canonical form's envelope.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    v: u32,
    seq: u64,
    prev_hash: &'a str,
    fact: &'a Fact,
}

/// A chained entry: its canonical text and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub seq: u64,
    pub prev_hash: String,
    pub hash: String,
    pub canonical: String,
    pub fact: Fact,
}

/// Chain `fact` as entry `seq` (from 1) after the entry whose hash is `prev_hash`.
pub fn entry(fact: Fact, seq: u64, prev_hash: &str) -> Result<Entry> {
    if seq == 0 {
        return Err(Error::input("`seq` starts at 1"));
    }
    check_hash("prevHash", prev_hash)?;
    let fact = fact.normalized()?;
    let (canonical, hash) = hash_of(&fact, seq, prev_hash)?;
    Ok(Entry {
        seq,
        prev_hash: prev_hash.to_string(),
        hash,
        canonical,
        fact,
    })
}

fn hash_of(fact: &Fact, seq: u64, prev_hash: &str) -> Result<(String, String)> {
    let canonical = serde_json::to_string(&Envelope {
        v: CANONICAL_VERSION,
        seq,
        prev_hash,
        fact,
    })
    .map_err(|e| Error::input(format!("cannot encode the fact: {e}")))?;
    let hash = sha256_hex(canonical.as_bytes());
    Ok((canonical, hash))
}

/// An entry as a host stored it, with (optionally) the fact rebuilt from the live records.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StoredEntry {
    pub seq: u64,
    pub prev_hash: String,
    pub hash: String,
    pub fact: Fact,
    /// What the same fact reads like today; differs when the record was edited after the fact.
    #[serde(default)]
    pub current: Option<Fact>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyArgs {
    /// The hash the first given entry must link to: [`GENESIS`] when absent (a whole chain);
    /// the last verified hash when a host verifies page by page.
    #[serde(default)]
    pub prev_hash: Option<String>,
    /// The `seq` of the first given entry (1 when absent).
    #[serde(default)]
    pub first_seq: Option<u64>,
    pub entries: Vec<StoredEntry>,
}

/// The first entry that no longer matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mismatch {
    /// Position in the given entries.
    pub index: usize,
    pub seq: u64,
    /// `evidence.sequence_gap`, `evidence.broken_link`, `evidence.hash_mismatch` or
    /// `evidence.record_changed`.
    pub code: &'static str,
    pub message: String,
    /// For `evidence.record_changed`: the fact's fields that differ, in canonical order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub valid: bool,
    /// Entries found matching (before the mismatch, if any).
    pub checked: usize,
    /// The hash of the last matching entry (the `prevHash` of the next page).
    pub head_hash: String,
    pub mismatch: Option<Mismatch>,
}

/// Walk `entries` in order; stop at the first that no longer matches.
pub fn verify(args: VerifyArgs) -> Result<Verification> {
    if args.entries.len() > MAX_ENTRIES {
        return Err(Error::input(format!(
            "verify at most {MAX_ENTRIES} entries per call"
        )));
    }
    let mut prev = args.prev_hash.unwrap_or_else(|| GENESIS.to_string());
    check_hash("prevHash", &prev)?;
    let mut checked = 0;
    let seqs = args.first_seq.unwrap_or(1)..;
    for (seq, (index, e)) in seqs.zip(args.entries.into_iter().enumerate()) {
        let mismatch = |code, message: String, fields| Mismatch {
            index,
            seq: e.seq,
            code,
            message,
            fields,
        };
        let found = if e.seq != seq {
            Some(mismatch(
                "evidence.sequence_gap",
                format!("entry {} found where entry {seq} was expected", e.seq),
                Vec::new(),
            ))
        } else if e.prev_hash != prev {
            Some(mismatch(
                "evidence.broken_link",
                format!("entry {seq} does not link to the entry before it"),
                Vec::new(),
            ))
        } else {
            let fact = e.fact.normalized()?;
            let (_, hash) = hash_of(&fact, e.seq, &e.prev_hash)?;
            if hash != e.hash {
                Some(mismatch(
                    "evidence.hash_mismatch",
                    format!("entry {seq} was changed after it was chained"),
                    Vec::new(),
                ))
            } else if let Some(current) = e.current {
                let fields = differing_fields(&fact, &current.normalized()?)?;
                if fields.is_empty() {
                    None
                } else {
                    Some(mismatch(
                        "evidence.record_changed",
                        format!(
                            "the record of entry {seq} no longer matches it: {}",
                            fields.join(", ")
                        ),
                        fields,
                    ))
                }
            } else {
                None
            }
        };
        if let Some(m) = found {
            return Ok(Verification {
                valid: false,
                checked,
                head_hash: prev,
                mismatch: Some(m),
            });
        }
        prev = e.hash;
        checked += 1;
    }
    Ok(Verification {
        valid: true,
        checked,
        head_hash: prev,
        mismatch: None,
    })
}

fn differing_fields(chained: &Fact, current: &Fact) -> Result<Vec<String>> {
    let as_map = |f: &Fact| match serde_json::to_value(f) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        _ => Err(Error::input("cannot encode the fact")),
    };
    let (a, b) = (as_map(chained)?, as_map(current)?);
    // Canonical order: the chained fact's keys, then any only the current one has.
    let mut fields: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    fields.extend(b.keys().filter(|k| !a.contains_key(*k)).cloned());
    Ok(fields)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn fact(json: serde_json::Value) -> Fact {
        serde_json::from_value(json).expect("a fact")
    }

    fn sent(state: &str) -> Fact {
        fact(
            serde_json::json!({"kind": "message.outcome", "atMs": 1_764_000_000_000i64,
            "company": 1, "partner": 7, "message": 42, "template": "permit_ready",
            "provider": "meta", "state": state, "body": "Yth. Budi, izin Anda telah terbit."}),
        )
    }

    #[test]
    fn sha256_matches_the_standard_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_body_and_its_digest_chain_to_the_same_hash() {
        let with_body = entry(sent("sent"), 1, GENESIS).expect("entry");
        let digest = sha256_hex("Yth. Budi, izin Anda telah terbit.".as_bytes());
        let mut purged = sent("sent");
        purged.body = None;
        purged.body_sha256 = Some(digest.clone());
        let after_purge = entry(purged, 1, GENESIS).expect("entry");
        assert_eq!(with_body.hash, after_purge.hash);
        assert!(with_body.canonical.contains(&digest));
        assert!(!with_body.canonical.contains("Budi"));
    }

    #[test]
    fn verify_names_the_first_entry_that_no_longer_matches() {
        let first = entry(sent("failed"), 1, GENESIS).expect("entry");
        let second = entry(sent("sent"), 2, &first.hash).expect("entry");
        let stored = |e: &Entry, current: Option<Fact>| StoredEntry {
            seq: e.seq,
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
            fact: e.fact.clone(),
            current,
        };
        let ok = verify(VerifyArgs {
            prev_hash: None,
            first_seq: None,
            entries: vec![stored(&first, None), stored(&second, Some(sent("sent")))],
        })
        .expect("verify");
        assert!(ok.valid && ok.checked == 2 && ok.head_hash == second.hash);
        // The message's state edited afterwards (e.g. through SQL).
        let changed = verify(VerifyArgs {
            prev_hash: None,
            first_seq: None,
            entries: vec![stored(&first, None), stored(&second, Some(sent("failed")))],
        })
        .expect("verify");
        let m = changed.mismatch.expect("a mismatch");
        assert_eq!(
            (m.seq, m.code, m.fields),
            (2, "evidence.record_changed", vec!["state".to_string()])
        );
        // The entry itself edited.
        let mut forged = stored(&first, None);
        forged.fact.state = Some("sent".into());
        let m = verify(VerifyArgs {
            prev_hash: None,
            first_seq: None,
            entries: vec![forged, stored(&second, None)],
        })
        .expect("verify")
        .mismatch
        .expect("a mismatch");
        assert_eq!((m.index, m.code), (0, "evidence.hash_mismatch"));
    }

    #[test]
    fn bad_facts_are_input_errors() {
        let mut f = sent("sent");
        f.body_sha256 = Some("00".into());
        assert_eq!(entry(f, 1, GENESIS).unwrap_err().code(), "input.invalid");
        let mut f = sent("sent");
        f.message = None;
        assert_eq!(entry(f, 1, GENESIS).unwrap_err().code(), "input.invalid");
        assert_eq!(
            entry(sent("sent"), 0, GENESIS).unwrap_err().code(),
            "input.invalid"
        );
        assert_eq!(
            entry(sent("sent"), 1, "xyz").unwrap_err().code(),
            "input.invalid"
        );
    }
}
