/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * `sicantik_whatsapp_payload_preview`: the live preview of a wizard (Test Multi-Provider, the
 * composer). Options name the wizard's fields (`template_field`, `partner_field`,
 * `values_field`, `mode_field`, `provider_field`); the wrapper reads them from the record and
 * shows what the engine's web build makes of them. It sends nothing: the wizard's buttons do.
 */

import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useDebounced} from "@web/core/utils/timing";
import {useRecordObserver} from "@web/model/relational_model/utils";
import {standardFieldProps} from "@web/views/fields/standard_field_props";
import {PayloadPreview} from "./payload_preview";
import {usePreviewSession} from "./preview_session";
import {m2oId, parseValues, providerEngineId} from "./preview_utils";

export class WizardPreviewField extends Component {
    static template = "sicantik_whatsapp.WizardPreviewField";
    static components = {PayloadPreview};
    static props = {
        ...standardFieldProps,
        templateField: String,
        partnerField: {type: String, optional: true},
        valuesField: {type: String, optional: true},
        modeField: {type: String, optional: true},
        providerField: {type: String, optional: true},
        debounce: {type: Number, optional: true},
    };
    static defaultProps = {debounce: 300};

    setup() {
        this.session = usePreviewSession();
        this.state = useState({
            status: "loading",
            loadError: null,
            revision: 0,
            result: {hint: null, error: null, preview: null, lint: []},
        });
        this.refreshId = 0;
        this.debouncedRefresh = useDebounced(() => this.refresh(), this.props.debounce);
        useRecordObserver((record) => {
            this.inputs = this.readInputs(record);
            if (this.state.status === "ready") {
                this.debouncedRefresh();
            }
        });
        onWillStart(() => this.start());
    }

    /** The wizard's template, recipient, values and routing, from its record. */
    readInputs(record) {
        const p = this.props;
        const data = (name) =>
            name && name in record.fields ? record.data[name] : false;
        return {
            templateId: m2oId(data(p.templateField)),
            partnerId: m2oId(data(p.partnerField)),
            valuesText: data(p.valuesField) || "",
            forced: p.modeField
                ? data(p.modeField) === "forced"
                : Boolean(p.providerField),
            providerId: m2oId(data(p.providerField)),
        };
    }

    async start() {
        this.inputs ||= this.readInputs(this.props.record);
        const {partnerId} = this.inputs;
        try {
            await this.session.start(false, partnerId ? [partnerId] : []);
        } catch (error) {
            Object.assign(this.state, {status: "unavailable", loadError: error});
            return;
        }
        this.state.status = "ready";
        await this.refresh();
    }

    async refresh() {
        if (this.state.status !== "ready") {
            return;
        }
        const refreshId = ++this.refreshId;
        const inputs = this.inputs;
        let sample = null;
        try {
            sample = inputs.partnerId
                ? await this.session.partnerSample(false, inputs.partnerId)
                : undefined;
        } catch (error) {
            if (refreshId === this.refreshId) {
                this.show({
                    error: this.session.describe({
                        code: "recipient.unavailable",
                        message: error.data?.message || error.message,
                    }),
                });
            }
            return;
        }
        if (refreshId === this.refreshId) {
            this.compute(inputs, sample);
        }
    }

    compute(inputs, sample) {
        const config = this.session.config;
        const code = inputs.templateId && this.session.templateCode(inputs.templateId);
        let values = null;
        try {
            values = parseValues(inputs.valuesText);
        } catch (error) {
            this.show({error: this.session.describe(error)});
            return;
        }
        this.show(
            this.session.run({
                config,
                templateCode: code,
                sample,
                values,
                forceProvider: inputs.forced
                    ? providerEngineId(config, inputs.providerId)
                    : false,
                // The saved template, whole: never a stand-in holding only its code.
                lintTarget: code
                    ? (config.templates || []).find((t) => t.code === code) || null
                    : null,
            })
        );
    }

    show({hint = null, error = null, preview = null, lint = []}) {
        this.state.result = {hint, error, preview, lint};
        this.state.revision++;
    }

    get tabKey() {
        const {partnerId, forced, providerId} = this.inputs;
        return `${partnerId}:${forced ? providerId : ""}`;
    }
}

export const wizardPreviewField = {
    component: WizardPreviewField,
    displayName: _t("WhatsApp Payload Preview"),
    supportedTypes: ["text", "char"],
    supportedOptions: [
        {
            label: _t("Template field"),
            name: "template_field",
            type: "field",
            availableTypes: ["many2one"],
        },
        {
            label: _t("Recipient field"),
            name: "partner_field",
            type: "field",
            availableTypes: ["many2one"],
        },
        {
            label: _t("Values field (JSON)"),
            name: "values_field",
            type: "field",
            availableTypes: ["text", "char"],
        },
        {
            label: _t("Routing mode field"),
            name: "mode_field",
            type: "field",
            availableTypes: ["selection"],
        },
        {
            label: _t("Forced provider field"),
            name: "provider_field",
            type: "field",
            availableTypes: ["many2one"],
        },
    ],
    extractProps: ({options}) => ({
        templateField: options.template_field,
        partnerField: options.partner_field,
        valuesField: options.values_field,
        modeField: options.mode_field,
        providerField: options.provider_field,
        debounce: options.debounce,
    }),
};

registry
    .category("fields")
    .add("sicantik_whatsapp_payload_preview", wizardPreviewField);
