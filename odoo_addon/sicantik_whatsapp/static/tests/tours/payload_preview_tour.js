/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * Tours of the payload preview widget, run by `tests/test_preview_widget.py` in real headless
 * Chromium against a real Odoo 18. The engine is the real web build in static/lib.
 *
 * At the end of each tour the preview shown in the DOM (every provider's masked request, the chat
 * bubble, the decision) is logged as one `SICANTIK_PREVIEW {json}` console line; the Python test
 * compares it, byte for byte, with the server's own preview (engine/host.py through wasmtime) for
 * the same inputs.
 */
import {registry} from "@web/core/registry";

export const LOG_PREFIX = "SICANTIK_PREVIEW ";

/** What the widget shows, read from the DOM only. */
export function collectPreview(rootSelector = ".o_sicantik_whatsapp_preview") {
    const root = document.querySelector(rootSelector);
    const providers = {};
    for (const pane of root.querySelectorAll(".o_sicantik_whatsapp_provider")) {
        const headers = {};
        for (const row of pane.querySelectorAll("tr[data-header]")) {
            headers[row.dataset.header] = row.querySelector("td").textContent;
        }
        const text = (selector) => {
            const el = pane.querySelector(selector);
            return el ? el.textContent : null;
        };
        providers[pane.dataset.provider] = {
            method: text('[data-field="method"]'),
            url: text('[data-field="url"]'),
            headers,
            body: text('pre[data-field="body"]'),
        };
    }
    const decision = root.querySelector(".o_sicantik_whatsapp_decision");
    const values = {};
    for (const input of root.querySelectorAll(".o_sicantik_whatsapp_value")) {
        values[input.name] = input.value;
    }
    return {
        sample: root.dataset.sample,
        providers,
        bubble: root.querySelector(".o_sicantik_whatsapp_bubble_text").textContent,
        provider: decision.dataset.provider,
        chain: decision.dataset.chain ? decision.dataset.chain.split(",") : [],
        trace: [...root.querySelectorAll(".o_sicantik_whatsapp_trace li")].map(
            (li) => li.dataset.code
        ),
        lint: [...root.querySelectorAll(".o_sicantik_whatsapp_lint li")].map(
            (li) => li.dataset.code
        ),
        errors: [...root.querySelectorAll(".o_sicantik_whatsapp_error")].map(
            (el) => el.dataset.code
        ),
        values,
    };
}

const READY = '.o_sicantik_whatsapp_preview[data-status="ready"]';

registry.category("web_tour.tours").add("sicantik_whatsapp_template_preview", {
    steps: () => [
        {
            content: "The engine runs in the browser and shows the preview",
            trigger: `${READY} .o_sicantik_whatsapp_bubble_text`,
        },
        {
            content: "Pick a real contact as the sample recipient",
            trigger: ".o_sicantik_whatsapp_contact input",
            run: "edit Siti Aminah",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Siti Aminah)",
            run: "click",
        },
        {
            content: "The preview follows the contact",
            trigger: `${READY}[data-sample^="partner_"] .o_sicantik_whatsapp_decision`,
        },
        {
            content: "Change a sample value",
            trigger: '.o_sicantik_whatsapp_value[name="permit_number"]',
            run: "edit 503/PBG/2026/0142",
        },
        {
            trigger: ".o_sicantik_whatsapp_bubble_text:contains(503/PBG/2026/0142)",
        },
        {
            content: "Edit the body: the bubble follows the unsaved record",
            trigger: ".o_field_text[name=body] textarea",
            run: "edit Yth. {{partner_name}}, izin {{permit_type}} Anda nomor {{permit_number}} sudah terbit. Silakan ambil di {{office_name}}. && click body",
        },
        {
            trigger:
                ".o_sicantik_whatsapp_bubble_text:contains(sudah terbit. Silakan ambil)",
        },
        {
            content: "Check the Fonnte payload tab",
            trigger: '.o_sicantik_whatsapp_tabs a[data-provider^="fonnte"]',
            run: "click",
        },
        {
            trigger:
                '.o_sicantik_whatsapp_provider[data-provider^="fonnte"]:not(.d-none) .o_sicantik_whatsapp_form_fields',
            run() {
                console.log(LOG_PREFIX + JSON.stringify(collectPreview()));
            },
        },
        {
            content: "Save, so the server previews the same template",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_form_status_indicator_buttons.invisible:not(:visible)",
        },
        {
            content: "Send a test: the server's dispatcher sends it",
            trigger: ".o_sicantik_whatsapp_send_button:contains(Siti Aminah)",
            run: "click",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger:
                '.o_sicantik_whatsapp_send_result[data-state="sent"]:contains(Fonnte DPMPTSP)',
        },
    ],
});

