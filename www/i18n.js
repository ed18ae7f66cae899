// Page texts in Indonesian (the office's language, the default) and English.
//
// The engine speaks English in its messages and stable codes everywhere; the page translates the
// codes (errors, trace steps, classifications, lint) and shows the engine's own words as detail.

/** @typedef {"id" | "en"} Lang */

const STRINGS = {
  id: {
    title: 'Uji notifikasi WhatsApp',
    subtitle: 'Perutean dan permintaan ke Meta, Watzap.id dan Fonnte — dihitung oleh mesin yang sama dengan server Odoo.',
    share: 'Salin tautan kasus',
    toResult: 'Lihat hasil ↓',
    attemptDetails: 'Permintaan dan jawaban',
    shared: 'Tautan disalin',
    sharedManual: 'Salin tautan dari bilah alamat',
    langGroup: 'Bahasa',
    loading: 'Memuat mesin…',
    loadFailed: 'Mesin tidak dapat dimuat',
    caseForm: 'Kasus uji',
    // recipient
    recipient: 'Penerima',
    phone: 'Nomor WhatsApp',
    phoneHint: 'Seperti diketik petugas, mis. 0812-3456-7890',
    phoneNormalized: 'Dinormalisasi',
    name: 'Nama',
    metaOptIn: 'Sudah setuju menerima WhatsApp resmi (opt-in Meta)',
    optedOut: 'Menolak semua pesan WhatsApp (opt-out)',
    // template
    template: 'Templat',
    templateChoice: 'Templat master',
    customTemplate: 'Templat sendiri…',
    customBody: 'Isi templat',
    customBodyHint: 'Placeholder bernama: {{nama_placeholder}}',
    metaTemplateName: 'Nama templat Meta yang disetujui (opsional)',
    metaTemplateNameHint: 'Kosong: templat ini tidak dikirim lewat Meta',
    values: 'Nilai',
    noPlaceholders: 'Templat ini tidak memiliki placeholder.',
    optInLinkAuto: 'Kosong: diisi dari tautan opt-in',
    // routing
    routing: 'Perutean',
    defaultProvider: 'Penyedia utama',
    defaultAuto: 'Otomatis (Meta bila tidak diatur)',
    forceProvider: 'Paksa penyedia',
    forceAuto: 'Otomatis (ikuti aturan)',
    fallbackOrder: 'Urutan cadangan',
    fallbackHint: 'Dicoba setelah penyedia utama; yang tidak dicentang menyusul di akhir.',
    moveUp: 'Naikkan {name}',
    moveDown: 'Turunkan {name}',
    inFallback: '{name} dalam urutan cadangan',
    optInUrl: 'Tautan opt-in',
    optInUrlHint: 'Ditambahkan ke pesan gateway bagi penerima yang belum opt-in',
    optInText: 'Teks undangan (opsional, {url} = tautan)',
    optInTextHint: 'Kosong: teks bawaan bahasa Indonesia',
    timeZone: 'Zona waktu warga',
    quietEnabled: 'Jam tenang',
    quietHint: 'Pesan tidak mendesak tidak dikirim pada jam tenang atau hari libur di zona waktu warga; pesan menunggu hingga waktu yang diizinkan.',
    quietStart: 'Jam tenang mulai',
    quietEnd: 'Jam tenang selesai',
    holidays: 'Hari libur kantor (TTTT-BB-HH)',
    urgent: 'Templat mendesak (dikirim kapan saja)',
    // providers
    providers: 'Penyedia',
    state: 'Status profil',
    stateDraft: 'Draf',
    stateConfigured: 'Terkonfigurasi',
    stateError: 'Galat',
    baseUrl: 'URL dasar',
    baseUrlHint: 'Bawaan: simulator',
    apiVersion: 'Versi Graph API',
    timeoutMs: 'Batas waktu (ms)',
    credentialsNote: 'Kredensial hanya dipakai di halaman ini: disamarkan (•••) di setiap keluaran dan tidak disimpan di tautan.',
    showSecret: 'Tampilkan',
    accessToken: 'Access token',
    phoneNumberId: 'Phone Number ID',
    wabaId: 'WABA ID',
    apiKey: 'API key',
    numberKey: 'Number key',
    token: 'Token perangkat',
    // output
    output: 'Hasil',
    decision: 'Keputusan perutean',
    decisionNone: 'Tidak ada penyedia yang memenuhi syarat: tidak ada yang dikirim.',
    decisionOptedOut: 'Penerima menolak pesan WhatsApp: tidak ada yang dikirim.',
    decisionFirst: 'Dikirim lewat {name}',
    chain: 'Urutan percobaan',
    chainPrimary: 'utama',
    chainFallback: 'cadangan {n}',
    optInAppended: 'Undangan opt-in ditambahkan ke pesan',
    optInNotAppended: 'Tanpa undangan opt-in',
    trace: 'Jejak aturan',
    lint: 'Peringatan templat Meta',
    lintNone: 'Tidak ada peringatan.',
    unusedValues: 'Nilai yang tidak dipakai templat: {names}',
    requests: 'Permintaan per penyedia',
    notUsed: 'tidak dipakai',
    position: '#{n}',
    citizenText: 'Teks yang diterima warga',
    params: 'Parameter terkonversi',
    request: 'Permintaan HTTP',
    headers: 'Header',
    header: 'Header',
    value: 'Nilai',
    body: 'Isi',
    bodyDecoded: 'Isi formulir (didekode)',
    field: 'Kolom',
    noRequest: 'Tidak ada permintaan',
    // send
    send: 'Kirim',
    sendMode: 'Mode kirim',
    modeDry: 'Uji coba (tidak mengirim)',
    modeLive: 'Langsung ke simulator',
    sending: 'Mengirim…',
    faults: 'Gangguan simulator',
    faultsHint: 'Dipasang di simulator setiap kali Kirim ditekan.',
    faultNone: 'Tanpa gangguan',
    faultFor: 'Gangguan untuk {name}',
    simUnavailable: 'Simulator tidak diketahui: jalankan halaman lewat make demo (atau tambahkan ?sim=URL).',
    simUrl: 'Simulator',
    liveNotLoopback: 'Mode langsung hanya mengirim ke simulator di 127.0.0.1',
    dryResult: 'Uji coba: tidak ada yang dikirim. {name} akan menerima permintaan ini lebih dulu.',
    dryNothing: 'Uji coba: tidak ada yang akan dikirim.',
    outcome: 'Hasil pengiriman',
    attempts: 'Percobaan',
    attempt: 'Percobaan {n}',
    via: 'lewat {name}',
    messageIds: 'ID pesan',
    response: 'Jawaban',
    transportError: 'Galat jaringan',
    simStats: 'Simulator: {received} permintaan kirim diterima, {accepted} pesan diambil, {duplicates} duplikat.',
    retryAt: 'Coba lagi setelah {time}',
    sendFailed: 'Pengiriman tidak dapat dimulai',
    fixFields: 'perbaiki kolom yang ditandai merah',
    simControlFailed: 'Simulator tidak menjawab di {url}',
    status: {
      sent: 'Terkirim',
      failed: 'Gagal',
      unknown: 'Tidak pasti',
      deferred: 'Ditunda',
    },
  },
  en: {
    title: 'WhatsApp notification test',
    subtitle: 'Routing and requests for Meta, Watzap.id and Fonnte — computed by the same engine as the Odoo server.',
    share: 'Copy case link',
    toResult: 'See the result ↓',
    attemptDetails: 'Request and response',
    shared: 'Link copied',
    sharedManual: 'Copy the link from the address bar',
    langGroup: 'Language',
    loading: 'Loading the engine…',
    loadFailed: 'The engine could not be loaded',
    caseForm: 'Test case',
    recipient: 'Recipient',
    phone: 'WhatsApp number',
    phoneHint: 'As a clerk types it, e.g. 0812-3456-7890',
    phoneNormalized: 'Normalized',
    name: 'Name',
    metaOptIn: 'Agreed to official WhatsApp messages (Meta opt-in)',
    optedOut: 'Refuses all WhatsApp messages (opted out)',
    template: 'Template',
    templateChoice: 'Master template',
    customTemplate: 'Custom template…',
    customBody: 'Template body',
    customBodyHint: 'Named placeholders: {{placeholder_name}}',
    metaTemplateName: 'Approved Meta template name (optional)',
    metaTemplateNameHint: 'Empty: this template is not sent through Meta',
    values: 'Values',
    noPlaceholders: 'This template has no placeholders.',
    optInLinkAuto: 'Empty: filled from the opt-in link',
    routing: 'Routing',
    defaultProvider: 'Default provider',
    defaultAuto: 'Automatic (Meta when unset)',
    forceProvider: 'Force provider',
    forceAuto: 'Automatic (follow the rules)',
    fallbackOrder: 'Fallback order',
    fallbackHint: 'Tried after the default provider; unticked ones follow at the end.',
    moveUp: 'Move {name} up',
    moveDown: 'Move {name} down',
    inFallback: '{name} in the fallback order',
    optInUrl: 'Opt-in link',
    optInUrlHint: 'Appended to gateway messages for recipients who have not opted in',
    optInText: 'Invitation text (optional, {url} = the link)',
    optInTextHint: 'Empty: the Indonesian default text',
    timeZone: "Citizen's time zone",
    quietEnabled: 'Quiet hours',
    quietHint: "Non-urgent messages are not sent in the quiet window or on holidays in the citizen's time zone; they wait for the next allowed moment.",
    quietStart: 'Quiet from',
    quietEnd: 'Quiet until',
    holidays: 'Office holidays (YYYY-MM-DD)',
    urgent: 'Urgent template (sent at any time)',
    providers: 'Providers',
    state: 'Profile state',
    stateDraft: 'Draft',
    stateConfigured: 'Configured',
    stateError: 'Error',
    baseUrl: 'Base URL',
    baseUrlHint: 'Default: the simulator',
    apiVersion: 'Graph API version',
    timeoutMs: 'Timeout (ms)',
    credentialsNote: 'Credentials stay in this page: masked (•••) in every output and never put in the link.',
    showSecret: 'Show',
    accessToken: 'Access token',
    phoneNumberId: 'Phone Number ID',
    wabaId: 'WABA ID',
    apiKey: 'API key',
    numberKey: 'Number key',
    token: 'Device token',
    output: 'Result',
    decision: 'Routing decision',
    decisionNone: 'No provider is eligible: nothing is sent.',
    decisionOptedOut: 'The recipient refuses WhatsApp messages: nothing is sent.',
    decisionFirst: 'Sent through {name}',
    chain: 'Order of attempts',
    chainPrimary: 'primary',
    chainFallback: 'fallback {n}',
    optInAppended: 'Opt-in invitation appended to the message',
    optInNotAppended: 'No opt-in invitation',
    trace: 'Rule trace',
    lint: 'Meta template warnings',
    lintNone: 'No warnings.',
    unusedValues: 'Values the template does not use: {names}',
    requests: 'Request per provider',
    notUsed: 'not used',
    position: '#{n}',
    citizenText: 'Text the citizen receives',
    params: 'Converted parameters',
    request: 'HTTP request',
    headers: 'Headers',
    header: 'Header',
    value: 'Value',
    body: 'Body',
    bodyDecoded: 'Form body (decoded)',
    field: 'Field',
    noRequest: 'No request',
    send: 'Send',
    sendMode: 'Send mode',
    modeDry: 'Dry run (sends nothing)',
    modeLive: 'Live to the simulator',
    sending: 'Sending…',
    faults: 'Simulator faults',
    faultsHint: 'Armed in the simulator each time Send is pressed.',
    faultNone: 'No fault',
    faultFor: 'Fault for {name}',
    simUnavailable: 'Simulator unknown: open the page through make demo (or add ?sim=URL).',
    simUrl: 'Simulator',
    liveNotLoopback: 'Live mode only sends to the simulator on 127.0.0.1',
    dryResult: 'Dry run: nothing was sent. {name} would get this request first.',
    dryNothing: 'Dry run: nothing would be sent.',
    outcome: 'Send outcome',
    attempts: 'Attempts',
    attempt: 'Attempt {n}',
    via: 'through {name}',
    messageIds: 'Message ids',
    response: 'Response',
    transportError: 'Network error',
    simStats: 'Simulator: {received} send requests received, {accepted} messages taken, {duplicates} duplicates.',
    retryAt: 'Retry after {time}',
    sendFailed: 'The send could not start',
    fixFields: 'fix the fields marked in red',
    simControlFailed: 'The simulator does not answer at {url}',
    status: {
      sent: 'Sent',
      failed: 'Failed',
      unknown: 'Unknown',
      deferred: 'Deferred',
    },
  },
};

