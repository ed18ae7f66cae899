/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * `sicantik_whatsapp_template_preview`: the live preview of the master template form. The record
 * *is* the template: its current values (saved or not: `record.data`, mapping rows included) are
 * given to the engine's web build, with a sample recipient (made-up citizens, any contact, or the
 * form's preview record), sample values and a forced provider chosen here.
 *
 * Sending is never done from the browser: "Send test" asks the server
 * (`sicantik_preview_send`), which rebuilds everything from the saved template, the contact and
 * the values with its own engine and credentials.
 */

import {Component, onWillStart, useState} from "@odoo/owl";
import {ConfirmationDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {_t} from "@web/core/l10n/translation";
import {RecordSelector} from "@web/core/record_selectors/record_selector";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {useDebounced} from "@web/core/utils/timing";
import {useRecordObserver} from "@web/model/relational_model/utils";
import {standardFieldProps} from "@web/views/fields/standard_field_props";
import {PayloadPreview} from "./payload_preview";
import {SEND_METHOD, TEMPLATE_MODEL, usePreviewSession} from "./preview_session";
import {engineTemplateFromData, providerRecordId} from "./preview_utils";

export const DRAFT_CODE = "__draft__";

/** Fields of `sicantik.whatsapp.template.master` that make the engine's `MasterTemplate`. */
export const TEMPLATE_FIELDS = [
    "code",
    "name",
    "language",
    "body",
    "header",
    "button_url_suffix",
    "params",
    "append_opt_in_link",
    "meta_template_name",
    "meta_language",
    "meta_param_format",
    "meta_body_params",
    "meta_header_param",
    "meta_button_index",
    "meta_status",
    "watzap_body",
    "fonnte_body",
];

/** Fields of a mapping row the server needs to map a record's values. */
export const MAPPING_FIELDS = [
    "param",
    "kind",
    "field_path",
    "company_field",
    "fixed_value",
    "reserved",
];

/** The preview's inputs read from the record: the template, its preview record, its mapping. */
export function readTemplateRecord(record) {
    const data = {};
    for (const name of TEMPLATE_FIELDS) {
        if (name in record.fields) {
            data[name] = record.data[name];
        }
    }
    const ref = "preview_record" in record.fields && record.data.preview_record;
    let mappings = null;
    if ("mapping_ids" in record.fields && record.data.mapping_ids) {
        mappings = record.data.mapping_ids.records.map((row) =>
            Object.fromEntries(
                MAPPING_FIELDS.filter((name) => name in row.data).map((name) => [
                    name,
                    row.data[name],
                ])
            )
        );
    }
    return {
        resId: record.resId || false,
        template: engineTemplateFromData(data),
        previewRecord: ref && ref.resId ? `${ref.resModel},${ref.resId}` : false,
        mappings,
    };
}

export class TemplatePreviewField extends Component {
    static template = "sicantik_whatsapp.TemplatePreviewField";
    static components = {PayloadPreview, RecordSelector};
    static props = {...standardFieldProps, debounce: {type: Number, optional: true}};
    static defaultProps = {debounce: 300};

    setup() {
        this.session = usePreviewSession();
        this.dialog = useService("dialog");
        this.actionService = useService("action");
        this.orm = useService("orm");
        this.state = useState({
            status: "loading",
            loadError: null,
            revision: 0,
            result: {hint: null, error: null, preview: null, lint: []},
            params: [],
            values: {},
            sampleKey: "sample_gateway",
            contactId: false,
            forceProvider: "",
            sending: false,
            sendResult: null,
            sendError: null,
        });
        /** Values the user typed in the sample value inputs, by name. */
        this.overrides = {};
        this.recordSample = {key: false, signature: null};
        this.refreshId = 0;
        this.debouncedRefresh = useDebounced(() => this.refresh(), this.props.debounce);
        useRecordObserver((record) => {
            // Every input is read here: the observer runs again when one of them changes.
            this.inputs = readTemplateRecord(record);
            if (this.state.status === "ready") {
                this.debouncedRefresh();
            }
        });
        onWillStart(() => this.start());
    }

    async start() {
        this.inputs ||= readTemplateRecord(this.props.record);
        try {
            await this.session.start(this.inputs.resId);
        } catch (error) {
            Object.assign(this.state, {status: "unavailable", loadError: error});
            return;
        }
        this.state.status = "ready";
        await this.refresh();
    }

    /** The sample of the form's preview record (recipient and mapped values, from the
     * server), asked again when the record or the unsaved mapping changes. */
    async followPreviewRecord() {
        const {previewRecord, mappings, resId} = this.inputs;
        const signature = JSON.stringify([previewRecord, mappings]);
        if (signature === this.recordSample.signature) {
            return;
        }
        this.recordSample.signature = signature;
        if (!previewRecord || !resId) {
            return;
        }
        await this.session.fetch(resId, {previewRecord, mappings});
        const key = `record:${previewRecord}`;
        if (this.session.samples.has(key)) {
            this.state.sampleKey = key;
            this.overrides = {};
        }
    }

    async refresh() {
        if (this.state.status !== "ready" || !this.inputs) {
            return;
        }
        const refreshId = ++this.refreshId;
        let sample = null;
        try {
            await this.followPreviewRecord();
            sample = this.session.samples.get(this.state.sampleKey);
            if (!sample && this.state.contactId) {
                sample = await this.session.partnerSample(
                    this.inputs.resId,
                    this.state.contactId
                );
            }
        } catch (error) {
            // The recipient could not be read from the server (access, network).
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
            this.compute(sample);
        }
    }

    compute(sample) {
        const template = {
            ...this.inputs.template,
            code: this.inputs.template.code || DRAFT_CODE,
        };
        const config = this.session.config;
        // The form's template replaces its saved version in the configuration.
        const replaced = new Set([this.session.context.templateCode, template.code]);
        const draftConfig = {
            ...config,
            templates: [
                ...(config.templates || []).filter((t) => !replaced.has(t.code)),
                template,
            ],
        };
        let params = [];
        const values = {};
        try {
            params = this.session.paramNames(draftConfig, template);
        } catch (error) {
            this.show({
                error: this.session.describe(error),
                lint: this.session.safeLint(template),
            });
            return;
        }
        for (const name of params) {
            values[name] =
                name in this.overrides
                    ? this.overrides[name]
                    : this.session.defaultValue(name, sample);
        }
        this.state.params = params;
        this.state.values = values;
        this.show(
            this.session.run({
                config: draftConfig,
                templateCode: template.code,
                sample,
                values,
                forceProvider: this.state.forceProvider || false,
                lintTarget: template,
            })
        );
    }

    show({hint = null, error = null, preview = null, lint = []}) {
        this.state.result = {hint, error, preview, lint};
        this.state.revision++;
    }

    // ------------------------------------------------------------------
    // View helpers and handlers
    // ------------------------------------------------------------------

    get sampleOptions() {
        return [...this.session.samples.values()];
    }

    get currentSample() {
        return this.session.samples.get(this.state.sampleKey) || null;
    }

    get canSend() {
        return Boolean(this.session.context?.canSend && !this.props.readonly);
    }

    get canSendTest() {
        return (
            this.canSend && Boolean(this.currentSample && this.currentSample.partnerId)
        );
    }

    /** A value as its input shows it: a typed value (a date, an amount) by its own text. */
    shownValue(value) {
        return value && typeof value === "object" ? String(value.value ?? "") : value;
    }

    onSampleChange(ev) {
        this.state.sampleKey = ev.target.value;
        this.state.sendResult = null;
        this.refresh();
    }

    async onContactChange(resId) {
        this.state.contactId = resId || false;
        if (!resId) {
            return;
        }
        const sample = await this.session.partnerSample(this.inputs.resId, resId);
        if (sample) {
            this.state.sampleKey = sample.key;
            this.state.sendResult = null;
            // Values that come from the recipient follow the new one.
            delete this.overrides.partner_name;
            await this.refresh();
        }
    }

    onValueInput(name, ev) {
        this.overrides[name] = ev.target.value;
        this.debouncedRefresh();
    }

    onForceChange(ev) {
        this.state.forceProvider = ev.target.value;
        this.refresh();
    }

    onSendTest() {
        this.dialog.add(ConfirmationDialog, {
            title: _t("Send a test message"),
            body: _t(
                "A real WhatsApp message will be sent to %(name)s by the server, with the saved template and the values shown. Continue?",
                {name: this.currentSample.label}
            ),
            confirmLabel: _t("Send"),
            confirm: () => this.sendTest(),
            cancel: () => undefined,
        });
    }

    async sendTest() {
        const record = this.props.record;
        Object.assign(this.state, {sendResult: null, sendError: null});
        if (record.isNew || (await record.isDirty())) {
            if (!(await record.save())) {
                return;
            }
        }
        this.state.sending = true;
        try {
            this.state.sendResult = await this.orm.call(
                TEMPLATE_MODEL,
                SEND_METHOD,
                [[record.resId]],
                {
                    partner_id: this.currentSample.partnerId,
                    values: {...this.state.values},
                    force_provider_id:
                        providerRecordId(this.state.forceProvider) || false,
                }
            );
        } catch (error) {
            this.state.sendError =
                (error.data && error.data.message) || error.message || String(error);
        } finally {
            this.state.sending = false;
        }
    }

    openMessage() {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "sicantik.whatsapp.message",
            res_id: this.state.sendResult.messageId,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

export const templatePreviewField = {
    component: TemplatePreviewField,
    displayName: _t("WhatsApp Template Preview"),
    supportedTypes: ["text", "char"],
    extractProps: ({options}) => ({debounce: options.debounce}),
};

registry
    .category("fields")
    .add("sicantik_whatsapp_template_preview", templatePreviewField);
