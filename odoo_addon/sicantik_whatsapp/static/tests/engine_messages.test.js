// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {defineMailModels} from "@mail/../tests/mail_test_helpers";
import {describe, expect, test} from "@odoo/hoot";
import {makeMockEnv} from "@web/../tests/web_test_helpers";

import {describeEngineError} from "@sicantik_whatsapp/js/payload_preview/engine_messages";
import {loadEngineCatalogue, makeServerContext} from "./sicantik_whatsapp_test_helpers";

describe.current.tags("desktop");
defineMailModels();

test("a code the catalogue does not have yet: a generic sentence with the code", async () => {
    await makeMockEnv(); // (the widget's own sentences need the translations loaded)
    await loadEngineCatalogue();
    const catalogue = makeServerContext().catalogue;
    expect(
        describeEngineError(
            {code: "engine.future", message: "something new"},
            catalogue
        ).title
    ).toBe("The WhatsApp engine reported an error (engine.future).");
});