/** Engine error codes → what the person at the form should read. */
const ERRORS = {
  id: {
    'phone.invalid': 'Nomor telepon tidak valid',
    'phone.trunk_zero_doubled': 'Nomor diawali dua angka nol',
    'template.unknown': 'Templat tidak dikenal',
    'template.missing_param': 'Nilai untuk {{{param}}} wajib diisi',
    'template.unknown_placeholder': 'Templat memakai placeholder yang tidak dideklarasikan',
    'template.malformed': 'Penulisan placeholder {{…}} salah',
    'template.empty': 'Isi templat kosong',
    'template.mapping': 'Pemetaan templat ke penyedia tidak sesuai',
    'config.invalid': 'Konfigurasi tidak valid',
    'provider.unknown': 'Penyedia tidak dikenal',
    'provider.unsupported': 'Penyedia tidak dapat mengirim ini',
    'input.invalid': 'Masukan tidak valid',
    'dispatch.state': 'Urutan pengiriman salah',
    'meta.header_too_long': 'Header terlalu panjang untuk Meta dengan nilai ini',
    'engine.not_initialized': 'Mesin belum dimuat',
    fallback: 'Galat mesin',
  },
  en: {
    'phone.invalid': 'Invalid phone number',
    'phone.trunk_zero_doubled': 'The number starts with two zeros',
    'template.unknown': 'Unknown template',
    'template.missing_param': 'A value for {{{param}}} is required',
    'template.unknown_placeholder': 'The template uses a placeholder it does not declare',
    'template.malformed': 'A {{…}} placeholder is malformed',
    'template.empty': 'The template body is empty',
    'template.mapping': 'The template’s provider mapping does not fit',
    'config.invalid': 'Invalid configuration',
    'provider.unknown': 'Unknown provider',
    'meta.header_too_long': 'The header is too long for Meta with this value',
    'provider.unsupported': 'The provider cannot send this',
    'input.invalid': 'Invalid input',
    'dispatch.state': 'Send driven out of order',
    'engine.not_initialized': 'The engine is not loaded yet',
    fallback: 'Engine error',
  },
};

