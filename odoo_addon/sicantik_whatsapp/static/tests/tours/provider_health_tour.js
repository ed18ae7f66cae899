/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * Health as an Indonesian office admin reads it (tests/test_health.py): a provider profile marked
 * in error with a reason, the alert and the chatter note, back to configured; then Queue again on
 * an unknown message warns that the citizen may receive it twice.
 */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("sicantik_whatsapp_provider_health", {
    steps: () => [
        {
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(Terkonfigurasi)",
        },
        {
            trigger: "button[name=action_mark_error]:contains(Tandai galat)",
            run: "click",
        },
        {trigger: ".modal .alert:contains(Perutean melewati profil yang galat)"},
        {
            trigger: ".modal [name=reason] textarea",
            run: "edit Nomor Watzap sedang diganti",
        },
        {trigger: ".modal button[name=action_confirm]", run: "click"},
        {
            trigger:
                ".o_form_view .alert-danger:contains(Perutean melewati profil ini sampai diperbaiki.)",
        },
        {trigger: ".o_form_view .alert-danger:contains(Nomor Watzap sedang diganti)"},
        {trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Galat)"},
        {trigger: ".o-mail-Message:contains(Ditandai galat oleh)"},
        {trigger: "button[name=action_mark_configured]", run: "click"},
        {
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(Terkonfigurasi)",
        },
        {trigger: ".o-mail-Message:contains(Profil kembali terkonfigurasi)"},
    ],
});

registry.category("web_tour.tours").add("sicantik_whatsapp_unknown_requeue", {
    steps: () => [
        {
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(Tidak diketahui)",
        },
        {
            trigger: "button[name=action_requeue]:contains(Antrekan kembali)",
            run: "click",
        },
        {trigger: ".modal-body:contains(warga akan menerimanya dua kali)"},
        {trigger: ".modal-footer button.btn-secondary", run: "click"},
        {trigger: "body:not(:has(.modal))"},
        {
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(Tidak diketahui)",
        },
    ],
});
