// The demo office's five master templates (the texts of tests/fixtures/routing.json): the test
// page (www/state.js) and the command-line tools (cli/lib/common.mjs) both start from them. Office
// data, not engine knowledge: the engine gets them as any host's configuration.

export const DEMO_TEMPLATES = [
  {
    code: "permit_ready",
    name: "Izin terbit",
    language: "id",
    body: "Yth. {{partner_name}}, izin {{permit_type}} Anda dengan nomor {{permit_number}} telah terbit dan dapat diambil di {{office_name}}. Terima kasih.",
    meta: {
      templateName: "permit_ready",
      language: "id",
      bodyParams: ["partner_name", "permit_type", "permit_number", "office_name"],
      status: "APPROVED",
    },
  },
  {
    code: "permit_reminder",
    name: "Pengingat masa berlaku izin",
    language: "id",
    body: "Yth. {{partner_name}}, izin Anda nomor {{permit_number}} akan berakhir pada {{expiry_date}}. Silakan ajukan perpanjangan sebelum tanggal tersebut.",
    meta: {templateName: "permit_reminder", language: "id", status: "APPROVED"},
  },
  {
    code: "status_update",
    name: "Perubahan status permohonan",
    language: "id",
    body: "Yth. {{partner_name}}, status permohonan izin nomor {{permit_number}} saat ini: {{status}}.",
    meta: {
      templateName: "status_update",
      language: "id",
      paramFormat: "named",
      status: "APPROVED",
    },
  },
  {
    code: "renewal_approved",
    name: "Perpanjangan disetujui",
    language: "id",
    body: "Yth. {{partner_name}}, perpanjangan izin nomor {{permit_number}} telah disetujui dan berlaku hingga {{expiry_date}}.",
    meta: {templateName: "renewal_approved", language: "id", status: "APPROVED"},
  },
  {
    code: "meta_opt_in_request",
    name: "Permintaan persetujuan WhatsApp resmi",
    language: "id",
    body: "Yth. {{partner_name}}, {{office_name}} kini mengirim notifikasi perizinan melalui WhatsApp resmi. Setujui untuk menerima pesan resmi di: {{opt_in_link}}",
    appendOptInLink: false,
  },
];
