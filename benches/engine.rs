//! Native benchmarks of the engine (`make bench`): the cost of planning one message — route,
//! resolve, convert, build the request — per provider, and a batch of 100,000 recipients with its
//! peak memory. Prints one JSON line per measurement for benches/report.mjs; targets are in
//! the README's performance section, never asserted here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::json;
use sicantik_whatsapp::model::{EngineConfig, Notification};
use sicantik_whatsapp::Engine;

/// Counts live and peak heap bytes, to report the batch's peak memory.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: same contract as the System allocator we forward to.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: ptr came from System.alloc with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const PROVIDERS_RR: [&str; 3] = ["meta", "watzap", "fonnte"];

fn config() -> EngineConfig {
    serde_json::from_value(config_json()).expect("bench config is valid")
}

fn config_json() -> serde_json::Value {
    json!({
        "fallbackOrder": ["watzap", "fonnte"],
        "optIn": {"url": "https://dpmptsp.karokab.go.id/wa/setuju"},
        "providers": [
            {"id": "meta", "kind": "meta", "state": "configured", "credentials": {"accessToken": "t", "phoneNumberId": "1", "wabaId": "2"}},
            {"id": "watzap", "kind": "watzap", "state": "configured", "credentials": {"apiKey": "k", "numberKey": "n"}},
            {"id": "fonnte", "kind": "fonnte", "state": "configured", "credentials": {"token": "t"}}
        ],
        "templates": [{
            "code": "permit_ready", "name": "Izin terbit", "language": "id",
            "body": "Yth. {{partner_name}}, izin {{permit_type}} Anda dengan nomor {{permit_number}} telah terbit dan dapat diambil di {{office_name}}. Terima kasih.",
            "meta": {"templateName": "permit_ready", "language": "id"}
        }]
    })
}

fn notification(i: usize, opt_in: bool, force: Option<&str>) -> Notification {
    serde_json::from_value(notification_json(i, opt_in, force))
        .expect("bench notification is valid")
}

fn notification_json(i: usize, opt_in: bool, force: Option<&str>) -> serde_json::Value {
    json!({
        "template": "permit_ready",
        "recipient": {"phone": format!("0812{:08}", i % 100_000_000), "name": "Budi", "metaOptIn": opt_in},
        "values": {"partner_name": format!("Warga {i}"), "permit_type": "PBG", "permit_number": format!("503/PBG/2026/{i:05}"), "office_name": "DPMPTSP Kabupaten Karo"},
        "forceProvider": force
    })
}

fn report(name: &str, per_op_ns: f64, extra: serde_json::Value) {
    let mut line = json!({"bench": name, "nsPerOp": (per_op_ns * 10.0).round() / 10.0});
    if let (Some(l), Some(e)) = (line.as_object_mut(), extra.as_object()) {
        l.extend(e.clone());
    }
    println!("{line}");
}

/// Time `f` over enough iterations for about `budget_ms`, after a warm-up; ns per call.
fn time_per_call(budget_ms: u128, mut f: impl FnMut(usize)) -> f64 {
    for i in 0..1_000 {
        f(i);
    }
    let mut iters = 1_000usize;
    loop {
        let start = Instant::now();
        for i in 0..iters {
            f(i);
        }
        let elapsed = start.elapsed();
        if elapsed.as_millis() >= budget_ms || iters >= 1 << 26 {
            return elapsed.as_nanos() as f64 / iters as f64;
        }
        iters *= 2;
    }
}

