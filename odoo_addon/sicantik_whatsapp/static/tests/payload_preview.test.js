// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {defineMailModels} from "@mail/../tests/mail_test_helpers";
import {ResPartner} from "@mail/../tests/mock_server/mock_models/res_partner";
import {beforeEach, describe, expect, globals, test} from "@odoo/hoot";
import {queryAll, queryAllTexts, queryOne} from "@odoo/hoot-dom";
import {advanceTime, animationFrame, runAllTimers} from "@odoo/hoot-mock";
import {
    contains,
    defineModels,
    mountView,
    onRpc,
    patchWithCleanup,
    serverState,
} from "@web/../tests/web_test_helpers";

import {ENGINE_WASM_URL, engineLoader} from "@sicantik_whatsapp/js/engine_service";
import {
    CONTEXT_ROUTE,
    PayloadPreviewField,
    payloadPreviewField,
    SEND_ROUTE,
} from "@sicantik_whatsapp/js/payload_preview/payload_preview_field";
import {
    MASK,
    SicantikWhatsappProvider,
    SicantikWhatsappTemplateMaster,
    SicantikWhatsappTestWizard,
    TEMPLATE_FORM_ARCH,
    WIZARD_FORM_ARCH,
    engineError,
    fonnteBody,
    makeFakeEngineModule,
    makeServerContext,
} from "./sicantik_whatsapp_test_helpers";

describe.current.tags("desktop");
defineMailModels();
defineModels([
    SicantikWhatsappTemplateMaster,
    SicantikWhatsappProvider,
    SicantikWhatsappTestWizard,
]);

const PREVIEW = ".o_sicantik_whatsapp_preview";
const DEBOUNCE = PayloadPreviewField.defaultProps.debounce;

let fake;
beforeEach(() => {
    fake = makeFakeEngineModule();
    patchWithCleanup(engineLoader, {importModule: async () => fake.module});
});

/** Mock the context route; returns the list of received params. */
function mockContextRoute(options = {}) {
    const received = [];
    onRpc(CONTEXT_ROUTE, async (request) => {
        const {params} = await request.json();
        received.push(params);
        return makeServerContext(options);
    });
    return received;
}

async function mountTemplateForm() {
    await mountView({
        type: "form",
        resModel: "sicantik.whatsapp.template.master",
        resId: 1,
        arch: TEMPLATE_FORM_ARCH,
    });
    await animationFrame();
}

function lastNotification() {
    return fake.calls.notifications.at(-1);
}

test("field descriptor: standard props, supported types, options → props", () => {
    expect(payloadPreviewField.component).toBe(PayloadPreviewField);
    expect(payloadPreviewField.supportedTypes).toEqual(["text", "char"]);
    for (const key of ["id", "name", "readonly", "record"]) {
        expect(key in PayloadPreviewField.props).toBe(true);
    }
    expect(
        payloadPreviewField.extractProps({
            options: {
                template_field: "template_id",
                partner_field: "partner_id",
                values_field: "values_json",
            },
        })
    ).toEqual({
        templateField: "template_id",
        partnerField: "partner_id",
        valuesField: "values_json",
        modeField: undefined,
        providerField: undefined,
        debounce: undefined,
    });
});

