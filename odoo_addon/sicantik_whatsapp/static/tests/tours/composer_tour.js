/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * Send WhatsApp from a record's form (run by the example addon's tests/test_composer_tour.py in
 * headless Chromium): the composer opens on the record, the engine's web build previews the
 * record's own message (bubble, decision, each provider's payload), and sending queues it.
 * The test opens the form of a permit numbered 503/PBG/2026/0777.
 */
import {registry} from "@web/core/registry";
import {collectPreview, LOG_PREFIX} from "./payload_preview_tour";

const READY = '.modal .o_sicantik_whatsapp_preview[data-status="ready"]';

registry.category("web_tour.tours").add("sicantik_whatsapp_composer_form", {
    steps: () => [
        {
            content: "Open Send WhatsApp from the record's form",
            trigger: ".o_form_view button.o_sicantik_whatsapp_send",
            run: "click",
        },
        {
            content: "Choose the template (two are bound to permits)",
            trigger: ".modal .o_field_widget[name=template_id] input",
            run: "edit Izin terbit",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Izin terbit)",
            run: "click",
        },
        {
            content: "The bubble shows the record's own values",
            trigger: `${READY} .o_sicantik_whatsapp_bubble_text:contains(503/PBG/2026/0777)`,
        },
        {
            content: "The routing decision is shown",
            trigger: `${READY} .o_sicantik_whatsapp_decision[data-provider]`,
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
            content: "Send: the message is queued in the outbox",
            trigger: ".modal-footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The batch's progress opens",
            trigger:
                ".modal .o_form_view .o_field_widget[name=record_count]:contains(1)",
        },
    ],
});

registry.category("web_tour.tours").add("sicantik_whatsapp_composer_list", {
    steps: () => [
        {
            content: "Select every permit of the list",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Send WhatsApp to the selected permits",
            trigger: ".o_list_view button.o_sicantik_whatsapp_send",
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
            content: "The plan is counted before anything is sent",
            trigger: ".modal .o_field_widget[name=meta_count]:contains(1)",
        },
        {
            trigger: ".modal .o_field_widget[name=no_recipient_count]:contains(1)",
        },
        {
            trigger: ".modal .o_field_widget[name=gateway_count]:contains(1)",
        },
        {
            content: "Send: queued in the outbox",
            trigger: ".modal-footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The batch shows its progress",
            trigger:
                ".modal .o_form_view .o_field_widget[name=queued_count]:contains(2)",
        },
    ],
});
