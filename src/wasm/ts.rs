//! Hand-written TypeScript for every boundary shape (mirrors `src/model`, `src/preview.rs`,
//! `src/lint.rs`, `src/dispatch.rs`). `tsc --strict --noEmit` over a usage file catches drift.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export type ProviderKind = "meta" | "watzap" | "fonnte";
export type ProviderState = "draft" | "configured" | "error";
/** A value written by the engine in the template's language: `{type: "date", value: "2027-01-31"}` → `31 Januari 2027`. */
export interface TypedValue {
  type: "date" | "datetime" | "number" | "currency" | "text"; value: string | number;
  /** ISO 4217 code of a `currency` value (default IDR). */ currency?: string | null;
  /** Digits after the decimal mark of a number or amount. */ decimals?: number | null;
}
export type Values = Record<string, string | number | boolean | null | TypedValue>;

export interface Credentials {
  accessToken?: string | null; phoneNumberId?: string | null; wabaId?: string | null;
  apiKey?: string | null; numberKey?: string | null; token?: string | null;
}
export interface ProviderConfig {
  id: string; kind: ProviderKind; state?: ProviderState; name?: string | null;
  baseUrl?: string | null; apiVersion?: string | null; timeoutMs?: number | null;
  /** Most sends per minute, evenly spaced (gateways ban bursts); 0 or absent: no limit; ≤ 60000. */
  ratePerMinute?: number | null;
  credentials?: Credentials;
}
export interface MetaMapping {
  templateName: string; language?: string | null; paramFormat?: "positional" | "named";
  bodyParams?: string[]; headerParam?: string | null; buttonIndex?: number | null; status?: string | null;
  /** Meta's quality score (`RED`: Meta is not used for the template). */
  quality?: string | null;
  /** Body parameters of the version Meta approved (another count: Meta is skipped). */
  approvedBodyParamCount?: number | null;
}
export interface GatewayMapping { body?: string | null; variables?: string[]; }
export interface MasterTemplate {
  code: string; name?: string; language?: string | null; body: string; header?: string | null;
  buttonUrlSuffix?: string | null; params?: string[]; appendOptInLink?: boolean | null;
  /** Sent at any time, even in quiet hours and on office holidays. */
  urgent?: boolean;
  meta?: MetaMapping | null; watzap?: GatewayMapping | null; fonnte?: GatewayMapping | null;
}
export interface OptInConfig { url?: string | null; text?: string | null; }
/** Local times `HH:MM` (end exclusive; equal: no window) and local dates `YYYY-MM-DD`. */
export interface QuietHoursConfig { start?: string; end?: string; holidays?: string[]; }
export interface EngineConfig {
  defaultProvider?: string | null; fallbackOrder?: string[]; optIn?: OptInConfig | null;
  defaultCountry?: string | null; providers?: ProviderConfig[]; templates?: MasterTemplate[];
  /** Absent: messages leave at any time. */
  quietHours?: QuietHoursConfig | null;
}
/** `optInUrl`: the recipient's own consent link; when set it is also the value of `{{opt_in_link}}`, whatever `values` say. */
export interface Recipient {
  phone: string; name?: string | null; metaOptIn?: boolean; optedOut?: boolean; optInUrl?: string | null;
  /** IANA zone for quiet hours (WIB when absent); `utcOffsetMinutes`: its offset at now, for zones the engine does not know. */
  timeZone?: string | null; utcOffsetMinutes?: number | null;
}
export interface Notification {
  template: string; recipient: Recipient; values?: Values;
  forceProvider?: string | null; idempotencyKey?: string | null;
}
/** `provider` and `args` are the arguments of the code's catalogue sentence: never parse `message`. */
export interface TraceStep { code: string; message: string; provider?: string; args?: Record<string, string>; }
export interface Decision {
  provider: string | null; kind: ProviderKind | null; chain: string[]; appendOptInLink: boolean;
  phone: string; template: string; trace: TraceStep[];
}
export interface HttpRequest {
  method: string; url: string; headers: Record<string, string>; body: string | null; timeoutMs: number;
}
export interface HttpResponse { status: number; headers?: Record<string, string>; body?: string; }
export interface TransportError { kind: "connect" | "timeout" | "other"; maybeSent: boolean; message?: string; }
export type Classification = "accepted" | "rejected" | "config_error" | "throttled" | "provider_down" | "unknown";
export interface Attempt {
  provider: string; kind: ProviderKind; classification: Classification; code: string | null; detail: string;
  /** The profile itself is broken (credentials, account): the host moves it to error. */
  profileError: boolean;
  messageIds: string[]; request: HttpRequest | null; response: HttpResponse | null;
  transportError: TransportError | null; atMs: number;
}
export interface Outcome {
  status: "sent" | "failed" | "unknown" | "deferred"; provider: string | null; messageIds: string[];
  code: string | null; message: string | null; retryAtMs: number | null; idempotencyKey: string | null;
  attempts: Attempt[];
  /** Why a message waits before any request (quiet hours, holidays); absent otherwise. */
  trace?: TraceStep[];
}
/** The `quietHours` op's answer (`engine.call("quietHours", {notification, nowMs})`). */
export interface SendWindow {
  atMs: number; waitMs: number; zone: string; label: string; offsetMinutes: number;
  nowLocal: string; atLocal: string; code: "quiet.hours" | "quiet.holiday" | null; trace: TraceStep[];
}
export interface LintIssue { code: string; severity: "error" | "warning"; message: string; field: string | null; args?: Record<string, string>; }
export interface MetaTemplatePayload { name: string; language: string; components: unknown[]; sanitized: string[]; }
export interface ProviderPreview {
  provider: string; kind: ProviderKind; name: string; state: ProviderState; position: number | null;
  appendOptInLink: boolean; text: string | null; params: unknown; request: HttpRequest | null;
  error: { code: string; message: string } | null;
}
export interface Preview { decision: Decision; providers: ProviderPreview[]; lint: LintIssue[]; unusedValues: string[]; }
export interface Plan { decision: Decision; request: HttpRequest | null; text: string | null; }
/** A plan without the trace's words, the chain or a separate text (`planBatchCompact`). */
export interface CompactPlan { provider: string | null; phone: string; appendOptInLink: boolean; trace: string[]; request: HttpRequest | null; }
export type BatchItem = { ok: Plan } | { error: { code: string; message: string } };
export type CompactBatchItem = { ok: CompactPlan } | { error: { code: string; message: string } };
/** Who gives a parameter its value: a person, the engine (the consent link) or the host. */
export type ParamRole = "value" | "optInLink" | "partnerName" | "officeName";
export interface TemplateParam {
  name: string; positional: boolean; role: ParamRole;
  /** Whether a form asks for it (every role but `optInLink`). */
  ask: boolean;
  /** The texts it appears in. */
  in: ("header" | "body" | "buttonUrlSuffix" | "watzap" | "fonnte")[];
}
/** `engine.call("describeTemplate", {template})`: parameters in canonical order; `error` is what the renderer refuses it with. */
export interface TemplateDescription {
  params: TemplateParam[]; reserved: { name: string; role: ParamRole }[];
  error: { code: string; message: string } | null;
}
/** `catalogue()` of the package (the `catalogue` op). */
export interface Catalogue {
  /** Every code's sentences; `{arg}` is filled from the argument of that name. */
  codes: Record<string, { args: string[]; id: string; en: string }>;
  credentials: {
    kind: ProviderKind; fields: { name: string; secret: boolean; required: boolean }[];
    /** The credential a host passes as a profile's `secret` to `parseWebhook`. */
    webhookSecret: string;
  }[];
  defaults: {
    country: string; optInText: string; metaApiVersion: string; language: string;
    timeoutMs: number; retryAfterMs: number; secretMask: string; quietStart: string; quietEnd: string;
  };
}
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Waits before a paced send; the global setTimeout when absent (a fake clock in tests). */
  sleep?(ms: number): Promise<unknown>;
}
export interface PaceSlot { provider: string; atMs: number; waitMs: number; nextFreeMs: number; intervalMs: number; }
export interface SendOptions { transport?: Transport; now?: () => number; }
"#;
