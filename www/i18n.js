// Page texts in Indonesian (the office's language, the default) and English.
//
// The page's own texts. The engine's codes (errors, trace steps, classifications, lint) are put in
// words by the engine's catalogue (`sentence` of the package), never from a table here.

import {catalogue, sentence} from "sicantik-whatsapp";

/** @typedef {"id" | "en"} Lang */

const STRINGS = {
  id: {
    title: "Uji notifikasi WhatsApp",
    subtitle:
      "Perutean dan permintaan ke Meta, Watzap.id dan Fonnte — dihitung oleh mesin yang sama dengan server Odoo.",
    share: "Salin tautan kasus",
    toResult: "Lihat hasil ↓",
    attemptDetails: "Permintaan dan jawaban",
    shared: "Tautan disalin",
    sharedManual: "Salin tautan dari bilah alamat",
    langGroup: "Bahasa",
    loading: "Memuat mesin…",
    loadFailed: "Mesin tidak dapat dimuat",
    engineError: "Galat mesin ({code})",
    caseForm: "Kasus uji",
    // recipient
    recipient: "Penerima",
    phone: "Nomor WhatsApp",
    phoneHint: "Seperti diketik petugas, mis. 0812-3456-7890",
    phoneNormalized: "Dinormalisasi",
    name: "Nama",
    metaOptIn: "Sudah setuju menerima WhatsApp resmi (opt-in Meta)",
    optedOut: "Menolak semua pesan WhatsApp (opt-out)",
    // template
    template: "Templat",
    templateChoice: "Templat master",
    customTemplate: "Templat sendiri…",
    customBody: "Isi templat",
    customBodyHint: "Placeholder bernama: {{nama_placeholder}}",
    metaTemplateName: "Nama templat Meta yang disetujui (opsional)",
    metaTemplateNameHint: "Kosong: templat ini tidak dikirim lewat Meta",
    values: "Nilai",
    noPlaceholders: "Templat ini tidak memiliki placeholder.",
    optInLinkAuto: "Kosong: diisi dari tautan opt-in",
    // routing
    routing: "Perutean",
    defaultProvider: "Penyedia utama",
    defaultAuto: "Otomatis (Meta bila tidak diatur)",
    forceProvider: "Paksa penyedia",
    forceAuto: "Otomatis (ikuti aturan)",
    fallbackOrder: "Urutan cadangan",
    fallbackHint:
      "Dicoba setelah penyedia utama; yang tidak dicentang menyusul di akhir.",
    moveUp: "Naikkan {name}",
    moveDown: "Turunkan {name}",
    inFallback: "{name} dalam urutan cadangan",
    optInUrl: "Tautan opt-in",
    optInUrlHint: "Ditambahkan ke pesan gateway bagi penerima yang belum opt-in",
    optInText: "Teks undangan (opsional, {url} = tautan)",
    optInTextHint: "Kosong: teks bawaan bahasa Indonesia",
    timeZone: "Zona waktu warga",
    quietEnabled: "Jam tenang",
    quietHint:
      "Pesan tidak mendesak tidak dikirim pada jam tenang atau hari libur di zona waktu warga; pesan menunggu hingga waktu yang diizinkan.",
    quietStart: "Jam tenang mulai",
    quietEnd: "Jam tenang selesai",
    holidays: "Hari libur kantor (TTTT-BB-HH)",
    urgent: "Templat mendesak (dikirim kapan saja)",
    // providers
    providers: "Penyedia",
    state: "Status profil",
    stateDraft: "Draf",
    stateConfigured: "Terkonfigurasi",
    stateError: "Galat",
    baseUrl: "URL dasar",
    baseUrlHint: "Bawaan: simulator",
    apiVersion: "Versi Graph API",
    timeoutMs: "Batas waktu (ms)",
    credentialsNote:
      "Kredensial hanya dipakai di halaman ini: disamarkan ({mask}) di setiap keluaran dan tidak disimpan di tautan.",
    showSecret: "Tampilkan",
    accessToken: "Access token",
    phoneNumberId: "Phone Number ID",
    wabaId: "WABA ID",
    apiKey: "API key",
    numberKey: "Number key",
    token: "Token perangkat",
    // output
    output: "Hasil",
    decision: "Keputusan perutean",
    decisionNone: "Tidak ada penyedia yang memenuhi syarat: tidak ada yang dikirim.",
    decisionOptedOut: "Penerima menolak pesan WhatsApp: tidak ada yang dikirim.",
    decisionFirst: "Dikirim lewat {name}",
    chain: "Urutan percobaan",
    chainPrimary: "utama",
    chainFallback: "cadangan {n}",
    optInAppended: "Undangan opt-in ditambahkan ke pesan",
    optInNotAppended: "Tanpa undangan opt-in",
    trace: "Jejak aturan",
    lint: "Peringatan templat Meta",
    lintNone: "Tidak ada peringatan.",
    unusedValues: "Nilai yang tidak dipakai templat: {names}",
    requests: "Permintaan per penyedia",
    notUsed: "tidak dipakai",
    position: "#{n}",
    citizenText: "Teks yang diterima warga",
    params: "Parameter terkonversi",
    request: "Permintaan HTTP",
    headers: "Header",
    header: "Header",
    value: "Nilai",
    body: "Isi",
    bodyDecoded: "Isi formulir (didekode)",
    field: "Kolom",
    noRequest: "Tidak ada permintaan",
    // send
    send: "Kirim",
    sendMode: "Mode kirim",
    modeDry: "Uji coba (tidak mengirim)",
    modeLive: "Langsung ke simulator",
    sending: "Mengirim…",
    faults: "Gangguan simulator",
    faultsHint: "Dipasang di simulator setiap kali Kirim ditekan.",
    faultNone: "Tanpa gangguan",
    faultFor: "Gangguan untuk {name}",
    simUnavailable:
      "Simulator tidak diketahui: jalankan halaman lewat make demo (atau tambahkan ?sim=URL).",
    simUrl: "Simulator",
    liveNotLoopback: "Mode langsung hanya mengirim ke simulator di 127.0.0.1",
    dryResult:
      "Uji coba: tidak ada yang dikirim. {name} akan menerima permintaan ini lebih dulu.",
    dryNothing: "Uji coba: tidak ada yang akan dikirim.",
    outcome: "Hasil pengiriman",
    attempts: "Percobaan",
    attempt: "Percobaan {n}",
    via: "lewat {name}",
    messageIds: "ID pesan",
    response: "Jawaban",
    transportError: "Galat jaringan",
    simStats:
      "Simulator: {received} permintaan kirim diterima, {accepted} pesan diambil, {duplicates} duplikat.",
    retryAt: "Coba lagi setelah {time}",
    sendFailed: "Pengiriman tidak dapat dimulai",
    fixFields: "perbaiki kolom yang ditandai merah",
    simControlFailed: "Simulator tidak menjawab di {url}",
    status: {
      sent: "Terkirim",
      failed: "Gagal",
      unknown: "Tidak pasti",
      deferred: "Ditunda",
    },
  },
  en: {
    title: "WhatsApp notification test",
    subtitle:
      "Routing and requests for Meta, Watzap.id and Fonnte — computed by the same engine as the Odoo server.",
    share: "Copy case link",
    toResult: "See the result ↓",
    attemptDetails: "Request and response",
    shared: "Link copied",
    sharedManual: "Copy the link from the address bar",
    langGroup: "Language",
    loading: "Loading the engine…",
    loadFailed: "The engine could not be loaded",
    engineError: "Engine error ({code})",
    caseForm: "Test case",
    recipient: "Recipient",
    phone: "WhatsApp number",
    phoneHint: "As a clerk types it, e.g. 0812-3456-7890",
    phoneNormalized: "Normalized",
    name: "Name",
    metaOptIn: "Agreed to official WhatsApp messages (Meta opt-in)",
    optedOut: "Refuses all WhatsApp messages (opted out)",
    template: "Template",
    templateChoice: "Master template",
    customTemplate: "Custom template…",
    customBody: "Template body",
    customBodyHint: "Named placeholders: {{placeholder_name}}",
    metaTemplateName: "Approved Meta template name (optional)",
    metaTemplateNameHint: "Empty: this template is not sent through Meta",
    values: "Values",
    noPlaceholders: "This template has no placeholders.",
    optInLinkAuto: "Empty: filled from the opt-in link",
    routing: "Routing",
    defaultProvider: "Default provider",
    defaultAuto: "Automatic (Meta when unset)",
    forceProvider: "Force provider",
    forceAuto: "Automatic (follow the rules)",
    fallbackOrder: "Fallback order",
    fallbackHint: "Tried after the default provider; unticked ones follow at the end.",
    moveUp: "Move {name} up",
    moveDown: "Move {name} down",
    inFallback: "{name} in the fallback order",
    optInUrl: "Opt-in link",
    optInUrlHint: "Appended to gateway messages for recipients who have not opted in",
    optInText: "Invitation text (optional, {url} = the link)",
    optInTextHint: "Empty: the Indonesian default text",
    timeZone: "Citizen's time zone",
    quietEnabled: "Quiet hours",
    quietHint:
      "Non-urgent messages are not sent in the quiet window or on holidays in the citizen's time zone; they wait for the next allowed moment.",
    quietStart: "Quiet from",
    quietEnd: "Quiet until",
    holidays: "Office holidays (YYYY-MM-DD)",
    urgent: "Urgent template (sent at any time)",
    providers: "Providers",
    state: "Profile state",
    stateDraft: "Draft",
    stateConfigured: "Configured",
    stateError: "Error",
    baseUrl: "Base URL",
    baseUrlHint: "Default: the simulator",
    apiVersion: "Graph API version",
    timeoutMs: "Timeout (ms)",
    credentialsNote:
      "Credentials stay in this page: masked ({mask}) in every output and never put in the link.",
    showSecret: "Show",
    accessToken: "Access token",
    phoneNumberId: "Phone Number ID",
    wabaId: "WABA ID",
    apiKey: "API key",
    numberKey: "Number key",
    token: "Device token",
    output: "Result",
    decision: "Routing decision",
    decisionNone: "No provider is eligible: nothing is sent.",
    decisionOptedOut: "The recipient refuses WhatsApp messages: nothing is sent.",
    decisionFirst: "Sent through {name}",
    chain: "Order of attempts",
    chainPrimary: "primary",
    chainFallback: "fallback {n}",
    optInAppended: "Opt-in invitation appended to the message",
    optInNotAppended: "No opt-in invitation",
    trace: "Rule trace",
    lint: "Meta template warnings",
    lintNone: "No warnings.",
    unusedValues: "Values the template does not use: {names}",
    requests: "Request per provider",
    notUsed: "not used",
    position: "#{n}",
    citizenText: "Text the citizen receives",
    params: "Converted parameters",
    request: "HTTP request",
    headers: "Headers",
    header: "Header",
    value: "Value",
    body: "Body",
    bodyDecoded: "Form body (decoded)",
    field: "Field",
    noRequest: "No request",
    send: "Send",
    sendMode: "Send mode",
    modeDry: "Dry run (sends nothing)",
    modeLive: "Live to the simulator",
    sending: "Sending…",
    faults: "Simulator faults",
    faultsHint: "Armed in the simulator each time Send is pressed.",
    faultNone: "No fault",
    faultFor: "Fault for {name}",
    simUnavailable:
      "Simulator unknown: open the page through make demo (or add ?sim=URL).",
    simUrl: "Simulator",
    liveNotLoopback: "Live mode only sends to the simulator on 127.0.0.1",
    dryResult: "Dry run: nothing was sent. {name} would get this request first.",
    dryNothing: "Dry run: nothing would be sent.",
    outcome: "Send outcome",
    attempts: "Attempts",
    attempt: "Attempt {n}",
    via: "through {name}",
    messageIds: "Message ids",
    response: "Response",
    transportError: "Network error",
    simStats:
      "Simulator: {received} send requests received, {accepted} messages taken, {duplicates} duplicates.",
    retryAt: "Retry after {time}",
    sendFailed: "The send could not start",
    fixFields: "fix the fields marked in red",
    simControlFailed: "The simulator does not answer at {url}",
    status: {
      sent: "Sent",
      failed: "Failed",
      unknown: "Unknown",
      deferred: "Deferred",
    },
  },
};

