/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * Pure helpers of the payload preview widget: the same engine inputs the server builds.
 *
 * `engineTemplateFromData` mirrors `sicantik.whatsapp.template.master._engine_template()` and
 * `buildNotification` mirrors `sicantik.whatsapp.dispatcher._notification()` (the recipient part
 * comes from the server). The HttpCase `test_preview_widget` checks the result byte for byte
 * against the server's preview, so a drift here fails a test.
 */

/** `_split_list` of the server: comma-separated, trimmed, empty items dropped. */
export function splitList(text) {
    return (text || "")
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean);
}

/** The id of a many2one value (`[id, name]` in Odoo 18, `{id}` later), or `false`. */
export function m2oId(value) {
    if (!value) {
        return false;
    }
    if (Array.isArray(value)) {
        return value[0] || false;
    }
    if (typeof value === "object") {
        return value.id || false;
    }
    return value;
}

/**
 * The engine `MasterTemplate` of a `sicantik.whatsapp.template.master` record's current values.
 *
 * @param {Record<string, any>} data `record.data`
 */
export function engineTemplateFromData(data) {
    let meta = null;
    if (data.meta_template_name) {
        meta = {
            templateName: data.meta_template_name,
            language: data.meta_language || null,
            paramFormat: data.meta_param_format || "positional",
            bodyParams: splitList(data.meta_body_params),
            headerParam: data.meta_header_param || null,
            buttonIndex: data.meta_button_index || 0,
            status: data.meta_status || null,
        };
    }
    return {
        code: data.code || "",
        name: data.name || "",
        language: data.language || "id",
        body: data.body || "",
        header: data.header || null,
        buttonUrlSuffix: data.button_url_suffix || null,
        params: splitList(data.params),
        appendOptInLink: Boolean(data.append_opt_in_link),
        meta,
        watzap: data.watzap_body ? {body: data.watzap_body} : null,
        fonnte: data.fonnte_body ? {body: data.fonnte_body} : null,
    };
}

/**
 * The engine `Notification` for a sample recipient, as the server's dispatcher builds it: the
 * sample's recipient and default values (`partner_name`, `office_name`), then `values` (null and
 * false are skipped, like the server does).
 *
 * @param {{notification: object}} sample from the server's preview context
 * @param {string} templateCode
 * @param {Record<string, any>} values
 * @param {string|false} [forceProvider] engine provider id
 */
export function buildNotification(sample, templateCode, values, forceProvider) {
    const base = sample.notification;
    const merged = {...(base.values || {})};
    for (const [key, value] of Object.entries(values || {})) {
        if (value === null || value === undefined || value === false) {
            continue;
        }
        // A typed value ({type, value}: a record's date or amount) is the engine's to write;
        // any other object or list is shown as its JSON text.
        const typed =
            typeof value === "object" && !Array.isArray(value) && "type" in value;
        merged[key] =
            typeof value === "object" && !typed ? JSON.stringify(value) : value;
    }
    const notification = {
        template: templateCode,
        recipient: {...base.recipient},
        values: merged,
    };
    if (forceProvider) {
        notification.forceProvider = forceProvider;
    }
    return notification;
}

/**
 * Parse the wizard's "Values (JSON)".
 *
 * @returns {Record<string, any>}
 * @throws {Error} with `code = "values.invalid"`
 */
export function parseValues(text) {
    let values = null;
    try {
        values = JSON.parse(text || "{}");
    } catch (error) {
        const err = new Error(error.message);
        err.code = "values.invalid";
        throw err;
    }
    if (!values || typeof values !== "object" || Array.isArray(values)) {
        const err = new Error(
            'expected an object such as {"permit_number": "503/PBG/2026/0142"}'
        );
        err.code = "values.invalid";
        throw err;
    }
    return values;
}

/** The record id inside an engine provider id (`fonnte-3` → 3). */
export function providerRecordId(engineId) {
    const match = /-(\d+)$/.exec(engineId || "");
    return match ? parseInt(match[1], 10) : false;
}

/** The engine id of a provider record id in a configuration. */
export function providerEngineId(config, recordId) {
    if (!recordId) {
        return false;
    }
    const provider = (config.providers || []).find(
        (p) => providerRecordId(p.id) === recordId
    );
    return provider ? provider.id : false;
}

/**
 * The text fields of a `multipart/form-data` body (Fonnte's, as the engine writes it), or null
 * when it does not read as one: then the body is shown as plain text.
 *
 * @param {string} body
 * @param {string} contentType
 * @returns {[string, string][] | null}
 */
function multipartFields(body, contentType) {
    const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    if (!boundary) {
        return null;
    }
    const parts = body.split(`--${boundary[1] ?? boundary[2]}`);
    const fields = [];
    for (const part of parts.slice(1, -1)) {
        const end = part.indexOf("\r\n\r\n");
        const name = end < 0 ? null : /name="([^"]*)"/i.exec(part.slice(0, end));
        if (!name) {
            return null;
        }
        fields.push([name[1], part.slice(end + 4, -2)]);
    }
    return fields;
}

/**
 * How a request body reads: JSON (pretty), form fields (Fonnte: multipart or url-encoded) or plain
 * text.
 *
 * @param {{headers: Record<string,string>, body: string|null}} request
 * @returns {{kind: "json"|"form"|"text"|"none", pretty?: string, fields?: [string, string][]}}
 */
export function describeBody(request) {
    const body = request && request.body;
    if (body === null || body === undefined || body === "") {
        return {kind: "none"};
    }
    const contentType = Object.entries(request.headers || {}).find(
        ([name]) => name.toLowerCase() === "content-type"
    )?.[1];
    if (contentType && contentType.includes("application/x-www-form-urlencoded")) {
        return {kind: "form", fields: [...new URLSearchParams(body).entries()]};
    }
    const multipart =
        contentType &&
        contentType.startsWith("multipart/form-data") &&
        multipartFields(body, contentType);
    if (multipart) {
        return {kind: "form", fields: multipart};
    }
    try {
        return {kind: "json", pretty: JSON.stringify(JSON.parse(body), null, 2)};
    } catch {
        return {kind: "text"};
    }
}
