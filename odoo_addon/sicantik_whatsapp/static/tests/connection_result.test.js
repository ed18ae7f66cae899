// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {defineMailModels} from "@mail/../tests/mail_test_helpers";
import {describe, expect, test} from "@odoo/hoot";
import {animationFrame} from "@odoo/hoot-mock";
import {getService, mountWithCleanup} from "@web/../tests/web_test_helpers";
import {WebClient} from "@web/webclient/webclient";

import "@sicantik_whatsapp/js/connection_result";

describe.current.tags("desktop");
defineMailModels();

const NOTIFICATION = ".o_notification_manager .o_notification";

function testResult(key, ok) {
    return getService("action").doAction({
        type: "ir.actions.client",
        tag: "sicantik_whatsapp_connection_result",
        params: {
            key,
            title: ok ? "Koneksi berhasil" : "Koneksi gagal",
            message: ok ? "Perangkat tersambung" : "invalid token",
            type: ok ? "success" : "danger",
            sticky: !ok,
        },
    });
}

test("a successful test replaces the stale failure of the same profile, not another's", async () => {
    await mountWithCleanup(WebClient);
    await testResult("provider-1", false);
    await testResult("provider-2", false);
    await animationFrame();
    expect(NOTIFICATION).toHaveCount(2);

    await testResult("provider-1", true);
    await animationFrame();
    // provider-1: only the new result; provider-2's failure still stands.
    expect(NOTIFICATION).toHaveCount(2);
    const titles = [
        ...document.querySelectorAll(`${NOTIFICATION} .o_notification_title`),
    ].map((el) => el.textContent);
    expect(titles.sort()).toEqual(["Koneksi berhasil", "Koneksi gagal"]);
    const contents = [
        ...document.querySelectorAll(`${NOTIFICATION} .o_notification_content`),
    ].map((el) => el.textContent);
    expect(contents.sort()).toEqual(["Perangkat tersambung", "invalid token"]);
});

test("a failure after a failure of the same profile shows one notification", async () => {
    await mountWithCleanup(WebClient);
    await testResult("provider-7", false);
    await testResult("provider-7", false);
    await animationFrame();
    expect(NOTIFICATION).toHaveCount(1);
});