/** The hint of `phone.trunk_zero_doubled`, built from its structured `suggestion` (never the message). */
const TRUNK_ZERO_HINT = {
  id: {
    suggestion: 'Maksud Anda {suggestion}?',
    rule: 'Nomor ponsel Indonesia diawali satu angka 0 (08…); nomor luar negeri ditulis dengan + dan kode negara.',
  },
  en: {
    suggestion: 'Did you mean {suggestion}?',
    rule: 'An Indonesian mobile starts with one 0 (08…); a number abroad is written with + and its country code.',
  },
};

/** The engine's English reasons for a bad phone number, by a fragment that identifies each. */
const PHONE_REASONS_ID = [
  ['is empty', 'nomor masih kosong'],
  ['contains letters', 'nomor berisi huruf'],
  ['contains no digits', 'nomor tidak berisi angka'],
  ["'+' is only allowed once", "tanda '+' hanya boleh sekali, di awal nomor"],
  ['contains the character', "nomor berisi karakter yang tidak diizinkan; gunakan angka, spasi, '-', '.', '(' dan ')'"],
  ['country code cannot start with 0', 'kode negara tidak boleh diawali 0'],
  ['country code the ITU has assigned', 'nomor tidak diawali kode negara yang terdaftar di ITU'],
  ['too short for the country code', 'nomor terlalu pendek untuk kode negara ini'],
  ['too long for the country code', 'nomor terlalu panjang untuk kode negara ini'],
  ['mobile numbers start with', 'bukan nomor ponsel Indonesia: nomor ponsel diawali 081–083 atau 085–089'],
  ['landline', 'bukan nomor ponsel (telepon rumah/kantor atau nomor layanan): WhatsApp memerlukan nomor ponsel berawalan 08'],
  ['too short', 'nomor terlalu pendek'],
  ['too long', 'nomor terlalu panjang'],
];

