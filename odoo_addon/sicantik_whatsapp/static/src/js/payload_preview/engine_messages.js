/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * The engine's codes (`template.missing_param`, `route.skip_no_opt_in`, `meta.param_count`...) are
 * put in words by the engine's own catalogue, which the server sends with the preview context
 * (`catalogue`: `{lang, codes}`, the user's language: Indonesian or English): each sentence is
 * filled from the error's or trace step's structured `args`, never from its words. The engine's
 * English message stays as the technical detail. Only the widget's own codes
 * (`engine.unavailable`, `values.invalid`, `recipient.unavailable`) are translated here.
 */

import {_t} from "@web/core/l10n/translation";

/** The widget's own errors (not the engine's). */
function widgetTitles() {
    return {
        "engine.unavailable": _t(
            "The WhatsApp engine could not be loaded in the browser."
        ),
        "values.invalid": _t("The values are not a valid JSON object."),
        "recipient.unavailable": _t("The recipient could not be read from the server."),
    };
}

/**
 * The catalogue's sentence for `code`, each `{arg}` filled from `args`; `null` when the catalogue
 * (not loaded yet) or the code is missing.
 *
 * @param {{lang: "id"|"en", codes: Record<string, {id: string, en: string}>}|undefined} catalogue
 * @param {string} code
 * @param {Record<string, any>} [args]
 * @returns {string|null}
 */
export function engineSentence(catalogue, code, args = {}) {
    const entry = catalogue && catalogue.codes && catalogue.codes[code];
    if (!entry) {
        return null;
    }
    return entry[catalogue.lang].replace(/\{(\w+)\}/g, (match, name) =>
        args[name] === undefined || args[name] === null || args[name] === ""
            ? match
            : String(args[name])
    );
}

/**
 * The engine error as the widget shows it.
 *
 * @param {any} error an `Error` from the engine (with `code` and `args`) or from the widget
 * @param {object} [catalogue] the preview context's `catalogue`
 * @returns {{code: string, title: string, detail: string}}
 */
export function describeEngineError(error, catalogue) {
    const code = (error && error.code) || "engine.error";
    const detail = (error && (error.message || String(error))) || "";
    const title =
        widgetTitles()[code] ||
        engineSentence(catalogue, code, (error && error.args) || {}) ||
        _t("The WhatsApp engine reported an error (%(code)s).", {code});
    return {code, title: String(title), detail};
}

/**
 * The headline of a lint issue (template errors found while linting use the error codes).
 *
 * @param {{code: string, message: string}} issue
 * @param {object} [catalogue]
 * @returns {string|null} `null` when the code is unknown (the engine's message says it all)
 */
export function lintTitle(issue, catalogue) {
    return engineSentence(catalogue, issue.code, issue.args || {});
}

/**
 * One routing trace step in the user's language: `{provider}` is the profile's name, the other
 * arguments come from the step's `args`; the engine's words for a code the catalogue lacks.
 *
 * @param {{code: string, message: string, provider?: string, args?: object}} step
 * @param {{providerName: (id: string) => string, catalogue?: object}} helpers
 */
export function traceText(step, {providerName, catalogue}) {
    const provider = step.provider ? providerName(step.provider) : "";
    return (
        engineSentence(catalogue, step.code, {...(step.args || {}), provider}) ||
        step.message
    );
}
