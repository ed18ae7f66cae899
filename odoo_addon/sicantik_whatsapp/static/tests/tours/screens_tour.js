/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * Tours of the screens an office reads, run by `tests/test_screens.py` in real headless Chromium
 * against a real Odoo 18 (engine: the real web build and the server's).
 */
import {registry} from "@web/core/registry";

function fail(message) {
    throw new Error(message);
}

/** Elements whose own text mentions `text` and that are shown. */
function shownWith(root, text) {
    return [...root.querySelectorAll(".alert, .o_sicantik_whatsapp_error")].filter(
        (el) => el.offsetParent !== null && el.textContent.includes(text)
    );
}

registry.category("web_tour.tours").add("sicantik_whatsapp_wizard_invalid_phone", {
    steps: () => [
        {
            content: "Choose the citizen whose number is wrong",
            trigger: ".modal .o_field_widget[name=partner_id] input",
            run: "edit Nomor Salah",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Nomor Salah)",
            run: "click",
        },
        {
            content: "Choose the template",
            trigger: ".modal .o_field_widget[name=template_id] input",
            run: "edit Izin terbit",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Izin terbit)",
            run: "click",
        },
        {
            content:
                "The live preview says the number is wrong, once, and nothing about an empty text",
            trigger: '.modal .o_sicantik_whatsapp_error[data-code="phone.invalid"]',
            run() {
                const modal = document.querySelector(".modal");
                if (shownWith(modal, "phone.invalid").length !== 1) {
                    fail("the phone error is shown more than once before Run");
                }
                if (modal.textContent.includes("template.empty")) {
                    fail("a false template.empty is shown");
                }
            },
        },
        {content: "Run", trigger: ".modal button[name=action_run]", run: "click"},
        {
            content:
                "The result is at the top, above the values and the preview; the error once",
            trigger:
                ".modal .o_sicantik_whatsapp_test_result .alert-danger:contains(phone.invalid)",
            run() {
                const modal = document.querySelector(".modal");
                if (shownWith(modal, "phone.invalid").length !== 1) {
                    fail("the phone error is shown more than once after Run");
                }
                const result = modal.querySelector(".o_sicantik_whatsapp_test_result");
                const values = modal.querySelector(".o_field_widget[name=value_ids]");
                if (
                    !(
                        result.compareDocumentPosition(values) &
                        Node.DOCUMENT_POSITION_FOLLOWING
                    )
                ) {
                    fail("the result is not above the values");
                }
                if (modal.querySelector(".o_sicantik_whatsapp_preview")) {
                    fail("the preview repeats the run's error");
                }
                const box = modal
                    .querySelector(".modal-content")
                    .getBoundingClientRect();
                if (result.getBoundingClientRect().right > box.right + 1) {
                    fail("the result goes past the dialog's edge");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("sicantik_whatsapp_free_text", {
    steps: () => [
        {
            content: "The contact's WhatsApp tab",
            trigger: "a.nav-link:contains(WhatsApp)",
            run: "click",
        },
        {trigger: "button.o_sicantik_whatsapp_free_text_button", run: "click"},
        {
            content: "Write the text",
            trigger: ".modal .o_field_widget[name=text] textarea",
            run: "edit Berkas Anda sudah lengkap.",
        },
        {
            content:
                "Every profile is listed with whether it may send now; a gateway is chosen",
            trigger:
                ".modal .o_field_widget[name=options_text]:contains(Meta DPMPTSP):contains(Fonnte DPMPTSP)",
            run() {
                const chosen = document.querySelector(
                    ".modal .o_field_widget[name=provider_id] input"
                ).value;
                if (!chosen || chosen.includes("Meta")) {
                    fail(`Meta is offered outside its window (chosen: ${chosen})`);
                }
            },
        },
        {trigger: ".modal button[name=action_send]", run: "click"},
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary:contains(Ok)",
            run: "click",
        },
        {
            content: "The message is logged, sent",
            trigger:
                ".o_form_view .o_field_widget[name=template_code]:contains(free_text)",
        },
        {
            trigger:
                '.o_statusbar_status button[data-value="sent"].o_arrow_button_current',
        },
    ],
});
