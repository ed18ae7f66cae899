// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * The preview widgets with the engine's real web build (static/lib, `make addon`): only the
 * server is faked (its preview context, its test send) and, in one test, the loader.
 */
import {defineMailModels} from "@mail/../tests/mail_test_helpers";
import {beforeEach, describe, expect, test} from "@odoo/hoot";
import {queryAll, queryAllTexts, queryOne} from "@odoo/hoot-dom";
import {advanceTime, animationFrame} from "@odoo/hoot-mock";
import {
    contains,
    defineModels,
    mountView,
    onRpc,
    patchWithCleanup,
    serverState,
} from "@web/../tests/web_test_helpers";

import {engineLoader} from "@sicantik_whatsapp/js/engine_service";
import {
    CONTEXT_METHOD,
    SEND_METHOD,
    TEMPLATE_MODEL,
} from "@sicantik_whatsapp/js/payload_preview/preview_session";
import {
    TemplatePreviewField,
    templatePreviewField,
} from "@sicantik_whatsapp/js/payload_preview/template_preview_field";
import {
    WizardPreviewField,
    wizardPreviewField,
} from "@sicantik_whatsapp/js/payload_preview/wizard_preview_field";
import {
    SicantikWhatsappProvider,
    SicantikWhatsappTemplateMaster,
    SicantikWhatsappTestWizard,
    TEMPLATE_FORM_ARCH,
    engineMask,
    makeServerContext,
    useRealEngine,
} from "./sicantik_whatsapp_test_helpers";

describe.current.tags("desktop");
defineMailModels();
defineModels([
    SicantikWhatsappTemplateMaster,
    SicantikWhatsappProvider,
    SicantikWhatsappTestWizard,
]);

const PREVIEW = ".o_sicantik_whatsapp_preview";
const DEBOUNCE = TemplatePreviewField.defaultProps.debounce;
const BODY = ".o_field_text[name=body] textarea";
const bubble = () => queryOne(".o_sicantik_whatsapp_bubble_text").textContent;
const rawBody = (provider) =>
    queryOne(`pre[data-provider="${provider}"][data-field="body"]`).textContent;
const valueNames = () => queryAll(".o_sicantik_whatsapp_value").map((el) => el.name);

beforeEach(() => useRealEngine());

/** Fake the server's preview context; returns the calls it got (`{args, kwargs}`). */
function mockContext(options = {}, extend = null) {
    const received = [];
    onRpc(TEMPLATE_MODEL, CONTEXT_METHOD, ({args, kwargs}) => {
        const rest = {...kwargs};
        delete rest.context;
        received.push({args, kwargs: rest});
        const context = makeServerContext(options);
        extend?.(context, kwargs);
        return context;
    });
    return received;
}

async function mountTemplateForm(arch = TEMPLATE_FORM_ARCH) {
    await mountView({
        type: "form",
        resModel: "sicantik.whatsapp.template.master",
        resId: 1,
        arch,
    });
    await animationFrame();
}

/** Commit an edit of the form (the field writes the record on change) and let it settle. */
async function editField(selector, value) {
    await contains(selector).edit(value);
    await advanceTime(DEBOUNCE);
    await animationFrame();
}

test("two field wrappers: the template form's and the wizards'", () => {
    expect(templatePreviewField.component).toBe(TemplatePreviewField);
    expect(wizardPreviewField.component).toBe(WizardPreviewField);
    for (const Field of [TemplatePreviewField, WizardPreviewField]) {
        for (const key of ["id", "name", "readonly", "record"]) {
            expect(key in Field.props).toBe(true);
        }
    }
    expect(
        wizardPreviewField.extractProps({
            options: {template_field: "template_id", partner_field: "partner_id"},
        })
    ).toEqual({
        templateField: "template_id",
        partnerField: "partner_id",
        valuesField: undefined,
        modeField: undefined,
        providerField: undefined,
        debounce: undefined,
    });
});

