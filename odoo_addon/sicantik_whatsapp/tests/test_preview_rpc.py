# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The preview widget's two model methods, called over JSON-RPC as the browser does
(``orm.call``), by each role: the context and the test send check the caller's rights before
anything is read with ``sudo()``, and the browser never gets a secret."""

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from ..engine.host import get_engine
from .common import SECRETS, fonnte_ok
from .roles import SicantikWhatsappRolesCommon

TEMPLATE = "sicantik.whatsapp.template.master"


@tagged("post_install", "-at_install")
class TestPreviewRpc(HttpCase, SicantikWhatsappRolesCommon):
    def setUp(self):
        super().setUp()
        self.template = self.env.ref("sicantik_whatsapp.template_permit_ready")

    def login(self, role):
        self.authenticate(f"wa_role_{role}", f"wa_role_{role}")

    def call(self, method, ids, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": TEMPLATE, "method": method, "args": [ids], "kwargs": kwargs},
        )

    def assertRefused(self, method, ids, **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self.call(method, ids, **kwargs)
        self.assertRegex(str(caught.exception), r"^odoo\.exceptions\.(AccessError|UserError)$")

    def test_context_masks_every_secret(self):
        """The engine masks (``maskConfig``): every secret credential is its mask in the answer,
        the public identifiers stay, and no secret is anywhere in it."""
        self.login("wa_user")
        context = self.call(
            "sicantik_preview_context", [self.template.id], partner_ids=[self.partner_gateway.id]
        )
        self.assertNoSecret(context, "preview context over RPC")
        mask = get_engine().catalogue()["defaults"]["secretMask"]
        credentials = {p["id"]: p["credentials"] for p in context["config"]["providers"]}
        self.assertEqual(credentials[self.fonnte._engine_id()], {"token": mask})
        self.assertEqual(credentials[self.watzap._engine_id()], {"apiKey": mask, "numberKey": mask})
        self.assertEqual(credentials[self.meta._engine_id()]["accessToken"], mask)
        self.assertEqual(credentials[self.meta._engine_id()]["phoneNumberId"], "100000000000001")
        self.assertEqual(context["templateCode"], "permit_ready")
        self.assertIn(f"partner_{self.partner_gateway.id}", [s["key"] for s in context["samples"]])

    @mute_logger("odoo.http", "odoo.models")
    def test_roles_without_the_right_are_refused(self):
        """A portal user and an internal user without WhatsApp are refused both methods; another
        company's manager cannot read or send to this company's citizen."""
        with self.mock_transport(responses=[fonnte_ok()]) as fake:
            for role in ("portal", "internal"):
                with self.subTest(role=role):
                    self.login(role)
                    self.assertRefused("sicantik_preview_context", [self.template.id])
                    self.assertRefused("sicantik_preview_context", [])
                    self.assertRefused(
                        "sicantik_preview_send",
                        [self.template.id],
                        partner_id=self.partner_gateway.id,
                        values=self.permit_values,
                    )
            self.login("manager_b")
            self.assertRefused(
                "sicantik_preview_context",
                [self.template.id],
                partner_ids=[self.partner_gateway.id],
            )
            self.assertRefused(
                "sicantik_preview_send",
                [self.template.id],
                partner_id=self.partner_gateway.id,
                values=self.permit_values,
            )
            # A user may not send to another company's citizen either.
            self.login("wa_user")
            self.assertRefused(
                "sicantik_preview_send",
                [self.template.id],
                partner_id=self.partner_b.id,
                values=self.permit_values,
            )
        self.assertFalse(fake.requests)
        self.assertFalse(
            self.env["sicantik.whatsapp.message"].search(
                [("partner_id", "in", (self.partner_gateway | self.partner_b).ids)]
            )
        )

    def test_send_goes_through_the_server_dispatcher(self):
        """The browser names a template, a contact and values; the server builds and sends the
        request with its real credentials and logs the message."""
        self.login("wa_user")
        with self.mock_transport(responses=[fonnte_ok("777")]) as fake:
            result = self.call(
                "sicantik_preview_send",
                [self.template.id],
                partner_id=self.partner_gateway.id,
                values=self.permit_values,
            )
        self.assertEqual(result["state"], "sent")
        self.assertEqual(result["provider"], "Fonnte DPMPTSP")
        self.assertEqual(result["providerMessageId"], "777")
        self.assertEqual([a["classification"] for a in result["attempts"]], ["accepted"])
        self.assertNoSecret(result, "send answer")
        self.assertEqual(len(fake.requests), 1)
        self.assertEqual(fake.requests[0]["headers"]["Authorization"], SECRETS["token"])
        message = self.env["sicantik.whatsapp.message"].browse(result["messageId"])
        self.assertEqual(message.partner_id, self.partner_gateway)

    def test_send_forced_provider(self):
        self.login("manager")
        with self.mock_transport(
            handler=lambda request: {
                "status": 200,
                "headers": {},
                "body": '{"status":"200","message":"Successfully","data":{"message_id":"wz-1"}}',
            }
        ) as fake:
            result = self.call(
                "sicantik_preview_send",
                [self.template.id],
                partner_id=self.partner_opted_in.id,
                values=self.permit_values,
                force_provider_id=self.watzap.id,
            )
        self.assertEqual(len(fake.requests), 1)
        self.assertIn("watzap.test", fake.requests[0]["url"])
        self.assertEqual(result["provider"], "Watzap DPMPTSP")

    @mute_logger("odoo.http")
    def test_send_refuses_bad_input(self):
        self.login("manager")
        ok = {"partner_id": self.partner_gateway.id}
        with self.mock_transport() as fake:
            for ids, kwargs in (
                ([self.template.id], {"partner_id": 0}),
                ([], ok),
                ([self.template.id], dict(ok, values={"a": {"url": "x"}})),
                ([self.template.id], dict(ok, values=["a"])),
                ([self.template.id], {"partner_id": [1]}),
            ):
                with self.subTest(ids=ids, kwargs=kwargs):
                    self.assertRefused("sicantik_preview_send", ids, **kwargs)
        self.assertFalse(fake.requests)

    @mute_logger("odoo.http")
    def test_unsaved_mapping_reaches_the_record_sample(self):
        """The form's unsaved mapping rows map the preview record's values, for a user who may
        edit the template (a path read with sudo is a manager's choice)."""
        template = self.env[TEMPLATE].create(
            {
                "code": "partner_card_rpc",
                "name": "Kartu",
                "body": "Yth. {{partner_name}}, kode {{ref_no}}.",
                "model_id": self.env.ref("base.model_res_partner").id,
            }
        )
        template.mapping_ids.filtered(lambda m: m.param == "ref_no").field_path = "ref"
        self.partner_gateway.ref = "KW-001"
        rows = [
            {"param": m.param, "kind": m.kind, "field_path": m.field_path or False}
            for m in template.mapping_ids
        ]
        unsaved = [
            dict(row, kind="fixed", fixed_value="KW-UNSAVED") if row["param"] == "ref_no" else row
            for row in rows
        ]
        ref = f"res.partner,{self.partner_gateway.id}"
        self.login("manager")
        context = self.call(
            "sicantik_preview_context", [template.id], preview_record=ref, mappings=unsaved
        )
        sample = context["samples"][-1]
        self.assertEqual(sample["key"], "record:" + ref)
        self.assertEqual(sample["notification"]["values"]["ref_no"], "KW-UNSAVED")
        saved = self.call("sicantik_preview_context", [template.id], preview_record=ref)
        self.assertEqual(saved["samples"][-1]["notification"]["values"]["ref_no"], "KW-001")
        self.assertEqual(template.mapping_ids.mapped("kind").count("fixed"), 0, "nothing saved")
        self.assertRefused(
            "sicantik_preview_context",
            [template.id],
            preview_record=ref,
            mappings=[{"param": "ref_no", "kind": "field", "field_path": {"x": 1}}],
        )
        # A user who may not edit the template previews its saved mapping.
        self.login("wa_user")
        context = self.call(
            "sicantik_preview_context", [template.id], preview_record=ref, mappings=unsaved
        )
        self.assertEqual(context["samples"][-1]["notification"]["values"]["ref_no"], "KW-001")
