/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * `sicantik_whatsapp_payload_preview`: what the engine makes of a master template, computed in the
 * browser by the engine's web build while the user types.
 *
 * Two uses:
 * - on the master template form (no option): the record *is* the template; the widget offers
 *   sample recipients (made-up citizens or any contact), sample values and a forced provider;
 * - in the Test Multi-Provider wizard: options name the wizard's fields
 *   (`template_field`, `partner_field`, `values_field`, `mode_field`, `provider_field`).
 *
 * It shows each provider's exact request (credentials masked by the server before the
 * configuration reached the browser), the message as the citizen reads it, Meta lint and the
 * routing decision with its trace. Engine errors are shown next to the field, translated.
 *
 * Sending is never done from the browser: "Send test" asks the server's dispatcher
 * (`/sicantik_whatsapp/preview/send`), which rebuilds everything from the saved template, the
 * contact and the values with its own engine and credentials.
 */

import {
    Component,
    onWillStart,
    onWillUnmount,
    useExternalListener,
    useRef,
    useState,
} from "@odoo/owl";
import {ConfirmationDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {_t} from "@web/core/l10n/translation";
import {rpc} from "@web/core/network/rpc";
import {RecordSelector} from "@web/core/record_selectors/record_selector";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {useDebounced} from "@web/core/utils/timing";
import {useRecordObserver} from "@web/model/relational_model/utils";
import {standardFieldProps} from "@web/views/fields/standard_field_props";
import {describeEngineError, lintTitle, traceText} from "./engine_messages";
import {
    buildNotification,
    describeBody,
    engineTemplateFromData,
    m2oId,
    paramNames,
    parseValues,
    providerEngineId,
    providerRecordId,
} from "./preview_utils";

export const CONTEXT_ROUTE = "/sicantik_whatsapp/preview/context";
export const SEND_ROUTE = "/sicantik_whatsapp/preview/send";
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

export class PayloadPreviewField extends Component {
    static template = "sicantik_whatsapp.PayloadPreviewField";
    static components = {RecordSelector};
    static props = {
        ...standardFieldProps,
        templateField: {type: String, optional: true},
        partnerField: {type: String, optional: true},
        valuesField: {type: String, optional: true},
        modeField: {type: String, optional: true},
        providerField: {type: String, optional: true},
        debounce: {type: Number, optional: true},
    };
    static defaultProps = {debounce: 300};

    setup() {
        this.engineService = useService("sicantik_whatsapp_engine");
        this.dialog = useService("dialog");
        this.actionService = useService("action");
        this.state = useState({
            status: "loading", // loading | ready | unavailable
            loadError: null,
            revision: 0,
            hint: null,
            error: null,
            preview: null,
            lint: [],
            params: [],
            values: {},
            sampleKey: "sample_gateway",
            contactId: false,
            forceProvider: "",
            tab: null,
            sending: false,
            sendResult: null,
            sendError: null,
        });
        /** @type {Map<string, object>} sample recipients by key */
        this.samples = new Map();
        this.serverContext = null;
        this.engine = null;
        this.engineKey = null;
        this.inputs = null;
        this.overrides = {};
        this.refreshId = 0;
        this.tabPinned = false;
        this.debouncedRefresh = useDebounced(() => this.refresh(), this.props.debounce);

        /** Text being typed in a watched field, not yet committed to the record. */
        this.liveValues = {};
        this.rootRef = useRef("root");

        onWillStart(() => this.start());
        useRecordObserver((record) => {
            // Read every input here: the observer re-runs when one of them changes.
            if (this.inputs && this.inputs.recordId !== record.id) {
                this.liveValues = {};
            }
            this.inputs = this.readInputs(record);
            if (this.state.status === "ready") {
                this.debouncedRefresh();
            }
        });
        // Live while typing: text fields commit to the record on blur only, so the keystrokes of
        // the watched fields of this form are read from the DOM until then.
        useExternalListener(window, "input", (ev) => this.onFormInput(ev), {
            capture: true,
        });
        useExternalListener(window, "change", (ev) => this.onFormChange(ev), {
            capture: true,
        });
        onWillUnmount(() => this.freeEngine());
    }

    // ------------------------------------------------------------------
    // Inputs
    // ------------------------------------------------------------------

    get isTemplateMode() {
        return !this.props.templateField;
    }

    /** The record fields this widget follows (text ones are also followed while typed). */
    get watchedFields() {
        if (this.isTemplateMode) {
            return TEMPLATE_FIELDS;
        }
        const p = this.props;
        return [
            p.templateField,
            p.partnerField,
            p.valuesField,
            p.modeField,
            p.providerField,
        ].filter(Boolean);
    }

    readInputs(record) {
        const data = {};
        if (this.isTemplateMode && "preview_record" in record.fields) {
            // A record of the template's model whose mapped values the preview shows.
            const ref = record.data.preview_record;
            data.previewRecord =
                ref && ref.resId ? `${ref.resModel},${ref.resId}` : false;
        }
        for (const name of this.watchedFields) {
            if (name in record.fields) {
                data[name] = record.data[name];
                if (this.liveValues[name] === data[name]) {
                    delete this.liveValues[name]; // committed
                }
            }
        }
        return {recordId: record.id, resId: record.resId || false, data};
    }

    /** The inputs with what is being typed. */
    currentInputs() {
        const data = {...this.inputs.data, ...this.liveValues};
        if (this.isTemplateMode) {
            return {template: engineTemplateFromData(data)};
        }
        const p = this.props;
        return {
            templateId: m2oId(data[p.templateField]),
            partnerId: p.partnerField ? m2oId(data[p.partnerField]) : false,
            valuesText: p.valuesField ? data[p.valuesField] || "" : "",
            forced: p.modeField
                ? data[p.modeField] === "forced"
                : Boolean(p.providerField),
            providerId: p.providerField ? m2oId(data[p.providerField]) : false,
        };
    }

    /** The name of the watched text field of this form that `target` edits, if any. */
    watchedFieldOf(target) {
        const root = this.rootRef.el;
        if (
            !root ||
            root.contains(target) ||
            !["INPUT", "TEXTAREA"].includes(target.tagName)
        ) {
            return null;
        }
        const form = root.closest(".o_form_renderer") || root.closest(".o_form_view");
        const fieldEl = target.closest(".o_field_widget[name]");
        if (!form || !fieldEl || !form.contains(fieldEl)) {
            return null;
        }
        const name = fieldEl.getAttribute("name");
        const field = this.props.record.fields[name];
        if (
            !this.watchedFields.includes(name) ||
            !field ||
            !["char", "text"].includes(field.type)
        ) {
            return null;
        }
        return name;
    }

    onFormInput(ev) {
        const name = this.watchedFieldOf(ev.target);
        if (name) {
            this.liveValues[name] = ev.target.value;
            if (this.state.status === "ready") {
                this.debouncedRefresh();
            }
        }
    }

    onFormChange(ev) {
        const name = this.watchedFieldOf(ev.target);
        if (name) {
            // The field commits its value now; the record observer takes over.
            delete this.liveValues[name];
        }
    }

    // ------------------------------------------------------------------
    // Loading
    // ------------------------------------------------------------------

    async start() {
        this.inputs = this.inputs || this.readInputs(this.props.record);
        const {partnerId} = this.isTemplateMode ? {} : this.currentInputs();
        const partnerIds = partnerId ? [partnerId] : [];
        let mod;
        try {
            [mod] = await Promise.all([
                this.engineService.load(),
                this.fetchContext(partnerIds),
            ]);
        } catch (error) {
            this.state.status = "unavailable";
            this.state.loadError = describeEngineError(
                error.code === "engine.unavailable"
                    ? error
                    : {
                          code: "engine.unavailable",
                          message:
                              error.data?.message || error.message || String(error),
                      }
            );
            return;
        }
        this.mod = mod;
        this.state.status = "ready";
        await this.refresh();
    }

    async fetchContext(partnerIds, previewRecord = false) {
        const templateId = this.isTemplateMode
            ? this.props.record.resId || false
            : (this.inputs && this.currentInputs().templateId) || false;
        const params = {template_id: templateId, partner_ids: partnerIds};
        if (previewRecord && templateId) {
            params.preview_record = previewRecord;
        }
        const context = await rpc(CONTEXT_ROUTE, params);
        if (!this.serverContext) {
            this.serverContext = context;
        }
        for (const sample of context.samples) {
            this.samples.set(sample.key, sample);
        }
        return context;
    }

    /** When the form's preview record changes: its sample (recipient and mapped values, from
     * the server) becomes the one shown. */
    async followPreviewRecord() {
        const ref = this.inputs.data.previewRecord || false;
        if (ref === (this.previewRecord || false)) {
            return;
        }
        this.previewRecord = ref;
        if (!ref || !this.props.record.resId) {
            return;
        }
        const key = `record:${ref}`;
        if (!this.samples.has(key)) {
            await this.fetchContext([], ref);
        }
        if (this.samples.has(key)) {
            this.state.sampleKey = key;
            this.overrides = {};
        }
    }

    /** A value as its input shows it: a typed value (a date, an amount) by its own text; the
     * engine writes it in the preview. */
    shownValue(value) {
        return value && typeof value === "object" ? String(value.value ?? "") : value;
    }

    async ensurePartnerSample(partnerId) {
        const key = `partner_${partnerId}`;
        if (!this.samples.has(key)) {
            await this.fetchContext([partnerId]);
        }
        return this.samples.get(key);
    }

    // ------------------------------------------------------------------
    // Computing (in the browser, by the engine)
    // ------------------------------------------------------------------

    async refresh() {
        if (this.state.status !== "ready" || !this.inputs) {
            return;
        }
        const refreshId = ++this.refreshId;
        const inputs = this.currentInputs();
        let sample;
        try {
            if (this.isTemplateMode) {
                await this.followPreviewRecord();
                sample = this.samples.get(this.state.sampleKey);
                if (!sample && this.state.contactId) {
                    sample = await this.ensurePartnerSample(this.state.contactId);
                }
            } else if (inputs.partnerId) {
                sample = await this.ensurePartnerSample(inputs.partnerId);
            }
        } catch (error) {
            // The recipient could not be read from the server (access, network).
            if (refreshId === this.refreshId) {
                this.showError({
                    code: "recipient.unavailable",
                    message: error.data?.message || error.message,
                });
            }
            return;
        }
        if (refreshId !== this.refreshId) {
            return; // a newer refresh is on its way
        }
        this.compute(inputs, sample);
    }

    compute(inputs, sample) {
        const result = {
            hint: null,
            error: null,
            preview: null,
            lint: [],
            params: [],
            values: {},
        };
        try {
            const {config, template, values, forceProvider, params, lintTarget} =
                this.engineInputs(inputs, sample);
            if (template) {
                result.params = params;
                result.values = values;
            }
            if (!template || !sample) {
                result.hint = _t(
                    "Choose a recipient and a template to see the preview."
                );
            } else {
                const notification = buildNotification(
                    sample,
                    template.code,
                    values,
                    forceProvider
                );
                try {
                    result.preview = this.getEngine(config).preview(notification);
                    result.lint = result.preview.lint;
                } catch (error) {
                    result.error = describeEngineError(error, this.catalogue);
                    // The template's own issues still help; a recipient's do not belong here.
                    result.lint = lintTarget ? this.safeLint(lintTarget) : [];
                }
            }
        } catch (error) {
            result.error = describeEngineError(error, this.catalogue);
        }
        Object.assign(this.state, result);
        if (result.preview) {
            // The tab follows the chosen provider, unless the user picked one.
            const ids = result.preview.providers.map((p) => p.provider);
            const chosen = result.preview.decision.provider || ids[0] || null;
            if (
                !ids.includes(this.state.tab) ||
                (!this.tabPinned && this.state.tab !== chosen)
            ) {
                this.state.tab = chosen;
                this.tabPinned = false;
            }
        }
        this.state.revision++;
    }

    /**
     * Configuration, template, values and forced provider for the engine; in template mode, the
     * names of the values to ask for (from the engine's description of the template); and the
     * template to lint when the preview fails (the whole template, never a stand-in holding
     * only its code).
     */
    engineInputs(inputs, sample) {
        let config = this.serverContext.config;
        let template = null;
        let lintTarget = null;
        let values = {};
        let forceProvider = false;
        let params = [];
        if (this.isTemplateMode) {
            template = {...inputs.template};
            if (!template.code) {
                template.code = DRAFT_CODE;
            }
            const replaced = new Set([this.serverContext.templateCode, template.code]);
            config = {
                ...config,
                templates: [
                    ...(config.templates || []).filter((t) => !replaced.has(t.code)),
                    template,
                ],
            };
            params = paramNames(this.getEngine(config), template);
            for (const name of params) {
                values[name] = this.defaultValue(name, sample);
            }
            forceProvider = this.state.forceProvider || false;
            lintTarget = template;
        } else {
            const code = inputs.templateId && this.templateCode(inputs.templateId);
            template = code ? {code} : null;
            lintTarget = code
                ? (config.templates || []).find((t) => t.code === code) || null
                : null;
            values = parseValues(inputs.valuesText);
            if (inputs.forced) {
                forceProvider = providerEngineId(config, inputs.providerId);
            }
        }
        return {config, template, values, forceProvider, params, lintTarget};
    }

    /** The engine's catalogue from the server (sentences in the user's language). */
    get catalogue() {
        return this.serverContext && this.serverContext.catalogue;
    }

    templateCode(templateId) {
        const found = (this.serverContext.templates || []).find(
            (t) => t.id === templateId
        );
        return found ? found.code : false;
    }

    defaultValue(name, sample) {
        if (name in this.overrides) {
            return this.overrides[name];
        }
        const base = (sample && sample.notification.values) || {};
        if (name in base) {
            return base[name];
        }
        const catalog = this.serverContext.sampleValues || {};
        return name in catalog ? catalog[name] : `contoh ${name}`;
    }

    getEngine(config) {
        const key = JSON.stringify(config);
        if (this.engineKey !== key) {
            this.freeEngine();
            this.engine = new this.mod.Engine(config);
            this.engineKey = key;
        }
        return this.engine;
    }

    freeEngine() {
        if (this.engine) {
            this.engine.free?.();
            this.engine = null;
            this.engineKey = null;
        }
    }

    safeLint(template) {
        try {
            return this.mod.lintTemplate(template);
        } catch {
            return [];
        }
    }

    showError(error) {
        this.state.error = describeEngineError(error, this.catalogue);
        this.state.preview = null;
        this.state.revision++;
    }

    // ------------------------------------------------------------------
    // View helpers
    // ------------------------------------------------------------------

    get sampleOptions() {
        return [...this.samples.values()];
    }

    get providers() {
        return (this.serverContext && this.serverContext.config.providers) || [];
    }

    providerName(id) {
        const provider = this.providers.find((p) => p.id === id);
        return provider ? provider.name || provider.id : id;
    }

    get decision() {
        return this.state.preview && this.state.preview.decision;
    }

    get chosen() {
        const preview = this.state.preview;
        if (!preview) {
            return null;
        }
        return (
            preview.providers.find((p) => p.provider === preview.decision.provider) ||
            null
        );
    }

    /** The text of the chat bubble: the chosen provider's, else the master text. */
    get bubble() {
        const preview = this.state.preview;
        if (!preview) {
            return null;
        }
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
            catalogue: this.catalogue,
        };
        return decision.trace.map((step) => ({
            code: step.code,
            text: String(traceText(step, helpers)),
            original: step.message,
        }));
    }

    lintLines() {
        return (this.state.lint || []).map((issue) => ({
            ...issue,
            title: lintTitle(issue, this.catalogue),
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

    get currentItem() {
        const preview = this.state.preview;
        if (!preview) {
            return null;
        }
        return (
            preview.providers.find((p) => p.provider === this.state.tab) ||
            preview.providers[0]
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
        return item.error ? describeEngineError(item.error, this.catalogue) : null;
    }

    get canSendTest() {
        return (
            this.isTemplateMode &&
            this.serverContext &&
            this.serverContext.canSend &&
            !this.props.readonly &&
            Boolean(this.currentSample && this.currentSample.partnerId)
        );
    }

    get currentSample() {
        return this.samples.get(this.state.sampleKey) || null;
    }

    // ------------------------------------------------------------------
    // Handlers
    // ------------------------------------------------------------------

    onSampleChange(ev) {
        this.state.sampleKey = ev.target.value;
        this.tabPinned = false;
        this.state.sendResult = null;
        this.refresh();
    }

    async onContactChange(resId) {
        this.state.contactId = resId || false;
        if (!resId) {
            return;
        }
        const sample = await this.ensurePartnerSample(resId);
        if (sample) {
            this.state.sampleKey = sample.key;
            this.state.sendResult = null;
            this.tabPinned = false;
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
        this.tabPinned = false;
        this.refresh();
    }

    selectTab(id) {
        this.state.tab = id;
        this.tabPinned = true;
    }

    onSendTest() {
        const sample = this.currentSample;
        this.dialog.add(ConfirmationDialog, {
            title: _t("Send a test message"),
            body: _t(
                "A real WhatsApp message will be sent to %(name)s by the server, with the saved template and the values shown. Continue?",
                {name: sample.label}
            ),
            confirmLabel: _t("Send"),
            confirm: () => this.sendTest(),
            cancel: () => {},
        });
    }

    async sendTest() {
        const record = this.props.record;
        this.state.sendResult = null;
        this.state.sendError = null;
        if (record.isNew || (await record.isDirty())) {
            const saved = await record.save();
            if (!saved) {
                return;
            }
        }
        this.state.sending = true;
        try {
            this.state.sendResult = await rpc(SEND_ROUTE, {
                template_id: record.resId,
                partner_id: this.currentSample.partnerId,
                values: {...this.state.values},
                force_provider_id: providerRecordId(this.state.forceProvider) || false,
            });
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

export const payloadPreviewField = {
    component: PayloadPreviewField,
    displayName: _t("WhatsApp Payload Preview"),
    supportedTypes: ["text", "char"],
    supportedOptions: [
        {
            label: _t("Template field"),
            name: "template_field",
            type: "field",
            availableTypes: ["many2one"],
            help: _t("Empty: the record is the master template."),
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
    .add("sicantik_whatsapp_payload_preview", payloadPreviewField);
