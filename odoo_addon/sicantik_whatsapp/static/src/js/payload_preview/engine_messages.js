/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * The engine speaks English and stable codes (`template.missing_param`, `meta.param_count`,
 * `route.skip_no_opt_in`...). The web client shows a translatable sentence per code (Indonesian
 * for Indonesian users, through `_t` and `i18n/id.po`) and keeps the engine's English message as
 * the technical detail. Unknown codes fall back to the engine's message.
 */

import { _t } from "@web/core/l10n/translation";

/** Errors: `Error.code` of the engine, plus the widget's own (`engine.unavailable`,
 * `values.invalid`, `recipient.unavailable`). */
function errorTitles() {
    return {
        "phone.invalid": _t("The recipient's phone number is not valid."),
        "phone.trunk_zero_doubled": _t(
            "The recipient's phone number starts with two zeros: an Indonesian mobile starts with one 0 (08…)."
        ),
        "template.unknown": _t("The engine does not know this template (is it saved and active?)."),
        "template.missing_param": _t("A placeholder of the template has no value."),
        "template.unknown_placeholder": _t(
            "The text uses a placeholder that is not among the template's parameters."
        ),
        "template.malformed": _t("A {{placeholder}} of the template is not written correctly."),
        "template.empty": _t("The message text is empty."),
        "template.mapping": _t("A provider mapping of the template does not fit the template."),
        "config.invalid": _t("The WhatsApp configuration is not valid."),
        "provider.unknown": _t("The chosen provider is not known to the engine."),
        "provider.unsupported": _t("This provider cannot carry this message."),
        "input.invalid": _t("The data given to the engine does not have the expected shape."),
        "dispatch.state": _t("The sending steps were run out of order."),
        "meta.header_too_long": _t("The header is too long for Meta."),
        "engine.unavailable": _t("The WhatsApp engine could not be loaded in the browser."),
        "values.invalid": _t("The values are not a valid JSON object."),
        "recipient.unavailable": _t("The recipient could not be read from the server."),
    };
}

/** Meta lint issues (`LintIssue.code`). */
function lintTitles() {
    return {
        "meta.template_invalid": _t("The template cannot be sent as a Meta template."),
        "meta.body_too_long": _t("The message is too long for Meta."),
        "meta.too_many_params": _t("The body has many parameters: Meta approval is unlikely."),
        "meta.param_sanitized": _t(
            "A value contains line breaks, tabs or many spaces: Meta gets them replaced by one space."
        ),
        "meta.template_name": _t("The Meta template name is not valid."),
        "meta.header_params": _t("The header may have only one placeholder."),
        "meta.header_too_long": _t("The header is too long for Meta."),
        "meta.param_count": _t("The Meta parameters do not match the body's placeholders."),
        "meta.param_order": _t("The order of the Meta parameters is ambiguous."),
        "meta.param_adjacent": _t(
            "A placeholder is at the start or end of the body, or next to another one: Meta may reject the template."
        ),
        "meta.param_name": _t("A placeholder cannot be used as a named Meta parameter."),
    };
}

/**
 * The engine error as the widget shows it.
 *
 * @param {any} error an `Error` from the engine (with `code`) or from the widget
 * @returns {{code: string, title: string, detail: string}}
 */
export function describeEngineError(error) {
    const code = (error && error.code) || "engine.error";
    const detail = (error && (error.message || String(error))) || "";
    const title =
        errorTitles()[code] ||
        _t("The WhatsApp engine reported an error (%(code)s).", { code });
    return { code, title: String(title), detail };
}

/**
 * The sentence of a lint issue (template errors found while linting use the error codes).
 *
 * @param {{code: string, message: string}} issue
 * @returns {string|null} `null` when the code is unknown (the engine's message says it all)
 */
export function lintTitle(issue) {
    const title = lintTitles()[issue.code] || errorTitles()[issue.code];
    return title ? String(title) : null;
}

/**
 * One routing trace step in the user's language.
 *
 * @param {{code: string, message: string, provider?: string}} step
 * @param {{providerName: (id: string) => string, chain: string[]}} helpers
 */
export function traceText(step, { providerName, chain }) {
    const provider = step.provider ? providerName(step.provider) : "";
    switch (step.code) {
        case "route.opted_out":
            return _t("The recipient asked not to receive WhatsApp messages: nothing is sent.");
        case "route.forced":
            return _t("%(provider)s was forced by the sender; no other provider is tried.", {
                provider,
            });
        case "route.forced_not_configured":
            return _t(
                "%(provider)s is not marked as configured but is used because it was forced.",
                { provider }
            );
        case "route.forced_without_opt_in":
            return _t(
                "Meta is used although the recipient has not opted in, because it was forced."
            );
        case "route.default":
            return _t("%(provider)s is the default provider.", { provider });
        case "route.default_meta":
            return _t("No default provider is set: Meta is tried first.");
        case "route.skip_not_configured":
            return _t("%(provider)s skipped: its profile is not marked as configured.", {
                provider,
            });
        case "route.skip_no_opt_in":
            return _t(
                "%(provider)s skipped: the recipient has not opted in to official WhatsApp messages.",
                { provider }
            );
        case "route.skip_no_meta_template":
            return _t("%(provider)s skipped: the template has no Meta template mapping.", {
                provider,
            });
        case "route.skip_meta_not_approved":
            return _t("%(provider)s skipped: the Meta template is not approved.", { provider });
        case "route.skip_meta_lint":
            return _t("%(provider)s skipped: this template breaks Meta's rules (see the lint warnings).", {
                provider,
            });
        case "route.selected":
            return _t("%(provider)s is used first.", { provider });
        case "route.fallback":
            return _t(
                "%(provider)s is fallback number %(number)s if the previous one is unavailable.",
                { provider, number: Math.max(chain.indexOf(step.provider), 1) }
            );
        case "route.no_provider":
            return _t(
                "No provider is eligible for this recipient and template: nothing can be sent."
            );
        case "route.opt_in_link":
            return _t("The invitation to opt in to official WhatsApp messages is appended.");
        case "route.opt_in_link_missing":
            return _t("No opt-in link is configured, so no invitation is appended.");
        case "route.opt_in_link_not_for_template":
            return _t("This template does not carry the opt-in invitation.");
        default:
            return step.message;
    }
}
