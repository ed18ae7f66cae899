// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * The wizards' preview (Test Multi-Provider, the composer) with the engine's real web build: its
 * inputs are the wizard record's fields; only the server's preview context is faked.
 */
import {defineMailModels} from "@mail/../tests/mail_test_helpers";
import {ResPartner} from "@mail/../tests/mock_server/mock_models/res_partner";
import {beforeEach, describe, expect, test} from "@odoo/hoot";
import {queryAll, queryAllTexts, queryOne} from "@odoo/hoot-dom";
import {advanceTime, animationFrame, runAllTimers} from "@odoo/hoot-mock";
import {contains, defineModels, mountView, onRpc} from "@web/../tests/web_test_helpers";

import {
    CONTEXT_METHOD,
    TEMPLATE_MODEL,
} from "@sicantik_whatsapp/js/payload_preview/preview_session";
import {WizardPreviewField} from "@sicantik_whatsapp/js/payload_preview/wizard_preview_field";
import {
    SicantikWhatsappProvider,
    SicantikWhatsappTemplateMaster,
    SicantikWhatsappTestWizard,
    WIZARD_FORM_ARCH,
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
const DEBOUNCE = WizardPreviewField.defaultProps.debounce;
const bubble = () => queryOne(".o_sicantik_whatsapp_bubble_text").textContent;

beforeEach(() => useRealEngine());

/** Fake the server's preview context; returns the calls it got (`{args, kwargs}`). */
function mockContext(options = {}) {
    const received = [];
    onRpc(TEMPLATE_MODEL, CONTEXT_METHOD, ({args, kwargs}) => {
        const rest = {...kwargs};
        delete rest.context;
        received.push({args, kwargs: rest});
        return makeServerContext(options);
    });
    return received;
}

async function mountWizard(record, partner) {
    SicantikWhatsappTestWizard._records = [{id: 1, mode: "automatic", ...record}];
    ResPartner._records = [...ResPartner._records, partner];
    await mountView({
        type: "form",
        resModel: "sicantik.whatsapp.test.wizard",
        resId: 1,
        arch: WIZARD_FORM_ARCH,
    });
    await animationFrame();
}

test("test wizard: template, recipient, values and forced provider come from its record", async () => {
    const received = mockContext({
        partners: [{id: 7, name: "Rina Kaban", phone: "0813-7000-1111"}],
    });
    await mountWizard(
        {
            partner_id: 7,
            template_id: 1,
            values_json: JSON.stringify({
                permit_type: "PBG",
                permit_number: "503/PBG/2026/0142",
            }),
        },
        {id: 7, name: "Rina Kaban"}
    );
    expect(received[0]).toEqual({args: [[]], kwargs: {partner_ids: [7]}});
    expect(bubble()).toInclude("Yth. Rina Kaban, izin PBG nomor 503/PBG/2026/0142");
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute(
        "data-provider",
        "fonnte-2"
    );
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
    expect(".o_sicantik_whatsapp_decision").toHaveAttribute(
        "data-provider",
        "watzap-3"
    );

    await contains(".o_field_text[name=values_json] textarea").edit("{ not json");
    await advanceTime(DEBOUNCE);
    await animationFrame();
    expect('.o_sicantik_whatsapp_error[data-code="values.invalid"]').toHaveCount(1);
});

test("test wizard, invalid phone: the phone error once, the real template's lint", async () => {
    mockContext({partners: [{id: 7, name: "Rina Kaban", phone: "12"}]});
    await mountWizard(
        {partner_id: 7, template_id: 1, values_json: "{}"},
        {id: 7, name: "Rina Kaban"}
    );
    expect(PREVIEW).toHaveAttribute("data-status", "ready");
    expect(".o_sicantik_whatsapp_error").toHaveCount(1);
    expect('.o_sicantik_whatsapp_error[data-code="phone.invalid"]').toHaveCount(1);
    const lintCodes = queryAll(".o_sicantik_whatsapp_lint li").map(
        (li) => li.dataset.code
    );
    expect(lintCodes).not.toInclude("template.empty");
    expect(queryAllTexts(PREVIEW).join(" ")).not.toInclude("template.empty");
});