/** @type {Lang} */
let current = "id";

export function setLang(/** @type {string} */ lang) {
  current = lang === "en" ? "en" : "id";
  document.documentElement.lang = current;
}

export function lang() {
  return current;
}

/**
 * The text for `key` in the current language, with `{name}` filled from `vars`.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars = {}) {
  /** @type {any} */
  let s = STRINGS[current];
  for (const part of key.split(".")) s = s?.[part];
  if (typeof s !== "string") s = key;
  return s.replace(/\{(\w+)\}/g, (/** @type {string} */ m, /** @type {string} */ k) =>
    k in vars ? String(vars[k]) : m
  );
}

/**
 * Fill every `[data-i18n]` element's text and every `[data-i18n-attr="attr:key;…"]` attribute;
 * `{mask}` is the engine's secret mask (its catalogue's default).
 */
export function translatePage(root = document) {
  const vars = {mask: catalogue().defaults.secretMask};
  for (const el of root.querySelectorAll("[data-i18n]"))
    el.textContent = t(/** @type {string} */ (el.getAttribute("data-i18n")), vars);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of /** @type {string} */ (el.getAttribute("data-i18n-attr")).split(
      ";"
    )) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

/**
 * What to show for an engine error: its sentence from the engine's catalogue in the page's
 * language, filled from the error's structured `args` (never from its words), and the engine's
 * own (English) message as detail where the sentence does not already say it all.
 * @param {{code?: string, message?: string, args?: Record<string, string>}} err
 * @returns {{title: string, detail: string}}
 */
