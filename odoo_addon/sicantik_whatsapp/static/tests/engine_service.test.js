// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {defineMailModels} from "@mail/../tests/mail_test_helpers";
import {describe, expect, test} from "@odoo/hoot";
import {Deferred} from "@odoo/hoot-mock";
import {
    getService,
    makeMockEnv,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";

import {
    ENGINE_JS_URL,
    ENGINE_WASM_URL,
    engineLoader,
} from "@sicantik_whatsapp/js/engine_service";
import {makeLoaderStub} from "./sicantik_whatsapp_test_helpers";

describe.current.tags("desktop");
defineMailModels();

test("loads the web build lazily, once, with the absolute wasm URL", async () => {
    const fake = makeLoaderStub();
    const importing = new Deferred();
    patchWithCleanup(engineLoader, {
        importModule(url) {
            expect.step(`import ${url}`);
            return importing;
        },
    });
    await makeMockEnv();
    const service = getService("sicantik_whatsapp_engine");
    // Nothing is downloaded before a widget asks.
    expect.verifySteps([]);
    expect(service.isLoaded).toBe(false);
    expect(service.module).toBe(null);

    const first = service.load();
    const second = service.load();
    expect(second).toBe(first);
    importing.resolve(fake.module);
    const mod = await first;
    expect(mod).toBe(fake.module);
    expect(await service.load()).toBe(fake.module);
    expect.verifySteps([`import ${ENGINE_JS_URL}`]);
    expect(fake.calls.init).toEqual([{module_or_path: ENGINE_WASM_URL}]);
    expect(ENGINE_JS_URL).toBe(
        "/sicantik_whatsapp/static/lib/sicantik_whatsapp/sicantik_whatsapp.js"
    );
    expect(ENGINE_WASM_URL).toBe(
        "/sicantik_whatsapp/static/lib/sicantik_whatsapp/sicantik_whatsapp_bg.wasm"
    );
    expect(service.isLoaded).toBe(true);
    expect(service.module).toBe(fake.module);
});

test("missing files (addon built without `make addon`): a clear error, retried later", async () => {
    const fake = makeLoaderStub();
    let fail = true;
    patchWithCleanup(engineLoader, {
        async importModule(url) {
            expect.step("import");
            if (fail) {
                throw new TypeError(
                    `Failed to fetch dynamically imported module: ${url}`
                );
            }
            return fake.module;
        },
    });
    await makeMockEnv();
    const service = getService("sicantik_whatsapp_engine");
    let error = null;
    try {
        await service.load();
    } catch (e) {
        error = e;
    }
    expect(error.code).toBe("engine.unavailable");
    expect(error.name).toBe("EngineUnavailableError");
    expect(error.message).toInclude("make addon");
    expect(error.message).toInclude(ENGINE_JS_URL);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(service.isLoaded).toBe(false);

    // Once the files are there, the next widget loads it.
    fail = false;
    expect(await service.load()).toBe(fake.module);
    expect.verifySteps(["import", "import"]);
});

test("a broken .wasm is reported with its URL", async () => {
    const fake = makeLoaderStub({
        initError: new WebAssembly.CompileError("bad magic"),
    });
    patchWithCleanup(engineLoader, {importModule: async () => fake.module});
    await makeMockEnv();
    let error = null;
    try {
        await getService("sicantik_whatsapp_engine").load();
    } catch (e) {
        error = e;
    }
    expect(error.code).toBe("engine.unavailable");
    expect(error.message).toInclude(ENGINE_WASM_URL);
    expect(error.message).toInclude("bad magic");
});

test("a module that is not the engine's glue is refused", async () => {
    patchWithCleanup(engineLoader, {importModule: async () => ({default: 42})});
    await makeMockEnv();
    let error = null;
    try {
        await getService("sicantik_whatsapp_engine").load();
    } catch (e) {
        error = e;
    }
    expect(error.code).toBe("engine.unavailable");
    expect(error.message).toInclude("is not the WhatsApp engine's web build");
});
