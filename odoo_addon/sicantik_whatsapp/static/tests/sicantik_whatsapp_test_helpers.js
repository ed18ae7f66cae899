// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * Test helpers of the payload preview: the engine's real web build, the server context the
 * widget gets from `sicantik_preview_context` (the network, faked), and mock models of the
 * master template and the test wizard.
 */
import {globals} from "@odoo/hoot";
import {fields, models, patchWithCleanup} from "@web/../tests/web_test_helpers";
import {
    ENGINE_DIR,
    ENGINE_WASM_URL,
    engineLoader,
} from "@sicantik_whatsapp/js/engine_service";

/** The engine's catalogue (`catalogue.js` beside the web build, made by `make addon`). */
let CATALOGUE = null;

/** Load the engine's catalogue once: its sentences and defaults fill the faked server answers. */
export async function loadEngineCatalogue() {
    CATALOGUE ??= (await import(`${ENGINE_DIR}/catalogue.js`)).default;
    return CATALOGUE;
}

/** What the engine puts in place of a secret (its catalogue's default). */
export function engineMask() {
    return CATALOGUE.defaults.secretMask;
}

/**
 * The engine's real web build (static/lib, made by `make addon`), loaded through the service's
 * loader, and its catalogue. Hoot mocks `fetch` and `Response`: the glue gets the `.wasm` bytes
 * from the real `fetch`.
 */
export async function useRealEngine() {
    await loadEngineCatalogue();
    patchWithCleanup(engineLoader, {
        async importModule(url) {
            const mod = await import(url);
            return {
                ...mod,
                default: async () => {
                    // (called unbound: `fetch` refuses another `this`)
                    const realFetch = globals.fetch;
                    const response = await realFetch(ENGINE_WASM_URL);
                    return mod.default({module_or_path: await response.arrayBuffer()});
                },
            };
        },
    });
}

/**
 * A module that is not the engine, for the loader's own tests (how a failed or foreign
 * download is told): it records `init` calls and computes nothing.
 */
export function makeLoaderStub({initError = null} = {}) {
    const calls = {init: []};
    const module = {
        async default(arg) {
            calls.init.push(arg);
            if (initError) {
                throw initError;
            }
        },
        Engine: class {},
    };
    return {calls, module};
}

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

/**
 * What `sicantik_preview_context` answers (the server's engine masks every credential); the
 * engine's defaults and sentences come from its catalogue (`loadEngineCatalogue` first).
 */
export function makeServerContext({partners = [], lang = "en"} = {}) {
    const {codes, defaults} = CATALOGUE;
    const MASK = defaults.secretMask;
    return {
        config: {
            defaultProvider: null,
            fallbackOrder: [],
            optIn: {url: null, text: null},
            defaultCountry: defaults.country,
            providers: [
                {
                    id: "meta-1",
                    kind: "meta",
                    state: "configured",
                    name: "Meta DPMPTSP",
                    baseUrl: "https://graph.meta.test",
                    apiVersion: defaults.metaApiVersion,
                    timeoutMs: defaults.timeoutMs,
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
                    timeoutMs: defaults.timeoutMs,
                    credentials: {token: MASK},
                },
                {
                    id: "watzap-3",
                    kind: "watzap",
                    state: "configured",
                    name: "Watzap DPMPTSP",
                    baseUrl: "https://api.watzap.test/v1",
                    apiVersion: null,
                    timeoutMs: defaults.timeoutMs,
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
        catalogue: {lang, codes},
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
            <field name="body" widget="sicantik_whatsapp_template_preview" nolabel="1"/>
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