test("template form: every provider's payload, the chat bubble, lint and the decision", async () => {
    const received = mockContextRoute();
    await mountTemplateForm();

    expect(received).toEqual([{template_id: 1, partner_ids: []}]);
    expect(PREVIEW).toHaveAttribute("data-status", "ready");
    // The configuration given to the engine is the server's (masked) one with the form's template.
    const config = fake.calls.configs.at(-1);
    expect(config.providers.map((p) => p.credentials)).toEqual([
        {
            accessToken: MASK,
            phoneNumberId: "100000000000001",
            wabaId: "200000000000001",
        },
        {token: MASK},
        {apiKey: MASK, numberKey: MASK},
    ]);
    expect(config.templates).toHaveLength(1);
    expect(config.templates[0].body).toInclude("{{permit_number}}");

    // Default sample: a citizen without opt-in → the first gateway.
    expect(lastNotification().recipient.name).toBe("Siti Aminah");
    expect(lastNotification().values).toEqual({
        partner_name: "Siti Aminah",
        office_name: "DPMPTSP Kabupaten Karo",
        permit_type: "Persetujuan Bangunan Gedung",
        permit_number: "503/IMB/2026/0001",
    });
    expect(".o_sicantik_whatsapp_bubble_text").toHaveText(
        "Yth. Siti Aminah, izin Persetujuan Bangunan Gedung nomor 503/IMB/2026/0001 telah terbit di DPMPTSP Kabupaten Karo."
    );
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute(
        "data-provider",
        "fonnte-2"
    );
    expect(queryAllTexts(".o_sicantik_whatsapp_trace li span")).toEqual([
        "Fonnte DPMPTSP is used first.",
        "Watzap DPMPTSP is fallback number 1 if the previous one is unavailable.",
    ]);
    // One pane per provider, the exact masked body in a <pre data-provider>.
    expect(".o_sicantik_whatsapp_provider").toHaveCount(3);
    expect(".o_sicantik_whatsapp_tabs .nav-link.active").toHaveAttribute(
        "data-provider",
        "fonnte-2"
    );
    // (in a closed <details>: read its text, not what is visible)
    const message = queryOne(".o_sicantik_whatsapp_bubble_text").textContent;
    expect(
        queryOne('pre[data-provider="fonnte-2"][data-field="body"]').textContent
    ).toBe(fonnteBody("6281", message));
    // Fonnte: the multipart body's fields, decoded; its token is masked.
    expect(
        queryAllTexts(
            '.o_sicantik_whatsapp_provider[data-provider="fonnte-2"] .o_sicantik_whatsapp_form_fields th'
        )
    ).toEqual(["target", "message"]);
    expect(
        queryAllTexts(
            '.o_sicantik_whatsapp_provider[data-provider="fonnte-2"] .o_sicantik_whatsapp_form_fields td'
        )
    ).toEqual(["6281", message]);
    expect(
        '.o_sicantik_whatsapp_provider[data-provider="fonnte-2"] tr[data-header="Authorization"] td'
    ).toHaveText(MASK);
    // Meta: the template components.
    expect(
        '.o_sicantik_whatsapp_provider[data-provider="meta-1"] pre[data-field="params"]'
    ).toHaveCount(1);
    // Lint.
    expect('.o_sicantik_whatsapp_lint li[data-code="meta.param_adjacent"]').toHaveCount(
        1
    );
    // A made-up citizen cannot receive a test.
    expect(".o_sicantik_whatsapp_send_button").toHaveCount(0);
});

test("recomputes live, debounced, while the body is edited", async () => {
    mockContextRoute();
    await mountTemplateForm();
    const before = fake.calls.notifications.length;

    await contains(".o_field_text[name=body] textarea").edit(
        "Halo {{partner_name}}, izin {{permit_number}} siap.",
        {confirm: false}
    );
    await contains(".o_field_text[name=body] textarea").edit(
        "Halo {{partner_name}}, izin {{permit_number}} sudah siap.",
        {confirm: false}
    );
    await animationFrame();
    // Not yet: the engine runs once the user pauses.
    expect(fake.calls.notifications.length).toBe(before);
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(fake.calls.notifications.length).toBe(before + 1);
    expect(".o_sicantik_whatsapp_bubble_text").toHaveText(
        "Halo Siti Aminah, izin 503/IMB/2026/0001 sudah siap."
    );
    // The sample values follow the placeholders of the body being edited.
    expect(queryAll(".o_sicantik_whatsapp_value").map((el) => el.name)).toEqual([
        "partner_name",
        "permit_number",
    ]);
    expect(fake.calls.configs.at(-1).templates[0].body).toBe(
        "Halo {{partner_name}}, izin {{permit_number}} sudah siap."
    );
});

test("sample values, sample recipient and forced provider change the preview", async () => {
    mockContextRoute();
    await mountTemplateForm();

    await contains(".o_sicantik_whatsapp_value[name=permit_number]").edit(
        "503/PBG/2026/0142",
        {confirm: false}
    );
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(lastNotification().values.permit_number).toBe("503/PBG/2026/0142");

    await contains(".o_sicantik_whatsapp_sample").select("sample_opted_in");
    await animationFrame();
    expect(PREVIEW).toHaveAttribute("data-sample", "sample_opted_in");
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute("data-provider", "meta-1");

    await contains(".o_sicantik_whatsapp_force").select("watzap-3");
    await animationFrame();
    expect(lastNotification().forceProvider).toBe("watzap-3");
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute(
        "data-provider",
        "watzap-3"
    );

    await contains(".o_sicantik_whatsapp_sample").select("sample_opted_out");
    await animationFrame();
    expect(".o_sicantik_whatsapp_bubble").toHaveClass(
        "o_sicantik_whatsapp_bubble_muted"
    );
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute("data-provider", "");
});