test("template form: every provider's masked request, the bubble, the decision", async () => {
    const received = mockContext();
    await mountTemplateForm();
    expect(received).toEqual([{args: [[1]], kwargs: {partner_ids: []}}]);
    expect(PREVIEW).toHaveAttribute("data-status", "ready");
    expect(".o_sicantik_whatsapp_error").toHaveCount(0);
    // Default sample: a citizen without opt-in → the first gateway.
    expect(PREVIEW).toHaveAttribute("data-sample", "sample_gateway");
    expect(bubble()).toInclude(
        "Yth. Siti Aminah, izin Persetujuan Bangunan Gedung nomor 503/IMB/2026/0001 telah terbit di DPMPTSP Kabupaten Karo."
    );
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute(
        "data-provider",
        "fonnte-2"
    );
    const trace = queryAll(".o_sicantik_whatsapp_trace li").map(
        (li) => li.dataset.code
    );
    expect(trace).toInclude("route.skip_no_opt_in");
    expect(".o_sicantik_whatsapp_provider").toHaveCount(3);
    expect(".o_sicantik_whatsapp_tabs .nav-link.active").toHaveAttribute(
        "data-provider",
        "fonnte-2"
    );
    // Fonnte's multipart body, decoded field by field; every secret is the mask.
    expect(rawBody("fonnte-2")).toInclude('name="target"\r\n\r\n6281311112222\r\n');
    expect(
        queryAllTexts(
            '.o_sicantik_whatsapp_provider[data-provider="fonnte-2"] .o_sicantik_whatsapp_form_fields th'
        )
    ).toEqual(["target", "message", "countryCode"]);
    expect(
        '.o_sicantik_whatsapp_provider[data-provider="fonnte-2"] tr[data-header="Authorization"] td'
    ).toHaveText(engineMask());
    const watzap = JSON.parse(rawBody("watzap-3"));
    expect([watzap.api_key, watzap.number_key]).toEqual([engineMask(), engineMask()]);
    expect(JSON.parse(rawBody("meta-1")).template.name).toBe("permit_ready");
    expect(
        queryOne(
            '.o_sicantik_whatsapp_provider[data-provider="meta-1"] tr[data-header="Authorization"] td'
        ).textContent
    ).toBe(`Bearer ${engineMask()}`);
    // A picked tab stays picked.
    await contains('.o_sicantik_whatsapp_tabs a[data-provider="meta-1"]').click();
    expect(".o_sicantik_whatsapp_tabs .nav-link.active").toHaveAttribute(
        "data-provider",
        "meta-1"
    );
    // A made-up citizen cannot receive a test.
    expect(".o_sicantik_whatsapp_send_button").toHaveCount(0);
});

test("unsaved edits of the body reach the preview: it reads the record, debounced", async () => {
    mockContext();
    await mountTemplateForm();
    const text = "Halo {{partner_name}}, izin {{permit_number}} sudah siap.";
    // Typed but not committed: the record has not changed, nor has the preview.
    await contains(BODY).edit(text, {confirm: false});
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(bubble()).toInclude("telah terbit");
    // Committed (the field writes the record on change): once the user pauses.
    await contains(BODY).edit(text);
    await animationFrame();
    expect(bubble()).toInclude("telah terbit");
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(bubble()).toInclude("Halo Siti Aminah, izin 503/IMB/2026/0001 sudah siap.");
    // The values asked for follow the engine's description of the edited template.
    expect(valueNames()).toEqual(["partner_name", "permit_number"]);
    // A header with two placeholders: Meta lint, live.
    await editField(
        ".o_field_char[name=header] input",
        "{{permit_type}} {{permit_number}}"
    );
    expect('.o_sicantik_whatsapp_lint li[data-code="meta.header_params"]').toHaveCount(
        1
    );
});

test("Meta's positional {{1}}, {{2}}: the widget asks for both values", async () => {
    mockContext();
    await mountTemplateForm();
    await editField(BODY, "Yth. {{1}}, izin {{2}}");
    // Asked for as the engine reads them (a regex over names found none, and the preview
    // then failed with template.missing_param).
    expect(valueNames()).toEqual(["1", "2"]);
    expect(".o_sicantik_whatsapp_value[name='1']").toHaveValue("contoh 1");
    expect(".o_sicantik_whatsapp_error").toHaveCount(0);
    // (Fonnte's body is multipart: the text is carried as it is, not URL-encoded.)
    expect(rawBody("fonnte-2")).toInclude(
        'name="message"\r\n\r\nYth. contoh 1, izin contoh 2'
    );
    await contains(".o_sicantik_whatsapp_value[name='1']").edit("Budi", {
        confirm: false,
    });
    await contains(".o_sicantik_whatsapp_value[name='2']").edit("PBG-7", {
        confirm: false,
    });
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(bubble()).toInclude("Yth. Budi, izin PBG-7");
});

