/** @odoo-module **/
// Copyright 2026 DPMPTSP sicantik-whatsapp contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

/**
 * `sicantik_whatsapp_connection_result`: the result of *Test connection*, as a notification that
 * replaces the previous result of the same profile. A failure stays until read (sticky); without
 * this, a stale "Connection failed" would still be on screen after the test that succeeded.
 */

import {registry} from "@web/core/registry";

/** Profile key → closes the notification of that profile's last test. */
export const shownResults = new Map();

export function connectionResultAction(env, action) {
    const params = action.params || {};
    const key = String(params.key || "");
    shownResults.get(key)?.();
    const close = env.services.notification.add(params.message || "", {
        title: params.title,
        type: params.type || "info",
        sticky: Boolean(params.sticky),
        className: "o_sicantik_whatsapp_connection_result",
        onClose: () => {
            if (shownResults.get(key) === close) {
                shownResults.delete(key);
            }
        },
    });
    shownResults.set(key, close);
    return params.next;
}

registry
    .category("actions")
    .add("sicantik_whatsapp_connection_result", connectionResultAction);
