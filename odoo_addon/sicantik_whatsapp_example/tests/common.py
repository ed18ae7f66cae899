# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared set-up of the permit tests (test_composer*.py): permits of the example model, the
composer on them, and the outbox drained against a ``FakeTransport``."""

from odoo.addons.sicantik_whatsapp.tests.common import SicantikWhatsappCommon, fonnte_ok, meta_ok

PERMIT = "sicantik.whatsapp.example.permit"
PERMIT_ACTION = "sicantik_whatsapp_example.sicantik_whatsapp_example_permit_action"


class PermitCommon(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_ready = cls.env.ref("sicantik_whatsapp.template_permit_ready")
        cls.template_reminder = cls.env.ref("sicantik_whatsapp.template_permit_reminder")
        # Demo rules (when installed with demo data) would fire on the test's writes.
        cls.env["base.automation"].search([("model_id.model", "=", PERMIT)]).write(
            {"active": False}
        )
        cls.Permit = cls.env[PERMIT]
        cls.no_partner = cls.env["res.partner"]

    @classmethod
    def permit(cls, partner, number, **vals):
        return cls.Permit.create(
            dict(
                {
                    "partner_id": partner.id if partner else False,
                    "name": number,
                    "permit_type": "pbg",
                },
                **vals,
            )
        )

    def composer(self, permits):
        return (
            self.env["sicantik.whatsapp.composer"]
            .with_context(active_model=PERMIT, active_ids=permits.ids)
            .create({"template_id": self.template_ready.id})
        )

    def drain(self, handler=None):
        """Run the outbox cron until nothing is ready; returns the fake transport."""
        with self.mock_transport(handler=handler or _accept) as fake:
            for _i in range(50):
                before = self.env["sicantik.whatsapp.message"].search_count(
                    [("state", "in", ("queued", "deferred"))]
                )
                if not before:
                    break
                self.outbox._cron_process_outbox(batch_size=500)
        return fake


def _accept(request):
    return (
        meta_ok(f"wamid.{abs(hash(request['body']))}")
        if "graph" in request["url"]
        else fonnte_ok("1")
    )
