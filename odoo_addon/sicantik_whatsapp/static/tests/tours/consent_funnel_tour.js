/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
/**
 * The opt-in funnel as an admin opens it (tests/test_consent_visits.py): the pivot shows the four
 * steps and the rates, the graph view draws.
 */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("sicantik_whatsapp_consent_funnel", {
    steps: () => [
        {trigger: ".o_pivot th:contains(Consent Page Visits)"},
        {trigger: ".o_pivot th:contains(Opt-in Rate (%))"},
        {trigger: ".o_pivot td.o_pivot_cell_value:not(:empty)"},
        {trigger: ".o_switch_view.o_graph", run: "click"},
        {trigger: ".o_graph_renderer canvas"},
    ],
});