fn main() {
    let engine = Engine::new(config()).expect("engine");
    for (provider, opt_in) in [("meta", true), ("watzap", false), ("fonnte", false)] {
        let items: Vec<Notification> = (0..1024)
            .map(|i| notification(i, opt_in, Some(provider)))
            .collect();
        let ns = time_per_call(300, |i| {
            black_box(
                engine
                    .plan(black_box(&items[i % items.len()]))
                    .expect("plan"),
            );
        });
        report(&format!("native.plan.{provider}"), ns, json!({}));
    }
    let routed: Vec<Notification> = (0..1024)
        .map(|i| notification(i, i % 3 == 0, None))
        .collect();
    let ns = time_per_call(300, |i| {
        black_box(
            engine
                .decide(black_box(&routed[i % routed.len()]))
                .expect("decide"),
        );
    });
    report("native.decide", ns, json!({}));

    // The JSON path every Wasm host takes (ops::Host::call): what the engine costs natively once
    // parsing the call and writing the answer are included.
    let mut host = sicantik_whatsapp::ops::Host::new();
    let configured = host.call(&json!({"op": "configure", "args": config_json()}).to_string());
    assert!(configured.starts_with("{\"ok\""), "{configured}");
    let items: Vec<serde_json::Value> = (0..10_000)
        .map(|i| notification_json(i, PROVIDERS_RR[i % 3] == "meta", Some(PROVIDERS_RR[i % 3])))
        .collect();
    let call = json!({"op": "planBatch", "args": {"notifications": items}}).to_string();
    let ns = time_per_call(300, |_| {
        black_box(host.call(black_box(&call)));
    });
    report("native.ops.planBatch10k", ns / 10_000.0, json!({}));
    let compact =
        json!({"op": "planBatch", "args": {"notifications": items, "compact": true}}).to_string();
    let ns = time_per_call(300, |_| {
        black_box(host.call(black_box(&compact)));
    });
    report("native.ops.planBatchCompact10k", ns / 10_000.0, json!({}));

    placeholders(&mut sicantik_whatsapp::ops::Host::new());
    // Shadow replay of a routing change over 10,000 messages (issue 18: seconds, not minutes):
    // the Meta profile back to draft and the gateways swapped, every message routed (not forced)
    // with both configurations through the JSON ops, as a host calls it. Best of 3 runs.
    let mut draft = config_json();
    draft["providers"][0]["state"] = json!("draft");
    draft["fallbackOrder"] = json!(["fonnte", "watzap"]);
    let messages: Vec<serde_json::Value> = (0..10_000)
        .map(|i| json!({"ref": i, "notification": notification_json(i, i % 3 == 0, None)}))
        .collect();
    let call = json!({"op": "replay", "args": {"current": config_json(), "draft": draft, "messages": messages}})
        .to_string();
    let mut best = f64::MAX;
    let mut changed = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let answer = host.call(black_box(&call));
        best = best.min(start.elapsed().as_nanos() as f64);
        let v: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
        changed = v["ok"]["changed"].as_u64().expect("a replay report");
    }
    report(
        "native.ops.replay10k",
        best / 10_000.0,
        json!({"totalMs": (best / 1e5).round() / 10.0, "changed": changed}),
    );

    // 100,000 recipients: build the notifications first, then measure planning and its peak heap.
    let batch: Vec<Notification> = (0..100_000)
        .map(|i| notification(i, i % 3 == 0, None))
        .collect();
    // Streamed: each plan handed on (to a queue, a sender) as soon as it is made, as a native
    // integrator sending a batch would; only one plan is alive at a time.
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let mut bytes = 0usize;
    for n in &batch {
        let plan = engine.plan(black_box(n)).expect("plan");
        bytes += plan
            .request
            .as_ref()
            .map_or(0, |r| r.body.as_deref().map_or(0, str::len));
        black_box(plan);
    }
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    report(
        "native.batch100k.streamed",
        elapsed.as_nanos() as f64 / batch.len() as f64,
        json!({"totalMs": elapsed.as_millis(), "peakHeapKiB": (peak as f64 / 1024.0).round(), "bodyMiB": mib(bytes)}),
    );

    // Kept: all 100,000 plans in memory at once.
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let plans: Vec<_> = batch
        .iter()
        .map(|n| engine.plan(n).expect("plan"))
        .collect();
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    report(
        "native.batch100k",
        elapsed.as_nanos() as f64 / batch.len() as f64,
        json!({"totalMs": elapsed.as_millis(), "peakHeapMiB": mib(peak), "plans": plans.len()}),
    );
    drop(plans);

    // The same 100,000 through the JSON ops with compact plans, as a host gets them: plans are
    // written to the answer as they are made, so the peak is the call text and the answer.
    let call =
        json!({"op": "planBatch", "args": {"notifications": batch, "compact": true}}).to_string();
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let answer = host.call(&call);
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    report(
        "native.ops.batch100k",
        elapsed.as_nanos() as f64 / 100_000.0,
        json!({"totalMs": elapsed.as_millis(), "peakHeapMiB": mib(peak), "answerMiB": mib(answer.len()), "callMiB": mib(call.len())}),
    );
}

/// Engine cost against the number of distinct placeholders (issue 13: it was quadratic, 243 s to
/// configure 100,000): `configure` then `preview` through the JSON ops, with a Meta mapping so
/// lint runs too. Linear cost keeps `nsPerPlaceholder` flat from 100 to the limit; the ratio of
/// the two is the figure to watch (≈ 1 linear, ≈ 10 quadratic).
fn placeholders(host: &mut sicantik_whatsapp::ops::Host) {
    let max = sicantik_whatsapp::limits::PLACEHOLDERS_MAX;
    let call = |n: usize| {
        let names: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
        let body: Vec<String> = names.iter().map(|n| format!("{{{{{n}}}}}")).collect();
        let values: serde_json::Map<String, serde_json::Value> =
            names.iter().map(|n| (n.clone(), json!("v"))).collect();
        let mut config = config_json();
        config["templates"] = json!([{"code": "many", "name": "Many", "body": format!("Isi: {}.", body.join(", ")),
            "meta": {"templateName": "many", "bodyParams": names}}]);
        let configure = json!({"op": "configure", "args": config}).to_string();
        let preview = json!({"op": "preview", "args": {"template": "many",
            "recipient": {"phone": "081234567890", "metaOptIn": true}, "values": values}})
        .to_string();
        (configure, preview)
    };
    let mut per = Vec::new();
    for n in [max / 10, max] {
        let (configure, preview) = call(n);
        let ns = time_per_call(300, |_| {
            let c = host.call(black_box(&configure));
            let p = host.call(black_box(&preview));
            black_box((c, p));
        });
        per.push(ns / n as f64);
        report(
            &format!("native.placeholders.{n}"),
            ns,
            json!({"placeholders": n, "nsPerPlaceholder": (ns / n as f64).round()}),
        );
    }
    let ratio = per[1] / per[0];
    report(
        "native.placeholders.ratio",
        0.0,
        json!({"ratio": (ratio * 100.0).round() / 100.0}),
    );
    // 100,000 placeholders (the 243 s case): refused before parsing, by the first limit it
    // breaks (its body is over 1 MB, so `limit.template_text`), in time proportional to the text.
    let (configure, _) = call(100_000);
    let start = Instant::now();
    let answer = host.call(&configure);
    let refused = start.elapsed();
    let code = ["limit.template_text", "limit.placeholders"]
        .into_iter()
        .find(|c| answer.contains(c));
    assert!(code.is_some(), "{}", answer.get(..200).unwrap_or(&answer));
    report(
        "native.placeholders.100k",
        refused.as_nanos() as f64,
        json!({"totalMs": refused.as_millis(), "code": code}),
    );
}

fn mib(bytes: usize) -> f64 {
    (bytes as f64 / 1048576.0 * 10.0).round() / 10.0
}