test("preview from a record: its recipient and mapped values, typed ones for the engine to write", async () => {
    const received = [];
    onRpc(CONTEXT_ROUTE, async (request) => {
        const {params} = await request.json();
        received.push(params);
        const context = makeServerContext();
        if (params.preview_record) {
            context.samples.push({
                key: `record:${params.preview_record}`,
                label: "Record: 503/PBG/2026/0142",
                partnerId: serverState.partnerId,
                notification: {
                    template: "",
                    recipient: {
                        phone: "0812-1111-2222",
                        name: "Rina Ginting",
                        metaOptIn: false,
                        optedOut: false,
                    },
                    values: {
                        partner_name: "Rina Ginting",
                        office_name: "DPMPTSP Kabupaten Karo",
                        permit_type: "PBG",
                        permit_number: {type: "number", value: 142},
                    },
                },
            });
        }
        return context;
    });
    patchWithCleanup(SicantikWhatsappTemplateMaster._records[0], {
        preview_record: `res.partner,${serverState.partnerId}`,
    });
    await mountView({
        type: "form",
        resModel: "sicantik.whatsapp.template.master",
        resId: 1,
        arch: TEMPLATE_FORM_ARCH.replace(
            '<field name="fonnte_body"/>',
            '<field name="fonnte_body"/><field name="preview_record"/>'
        ),
    });
    await animationFrame();
    expect(received.at(-1)).toEqual({
        template_id: 1,
        partner_ids: [],
        preview_record: `res.partner,${serverState.partnerId}`,
    });
    const key = `record:res.partner,${serverState.partnerId}`;
    expect(PREVIEW).toHaveAttribute("data-sample", key);
    // The typed value reaches the engine as it is; its input shows its own text.
    expect(lastNotification().values.permit_number).toEqual({
        type: "number",
        value: 142,
    });
    expect(lastNotification().recipient.name).toBe("Rina Ginting");
    expect(".o_sicantik_whatsapp_value[name=permit_number]").toHaveValue("142");
});

test("engine errors are shown next to the field, in the user's language", async () => {
    // The server sends the catalogue in the user's language; the widget fills it from `args`.
    mockContextRoute({lang: "id"});
    await mountTemplateForm();
    expect(".o_sicantik_whatsapp_error").toHaveCount(0);

    await contains(".o_field_text[name=body] textarea").edit(
        "Yth. {{partner_name}}, kode {{kode_baru}}.",
        {confirm: false}
    );
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(".o_sicantik_whatsapp_value[name=kode_baru]").toHaveValue(
        "contoh kode_baru"
    );
    await contains(".o_sicantik_whatsapp_value[name=kode_baru]").edit("", {
        confirm: false,
    });
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(
        '.o_sicantik_whatsapp_error[data-code="template.missing_param"]'
    ).toHaveCount(1);
    expect(".o_sicantik_whatsapp_error strong").toHaveText(
        "Templat permit_ready memerlukan nilai untuk {{kode_baru}}."
    );
    // The engine's own (English) words stay as the technical detail.
    expect(".o_sicantik_whatsapp_error .font-monospace").toHaveText(
        'template "permit_ready" needs a value for {{kode_baru}}'
    );
    expect(".o_sicantik_whatsapp_result").toHaveCount(0);

    // Fixing the value clears the error.
    await contains(".o_sicantik_whatsapp_value[name=kode_baru]").edit("A-1", {
        confirm: false,
    });
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(".o_sicantik_whatsapp_error").toHaveCount(0);
    expect(".o_sicantik_whatsapp_bubble_text").toHaveText(
        "Yth. Siti Aminah, kode A-1."
    );
});

test("an unknown engine error code falls back to a generic sentence with the code", async () => {
    fake = makeFakeEngineModule({
        previewError: engineError("engine.future", "something new"),
    });
    mockContextRoute();
    await mountTemplateForm();
    expect('.o_sicantik_whatsapp_error[data-code="engine.future"] strong').toHaveText(
        "The WhatsApp engine reported an error (engine.future)."
    );
});

