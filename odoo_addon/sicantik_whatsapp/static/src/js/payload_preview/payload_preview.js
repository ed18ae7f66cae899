/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * `PayloadPreview`: what the engine made of a notification, shown. Presentational: everything
 * comes in as props (the engine's preview, its lint, an error, the catalogue); it reads no record
 * and no DOM. The field wrappers (`template_preview_field.js`, `wizard_preview_field.js`) gather
 * the inputs, run the engine and put their own controls in the `controls` and `footer` slots.
 *
 * It shows each provider's exact request (credentials masked by the server's engine before the
 * configuration reached the browser), the message as the citizen reads it, Meta lint and the
 * routing decision with its trace, in the user's language (the engine's catalogue).
 */

import {Component, onWillUpdateProps, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {describeEngineError, lintTitle, traceText} from "./engine_messages";
import {describeBody} from "./preview_utils";

export class PayloadPreview extends Component {
    static template = "sicantik_whatsapp.PayloadPreview";
    static props = {
        status: String, // loading | ready | unavailable
        loadError: {type: [Object, {value: null}], optional: true},
        error: {type: [Object, {value: null}], optional: true},
        hint: {type: [String, {value: null}], optional: true},
        preview: {type: [Object, {value: null}], optional: true},
        lint: {type: Array, optional: true},
        catalogue: {type: [Object, {value: null}], optional: true},
        providers: {type: Array, optional: true},
        revision: {type: Number, optional: true},
        sampleKey: {type: String, optional: true},
        // When it changes (another recipient, another forced provider), a tab the user picked
        // gives way to the chosen provider's again.
        tabKey: {type: String, optional: true},
        slots: {type: Object, optional: true},
    };
    static defaultProps = {
        lint: [],
        providers: [],
        revision: 0,
        sampleKey: "",
        tabKey: "",
    };

    setup() {
        this.state = useState({pinnedTab: null});
        onWillUpdateProps((next) => {
            if (next.tabKey !== this.props.tabKey) {
                this.state.pinnedTab = null;
            }
        });
    }

    get decision() {
        return this.props.preview && this.props.preview.decision;
    }

    providerName(id) {
        const provider = this.props.providers.find((p) => p.id === id);
        return provider ? provider.name || provider.id : id;
    }

    get chosen() {
        const preview = this.props.preview;
        return (
            (preview &&
                preview.providers.find(
                    (p) => p.provider === preview.decision.provider
                )) ||
            null
        );
    }

    /** The provider whose request is shown: the one picked, else the chosen one. */
    get tab() {
        const preview = this.props.preview;
        if (!preview) {
            return null;
        }
        const ids = preview.providers.map((p) => p.provider);
        if (this.state.pinnedTab && ids.includes(this.state.pinnedTab)) {
            return this.state.pinnedTab;
        }
        return preview.decision.provider || ids[0] || null;
    }

    selectTab(id) {
        this.state.pinnedTab = id;
    }

    /** The text of the chat bubble: the chosen provider's, else the master text. */
    get bubble() {
        const preview = this.props.preview;
        const chosen = this.chosen;
        const text =
            (chosen && chosen.text) ||
            (preview.providers.find((p) => p.text) || {}).text ||
            "";
        return {
            text,
            provider: chosen ? chosen.name : null,
            sent: Boolean(chosen),
            time: luxon.DateTime.now().toFormat("HH:mm"),
        };
    }

    get chainText() {
        const decision = this.decision;
        return decision
            ? decision.chain.map((id) => this.providerName(id)).join(" → ")
            : "";
    }

    traceLines() {
        const decision = this.decision;
        if (!decision) {
            return [];
        }
        const helpers = {
            providerName: (id) => this.providerName(id),
            catalogue: this.props.catalogue,
        };
        return decision.trace.map((step) => ({
            code: step.code,
            text: String(traceText(step, helpers)),
            original: step.message,
        }));
    }

    lintLines() {
        return this.props.lint.map((issue) => ({
            ...issue,
            title: lintTitle(issue, this.props.catalogue),
        }));
    }

    positionLabel(item) {
        if (item.position === 0) {
            return _t("chosen");
        }
        if (item.position !== null && item.position !== undefined) {
            return _t("fallback %(number)s", {number: item.position});
        }
        return _t("not eligible");
    }

    stateLabel(state) {
        const labels = {
            draft: _t("Draft"),
            configured: _t("Configured"),
            error: _t("Error"),
        };
        return String(labels[state] || state);
    }

    kindLabel(kind) {
        return (
            {meta: "Meta Cloud API", watzap: "Watzap.id", fonnte: "Fonnte"}[kind] ||
            kind
        );
    }

    body(item) {
        return describeBody(item && item.request);
    }

    headers(item) {
        return Object.entries((item && item.request && item.request.headers) || {});
    }

    pretty(value) {
        return JSON.stringify(value, null, 2);
    }

    providerError(item) {
        return item.error
            ? describeEngineError(item.error, this.props.catalogue)
            : null;
    }
}