/** @type {{id: Record<string, (provider: string, fallbackNumber: number) => string>}} */
const TRACE = {
  id: {
    'route.opted_out': () => 'Penerima menolak pesan WhatsApp: tidak ada yang dikirim',
    'route.forced': (p) => `${p} dipaksa oleh pengirim; penyedia lain tidak dicoba`,
    'route.forced_not_configured': (p) => `${p} belum berstatus terkonfigurasi, tetapi tetap dipakai karena dipaksa`,
    'route.forced_without_opt_in': () => 'Meta dipakai walaupun penerima belum opt-in, karena dipaksa',
    'route.default': (p) => `${p} adalah penyedia utama`,
    'route.default_meta': () => 'Penyedia utama tidak diatur: Meta dicoba lebih dulu',
    'route.skip_not_configured': (p) => `${p} dilewati: profilnya belum berstatus terkonfigurasi`,
    'route.skip_no_opt_in': (p) => `${p} dilewati: penerima belum menyetujui pesan WhatsApp resmi`,
    'route.skip_no_meta_template': (p) => `${p} dilewati: templat ini tidak dipetakan ke templat Meta`,
    'route.skip_meta_not_approved': (p) => `${p} dilewati: templat Meta belum disetujui`,
    'route.skip_meta_lint': (p) => `${p} dilewati: templat ini melanggar aturan Meta (lihat peringatan lint)`,
    'route.selected': (p) => `${p} dicoba lebih dulu`,
    'route.fallback': (p, n) => `${p} menjadi cadangan ke-${n} bila yang sebelumnya tidak tersedia`,
    'route.no_provider': () => 'Tidak ada penyedia yang memenuhi syarat untuk penerima dan templat ini',
    'route.opt_in_link': () => 'Undangan untuk menyetujui pesan WhatsApp resmi ditambahkan',
    'route.opt_in_link_missing': () => 'Tautan opt-in belum diatur, jadi tidak ada undangan',
    'route.opt_in_link_not_for_template': () => 'Templat ini tidak membawa undangan opt-in',
  },
};

