// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * Test helpers of the payload preview: a fake engine module (same surface as the wasm-bindgen
 * glue), the server context the widget gets from `/sicantik_whatsapp/preview/context`, and mock
 * models of the master template and the test wizard.
 */
import {fields, models} from "@web/../tests/web_test_helpers";

/** Fonnte's multipart body and content type, as the engine writes them (fixed boundary). */
export const FONNTE_CONTENT_TYPE =
    "multipart/form-data; boundary=sicantik-whatsapp-form-boundary";
export function fonnteBody(target, message) {
    const part = (name, value) =>
        `--sicantik-whatsapp-form-boundary\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    return `${part("target", target)}${part("message", message)}--sicantik-whatsapp-form-boundary--\r\n`;
}

export const MASK = "•••";

export function engineError(code, message) {
    const error = new Error(message);
    error.name = "SicantikError";
    error.code = code;
    return error;
}

/**
 * A stand-in for the engine's web build: `default(init)`, `Engine`, `lintTemplate`.
 *
 * Its `preview` renders `{{name}}` placeholders like the engine, routes "opted in → Meta, else the
 * first configured gateway" and builds a Fonnte-like form body, enough to check the widget's
 * wiring; the real engine is exercised by the "real engine" tests and the HttpCase.
 */
export function makeFakeEngineModule({initError = null, previewError = null} = {}) {
    const calls = {init: [], configs: [], notifications: [], freed: 0};
    class Engine {
        constructor(config) {
            calls.configs.push(config);
            this.config = config;
        }
        preview(notification) {
            calls.notifications.push(notification);
            if (previewError) {
                throw previewError;
            }
            const template = this.config.templates.find(
                (t) => t.code === notification.template
            );
            if (!template) {
                throw Object.assign(
                    engineError(
                        "template.unknown",
                        `unknown template "${notification.template}"`
                    ),
                    {
                        args: {template: notification.template},
                    }
                );
            }
            const text = template.body.replace(/{{\s*(\w+)\s*}}/g, (_m, name) => {
                const value = notification.values[name];
                if (value === undefined || value === "") {
                    throw Object.assign(
                        engineError(
                            "template.missing_param",
                            `template "${template.code}" needs a value for {{${name}}}`
                        ),
                        {args: {template: template.code, param: name}}
                    );
                }
                return String(value);
            });
            const recipient = notification.recipient;
            const providers = this.config.providers;
            let chain;
            if (recipient.optedOut) {
                chain = [];
            } else if (notification.forceProvider) {
                chain = [notification.forceProvider];
            } else {
                chain = providers
                    .filter((p) => p.state === "configured")
                    .filter((p) => p.kind !== "meta" || recipient.metaOptIn)
                    .map((p) => p.id);
            }
            const trace = recipient.optedOut
                ? [
                      {
                          code: "route.opted_out",
                          message:
                              "The recipient asked not to receive WhatsApp messages: nothing is sent",
                      },
                  ]
                : chain.map((id, i) => ({
                      code: i ? "route.fallback" : "route.selected",
                      message: i
                          ? `${id} is fallback number ${i}`
                          : `${id} is used first`,
                      provider: id,
                      ...(i ? {args: {number: String(i)}} : {}),
                  }));
            return {
                decision: {
                    provider: chain[0] || null,
                    kind: chain[0]
                        ? providers.find((p) => p.id === chain[0]).kind
                        : null,
                    chain,
                    appendOptInLink: false,
                    phone: "62" + recipient.phone.replace(/\D/g, "").replace(/^0/, ""),
                    template: template.code,
                    trace,
                },
                providers: providers.map((p) => ({
                    provider: p.id,
                    kind: p.kind,
                    name: p.name,
                    state: p.state,
                    position: chain.includes(p.id) ? chain.indexOf(p.id) : null,
                    appendOptInLink: false,
                    text,
                    params:
                        p.kind === "meta"
                            ? {components: [{type: "body", parameters: []}]}
                            : {},
                    request: {
                        method: "POST",
                        url: `https://${p.kind}.test/send`,
                        headers:
                            p.kind === "fonnte"
                                ? {
                                      Authorization: p.credentials.token,
                                      "Content-Type": FONNTE_CONTENT_TYPE,
                                  }
                                : {"Content-Type": "application/json"},
                        body:
                            p.kind === "fonnte"
                                ? fonnteBody("6281", text)
                                : JSON.stringify({text}),
                        timeoutMs: 15000,
                    },
                    error: null,
                })),
                lint: [
                    {
                        code: "meta.param_adjacent",
                        severity: "warning",
                        message: "the body starts or ends with a placeholder",
                        field: "body",
                    },
                ],
                unusedValues: [],
            };
        }
        /** `describeTemplate` only: the names the fake's `preview` renders, the consent link not asked. */
        call(op, {template}) {
            if (op !== "describeTemplate") {
                throw engineError("input.invalid", `the fake engine has no op ${op}`);
            }
            const names = [];
            for (const text of [
                template.header,
                template.body,
                template.buttonUrlSuffix,
            ]) {
                for (const [, name] of (text || "").matchAll(/{{\s*(\w+)\s*}}/g)) {
                    if (!names.includes(name)) {
                        names.push(name);
                    }
                }
            }
            const params = (template.params?.length ? template.params : names).map(
                (name) => ({
                    name,
                    ask: name !== "opt_in_link",
                })
            );
            return {params, error: null};
        }
        free() {
            calls.freed++;
        }
    }
    const module = {
        async default(arg) {
            calls.init.push(arg);
            if (initError) {
                throw initError;
            }
        },
        Engine,
        lintTemplate: () => [],
        version: () => "0.0.0-test",
    };
    return {calls, module};
}