test("engine files missing: a clear message instead of the preview, the form still works", async () => {
    patchWithCleanup(engineLoader, {
        importModule: async (url) => {
            throw new TypeError(`Failed to fetch dynamically imported module: ${url}`);
        },
    });
    mockContextRoute();
    await mountTemplateForm();
    expect(PREVIEW).toHaveAttribute("data-status", "unavailable");
    expect('.o_sicantik_whatsapp_error[data-code="engine.unavailable"]').toHaveCount(1);
    expect(".o_sicantik_whatsapp_error").toHaveText(/make addon/);
    await contains(".o_field_text[name=body] textarea").edit("Teks baru");
    expect(".o_field_text[name=body] textarea").toHaveValue("Teks baru");
});

test("test wizard: template, recipient, values and forced provider come from the wizard's fields", async () => {
    const received = mockContextRoute({
        partners: [{id: 7, name: "Rina Kaban", phone: "0813-7000-1111"}],
    });
    SicantikWhatsappTestWizard._records = [
        {
            id: 1,
            partner_id: 7,
            template_id: 1,
            mode: "automatic",
            values_json: JSON.stringify({
                permit_type: "PBG",
                permit_number: "503/PBG/2026/0142",
            }),
        },
    ];
    ResPartner._records = [...ResPartner._records, {id: 7, name: "Rina Kaban"}];

    await mountView({
        type: "form",
        resModel: "sicantik.whatsapp.test.wizard",
        resId: 1,
        arch: WIZARD_FORM_ARCH,
    });
    await animationFrame();
    expect(received[0].partner_ids).toEqual([7]);
    expect(lastNotification().template).toBe("permit_ready");
    expect(lastNotification().recipient.name).toBe("Rina Kaban");
    expect(lastNotification().values.permit_number).toBe("503/PBG/2026/0142");
    expect(lastNotification().forceProvider).toBe(undefined);
    // The wizard has no sample controls of its own.
    expect(".o_sicantik_whatsapp_controls").toHaveCount(0);

    await contains(".o_field_widget[name=mode] select").select('"forced"');
    await contains(".o_field_widget[name=provider_id] input").edit("Watzap", {
        confirm: false,
    });
    await runAllTimers();
    await contains(".o-autocomplete--dropdown-item:first").click();
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(lastNotification().forceProvider).toBe("watzap-3");

    await contains(".o_field_text[name=values_json] textarea").edit("{ not json", {
        confirm: false,
    });
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect('.o_sicantik_whatsapp_error[data-code="values.invalid"]').toHaveCount(1);
});

test("send test: the server's dispatcher sends, the browser only names the contact and values", async () => {
    mockContextRoute({
        partners: [{id: 7, name: "Rina Kaban", phone: "0813-7000-1111"}],
    });
    onRpc(SEND_ROUTE, async (request) => {
        const {params} = await request.json();
        expect.step(params);
        return {
            messageId: 42,
            state: "sent",
            stateLabel: "Sent",
            provider: "Fonnte DPMPTSP",
            providerMessageId: "555",
            errorCode: false,
            errorMessage: false,
            attempts: [
                {
                    provider: "Fonnte DPMPTSP",
                    classification: "accepted",
                    classificationLabel: "Accepted",
                    code: false,
                    detail: "queued",
                },
            ],
        };
    });
    await mountTemplateForm();
    await contains(".o_sicantik_whatsapp_sample").select("partner_7");
    await animationFrame();
    await contains(".o_sicantik_whatsapp_send_button").click();
    await contains(".modal .btn-primary").click();
    await animationFrame();
    expect.verifySteps([
        {
            template_id: 1,
            partner_id: 7,
            values: {
                partner_name: "Rina Kaban",
                permit_type: "Persetujuan Bangunan Gedung",
                permit_number: "503/IMB/2026/0001",
                office_name: "DPMPTSP Kabupaten Karo",
            },
            force_provider_id: false,
        },
    ]);
    expect(".o_sicantik_whatsapp_send_result").toHaveAttribute("data-state", "sent");
    expect(".o_sicantik_whatsapp_send_result").toHaveText(/Fonnte DPMPTSP/);
});