const CLASSIFICATION = {
  id: {
    accepted: 'diterima penyedia',
    rejected: 'ditolak untuk penerima ini (permanen)',
    config_error: 'kesalahan konfigurasi — admin perlu memeriksa',
    throttled: 'dibatasi — coba lagi nanti di penyedia yang sama',
    provider_down: 'penyedia tidak tersedia — pesan tidak diambil',
    unknown: 'tidak pasti — tidak dikirim ulang ke penyedia lain',
  },
  en: {
    accepted: 'accepted by the provider',
    rejected: 'rejected for this recipient (permanent)',
    config_error: 'configuration error — the admin should look',
    throttled: 'throttled — retry the same provider later',
    provider_down: 'provider unavailable — the message was not taken',
    unknown: 'unknown — never resent to another provider',
  },
};

const LINT = {
  id: {
    'meta.param_sanitized': 'Nilai parameter dibersihkan untuk Meta (baris baru, tab atau spasi berlebih)',
    'meta.body_too_long': 'Isi terlalu panjang untuk Meta',
    'meta.too_many_params': 'Terlalu banyak parameter untuk Meta',
    'meta.template_name': 'Nama templat Meta tidak valid',
    'meta.template_invalid': 'Templat tidak valid untuk Meta',
    'meta.header_params': 'Header Meta hanya boleh satu placeholder',
    'meta.header_too_long': 'Header terlalu panjang untuk Meta',
    'meta.api_version_ending': 'Versi Graph API segera berakhir',
    'meta.api_version_ended': 'Versi Graph API sudah berakhir',
    'meta.api_version_unlisted': 'Tanggal akhir versi Graph API tidak diketahui',
    'meta.api_version_invalid': 'Versi Graph API tidak valid',
    'meta.param_count': 'Jumlah parameter Meta tidak cocok',
    'meta.param_order': 'Urutan parameter Meta tidak sesuai',
    'meta.param_name': 'Nama parameter tidak diterima Meta',
    'meta.param_adjacent': 'Placeholder di awal/akhir isi atau bersebelahan',
  },
  en: {
    'meta.param_sanitized': 'Parameter value cleaned for Meta (newline, tab or extra spaces)',
    'meta.body_too_long': 'Body too long for Meta',
    'meta.too_many_params': 'Too many parameters for Meta',
    'meta.template_name': 'Invalid Meta template name',
    'meta.template_invalid': 'Template not valid for Meta',
    'meta.header_params': 'A Meta header takes at most one placeholder',
    'meta.header_too_long': 'Header too long for Meta',
    'meta.api_version_ending': 'Graph API version ends soon',
    'meta.api_version_ended': 'Graph API version has ended',
    'meta.api_version_unlisted': 'Graph API version end date unknown',
    'meta.api_version_invalid': 'Invalid Graph API version',
    'meta.param_count': 'Meta parameter count does not match',
    'meta.param_order': 'Meta parameter order does not fit',
    'meta.param_name': 'Parameter name not accepted by Meta',
    'meta.param_adjacent': 'Placeholder at the start/end of the body or next to another',
  },
};

