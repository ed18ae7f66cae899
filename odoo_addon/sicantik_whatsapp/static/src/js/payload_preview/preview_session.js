/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * What both preview field wrappers share: the engine's web build, the server's preview context
 * (masked configuration, sample recipients, the catalogue) and one engine per configuration.
 * No OWL state and no record here: the wrappers read their record and give plain inputs.
 *
 * The context comes from the template model's `sicantik_preview_context` (an `orm.call`, the
 * server checks the caller's rights before reading anything); credentials are masked by the
 * engine on the server (`maskConfig`), so nothing secret is ever in the browser.
 */

import {onWillUnmount} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {useService} from "@web/core/utils/hooks";
import {describeEngineError} from "./engine_messages";
import {buildNotification} from "./preview_utils";

export const TEMPLATE_MODEL = "sicantik.whatsapp.template.master";
export const CONTEXT_METHOD = "sicantik_preview_context";
export const SEND_METHOD = "sicantik_preview_send";

export class PreviewSession {
    constructor({engineService, orm}) {
        this.engineService = engineService;
        this.orm = orm;
        /** @type {Map<string, object>} sample recipients by key */
        this.samples = new Map();
        this.context = null;
        this.mod = null;
        this.engine = null;
        this.engineKey = null;
    }

    /** Load the engine and the first context; a failure is the widget's `engine.unavailable`. */
    async start(templateId, partnerIds = []) {
        try {
            const [mod] = await Promise.all([
                this.engineService.load(),
                this.fetch(templateId, {partnerIds}),
            ]);
            this.mod = mod;
        } catch (error) {
            throw describeEngineError(
                error.code === "engine.unavailable"
                    ? error
                    : {
                          code: "engine.unavailable",
                          message:
                              error.data?.message || error.message || String(error),
                      }
            );
        }
    }

    /**
     * Ask the server for a context: the samples of `partnerIds`, and with `previewRecord`
     * (`"model,id"`) that record's sample, its values mapped by `mappings` (the form's rows,
     * saved or not) when given.
     */
    async fetch(
        templateId,
        {partnerIds = [], previewRecord = false, mappings = null} = {}
    ) {
        const kwargs = {partner_ids: partnerIds};
        if (previewRecord && templateId) {
            kwargs.preview_record = previewRecord;
            if (mappings) {
                kwargs.mappings = mappings;
            }
        }
        const context = await this.orm.call(
            TEMPLATE_MODEL,
            CONTEXT_METHOD,
            [templateId ? [templateId] : []],
            kwargs
        );
        this.context ||= context;
        for (const sample of context.samples) {
            this.samples.set(sample.key, sample);
        }
        return context;
    }

    async partnerSample(templateId, partnerId) {
        const key = `partner_${partnerId}`;
        if (!this.samples.has(key)) {
            await this.fetch(templateId, {partnerIds: [partnerId]});
        }
        return this.samples.get(key);
    }

    /** The engine's catalogue from the server (sentences in the user's language). */
    get catalogue() {
        return this.context && this.context.catalogue;
    }

    get config() {
        return this.context.config;
    }

    get providers() {
        return (this.context && this.context.config.providers) || [];
    }

    templateCode(templateId) {
        const found = (this.context.templates || []).find((t) => t.id === templateId);
        return found ? found.code : false;
    }

    /** A value nobody typed: the sample's, the server's sample catalogue's, else an example. */
    defaultValue(name, sample) {
        const base = (sample && sample.notification.values) || {};
        if (name in base) {
            return base[name];
        }
        const catalog = this.context.sampleValues || {};
        return name in catalog ? catalog[name] : `contoh ${name}`;
    }

    getEngine(config) {
        const key = JSON.stringify(config);
        if (this.engineKey !== key) {
            this.free();
            this.engine = new this.mod.Engine(config);
            this.engineKey = key;
        }
        return this.engine;
    }

    free() {
        if (this.engine) {
            this.engine.free?.();
            this.engine = null;
            this.engineKey = null;
        }
    }

    /** The names a form asks values for, from the engine's `describeTemplate` (never a regex). */
    paramNames(config, template) {
        const {params} = this.getEngine(config).call("describeTemplate", {template});
        return params.filter((param) => param.ask).map((param) => param.name);
    }

    safeLint(template) {
        try {
            return this.mod.lintTemplate(template);
        } catch {
            return [];
        }
    }

    /**
     * The engine's preview for `sample`: `{hint, error, preview, lint}`. On an engine error the
     * template's own lint (`lintTarget`, the whole template) is still shown.
     */
    run({config, templateCode, sample, values, forceProvider, lintTarget}) {
        const result = {hint: null, error: null, preview: null, lint: []};
        if (!templateCode || !sample) {
            result.hint = _t("Choose a recipient and a template to see the preview.");
            return result;
        }
        const notification = buildNotification(
            sample,
            templateCode,
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
        return result;
    }

    /** An error of the widget's own (`recipient.unavailable`, `values.invalid`) in words. */
    describe(error) {
        return describeEngineError(error, this.catalogue);
    }
}

/** A session for a component: the engine it holds is freed when the component goes. */
export function usePreviewSession() {
    const session = new PreviewSession({
        engineService: useService("sicantik_whatsapp_engine"),
        orm: useService("orm"),
    });
    onWillUnmount(() => session.free());
    return session;
}
