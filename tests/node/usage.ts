// A typed consumer of the package: `tsc --strict --noEmit` over this file (npm run typecheck)
// fails when the hand-written TypeScript (src/wasm/ts.rs, pkg-template/index.d.ts) drifts from
// how the API is meant to be used. Nothing here runs.

import {
  init,
  Engine,
  normalizePhone,
  lintTemplate,
  version,
  catalogue,
  sentence,
  isSicantikError,
  type EngineConfig,
  type Notification,
  type Decision,
  type Preview,
  type ProviderPreview,
  type Outcome,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  type TransportError,
  type BatchItem,
  type Catalogue,
  type LintIssue,
  type InitInput,
  type SicantikError,
  type ErrorCode,
  type Attempt,
  type Classification,
  type PaceSlot,
  type SendWindow,
  type TemplateDescription,
  type ParamRole,
} from "../../pkg/index.js";

const config: EngineConfig = {
  defaultProvider: null,
  fallbackOrder: ["watzap", "fonnte"],
  optIn: {url: "https://dpmptsp.karokab.go.id/wa/setuju"},
  quietHours: {start: "21:00", end: "06:00", holidays: ["2026-12-25"]},
  providers: [
    {
      id: "meta",
      kind: "meta",
      state: "configured",
      apiVersion: "v25.0",
      timeoutMs: 10_000,
      credentials: {accessToken: "t", phoneNumberId: "1", wabaId: "2"},
    },
    {
      id: "watzap",
      kind: "watzap",
      state: "configured",
      ratePerMinute: 600,
      credentials: {apiKey: "k", numberKey: "n"},
    },
    {
      id: "fonnte",
      kind: "fonnte",
      baseUrl: "http://127.0.0.1:8787/fonnte",
      credentials: {token: "f"},
    },
  ],
  templates: [
    {
      code: "permit_ready",
      name: "Izin terbit",
      language: "id",
      body: "Yth. {{partner_name}}, izin {{permit_number}} telah terbit.",
      meta: {
        templateName: "permit_ready",
        language: "id",
        bodyParams: ["partner_name", "permit_number"],
        status: "APPROVED",
      },
      fonnte: {body: "Halo {{partner_name}}", variables: ["partner_name"]},
    },
  ],
};

const notification: Notification = {
  template: "permit_ready",
  recipient: {
    phone: "0812-3456-7890",
    name: "Budi",
    metaOptIn: true,
    optedOut: false,
    timeZone: "Asia/Makassar",
    utcOffsetMinutes: null,
  },
  values: {
    partner_name: "Budi",
    permit_number: "503/PBG/2026/0142",
    count: 3,
    urgent: true,
    none: null,
  },
  forceProvider: null,
  idempotencyKey: "karo-0142",
};

async function main(): Promise<void> {
  const inputs: InitInput[] = [
    "/static/sicantik_whatsapp_bg.wasm",
    new URL("https://example.test/x.wasm"),
    fetch("/x.wasm"),
    new Uint8Array(8),
    new ArrayBuffer(8),
  ];
  await init();
  await init(inputs[0]);
  const ready: Promise<void> = init();
  await ready;

  const engine = new Engine(config);
  const decision: Decision = engine.decide(notification);
  const first: string | null = decision.provider;
  const chain: string[] = decision.chain;
  const words: string[] = decision.trace.map(
    (t) => `${t.code}: ${t.message} ${t.provider ?? ""}`
  );

  const preview: Preview = engine.preview(notification);
  const masked: (HttpRequest | null)[] = preview.providers.map(
    (p: ProviderPreview) => p.request
  );
  const lint: LintIssue[] = preview.lint;

  const rendered: ProviderPreview = engine.render(notification, "fonnte");
  const text: string | null = rendered.text;

  const plans: BatchItem[] = engine.planBatch([notification, notification]);
  for (const item of plans) {
    if ("ok" in item) console.log(item.ok.decision.chain, item.ok.request?.url);
    else console.log(item.error.code);
  }

  // Options are optional; a transport is any object with send().
  const viaFetch: Outcome = await engine.send(notification);
  const transport: Transport = {
    async send(request: HttpRequest): Promise<HttpResponse> {
      const res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      return {
        status: res.status,
        headers: {"content-type": res.headers.get("content-type") ?? ""},
        body: await res.text(),
      };
    },
    sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)), // optional: paced sends
  };
  const outcome = await engine.send(notification, {transport, now: () => Date.now()});
  const status: "sent" | "failed" | "unknown" | "deferred" = outcome.status;
  const attempts: Attempt[] = outcome.attempts;
  const classes: Classification[] = attempts.map((a) => a.classification);
  const failure: TransportError | null = attempts[0]?.transportError ?? null;

  const step: unknown = engine.call("dispatchStart", {notification, nowMs: Date.now()});
  const window: SendWindow = engine.call("quietHours", {
    notification,
    nowMs: Date.now(),
  });
  const waitsFor: "quiet.hours" | "quiet.holiday" | null = window.code;
  const slot: PaceSlot = engine.call("pace", {
    provider: "watzap",
    nowMs: Date.now(),
    nextFreeMs: null,
  });

  const phone: string = normalizePhone("0812-3456-7890");
  const phone2: string = normalizePhone("812-3456-7890", "62");
  const cat: Catalogue = catalogue();
  const mask: string = cat.defaults.secretMask;
  const said: string | null = sentence("template.missing_param", "id", {
    template: "t",
    param: "p",
  });
  const issues: LintIssue[] = lintTemplate(config.templates![0]!);
  const described: TemplateDescription = engine.call("describeTemplate", {
    template: config.templates![0]!,
  });
  const asked: string[] = described.params.filter((p) => p.ask).map((p) => p.name);
  const role: ParamRole | undefined = described.reserved[0]?.role;
  const refused: string | undefined = described.error?.code;
  const v: string = version();

  try {
    new Engine(config);
  } catch (e: unknown) {
    if (isSicantikError(e)) {
      const err: SicantikError = e;
      const code: ErrorCode | string = err.code;
      if (err.code === "engine.not_initialized") await init();
      console.log(code, err.message);
    }
  }
  engine.free();
  console.log(
    first,
    chain,
    words,
    masked,
    lint,
    text,
    viaFetch,
    status,
    classes,
    failure,
    step,
    slot.waitMs,
    waitsFor,
    window.atLocal,
    phone,
    phone2,
    mask,
    said,
    issues,
    v,
    asked,
    role,
    refused
  );
}

void main;

// Mistakes the types must catch.
// @ts-expect-error kind is one of meta | watzap | fonnte
const badKind: EngineConfig = {providers: [{id: "x", kind: "telegram"}]};
// @ts-expect-error a notification needs a recipient
const noRecipient: Notification = {template: "permit_ready"};
const nested: Notification = {
  template: "t",
  recipient: {phone: "1"},
  // @ts-expect-error values are scalars
  values: {a: {b: 1}},
};
// @ts-expect-error the glue's initSync is not part of this entry
import("../../pkg/index.js").then((m) => m.initSync);
console.log(badKind, noRecipient, nested);