test("sample values, sample recipient and forced provider change the preview", async () => {
    mockContext();
    await mountTemplateForm();
    await contains(".o_sicantik_whatsapp_value[name=permit_number]").edit(
        "503/PBG/2026/0142",
        {
            confirm: false,
        }
    );
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(bubble()).toInclude("nomor 503/PBG/2026/0142");

    await contains(".o_sicantik_whatsapp_sample").select("sample_opted_in");
    await animationFrame();
    expect(PREVIEW).toHaveAttribute("data-sample", "sample_opted_in");
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute("data-provider", "meta-1");

    await contains(".o_sicantik_whatsapp_force").select("watzap-3");
    await animationFrame();
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute(
        "data-provider",
        "watzap-3"
    );
    expect(".o_sicantik_whatsapp_tabs .nav-link.active").toHaveAttribute(
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

test("preview from a record: its recipient and mapped values, typed ones written by the engine", async () => {
    const ref = `res.partner,${serverState.partnerId}`;
    const received = mockContext({}, (context, kwargs) => {
        if (kwargs.preview_record) {
            context.samples.push({
                key: `record:${kwargs.preview_record}`,
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
    });
    patchWithCleanup(SicantikWhatsappTemplateMaster._records[0], {preview_record: ref});
    await mountTemplateForm(
        TEMPLATE_FORM_ARCH.replace(
            '<field name="fonnte_body"/>',
            '<field name="fonnte_body"/><field name="preview_record"/>'
        )
    );
    expect(received.at(-1)).toEqual({
        args: [[1]],
        kwargs: {partner_ids: [], preview_record: ref},
    });
    expect(PREVIEW).toHaveAttribute("data-sample", `record:${ref}`);
    // The typed value reaches the engine as it is; its input shows its own text.
    expect(".o_sicantik_whatsapp_value[name=permit_number]").toHaveValue("142");
    expect(bubble()).toInclude("Yth. Rina Ginting, izin PBG nomor 142 telah terbit");
});

test("engine errors are shown next to the field, in the user's language", async () => {
    // The server sends the catalogue in the user's language; the widget fills it from `args`.
    mockContext({lang: "id"});
    await mountTemplateForm();
    await editField(BODY, "Yth. {{partner_name}}, kode {{kode_baru}}.");
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
    expect(".o_sicantik_whatsapp_result").toHaveCount(0);
    // Fixing the value clears the error.
    await contains(".o_sicantik_whatsapp_value[name=kode_baru]").edit("A-1", {
        confirm: false,
    });
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect(".o_sicantik_whatsapp_error").toHaveCount(0);
    expect(bubble()).toInclude("Yth. Siti Aminah, kode A-1.");
});

test("engine files missing: a clear message instead of the preview, the form still works", async () => {
    patchWithCleanup(engineLoader, {
        importModule: async (url) => {
            throw new TypeError(`Failed to fetch dynamically imported module: ${url}`);
        },
    });
    mockContext();
    await mountTemplateForm();
    expect(PREVIEW).toHaveAttribute("data-status", "unavailable");
    expect('.o_sicantik_whatsapp_error[data-code="engine.unavailable"]').toHaveCount(1);
    expect(".o_sicantik_whatsapp_error").toHaveText(/make addon/);
    await contains(BODY).edit("Teks baru");
    expect(BODY).toHaveValue("Teks baru");
});

test("send test: the server sends, the browser only names the contact and values", async () => {
    mockContext({partners: [{id: 7, name: "Rina Kaban", phone: "0813-7000-1111"}]});
    onRpc(TEMPLATE_MODEL, SEND_METHOD, ({args, kwargs}) => {
        const rest = {...kwargs};
        delete rest.context;
        expect.step({args, kwargs: rest});
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
            args: [[1]],
            kwargs: {
                partner_id: 7,
                values: {
                    partner_name: "Rina Kaban",
                    permit_type: "Persetujuan Bangunan Gedung",
                    permit_number: "503/IMB/2026/0001",
                    office_name: "DPMPTSP Kabupaten Karo",
                },
                force_provider_id: false,
            },
        },
    ]);
    expect(".o_sicantik_whatsapp_send_result").toHaveAttribute("data-state", "sent");
    expect(".o_sicantik_whatsapp_send_result").toHaveText(/Fonnte DPMPTSP/);
});