export function describeError(err) {
  const code = err?.code ?? "";
  const message = err?.message ?? String(err);
  const args = {...(err?.args ?? {})};
  // A bad number's reason has its own code and arguments (`reasonCode`): its sentence, without
  // its full stop, replaces the engine's English words inside the error's sentence.
  const reason = args.reasonCode ? sentence(args.reasonCode, current, args) : null;
  if (reason) args.reason = reason.replace(/\.$/, "");
  let title = sentence(code, current, args) ?? t("engineError", {code});
  // A corrected input, when the engine has one, has its own sentence (not every error has it).
  if (args.suggestion)
    title += ` ${sentence("phone.suggestion", current, {suggestion: args.suggestion})}`;
  const complete =
    code === "template.missing_param" ||
    code === "phone.trunk_zero_doubled" ||
    code === "phone.invalid";
  return {title, detail: complete ? "" : message};
}

/**
 * A trace step in words: its catalogue sentence, `{provider}` filled with the profile's name and
 * the other arguments from the step's `args`; the engine's words for a code the catalogue lacks.
 * @param {{code: string, message: string, provider?: string, args?: Record<string, string>}} step
 * @param {string} providerName
 */
export function traceText(step, providerName) {
  return (
    sentence(step.code, current, {...(step.args ?? {}), provider: providerName}) ??
    step.message
  );
}

/** A dispatch attempt's classification (`accepted`, `throttled`…) in words. */
export function classificationText(/** @type {string} */ c) {
  return sentence(`classification.${c}`, current) ?? c;
}

/** A lint issue's (or a template error's) headline. */
export function lintTitle(/** @type {string} */ code) {
  return sentence(code, current) ?? code;
}