/** @type {Lang} */
let current = 'id';

export function setLang(/** @type {string} */ lang) {
  current = lang === 'en' ? 'en' : 'id';
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
  for (const part of key.split('.')) s = s?.[part];
  if (typeof s !== 'string') s = key;
  return s.replace(/\{(\w+)\}/g, (/** @type {string} */ m, /** @type {string} */ k) => (k in vars ? String(vars[k]) : m));
}

/** Fill every `[data-i18n]` element's text and every `[data-i18n-attr="attr:key;…"]` attribute. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(/** @type {string} */ (el.getAttribute('data-i18n')));
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of /** @type {string} */ (el.getAttribute('data-i18n-attr')).split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

/**
 * What to show for an engine error: a translated headline from its `code`, and the engine's own
 * (English) message as detail — translated too where the page knows it (phone reasons).
 * @param {{code?: string, message?: string, suggestion?: string}} err
 * @returns {{title: string, detail: string}}
 */
export function describeError(err) {
  const code = err?.code ?? '';
  const message = err?.message ?? String(err);
  /** @type {Record<string, string>} */
  const table = ERRORS[current];
  const param = /\{\{(\w+)\}\}/.exec(message)?.[1] ?? '';
  /** @type {Record<string, string>} */
  const lint = LINT[current];
  const title = (table[code] ?? lint[code] ?? table.fallback).replace('{param}', param);
  let detail = message;
  if (code === 'phone.invalid') {
    const reason = /: ([^:]+)$/.exec(message)?.[1] ?? message;
    detail = current === 'id' ? (PHONE_REASONS_ID.find(([k]) => reason.includes(k))?.[1] ?? reason) : reason;
  }
  if (code === 'phone.trunk_zero_doubled') {
    const hint = TRUNK_ZERO_HINT[current];
    const suggestion = typeof err?.suggestion === 'string' ? err.suggestion : '';
    detail = suggestion ? `${hint.suggestion.replace('{suggestion}', suggestion)} ${hint.rule}` : hint.rule;
  }
  if (code === 'template.missing_param') detail = '';
  return { title, detail };
}

/**
 * A trace step in words: Indonesian from the code, English as the engine wrote it.
 * @param {{code: string, message: string, provider?: string}} step
 * @param {string} providerName
 * @param {number} fallbackNumber
 */
export function traceText(step, providerName, fallbackNumber) {
  const fn = current === 'id' ? TRACE.id[step.code] : undefined;
  return fn ? fn(providerName, fallbackNumber) : step.message;
}

export function classificationText(/** @type {string} */ c) {
  /** @type {Record<string, string>} */
  const table = CLASSIFICATION[current];
  return table[c] ?? c;
}

export function lintTitle(/** @type {string} */ code) {
  /** @type {Record<string, string>} */
  const lint = LINT[current];
  /** @type {Record<string, string>} */
  const errors = ERRORS[current];
  return lint[code] ?? errors[code] ?? code;
}
