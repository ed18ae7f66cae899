/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * The sicantik-whatsapp engine in the web client.
 *
 * `make addon` copies the engine's wasm-bindgen `--target web` build into
 * `static/lib/sicantik_whatsapp/` (generated, not committed; Odoo does not transpile `static/lib`).
 * This service loads it lazily and once per page: a memoized dynamic `import()` of the glue, then
 * its `init({module_or_path})` with the absolute URL of the `.wasm`. Widgets `await load()` in
 * `onWillStart` and get the module: `Engine`, `lintTemplate`, `normalizePhone`,
 * `version`.
 *
 * The engine only computes (sans-IO): the widgets give it a configuration whose credentials the
 * server has masked, so nothing secret is ever in the browser.
 */

import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

export const ENGINE_DIR = "/sicantik_whatsapp/static/lib/sicantik_whatsapp";
export const ENGINE_JS_URL = `${ENGINE_DIR}/sicantik_whatsapp.js`;
export const ENGINE_WASM_URL = `${ENGINE_DIR}/sicantik_whatsapp_bg.wasm`;

/**
 * How the glue module is imported. Exported so tests can replace it (`patchWithCleanup`), as
 * `@web/core/assets` does with `assets`.
 */
export const engineLoader = {
    importModule(url) {
        return import(url);
    },
};

/** The engine cannot be loaded in this browser (files missing, broken or blocked). */
export class EngineUnavailableError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = "EngineUnavailableError";
        this.code = "engine.unavailable";
    }
}

async function importEngine() {
    let mod = null;
    try {
        mod = await engineLoader.importModule(ENGINE_JS_URL);
    } catch (error) {
        throw new EngineUnavailableError(
            _t(
                "The WhatsApp engine's web build cannot be loaded from %(url)s. The addon was probably installed without it: build it with “make addon” (it copies the engine into static/lib/sicantik_whatsapp/), or install the packaged addon zip, then reload the page.",
                {url: ENGINE_JS_URL}
            ),
            {cause: error}
        );
    }
    if (typeof mod?.default !== "function" || typeof mod.Engine !== "function") {
        throw new EngineUnavailableError(
            _t(
                "%(url)s is not the WhatsApp engine's web build. Rebuild the addon with “make addon” and reload the page.",
                {url: ENGINE_JS_URL}
            )
        );
    }
    try {
        await mod.default({module_or_path: ENGINE_WASM_URL});
    } catch (error) {
        throw new EngineUnavailableError(
            _t(
                "The WhatsApp engine (%(url)s) cannot be started in this browser: %(reason)s. Rebuild the addon with “make addon” and reload the page.",
                {url: ENGINE_WASM_URL, reason: error?.message || String(error)}
            ),
            {cause: error}
        );
    }
    return mod;
}

export const sicantikWhatsappEngineService = {
    start() {
        let loading = null;
        let engineModule = null;
        return {
            /**
             * The initialized engine module. The first call starts the download; every later call
             * (concurrent or not) gets the same promise. After a failure the next call tries
             * again (e.g. once the files are in place).
             *
             * @returns {Promise<object>}
             */
            load() {
                if (!loading) {
                    loading = importEngine().then(
                        (mod) => (engineModule = mod),
                        (error) => {
                            loading = null;
                            throw error;
                        }
                    );
                }
                return loading;
            },
            /** The module once loaded, else `null`. */
            get module() {
                return engineModule;
            },
            get isLoaded() {
                return engineModule !== null;
            },
        };
    },
};

registry
    .category("services")
    .add("sicantik_whatsapp_engine", sicantikWhatsappEngineService);