registry.category("web_tour.tours").add("sicantik_whatsapp_wizard_preview", {
    steps: () => [
        {
            trigger: `.o_form_view ${READY} .o_sicantik_whatsapp_bubble_text`,
        },
        {
            content: "Open Test Multi-Provider from the template",
            trigger: "button[name=action_open_test_wizard]",
            run: "click",
        },
        {
            content: "Choose the recipient",
            trigger: ".modal .o_field_widget[name=partner_id] input",
            run: "edit Siti Aminah",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Siti Aminah)",
            run: "click",
        },
        {
            content: "The wizard's preview runs for its recipient and its values",
            trigger: `.modal ${READY} .o_sicantik_whatsapp_bubble_text:contains(Siti Aminah)`,
        },
        {
            content: "Force Watzap",
            trigger: ".modal .o_field_widget[name=mode] input[data-value=forced]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=provider_id] input",
            run: "edit Watzap",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Watzap DPMPTSP)",
            run: "click",
        },
        {
            trigger: '.modal .o_sicantik_whatsapp_decision[data-provider^="watzap"]',
            run() {
                console.log(
                    LOG_PREFIX +
                        JSON.stringify(
                            collectPreview(".modal .o_sicantik_whatsapp_preview")
                        )
                );
            },
        },
        {
            content: "Close the wizard (nothing was sent)",
            trigger: ".modal-footer button:contains(Close)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("sicantik_whatsapp_positional_preview", {
    steps: () => [
        {
            trigger: `${READY} .o_sicantik_whatsapp_bubble_text`,
        },
        {
            // The saved Meta mapping names the old placeholders: the engine would refuse the
            // new body with it.
            content: "Open the Meta tab",
            trigger: ".o_notebook .nav-link[name=meta]",
            run: "click",
        },
        {
            content: "Meta's mapping of the values to come: {{1}}, {{2}}",
            trigger: ".o_field_widget[name=meta_body_params] input",
            run: "edit 1,2 && click body",
        },
        {
            content: "A body with Meta's positional placeholders (not saved)",
            trigger: ".o_field_text[name=body] textarea",
            run: "edit Yth. {{1}}, izin {{2}} && click body",
        },
        {
            content: "The widget asks for both values, from the engine's description",
            trigger: `${READY} .o_sicantik_whatsapp_values:has(input[name="1"]):has(input[name="2"])`,
        },
        {
            trigger: '.o_sicantik_whatsapp_value[name="1"]',
            run: "edit Budi",
        },
        {
            trigger: '.o_sicantik_whatsapp_value[name="2"]',
            run: "edit PBG-7",
        },
        {
            // (A preview, so no error of the engine; a provider's own problem, e.g. Meta's
            // mapping of this body, stays in its pane.)
            content: "The bubble shows them",
            trigger: `${READY} .o_sicantik_whatsapp_result .o_sicantik_whatsapp_bubble_text:contains(Yth. Budi):contains(izin PBG-7)`,
        },
        {
            content: "Discard: nothing was saved",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_form_status_indicator_buttons.invisible:not(:visible)",
        },
    ],
});