/** A few of the engine's catalogue sentences (src/catalogue/sentences.json), as the server sends them. */
const CATALOGUE_CODES = {
    "route.selected": {
        args: ["provider"],
        id: "{provider} dicoba lebih dulu.",
        en: "{provider} is used first.",
    },
    "route.fallback": {
        args: ["provider", "number"],
        id: "{provider} menjadi cadangan ke-{number} bila yang sebelumnya tidak tersedia.",
        en: "{provider} is fallback number {number} if the previous one is unavailable.",
    },
    "route.opted_out": {
        args: [],
        id: "Penerima menolak pesan WhatsApp: tidak ada yang dikirim.",
        en: "The recipient asked not to receive WhatsApp messages: nothing is sent.",
    },
    "template.missing_param": {
        args: ["template", "param"],
        id: "Templat {template} memerlukan nilai untuk {{{param}}}.",
        en: "Template {template} needs a value for {{{param}}}.",
    },
    "template.unknown": {
        args: ["template"],
        id: "Templat {template} tidak dikenal.",
        en: "Unknown template {template}.",
    },
};

const PERMIT_READY = {
    code: "permit_ready",
    name: "Izin terbit",
    language: "id",
    body: "Yth. {{partner_name}}, izin {{permit_type}} nomor {{permit_number}} telah terbit di {{office_name}}.",
    header: null,
    buttonUrlSuffix: null,
    params: [],
    appendOptInLink: true,
    meta: {
        templateName: "permit_ready",
        language: null,
        paramFormat: "positional",
        bodyParams: [],
        headerParam: null,
        buttonIndex: 0,
        status: null,
    },
    watzap: null,
    fonnte: null,
};

function sample(key, label, recipient, partnerId = false) {
    return {
        key,
        label,
        partnerId,
        notification: {
            template: "",
            recipient: {
                optInUrl: "http://odoo.test/sicantik_whatsapp/consent/CONTOH",
                ...recipient,
            },
            values: {
                partner_name: recipient.name,
                office_name: "DPMPTSP Kabupaten Karo",
            },
        },
    };
}

/** What `/sicantik_whatsapp/preview/context` answers (the server masks every credential). */
export function makeServerContext({partners = [], lang = "en"} = {}) {
    return {
        config: {
            defaultProvider: null,
            fallbackOrder: [],
            optIn: {url: null, text: null},
            defaultCountry: "62",
            providers: [
                {
                    id: "meta-1",
                    kind: "meta",
                    state: "configured",
                    name: "Meta DPMPTSP",
                    baseUrl: "https://graph.meta.test",
                    apiVersion: "v25.0",
                    timeoutMs: 15000,
                    credentials: {
                        accessToken: MASK,
                        phoneNumberId: "100000000000001",
                        wabaId: "200000000000001",
                    },
                },
                {
                    id: "fonnte-2",
                    kind: "fonnte",
                    state: "configured",
                    name: "Fonnte DPMPTSP",
                    baseUrl: "https://api.fonnte.test",
                    apiVersion: null,
                    timeoutMs: 15000,
                    credentials: {token: MASK},
                },
                {
                    id: "watzap-3",
                    kind: "watzap",
                    state: "configured",
                    name: "Watzap DPMPTSP",
                    baseUrl: "https://api.watzap.test/v1",
                    apiVersion: null,
                    timeoutMs: 15000,
                    credentials: {apiKey: MASK, numberKey: MASK},
                },
            ],
            templates: [PERMIT_READY],
        },
        template: PERMIT_READY,
        templateCode: "permit_ready",
        templates: [{id: 1, code: "permit_ready"}],
        samples: [
            sample("sample_opted_in", "Sample citizen who opted in (Meta)", {
                phone: "0812-3456-7890",
                name: "Budi Santoso",
                metaOptIn: true,
                optedOut: false,
            }),
            sample(
                "sample_gateway",
                "Sample citizen without opt-in (gateway + invitation)",
                {
                    phone: "+62 813 1111 2222",
                    name: "Siti Aminah",
                    metaOptIn: false,
                    optedOut: false,
                }
            ),
            sample("sample_opted_out", "Sample citizen who opted out", {
                phone: "081399998888",
                name: "Andi Wijaya",
                metaOptIn: false,
                optedOut: true,
            }),
            ...partners.map((p) =>
                sample(
                    `partner_${p.id}`,
                    p.name,
                    {
                        phone: p.phone,
                        name: p.name,
                        metaOptIn: Boolean(p.optIn),
                        optedOut: false,
                        optInUrl: `http://odoo.test/sicantik_whatsapp/consent/token-${p.id}`,
                    },
                    p.id
                )
            ),
        ],
        sampleValues: {
            office_name: "DPMPTSP Kabupaten Karo",
            permit_number: "503/IMB/2026/0001",
            permit_type: "Persetujuan Bangunan Gedung",
        },
        canSend: true,
        // The part of the engine's catalogue these tests meet (the server sends all of it).
        catalogue: {lang, codes: CATALOGUE_CODES},
    };
}