describe("with the real engine (the web build that make addon puts in static lib)", () => {
    beforeEach(() => {
        // Hoot mocks `fetch`: give the glue the real .wasm response.
        patchWithCleanup(engineLoader, {
            async importModule(url) {
                const mod = await import(url);
                return {
                    ...mod,
                    default: async () => {
                        // (hoot also mocks `Response`: hand the glue the bytes)
                        const realFetch = globals.fetch;
                        const response = await realFetch(ENGINE_WASM_URL);
                        return mod.default({
                            module_or_path: await response.arrayBuffer(),
                        });
                    },
                };
            },
        });
    });

    test("Fonnte form fields, Meta components, masked credentials, live lint", async () => {
        mockContextRoute();
        await mountTemplateForm();
        expect(queryAllTexts(".o_sicantik_whatsapp_error")).toEqual([]);
        expect(PREVIEW).toHaveAttribute("data-status", "ready");
        expect(".o_sicantik_whatsapp_decision").toHaveAttribute(
            "data-provider",
            "fonnte-2"
        );
        expect(".o_sicantik_whatsapp_error").toHaveCount(0);
        const fonnte = queryOne(
            'pre[data-provider="fonnte-2"][data-field="body"]'
        ).textContent;
        expect(fonnte).toInclude('name="target"\r\n\r\n6281311112222\r\n');
        // The real engine's multipart body, decoded field by field.
        expect(
            queryAllTexts(
                '.o_sicantik_whatsapp_provider[data-provider="fonnte-2"] .o_sicantik_whatsapp_form_fields th'
            )
        ).toEqual(["target", "message", "countryCode"]);
        expect(
            '.o_sicantik_whatsapp_provider[data-provider="fonnte-2"] tr[data-header="Authorization"] td'
        ).toHaveText(MASK);
        const watzap = JSON.parse(
            queryOne('pre[data-provider="watzap-3"][data-field="body"]').textContent
        );
        expect(watzap.api_key).toBe(MASK);
        expect(watzap.number_key).toBe(MASK);
        const meta = JSON.parse(
            queryOne('pre[data-provider="meta-1"][data-field="body"]').textContent
        );
        expect(meta.template.name).toBe("permit_ready");
        expect(
            queryOne(
                '.o_sicantik_whatsapp_provider[data-provider="meta-1"] tr[data-header="Authorization"] td'
            ).textContent
        ).toBe(`Bearer ${MASK}`);
        expect(
            queryAll(".o_sicantik_whatsapp_trace li").map((li) => li.dataset.code)
        ).toInclude("route.skip_no_opt_in");

        // Meta's positional {{1}}, {{2}}: asked for, as the engine reads them (a regex over names
        // found none, and the preview failed with template.missing_param).
        await contains(".o_field_text[name=body] textarea").edit(
            "Yth. {{1}}, izin {{2}}",
            {
                confirm: false,
            }
        );
        await advanceTime(DEBOUNCE);
        await animationFrame();
        expect(
            queryAll(".o_sicantik_whatsapp_value").map((input) => input.name)
        ).toEqual(["1", "2"]);
        expect(".o_sicantik_whatsapp_error").toHaveCount(0);
        expect(
            queryOne('pre[data-provider="fonnte-2"][data-field="body"]').textContent
        ).toInclude(
            // (Fonnte's body is multipart: the text is carried as it is, not URL-encoded.)
            'name="message"\r\n\r\nYth. contoh 1, izin contoh 2'
        );

        // A header with two placeholders: Meta lint, live.
        await contains(".o_field_char[name=header] input").edit(
            "{{permit_type}} {{permit_number}}",
            {confirm: false}
        );
        await advanceTime(DEBOUNCE);
        await animationFrame();
        expect(
            '.o_sicantik_whatsapp_lint li[data-code="meta.header_params"]'
        ).toHaveCount(1);
    });

    test("test wizard, invalid phone: the phone error once, the real template's lint, no false template.empty", async () => {
        mockContextRoute({partners: [{id: 7, name: "Rina Kaban", phone: "12"}]});
        SicantikWhatsappTestWizard._records = [
            {
                id: 1,
                partner_id: 7,
                template_id: 1,
                mode: "automatic",
                values_json: "{}",
            },
        ];
        ResPartner._records = [...ResPartner._records, {id: 7, name: "Rina Kaban"}];
        await mountView({
            type: "form",
            resModel: "sicantik.whatsapp.test.wizard",
            resId: 1,
            arch: WIZARD_FORM_ARCH,
        });
        await animationFrame();
        expect(PREVIEW).toHaveAttribute("data-status", "ready");
        expect(".o_sicantik_whatsapp_error").toHaveCount(1);
        expect('.o_sicantik_whatsapp_error[data-code="phone.invalid"]').toHaveCount(1);
        const lintCodes = queryAll(".o_sicantik_whatsapp_lint li").map(
            (li) => li.dataset.code
        );
        expect(lintCodes).not.toInclude("template.empty");
        expect(queryAllTexts(PREVIEW).join(" ")).not.toInclude("template.empty");
    });
});