export class SicantikWhatsappTemplateMaster extends models.Model {
    _name = "sicantik.whatsapp.template.master";

    code = fields.Char();
    name = fields.Char();
    language = fields.Char();
    body = fields.Text();
    header = fields.Char();
    button_url_suffix = fields.Char();
    params = fields.Char();
    append_opt_in_link = fields.Boolean();
    meta_template_name = fields.Char();
    meta_language = fields.Char();
    meta_param_format = fields.Selection({
        selection: [
            ["positional", "Positional"],
            ["named", "Named"],
        ],
    });
    meta_body_params = fields.Char();
    meta_header_param = fields.Char();
    meta_button_index = fields.Integer();
    meta_status = fields.Char();
    watzap_body = fields.Text();
    fonnte_body = fields.Text();
    preview_record = fields.Reference({selection: [["res.partner", "Contact"]]});

    _records = [
        {
            id: 1,
            code: PERMIT_READY.code,
            name: PERMIT_READY.name,
            language: "id",
            body: PERMIT_READY.body,
            append_opt_in_link: true,
            meta_template_name: "permit_ready",
            meta_param_format: "positional",
            meta_button_index: 0,
        },
    ];
}

export class SicantikWhatsappProvider extends models.Model {
    _name = "sicantik.whatsapp.provider";

    name = fields.Char();

    _records = [
        {id: 1, name: "Meta DPMPTSP"},
        {id: 2, name: "Fonnte DPMPTSP"},
        {id: 3, name: "Watzap DPMPTSP"},
    ];
}

export class SicantikWhatsappTestWizard extends models.Model {
    _name = "sicantik.whatsapp.test.wizard";

    partner_id = fields.Many2one({relation: "res.partner"});
    template_id = fields.Many2one({relation: "sicantik.whatsapp.template.master"});
    values_json = fields.Text();
    mode = fields.Selection({
        selection: [
            ["automatic", "Automatic routing"],
            ["forced", "Force a provider"],
        ],
        default: "automatic",
    });
    provider_id = fields.Many2one({relation: "sicantik.whatsapp.provider"});
}

export const TEMPLATE_FORM_ARCH = /* xml */ `
    <form>
        <sheet>
            <group>
                <field name="code"/>
                <field name="name"/>
                <field name="language"/>
                <field name="params"/>
                <field name="append_opt_in_link"/>
                <field name="header"/>
                <field name="body"/>
                <field name="button_url_suffix"/>
                <field name="meta_template_name"/>
                <field name="meta_language"/>
                <field name="meta_param_format"/>
                <field name="meta_body_params"/>
                <field name="meta_header_param"/>
                <field name="meta_button_index"/>
                <field name="meta_status"/>
                <field name="watzap_body"/>
                <field name="fonnte_body"/>
            </group>
            <field name="body" widget="sicantik_whatsapp_payload_preview" nolabel="1"/>
        </sheet>
    </form>`;

export const WIZARD_FORM_ARCH = /* xml */ `
    <form>
        <group>
            <field name="partner_id"/>
            <field name="template_id"/>
            <field name="mode"/>
            <field name="provider_id"/>
            <field name="values_json"/>
        </group>
        <field name="values_json" widget="sicantik_whatsapp_payload_preview" nolabel="1"
               options="{'template_field': 'template_id', 'partner_field': 'partner_id', 'values_field': 'values_json', 'mode_field': 'mode', 'provider_field': 'provider_id'}"/>
    </form>`;
